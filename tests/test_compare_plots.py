"""`embedlab.experiments.plots`: valid PNGs of sensible size, written atomically."""

import struct
from pathlib import Path

import numpy as np
import pytest

from embedlab.experiments import plots as compare_plots


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk, checking signature and end chunk."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    assert data[-8:-4] == b"IEND"
    return struct.unpack(">II", data[16:24])


def rows(n: int) -> list[dict]:
    return [
        {"model": "cnn", "mode": mode, "vectors": "-" if mode == "rand" else "glove-6B-50d",
         "mean_accuracy": 0.7 + 0.01 * i, "std_accuracy": 0.02, "runs": 10}
        for i, mode in enumerate(["rand", "static", "nonstatic", "multichannel"] * n)
    ]  # fmt: skip


def test_accuracy_plot_grows_with_the_configurations(tmp_path):
    from PIL import Image

    compare_plots.plot_accuracy(rows(1), tmp_path / "a.png")
    compare_plots.plot_accuracy(rows(5), tmp_path / "b.png")
    small, large = png_size(tmp_path / "a.png"), png_size(tmp_path / "b.png")
    assert small[0] == large[0] == 800 and 250 <= small[1] < large[1] <= 1000
    with Image.open(tmp_path / "b.png") as image:
        image.verify()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png", "b.png"]  # no temp files


def test_learning_curves_with_runs_of_different_lengths(tmp_path):
    from PIL import Image

    def record(mode: str, epochs: int) -> dict:
        curve = list(np.linspace(0.5, 0.9, epochs))
        history = {"accuracy": curve, "val_accuracy": curve[::-1], "epoch_seconds": [1.0] * epochs}
        return {"model": "cnn", "mode": mode, "vectors": "-", "history": history}

    records = [record("rand", 3), record("rand", 5), record("static", 4)]
    compare_plots.plot_learning_curves(records, tmp_path / "curves.png")
    width, height = png_size(tmp_path / "curves.png")
    assert 800 <= width <= 2000 and 300 <= height <= 1000
    with Image.open(tmp_path / "curves.png") as image:
        image.verify()


def test_mean_curve_averages_the_runs_that_reached_each_epoch():
    mean = compare_plots._mean_curve([[0.5, 0.7, 0.9], [0.6, 0.8]])
    assert mean == pytest.approx([0.55, 0.75, 0.9])


def test_confusion_plot(tmp_path):
    from PIL import Image

    labels = ["ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM"]
    matrix = np.arange(36).reshape(6, 6)
    compare_plots.plot_confusion(matrix, labels, tmp_path / "cm.png", title="cnn rand")
    width, height = png_size(tmp_path / "cm.png")
    assert 400 <= width <= 1500 and 400 <= height <= 1500
    with Image.open(tmp_path / "cm.png") as image:
        assert image.size == (width, height)
        pixels = np.asarray(image.convert("L"))
    assert pixels.min() < 100 < 200 < pixels.max()  # drawn, not blank
