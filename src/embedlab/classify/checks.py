"""Range and finiteness checks of a classifier's numeric options, where they enter.

A learning rate of ``nan``, ``inf``, ``1e30``, ``0`` or ``-1`` used to be
accepted and trained to a NaN or useless model that was saved with exit code
0. Every numeric option of `TextClassifier` and its `fit` is checked here
against one table of rules, so the message always names the argument and
the value received, in the style ``"`dropout` must be in [0, 1). Received:
dropout=1.5"``.
"""

from __future__ import annotations

import math
import numbers
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from embedlab.data import Label
from embedlab.errors import DataError, ModelConfigError

LEARNING_RATE_MAX = 100.0
"""Largest learning rate accepted: Adadelta's default is 1.0 (Kim 2014); above
100 every optimizer here diverges on embeddings."""

_Rule = tuple[str, Callable[[float], bool], bool]  # (range words, test, integers only)

POSITIVE_INTEGER: _Rule = ("a positive integer", lambda v: v >= 1, True)
NON_NEGATIVE_INTEGER: _Rule = ("an integer >= 0", lambda v: v >= 0, True)
AT_LEAST_TWO: _Rule = ("an integer >= 2", lambda v: v >= 2, True)
POSITIVE_NUMBER: _Rule = ("a positive number", lambda v: v > 0, False)

RULES: dict[str, _Rule] = {
    "learning_rate": (
        f"a number in (0, {LEARNING_RATE_MAX:g}]",
        lambda v: 0 < v <= LEARNING_RATE_MAX,
        False,
    ),
    "dropout": ("in [0, 1)", lambda v: 0 <= v < 1, False),
    "threshold": ("in (0, 1)", lambda v: 0 < v < 1, False),
    "validation_split": ("a fraction in (0, 1)", lambda v: 0 < v < 1, False),
    "max_norm": POSITIVE_NUMBER,
    "embedding_scale": POSITIVE_NUMBER,
    **dict.fromkeys(
        (
            "epochs",
            "batch_size",
            "units",
            "layers",
            "embedding_dim",
            "maxlen",
            "ngram_buckets",
            "num_filters",
        ),
        POSITIVE_INTEGER,
    ),
    **dict.fromkeys(("num_words", "ngrams"), AT_LEAST_TWO),
    **dict.fromkeys(("pretrained_vocab", "patience", "seed"), NON_NEGATIVE_INTEGER),
}


def check_numbers(**values: Any) -> None:
    """Check each named numeric option against `RULES`; None means "the default".

    Args:
        **values: option name -> value; every name must be a key of `RULES`.

    Raises:
        ModelConfigError: for a value that is not a number (bools included),
            not finite, not an integer where one is needed, or out of range.

    Example:
        >>> check_numbers(learning_rate=1e-3, dropout=0.5)
        >>> check_numbers(learning_rate=float("nan"))  # ModelConfigError:
        ... # `learning_rate` must be a number in (0, 100]. Received: learning_rate=nan
    """
    for name, value in values.items():
        if value is None:
            continue
        words, test, integer = RULES[name]
        kind = numbers.Integral if integer else numbers.Real
        number = not isinstance(value, bool) and isinstance(value, kind)
        if not (number and math.isfinite(values[name]) and test(values[name])):
            raise ModelConfigError(f"`{name}` must be {words}. Received: {name}={value!r}")


NUMERIC_OPTIONS: frozenset[str] = frozenset(RULES) - {"epochs", "validation_split", "patience"}
"""The `RULES` that are `TextClassifier` constructor arguments (the rest are `fit`'s)."""

MIN_DEV_FOR_PATIENCE = 10
"""Fewer dev texts than this make early stopping follow noise: a warning says so."""


