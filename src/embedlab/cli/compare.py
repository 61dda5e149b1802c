"""`embedlab compare`: parse arguments, call `experiments.compare.compare`, print the table.

The model and training options are `embedlab.pipeline.TrainOptions`' fields,
declared once in `embedlab.cli.options` and shared with `train`; only the
grid (`--models`, `--modes`, `--vectors`, folds, seeds) is compare's own.
Kept light at import (typer only); the library (and Keras) is imported by the
command.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from embedlab.cli import options as opt
from embedlab.cli.options import train_options

_OptionalInt = Optional[int]  # noqa: UP045 - typer needs Optional on Python 3.10
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
    format: opt.FormatOpt = None,
    encoding: opt.EncodingOpt = "utf-8",
    text_column: opt.TextColOpt = None,
    label_column: opt.LabelColOpt = None,
    label_separator: opt.LabelSepOpt = None,
    strict: opt.StrictOpt = False,
    progress: Annotated[bool, typer.Option(help="Progress bar over the cells on stderr.")] = True,
    # TrainOptions, in its order (model, mode and vectors are the grid's)
    download_vectors: opt.DownloadOpt = False,
    epochs: opt.EpochsOpt = None,
    seed: Annotated[int, typer.Option(help="First seed; also the seed of the folds.")] = 0,
    maxlen: opt.MaxlenOpt = None,
    num_words: opt.NumWordsOpt = None,
    lower: opt.LowerOpt = True,
    oov_token: opt.OOVTokenOpt = None,
    embedding_dim: opt.EmbeddingDimOpt = None,
    embedding_scale: opt.EmbeddingScaleOpt = None,
    projection: opt.ProjectionOpt = None,
    units: opt.UnitsOpt = None,
    layers: opt.LayersOpt = 1,
    dropout: opt.DropoutOpt = None,
    max_norm: opt.MaxNormOpt = None,
    optimizer: opt.OptimizerOpt = "adam",
    learning_rate: opt.LearningRateOpt = None,
    batch_size: opt.BatchSizeOpt = 50,
    oov_init: opt.OOVInitOpt = "random",
    pretrained_vocab: opt.PretrainedVocabOpt = None,
    validation_split: Annotated[
        float,
        typer.Option(
            min=0.0, max=0.9, help="Dev split of each training part for early stopping; 0: none."
        ),
    ] = 0.1,
    patience: Annotated[
        _OptionalInt,
        typer.Option(
            min=0, help="Epochs without a better dev score before stopping (2 with a dev split)."
        ),
    ] = None,
    monitor: opt.MonitorOpt = "val_loss",
    class_weight: opt.ClassWeightOpt = None,
    threshold: opt.ThresholdOpt = None,
    data_parallel: opt.DataParallelOpt = False,
    ngram_buckets: opt.NgramBucketsOpt = None,
    ngrams: opt.NgramsOpt = None,
    naive_bayes: opt.NaiveBayesOpt = False,
    edge_padding: opt.EdgePaddingOpt = None,
    num_filters: opt.NumFiltersOpt = None,
    analyzer: opt.TokenizerOpt = None,
    char_ngrams: opt.CharNgramsOpt = None,
) -> None:
    """Compare models x modes x vectors by cross-validation or on a test set; resumable.

    Prints mean and standard deviation of accuracy per configuration and writes
    OUT/results.json, OUT/report.md and PNG plots. Interrupted, the same command
    resumes: finished cells are not run again.
    """
    from embedlab.experiments.compare import DEFAULT_PATIENCE
    from embedlab.experiments.compare import compare as run_compare
    from embedlab.experiments.report import format_table
    from embedlab.pipeline import DataOptions

    if patience is None and validation_split:
        patience = DEFAULT_PATIENCE
    options = train_options(
        {k: v for k, v in locals().items() if k != "vectors"},  # the grid's, set per cell
        validation_split=validation_split or None,
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
            data_options=DataOptions(
                format, encoding, text_column, label_column, label_separator, strict=strict
            ),
            progress=progress,
        )
    typer.echo(format_table(rows))
    typer.echo(f"wrote {out / 'results.json'} and {out / 'report.md'}", err=True)
