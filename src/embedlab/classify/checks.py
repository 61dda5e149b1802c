"""Range and finiteness checks of a classifier's numeric options, where they enter.

A learning rate of ``nan``, ``inf``, ``1e30``, ``0`` or ``-1`` used to be
accepted and trained to a NaN or useless model that was saved with exit code
0. Every numeric option of `TextClassifier` and its `fit` is checked here
against one table of rules, so the message always names the argument and
the value received, in the style ``"`dropout` must be in [0, 1). Received:
dropout=1.5"``. `check_options` checks the constructor's other arguments
(names, choices, contradicting combinations), `check_fit_arguments` and
`check_dev_split` those of `fit`, `check_texts` and `check_training_data` the
texts and labels given, and the rest the labels of a split before training.
"""

from __future__ import annotations

import math
import numbers
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from embedlab.classify.labels import (
    check_threshold,
    classes_of,
    decide_multi_label,
    normalise_labels,
)
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
    **dict.fromkeys(("pretrained_vocab", "patience", "seed", "projection"), NON_NEGATIVE_INTEGER),
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


def check_options(
    options: Mapping[str, Any], *, constructor: Callable[..., Any]
) -> tuple[int, int] | None:
    """Check `TextClassifier`'s constructor arguments where they enter, in this order.

    The numbers against `RULES` (`check_numbers`); with no `model` (the
    recipe), that no argument the recipe decides (`RECIPE_DECIDES`) differs
    from its default, else that `model` is registered and declares each
    model option given; then `char_ngrams`, `analyzer` (an unknown name or a
    missing package fails here), and the choices and combinations of the
    rest.

    Args:
        options: mapping. Every constructor argument by name (its ``locals()``).
        constructor: the constructor, whose defaults the recipe check reads.

    Returns:
        `char_ngrams` as the classifier keeps it (`check_char_ngrams`).

    Raises:
        ModelConfigError: naming the argument and the value received.
    """
    import inspect

    from embedlab.classify.matrix import OOV_INITS
    from embedlab.classify.recipe import RECIPE_DECIDES
    from embedlab.classify.training import OPTIMIZERS
    from embedlab.models.ngrams import check_char_ngrams
    from embedlab.models.registry import MODEL_OPTIONS, check_model_options, model_defaults
    from embedlab.text.analyzers import get_analyzer

    check_numbers(**{k: v for k, v in options.items() if k in NUMERIC_OPTIONS})
    model, mode = options["model"], options["mode"]
    if model is None:
        defaults = inspect.signature(constructor).parameters
        given = [name for name in RECIPE_DECIDES if options[name] != defaults[name].default]
        if given:
            raise ModelConfigError(
                f"With no `model` (the recommended configuration), the recipe decides "
                f"`{given[0]}`. Leave it out, or name a model (e.g. model='cnn')."
            )
    else:
        model_defaults(model)  # raises on an unknown name, listing the choices
        check_model_options(model, **{name: options[name] for name in MODEL_OPTIONS})
    try:
        char_ngrams = check_char_ngrams(options["char_ngrams"])
    except ValueError as error:
        raise ModelConfigError(str(error)) from None
    if options["analyzer"] is not None:
        get_analyzer(options["analyzer"])
    if options["embedding_scale"] is not None and mode != "rand":
        raise ModelConfigError(
            "`embedding_scale` sets the initial embeddings of mode 'rand'; mode "
            f"{mode!r} starts from the vectors. Leave it out."
        )
    oov_init, optimizer = options["oov_init"], options["optimizer"]
    if oov_init not in OOV_INITS:
        raise ModelConfigError(f"`oov_init` must be one of {OOV_INITS}. Received: {oov_init!r}")
    if optimizer not in OPTIMIZERS:
        raise ModelConfigError(f"`optimizer` must be one of {OPTIMIZERS}. Received: {optimizer!r}")
    maxlen, pretrained_vocab = options["maxlen"], options["pretrained_vocab"]
    if maxlen is not None and maxlen < 1:
        raise ModelConfigError(f"`maxlen` must be a positive integer. Received: maxlen={maxlen}")
    if pretrained_vocab is not None and pretrained_vocab < 0:
        raise ModelConfigError(
            f"`pretrained_vocab` must be >= 0. Received: pretrained_vocab={pretrained_vocab}"
        )
    if pretrained_vocab and options["num_words"] is not None:
        raise ModelConfigError(
            "`pretrained_vocab` cannot be combined with `num_words`: ids at or above "
            "num_words are never emitted."
        )
    if options["batch_size"] < 1:
        raise ModelConfigError(
            f"`batch_size` must be positive. Received: batch_size={options['batch_size']}"
        )
    check_threshold(options["threshold"])
    return char_ngrams


def check_lengths(texts: Sequence[str], labels: Sequence[Any]) -> None:
    """Refuse `texts` and `labels` of different lengths (`DataError`, both lengths named)."""
    if len(labels) != len(texts):
        raise DataError(
            f"`texts` and `labels` differ in length: {len(texts)} texts, {len(labels)} labels."
        )


def check_training_data(
    texts: Sequence[str], labels: Sequence[Any], *, multi_label: bool | None
) -> tuple[list[str], list[Label], bool]:
    """The texts, their labels as str (lists of str) and whether they are multi-label.

    Args:
        texts: list of str. Training texts (`check_texts`).
        labels: list. Their labels, one per text (lists of labels, multi-label).
        multi_label: bool or None. The classifier's `multi_label`; None decides
            from the labels (`embedlab.classify.labels.decide_multi_label`).

    Raises:
        DataError: for mismatched lengths or fewer than two classes.
    """
    texts = check_texts(texts)
    check_lengths(texts, labels)
    multi = decide_multi_label(labels, multi_label)
    y_labels = normalise_labels(labels, multi_label=multi)
    classes = classes_of(y_labels, multi_label=multi)
    if len(classes) < 2:
        raise DataError(
            f"Training needs at least two classes; found only {classes!r}. Check the label column."
        )
    return texts, y_labels, multi


def check_texts(texts: Sequence[str], what: str = "texts") -> list[str]:
    """`texts` as a list, refusing one str or an item that is not a str (named by position)."""
    if isinstance(texts, str):
        raise TypeError(f"`{what}` must be a list of strings, not one string. Wrap it: [{what}].")
    out = list(texts)
    for i, text in enumerate(out):
        if not isinstance(text, str):
            raise TypeError(
                f"`{what}` must hold strings. Received: {what}[{i}] of type {type(text).__name__}"
            )
    return out


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
