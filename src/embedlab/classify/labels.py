"""A classifier's labels: single- or multi-label, the class list, targets, and decisions.

Labels are kept as str. Single-label data has one label per text; multi-label
data has a list of labels per text (a str counts as a list of one), decided
at `fit` when `multi_label` is None (`decide_multi_label`). The classes are
the sorted distinct labels (`classes_of`); a model is trained on class ids
or, multi-label, on a 0/1 matrix (`targets`), and its probabilities are
turned back into labels by `labels_of`: the most probable class, or every
label whose probability reaches the `threshold`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from embedlab.data import Label, label_set
from embedlab.errors import DataError, ModelConfigError

DEFAULT_THRESHOLD = 0.5
"""Probability from which a label is predicted, in multi-label mode."""


def check_threshold(threshold: float) -> None:
    """Refuse a `threshold` that is not a number in (0, 1).

    Raises:
        ModelConfigError: naming the value received.
    """
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        raise ModelConfigError(f"`threshold` must be a number. Received: threshold={threshold!r}")
    if not 0.0 < threshold < 1.0:
        raise ModelConfigError(f"`threshold` must be in (0, 1). Received: threshold={threshold}")


def decide_multi_label(labels: Sequence[Any], multi_label: bool | None) -> bool:
    """Whether `labels` are multi-label: as `multi_label` says, or when None, if any is a list.

    Raises:
        DataError: lists of labels with ``multi_label=False``.
    """
    lists = [isinstance(label, list | tuple) for label in labels]
    if multi_label is None:
        return any(lists)
    if not multi_label and any(lists):
        raise DataError(
            "The labels are lists (multi-label data) but multi_label=False; pass "
            "multi_label=True or None, or give one label per text."
        )
    return multi_label


def normalise_labels(labels: Sequence[Any], *, multi_label: bool) -> list[Label]:
    """Labels as str, or (multi-label) as lists of distinct str; a str becomes a list of one."""
    if not multi_label:
        return [str(label) for label in labels]
    out: list[Label] = []
    for label in labels:
        names = [label] if isinstance(label, str) else list(label)
        out.append(list(dict.fromkeys(str(name) for name in names)))
    return out


def classes_of(labels: Sequence[Label], *, multi_label: bool) -> list[str]:
    """The sorted distinct labels of normalised `labels` (each list's labels, multi-label)."""
    if multi_label:
        return sorted({name for label in labels for name in label_set(label)})
    return sorted(set(labels))  # type: ignore[arg-type]


def targets(labels: Sequence[Label], classes: Sequence[str], *, multi_label: bool) -> np.ndarray:
    """Class ids ``(n,)``, or for multi-label a 0/1 float32 matrix ``(n, len(classes))``.

    Args:
        labels: normalised labels (`normalise_labels`).
        classes: list of str. The classifier's labels; column ``i`` is ``classes[i]``.
        multi_label: bool. Whether the classifier is multi-label.

    Raises:
        DataError: for labels not in `classes`.
    """
    index = {label: i for i, label in enumerate(classes)}
    seen = {name for label in labels for name in label_set(label)}
    unknown = sorted(seen - index.keys())
    if unknown:
        raise DataError(
            f"Labels unseen in training: {unknown[:10]}. This classifier knows {classes}."
        )
    if not multi_label:
        return np.array([index[label] for label in labels], dtype=np.int32)  # type: ignore[index]
    y = np.zeros((len(labels), len(classes)), dtype=np.float32)
    for row, label in enumerate(labels):
        y[row, [index[name] for name in label]] = 1.0
    return y


def resolve_threshold(threshold: float | None, *, default: float, multi_label: bool) -> float:
    """The threshold to decide at: `threshold`, or `default` (the classifier's) when None.

    Raises:
        ModelConfigError: a `threshold` given to a single-label classifier, or
            not a number in (0, 1).
    """
    if threshold is None:
        return default
    if not multi_label:
        raise ModelConfigError(
            "`threshold` applies to multi-label classifiers; this one picks the most "
            "probable of its labels. Leave `threshold` out."
        )
    check_threshold(threshold)
    return threshold


def labels_of(
    proba: np.ndarray, classes: list[str], *, multi_label: bool, threshold: float
) -> list[Label]:
    """The labels of probabilities ``(n, len(classes))``, columns in `classes` order.

    Single-label: each row's most probable class. Multi-label: each row's
    list of classes whose probability reaches `threshold`, possibly empty.
    """
    if not multi_label:
        return [classes[i] for i in proba.argmax(axis=1)]
    chosen = proba >= threshold
    return [[classes[i] for i in np.flatnonzero(row)] for row in chosen]