def check_fit_arguments(
    *,
    epochs: int | None,
    validation_data: Any,
    validation_split: float | None,
    patience: int | None,
    monitor: str,
    class_weight: Any,
    multi_label: bool,
    threshold: float,
    default_threshold: float,
) -> None:
    """Refuse `fit` options that contradict each other or would do nothing for this data.

    Args:
        epochs, validation_data, validation_split, patience, monitor,
            class_weight: `TextClassifier.fit`'s.
        multi_label: bool. Whether the labels are sets of labels.
        threshold: float. The classifier's `threshold`.
        default_threshold: float. Its default (a non-default one on
            single-label data would be stored and never used).

    Raises:
        ModelConfigError: naming the option.
    """
    from embedlab.classify.training import MONITORS

    if epochs is not None and epochs < 1:
        raise ModelConfigError(f"`epochs` must be a positive integer. Received: epochs={epochs}")
    if validation_data is not None and validation_split is not None:
        raise ModelConfigError("Give `validation_data` or `validation_split`, not both.")
    if patience is not None and validation_data is None and validation_split is None:
        raise ModelConfigError(
            "`patience` needs dev data to watch: pass `validation_split` (e.g. 0.1) "
            "or `validation_data`."
        )
    if monitor not in MONITORS:
        raise ModelConfigError(
            f"`monitor` must be one of {MONITORS}. Received: monitor={monitor!r}"
        )
    if multi_label and class_weight is not None:
        raise ModelConfigError(
            "`class_weight` is for single-label data; multi-label training does not "
            "take it. Leave it out."
        )
    if not multi_label and threshold != default_threshold:
        raise ModelConfigError(
            "`threshold` applies to multi-label data (several labels per text); these "
            f"labels are one per text, so it would do nothing. Received: threshold={threshold}. "
            "Leave it out, or give the labels as lists (`label_separator`)."
        )


def check_dev_split(*, patience: int | None, n_train: int, n_dev: int) -> None:
    """Refuse a dev split larger than what is left to train on; warn of a tiny one.

    Args:
        patience: int or None. Early stopping's patience (nothing to check without).
        n_train: int. Texts the model is fitted on. n_dev: int. Dev texts.

    Raises:
        ModelConfigError: `patience` with more dev texts than training texts.

    Warns:
        UserWarning: `patience` with fewer than `MIN_DEV_FOR_PATIENCE` dev texts.
    """
    if patience is None or not n_dev:
        return
    if n_dev > n_train:
        raise ModelConfigError(
            f"The dev split holds out {n_dev} texts and leaves {n_train} for training: "
            "lower `validation_split` (0.1 is usual)."
        )
    if n_dev < MIN_DEV_FOR_PATIENCE:
        import warnings

        warnings.warn(
            f"Early stopping watches only {n_dev} dev texts; `patience` will follow noise. "
            "Give more data or a larger `validation_split`.",
            UserWarning,
            stacklevel=3,
        )


def label_counts(labels: Sequence[Label]) -> Counter[str]:
    """How many texts carry each label (a multi-label text counts once per label)."""
    from embedlab.data import label_set

    return Counter(name for label in labels for name in label_set(label))


def check_labels_seen(train: Sequence[Label], test: Sequence[Label], *, where: str) -> None:
    """Refuse, before training, test labels that the training part never has.

    Args:
        train: the training labels. test: the labels scored against them.
        where: str. Names the test part in the message ("`test`", "fold 3 of 5").

    Raises:
        DataError: naming the unseen labels, their counts in the test part and
            the labels training has.
    """
    seen = label_counts(train)
    unseen = {name: n for name, n in sorted(label_counts(test).items()) if name not in seen}
    if unseen:
        shown = ", ".join(f"{name!r} ({n} texts)" for name, n in list(unseen.items())[:10])
        raise DataError(
            f"Labels of {where} that training never sees: {shown}. Training has "
            f"{dict(sorted(seen.items()))}. A classifier cannot predict a label it was not "
            "trained on: add such texts to the training data or drop them from the test data."
        )


def check_folds(labels: Sequence[Label], folds: int) -> None:
    """Refuse a cross-validation where some class has fewer texts than `folds`.

    With fewer, some folds test the class with none of it left to train on,
    and others never test it at all.

    Raises:
        DataError: naming each such class and its count.
    """
    few = {name: n for name, n in sorted(label_counts(labels).items()) if n < folds}
    if few:
        shown = ", ".join(f"{name!r} has {n}" for name, n in few.items())
        raise DataError(
            f"{folds} folds need at least {folds} texts of every class; {shown}. Lower "
            f"`folds` to {max(2, min(few.values()))} or fewer, or add texts of those classes "
            "(or merge or drop them)."
        )
