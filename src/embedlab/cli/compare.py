"""`embedlab compare`: parse arguments, call `experiments.compare.compare`, print the table.

Kept light at import (typer only); the library (and Keras) is imported by the
command.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

_OptionalStr = Optional[str]  # noqa: UP045 - typer needs Optional on Python 3.10
_OptionalInt = Optional[int]  # noqa: UP045
_OptionalFloat = Optional[float]  # noqa: UP045
_OptionalList = Optional[list[str]]  # noqa: UP045


def _names(values: list[str] | None) -> list[str]:
    """Comma-separated and repeated option values as one list."""
    return [name.strip() for value in values or [] for name in value.split(",") if name.strip()]


def compare(
    data: Annotated[
        list[str],
        typer.Argument(
            help="A file or folder of labelled texts, or LABEL=PATH pairs (as `train` takes)."
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(help="Comparison directory: cells, results.json, report.md, plots."),
    ],
    models: Annotated[
        str, typer.Option(help="Comma-separated models: cnn,bilstm,...; default (the recipe).")
    ] = "cnn",
    modes: Annotated[
        str, typer.Option(help="Comma-separated modes: rand,static,nonstatic,multichannel.")
    ] = "rand,static,nonstatic,multichannel",
    vectors: Annotated[
        _OptionalList,
        typer.Option(
            help="Pretrained vectors (name or path) for the pretrained modes; repeat the "
            "option or separate by commas. rand ignores them."
        ),
    ] = None,
    folds: Annotated[
        _OptionalInt,
        typer.Option(min=2, help="K-fold cross-validation over DATA (10 unless --test)."),
    ] = None,
    test: Annotated[
        _OptionalList,
        typer.Option(help="Test data instead of folds (repeat for several files)."),
    ] = None,
    seeds: Annotated[int, typer.Option(min=1, help="Runs per configuration and fold.")] = 1,
    seed: Annotated[int, typer.Option(help="First seed; also the seed of the folds.")] = 0,
    epochs: Annotated[int, typer.Option(min=1, help="Most epochs of a run.")] = 10,
    validation_split: Annotated[
        float,
        typer.Option(
            min=0.0, max=0.9, help="Dev split of each training part for early stopping; 0: none."
        ),
    ] = 0.1,
    patience: Annotated[
        int, typer.Option(min=0, help="Epochs without a better dev loss before stopping.")
    ] = 2,
    batch_size: Annotated[int, typer.Option(min=1)] = 50,
    optimizer: Annotated[str, typer.Option(help="adam|adadelta|rmsprop|sgd")] = "adam",
    learning_rate: Annotated[_OptionalFloat, typer.Option()] = None,
    maxlen: Annotated[
        _OptionalInt, typer.Option(min=1, help="Padded length; default covers 99% of texts.")
    ] = None,
    num_words: Annotated[
        _OptionalInt, typer.Option(min=2, help="Keep the num_words-1 most frequent words.")
    ] = None,
    embedding_dim: Annotated[
        _OptionalInt, typer.Option(min=1, help="Embedding size of rand (100).")
    ] = None,
    units: Annotated[int, typer.Option(min=1, help="Recurrent units.")] = 100,
    layers: Annotated[int, typer.Option(min=1, help="Stacked recurrent layers.")] = 1,
    dropout: Annotated[_OptionalFloat, typer.Option(help="The model's default if absent.")] = None,
    pretrained_vocab: Annotated[
        int,
        typer.Option(min=0, help="Also give ids to the vectors' N most frequent unseen words."),
    ] = 0,
    format: Annotated[
        _OptionalStr, typer.Option(help="csv|tsv|jsonl|folder|lines|label-text; sniffed.")
    ] = None,
    encoding: Annotated[str, typer.Option(help="Text encoding of the data files.")] = "utf-8",
    text_column: Annotated[_OptionalStr, typer.Option(help="Text column; guessed.")] = None,
    label_column: Annotated[_OptionalStr, typer.Option(help="Label column; guessed.")] = None,
    download: Annotated[
        bool, typer.Option(help="Download --vectors NAME if it is not in the cache yet.")
    ] = False,
    progress: Annotated[bool, typer.Option(help="Progress bar over the cells on stderr.")] = True,
) -> None:
    """Compare models x modes x vectors by cross-validation or on a test set; resumable.

    Prints mean and standard deviation of accuracy per configuration and writes
    OUT/results.json, OUT/report.md and PNG plots. Interrupted, the same command
    resumes: finished cells are not run again.
    """
    from embedlab.experiments.compare import compare as run_compare
    from embedlab.experiments.report import format_table
    from embedlab.pipeline import DataOptions, TrainOptions

    options = TrainOptions(
        download=download,
        epochs=epochs,
        seed=seed,
        maxlen=maxlen,
        num_words=num_words,
        embedding_dim=embedding_dim,
        units=units,
        layers=layers,
        dropout=dropout,
        optimizer=optimizer,
        learning_rate=learning_rate,
        batch_size=batch_size,
        pretrained_vocab=pretrained_vocab,
    )
    with contextlib.redirect_stdout(sys.stderr):  # stray library output; stdout keeps the table
        rows = run_compare(
            data,
            models=_names([models]),
            modes=_names([modes]),
            vectors=_names(vectors),
            folds=folds,
            test=test or None,
            seeds=seeds,
            out=out,
            options=options,
            data_options=DataOptions(format, encoding, text_column, label_column),
            validation_split=validation_split,
            patience=patience,
            progress=progress,
        )
    typer.echo(format_table(rows))
    typer.echo(f"wrote {out / 'results.json'} and {out / 'report.md'}", err=True)
