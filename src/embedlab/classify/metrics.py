"""Classification metrics computed with NumPy: accuracy, F1, confusion matrix.

`classification_report` is for one label per text; `multilabel_report` for a
set of labels per text, with scikit-learn's definitions (``f1_score`` with
``average="micro"``/``"macro"``, subset ``accuracy_score``, ``hamming_loss``),
a 0/0 precision, recall or F1 counting as 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    """Counts ``[true, predicted]`` of integer class ids in ``range(n_classes)``."""
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return matrix


def classification_report(
    y_true: np.ndarray, y_pred: np.ndarray, labels: Sequence[str]
) -> dict[str, Any]:
    """Accuracy, macro F1, per-class precision/recall/F1/support and the confusion matrix.

    Args:
        y_true: np.ndarray. True class ids.
        y_pred: np.ndarray. Predicted class ids.
        labels: sequence of str. The label of each class id.

    Returns:
        A JSON-ready dict: ``accuracy`` and ``macro_f1`` as fractions,
        ``n_test``, ``per_class`` and ``confusion_matrix`` (rows are true labels).
    """
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    matrix = confusion_matrix(y_true, y_pred, len(labels))
    tp = np.diag(matrix).astype(np.float64)
    support = matrix.sum(axis=1)
    f1, per_class = _per_class(labels, tp, matrix.sum(axis=0), support)
    n = int(len(y_true))
    return {
        "accuracy": float(tp.sum() / n) if n else 0.0,
        "macro_f1": float(f1[support > 0].mean()) if (support > 0).any() else 0.0,
        "n_test": n,
        "per_class": per_class,
        "labels": list(labels),
        "confusion_matrix": matrix.tolist(),
    }


def _per_class(
    labels: Sequence[str], tp: np.ndarray, predicted: np.ndarray, support: np.ndarray
) -> tuple[np.ndarray, dict[str, dict[str, float]]]:
    """Each class's F1, and its precision/recall/F1/support as JSON-ready dicts."""
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    recall = np.divide(tp, support, out=np.zeros_like(tp), where=support > 0)
    f1 = _f1(precision, recall)
    per_class = {
        label: {
            "precision": float(precision[i]),
            "recall": float(recall[i]),
            "f1": float(f1[i]),
            "support": int(support[i]),
        }
        for i, label in enumerate(labels)
    }
    return f1, per_class


def _f1(precision: np.ndarray, recall: np.ndarray) -> np.ndarray:
    denom = precision + recall
    return np.divide(2 * precision * recall, denom, out=np.zeros_like(precision), where=denom > 0)


def multilabel_report(
    y_true: np.ndarray, y_pred: np.ndarray, labels: Sequence[str]
) -> dict[str, Any]:
    """Micro and macro F1, per-label figures, subset accuracy and Hamming loss.

    Args:
        y_true: np.ndarray. ``(n, len(labels))`` 0/1 or bool: the true label sets.
        y_pred: np.ndarray. The same shape: the predicted label sets.
        labels: sequence of str. The label of each column.

    Returns:
        A JSON-ready dict: ``accuracy`` (subset accuracy: the whole set right,
        as scikit-learn's ``accuracy_score``; also under ``subset_accuracy``),
        ``micro_f1``, ``macro_f1`` (mean over all labels), ``micro_precision``,
        ``micro_recall``, ``hamming_loss`` (fraction of wrong label decisions),
        ``n_test``, ``per_class`` (precision, recall, f1, support per label) and
        ``multi_label: True``.

    Raises:
        ValueError: if the shapes differ or do not match `labels`.
    """
    truth = np.asarray(y_true).astype(bool)
    pred = np.asarray(y_pred).astype(bool)
    if truth.shape != pred.shape or truth.ndim != 2 or truth.shape[1] != len(labels):
        raise ValueError(
            f"`y_true` and `y_pred` must both be (n, {len(labels)}). "
            f"Received: {truth.shape} and {pred.shape}"
        )
    n = truth.shape[0]
    tp = (truth & pred).sum(axis=0).astype(np.float64)
    predicted = pred.sum(axis=0).astype(np.float64)
    support = truth.sum(axis=0)
    f1, per_class = _per_class(labels, tp, predicted, support)
    micro_p = tp.sum() / predicted.sum() if predicted.sum() else 0.0
    micro_r = tp.sum() / support.sum() if support.sum() else 0.0
    micro_f1 = _f1(np.array([micro_p]), np.array([micro_r]))[0]
    subset = float((truth == pred).all(axis=1).mean()) if n else 0.0
    return {
        "multi_label": True,
        "accuracy": subset,
        "subset_accuracy": subset,
        "micro_f1": float(micro_f1),
        "macro_f1": float(f1.mean()) if len(labels) else 0.0,
        "micro_precision": float(micro_p),
        "micro_recall": float(micro_r),
        "hamming_loss": float((truth != pred).mean()) if n else 0.0,
        "n_test": int(n),
        "per_class": per_class,
        "labels": list(labels),
    }
