"""`embedlab.experiments.report`: rows from cell records, and the printed table."""

import statistics

import numpy as np
import pytest

from embedlab.experiments.report import best_row, format_table, summarize


def record(mode: str, fold: int, seed: int, accuracy: float, seconds: list[float]) -> dict:
    return {
        "model": "cnn", "mode": mode, "vectors": "-" if mode == "rand" else "g.txt",
        "fold": fold, "seed": seed, "accuracy": accuracy, "macro_f1": accuracy - 0.01,
        "epochs_run": len(seconds), "history": {"epoch_seconds": seconds},
    }  # fmt: skip


RECORDS = [
    record("static", 1, 0, 0.80, [9.0, 1.0, 1.2]),
    record("rand", 0, 0, 0.70, [9.0, 2.0, 2.0, 3.0]),
    record("rand", 1, 1, 0.74, [8.0, 2.5]),
    record("rand", 0, 1, 0.71, [7.0]),
    record("rand", 1, 0, 0.75, [9.0, 2.2]),
    record("static", 0, 0, 0.78, [9.0, 1.1]),
]


def test_summarize_against_numpy():
    configs = [("cnn", "rand", "-"), ("cnn", "static", "g.txt")]
    rand, static = summarize(RECORDS, configs, folds=2, seeds=2)
    assert rand["accuracies"] == [0.70, 0.71, 0.75, 0.74]  # by fold, then seed
    assert rand["mean_accuracy"] == pytest.approx(np.mean([0.70, 0.71, 0.75, 0.74]))
    assert rand["std_accuracy"] == pytest.approx(np.std([0.70, 0.71, 0.75, 0.74]))
    assert rand["mean_macro_f1"] == pytest.approx(np.mean([0.69, 0.70, 0.74, 0.73]))
    # the median of every epoch after each run's first
    assert rand["epoch_seconds"] == statistics.median([2.0, 2.0, 3.0, 2.5, 2.2])
    assert (rand["folds"], rand["seeds"], rand["runs"]) == (2, 2, 4)
    assert static["vectors"] == "g.txt" and static["runs"] == 2
    assert best_row([rand, static]) is static


def test_table_shows_percent_mean_and_std():
    rows = summarize(RECORDS, [("cnn", "rand", "-")], folds=2, seeds=2)
    text = format_table(rows).splitlines()
    assert text[0].split() == ["model", "mode", "vectors", "accuracy", "%", "std", "macro",
                               "F1", "%", "s/epoch", "runs"]  # fmt: skip
    mean, std = 100 * np.mean([0.70, 0.71, 0.75, 0.74]), 100 * np.std([0.70, 0.71, 0.75, 0.74])
    assert text[1].split()[:5] == ["cnn", "rand", "-", f"{mean:.1f}", f"{std:.1f}"]
    markdown = format_table(rows, markdown=True).splitlines()
    assert markdown[1] == "| --- | --- | --- | --- | --- | --- | --- | --- |"
    assert markdown[2].startswith(f"| cnn | rand | - | {mean:.1f} | {std:.1f} |")
