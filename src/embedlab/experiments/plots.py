"""The plots of a comparison (`embedlab.experiments.compare`), as PNG files.

Matplotlib is imported inside each function and drawn on its Agg canvas (no
pyplot, no display, no global backend switch); every file is written to a
temporary name and renamed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from embedlab.atomic import atomic_path

ACCURACY_PNG = "accuracy.png"
CURVES_PNG = "learning_curves.png"
CONFUSION_PNG = "confusion_best.png"
DPI = 100


def _figure(width: float, height: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _save(figure: Any, path: str | os.PathLike[str]) -> None:
    with atomic_path(path) as tmp:
        figure.savefig(tmp, format="png", dpi=DPI)


def _label(item: Mapping[str, Any]) -> str:
    vectors = "" if item["vectors"] == "-" else f" {item['vectors']}"
    return f"{item['model']} {item['mode']}{vectors}"


def plot_accuracy(rows: Sequence[Mapping[str, Any]], path: str | os.PathLike[str]) -> None:
    """Mean accuracy (%) of each configuration with its standard deviation as error bars.

    Args:
        rows: list of dict. Rows of ``results.json``.
        path: str or PathLike. The PNG to write.
    """
    order = sorted(rows, key=lambda row: row["mean_accuracy"])
    means = np.array([100 * row["mean_accuracy"] for row in order])
    stds = np.array([100 * row["std_accuracy"] for row in order])
    figure = _figure(8.0, max(2.5, 1.5 + 0.4 * len(order)))
    axes = figure.add_subplot()
    positions = np.arange(len(order))
    axes.errorbar(means, positions, xerr=stds, fmt="o", capsize=4, color="tab:blue")
    for y, (mean, std) in enumerate(zip(means, stds, strict=True)):
        axes.annotate(
            f"{mean:.1f} ± {std:.1f}", (mean, y), xytext=(0, 7), textcoords="offset points",
            ha="center", fontsize=8,
        )  # fmt: skip
    axes.set_yticks(positions, [_label(row) for row in order])
    axes.set_ylim(-0.7, len(order) - 0.3)
    axes.set_xlabel("accuracy % (mean ± std over runs)")
    axes.grid(axis="x", alpha=0.3)
    runs = order[0]["runs"] if order else 0
    axes.set_title(f"Accuracy by configuration ({runs} runs each)")
    _save(figure, path)


def _mean_curve(curves: list[list[float]]) -> np.ndarray:
    """Mean per epoch over the curves that reached that epoch (early stopping varies)."""
    longest = max(len(curve) for curve in curves)
    return np.array(
        [np.mean([c[i] for c in curves if len(c) > i]) for i in range(longest)], dtype=np.float64
    )


def plot_learning_curves(
    records: Sequence[Mapping[str, Any]], path: str | os.PathLike[str]
) -> None:
    """Train and validation accuracy per epoch of each configuration, averaged over its runs.

    Args:
        records: list of dict. Cell records, each with a Keras ``history``.
        path: str or PathLike. The PNG to write.
    """
    from matplotlib.ticker import MaxNLocator

    configs: dict[str, list[Mapping[str, Any]]] = {}
    for record in records:
        configs.setdefault(_label(record), []).append(record)
    has_val = any("val_accuracy" in r["history"] for r in records)
    figure = _figure(12.0 if has_val else 7.0, 5.0 + 0.25 * (len(configs) // 4))
    panels = [("accuracy", "train accuracy")]
    if has_val:
        panels.append(("val_accuracy", "validation (dev) accuracy"))
    axes_list = figure.subplots(1, len(panels), sharey=True, squeeze=False)[0]
    colors = _colors(len(configs))
    for axes, (key, title) in zip(axes_list, panels, strict=True):
        for color, (label, runs) in zip(colors, configs.items(), strict=True):
            curves = [r["history"][key] for r in runs if r["history"].get(key)]
            if curves:
                mean = 100 * _mean_curve(curves)
                axes.plot(np.arange(1, len(mean) + 1), mean, marker=".", color=color, label=label)
        axes.set_title(title)
        axes.set_xlabel("epoch")
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.grid(alpha=0.3)
    axes_list[0].set_ylabel("accuracy % (mean over runs)")
    figure.legend(
        *axes_list[0].get_legend_handles_labels(),
        loc="outside lower center",
        ncols=min(4, len(configs)),
        fontsize=8,
    )
    _save(figure, path)


def _colors(n: int) -> list[Any]:
    from matplotlib import colormaps

    cmap = colormaps["tab10" if n <= 10 else "tab20"]
    return [cmap(i % cmap.N) for i in range(n)]


def plot_confusion(
    matrix: np.ndarray | Sequence[Sequence[int]],
    labels: Sequence[str],
    path: str | os.PathLike[str],
    *,
    title: str = "",
) -> None:
    """A confusion matrix (rows true labels, columns predictions) with its counts.

    Args:
        matrix: array ``(n_classes, n_classes)``. Counts.
        labels: list of str. The label of each row and column.
        path: str or PathLike. The PNG to write.
        title: str. Shown above the matrix.
    """
    counts = np.asarray(matrix, dtype=np.int64)
    size = 3.0 + 0.6 * len(labels)
    figure = _figure(size + 1.0, size)
    axes = figure.add_subplot()
    image = axes.imshow(counts, cmap="Blues")
    figure.colorbar(image, ax=axes)
    ticks = np.arange(len(labels))
    axes.set_xticks(ticks, list(labels), rotation=45, ha="right")
    axes.set_yticks(ticks, list(labels))
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    threshold = counts.max() / 2 if counts.size else 0
    for (i, j), count in np.ndenumerate(counts):
        color = "white" if count > threshold else "black"
        axes.text(j, i, str(count), ha="center", va="center", color=color, fontsize=9)
    axes.set_title(title, fontsize=10)
    _save(figure, path)
