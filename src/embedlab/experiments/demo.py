"""`embedlab demo`: the seeds' comparison, offline, on reviews bundled with the package.

A small labelled sentiment dataset written for embedlab (``demo_data/reviews.tsv``)
is split 80/20; the same model is trained with embeddings learned from scratch
(``rand``), with GloVe 6B 50d frozen (``static``) and fine-tuned
(``nonstatic``); the table shows test accuracy and time.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from importlib import resources

import numpy as np

from embedlab.classify.classifier import TextClassifier
from embedlab.data import read_dataset, train_test_split

logger = logging.getLogger("embedlab")

DEMO_VECTORS = "glove-6B-50d"
DEMO_MODES = ("rand", "static", "nonstatic")


@dataclass(frozen=True)
class DemoRow:
    """One line of the demo's table."""

    mode: str
    accuracy: float
    n_test: int
    trainable_params: int
    seconds: float


def demo_data_path() -> str:
    """Path of the bundled reviews file."""
    return str(resources.files("embedlab.experiments") / "demo_data" / "reviews.tsv")


def run_demo(
    *, model: str = "cnn", epochs: int = 15, seed: int = 0, pretrained_vocab: int = 0
) -> list[DemoRow]:
    """Train `model` in modes rand, static and nonstatic on the bundled reviews.

    Args:
        model: str. A registered model name.
        epochs: int. Training epochs of each run.
        seed: int. Seed of the split and of each run.
        pretrained_vocab: int. GloVe's most frequent words given ids beside the
            training words, so test words unseen in training keep their vectors.

    Returns:
        One `DemoRow` per mode.
    """
    dataset = read_dataset([demo_data_path()])
    train, test = train_test_split(dataset, test_size=0.2, seed=seed)
    logger.info(
        "demo: %d training and %d test reviews (%s), model %s, %d epochs",
        len(train),
        len(test),
        "/".join(dataset.classes),
        model,
        epochs,
    )
    rows = []
    for mode in DEMO_MODES:
        logger.info("training mode %s ...", mode)
        start = time.perf_counter()
        clf = TextClassifier(
            model,
            mode=mode,
            vectors=DEMO_VECTORS,
            pretrained_vocab=0 if mode == "rand" else pretrained_vocab,
            seed=seed,
        )
        clf.fit(train.texts, train.labels, epochs=epochs, verbose=0)
        seconds = time.perf_counter() - start
        metrics = clf.evaluate(test.texts, test.labels)
        params = sum(int(np.prod(w.shape)) for w in clf.keras_model.trainable_weights)
        rows.append(DemoRow(mode, metrics["accuracy"], metrics["n_test"], params, seconds))
    return rows


def print_table(rows: list[DemoRow]) -> None:
    """Print the demo's rows as a table."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"rand vs static vs nonstatic ({DEMO_VECTORS})")
    table.add_column("mode")
    table.add_column("embeddings")
    table.add_column("test accuracy", justify="right")
    table.add_column("trainable params", justify="right")
    table.add_column("seconds", justify="right")
    meaning = {
        "rand": "learned from scratch",
        "static": "GloVe, frozen",
        "nonstatic": "GloVe, fine-tuned",
        "multichannel": "GloVe frozen + fine-tuned",
    }
    for row in rows:
        table.add_row(
            row.mode,
            meaning.get(row.mode, ""),
            f"{100 * row.accuracy:.1f}%",
            f"{row.trainable_params:,}",
            f"{row.seconds:.1f}",
        )
    Console().print(table)
