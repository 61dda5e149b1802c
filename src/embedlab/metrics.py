"""Classification metrics computed with NumPy: accuracy, F1, confusion matrix."""

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
    predicted = matrix.sum(axis=0)
    support = matrix.sum(axis=1)
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    recall = np.divide(tp, support, out=np.zeros_like(tp), where=support > 0)
    denom = precision + recall
    f1 = np.divide(2 * precision * recall, denom, out=np.zeros_like(tp), where=denom > 0)
    n = int(len(y_true))
    return {
        "accuracy": float(tp.sum() / n) if n else 0.0,
        "macro_f1": float(f1[support > 0].mean()) if (support > 0).any() else 0.0,
        "n_test": n,
        "per_class": {
            label: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
            for i, label in enumerate(labels)
        },
        "labels": list(labels),
        "confusion_matrix": matrix.tolist(),
    }
