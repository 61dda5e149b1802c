"""`embedlab demo`: the seeds' comparison, offline, on reviews bundled with the package.

A small labelled sentiment dataset written for embedlab (``demo_data/reviews.tsv``)
is split 80/20; the same model is trained with embeddings learned from scratch
(``rand``), with GloVe 6B 50d frozen (``static``) and fine-tuned
(``nonstatic``); the table shows test accuracy and time.

The Korean demo (`run_demo_ko`, ``embedlab demo --lang ko``) does the same on
3,000 NSMC movie reviews (``demo_data/nsmc_reviews.tsv``, CC0), comparing
words split on whitespace with Korean morphemes (the ``kiwi`` analyzer).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from embedlab.classify.classifier import TextClassifier
from embedlab.data import Dataset, read_dataset, train_test_split

logger = logging.getLogger("embedlab")

DEMO_VECTORS = "glove-6B-50d"
DEMO_MODES = ("rand", "static", "nonstatic")
DEMO_ANALYZERS = ("whitespace", "kiwi")
DEMO_FILES = {"en": "reviews.tsv", "ko": "nsmc_reviews.tsv"}


@dataclass(frozen=True)
class DemoRow:
    """One line of the demo's table."""

    mode: str
    accuracy: float
    n_test: int
    trainable_params: int
    seconds: float
    analyzer: str = "whitespace"


def demo_data_path(lang: str = "en") -> str:
    """Path of the bundled reviews file of `lang` (``en`` or ``ko``)."""
    if lang not in DEMO_FILES:
        raise ValueError(f"`lang` must be one of {', '.join(DEMO_FILES)}. Received: lang={lang!r}")
    return str(resources.files("embedlab.experiments") / "demo_data" / DEMO_FILES[lang])


def _train_row(
    clf: TextClassifier, train: Dataset, test: Dataset, *, epochs: int, analyzer: str
) -> DemoRow:
    start = time.perf_counter()
    clf.fit(train.texts, train.labels, epochs=epochs, verbose=0)
    seconds = time.perf_counter() - start
    metrics = clf.evaluate(test.texts, test.labels)
    params = sum(int(np.prod(w.shape)) for w in clf.keras_model.trainable_weights)
    return DemoRow(clf.mode, metrics["accuracy"], metrics["n_test"], params, seconds, analyzer)


def run_demo(
    *, model: str = "cnn", epochs: int = 15, seed: int = 0, pretrained_vocab: int | None = None
) -> list[DemoRow]:
    """Train `model` in modes rand, static and nonstatic on the bundled reviews.

    Args:
        model: str. A registered model name.
        epochs: int. Training epochs of each run.
        seed: int. Seed of the split and of each run.
        pretrained_vocab: int or None. GloVe's most frequent words given ids
            beside the training words, so test words unseen in training keep
            their vectors; None: `TextClassifier`'s default for each mode.

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
        clf = TextClassifier(
            model,
            mode=mode,
            vectors=DEMO_VECTORS,
            pretrained_vocab=pretrained_vocab,  # mode rand has no vectors to add
            seed=seed,
            analyzer="whitespace",
        )
        rows.append(_train_row(clf, train, test, epochs=epochs, analyzer="whitespace"))
    return rows


def run_demo_ko(*, model: str = "cnn", epochs: int = 15, seed: int = 0) -> list[DemoRow]:
    """Train `model` (mode rand) on the bundled Korean reviews, split on whitespace and by kiwi.

    Args:
        model: str. A registered model name.
        epochs: int. Training epochs of each run.
        seed: int. Seed of the split and of each run.

    Returns:
        One `DemoRow` per analyzer (`DEMO_ANALYZERS`).

    Raises:
        AnalyzerError: If kiwipiepy is not installed (the message says what to install).
    """
    dataset = read_dataset([demo_data_path("ko")])
    train, test = train_test_split(dataset, test_size=0.2, seed=seed)
    logger.info(
        "demo: %d training and %d test NSMC reviews, model %s, %d epochs",
        len(train),
        len(test),
        model,
        epochs,
    )
    rows = []
    for analyzer in DEMO_ANALYZERS:
        logger.info("training with analyzer %s ...", analyzer)
        clf = TextClassifier(model, mode="rand", seed=seed, analyzer=analyzer)
        rows.append(_train_row(clf, train, test, epochs=epochs, analyzer=analyzer))
    return rows


def print_table(rows: list[DemoRow], *, lang: str = "en") -> None:
    """Print the demo's rows as a table (for `lang` ``ko``: one row per analyzer)."""
    from rich.console import Console

    if lang == "ko":
        table = _table(
            "whitespace words vs Korean morphemes (kiwi), NSMC reviews", "analyzer", "words"
        )
        words = {"whitespace": "split on spaces", "kiwi": "morphemes (kiwipiepy)"}
        for row in rows:
            _add_row(table, row, row.analyzer, words.get(row.analyzer, ""))
        Console().print(table)
        return
    table = _table(f"rand vs static vs nonstatic ({DEMO_VECTORS})", "mode", "embeddings")
    meaning = {
        "rand": "learned from scratch",
        "static": "GloVe, frozen",
        "nonstatic": "GloVe, fine-tuned",
        "multichannel": "GloVe frozen + fine-tuned",
    }
    for row in rows:
        _add_row(table, row, row.mode, meaning.get(row.mode, ""))
    Console().print(table)


def _table(title: str, name: str, meaning: str) -> Any:
    from rich.table import Table

    table = Table(title=title)
    table.add_column(name)
    table.add_column(meaning)
    table.add_column("test accuracy", justify="right")
    table.add_column("trainable params", justify="right")
    table.add_column("seconds", justify="right")
    return table


def _add_row(table: Any, row: DemoRow, name: str, meaning: str) -> None:
    table.add_row(
        name,
        meaning,
        f"{100 * row.accuracy:.1f}%",
        f"{row.trainable_params:,}",
        f"{row.seconds:.1f}",
    )
