"""`embedlab train`: parse arguments, call `embedlab.pipeline.train`, print the metrics.

The model and training options are `embedlab.pipeline.TrainOptions`' fields,
declared once in `embedlab.cli.options` and shared with `compare`.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from embedlab.cli import options as opt
from embedlab.cli.options import setup_logging, train_options


def train(
    data: opt.DataArg,
    out: Annotated[Path, typer.Option(help="Directory to write the trained classifier to.")],
    test: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(help="Test data (repeat the option for several files or LABEL=PATH)."),
    ] = None,
    test_split: Annotated[
        Optional[float],  # noqa: UP045
        typer.Option(help="Fraction of DATA held out for testing when --test is absent (0.1)."),
    ] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace OUT if it exists.")] = False,
    format: opt.FormatOpt = None,
    encoding: opt.EncodingOpt = "utf-8",
    text_column: opt.TextColOpt = None,
    label_column: opt.LabelColOpt = None,
    label_separator: opt.LabelSepOpt = None,
    strict: opt.StrictOpt = False,
    # TrainOptions, in its order
    model: opt.ModelOpt = None,
    mode: opt.ModeOpt = "rand",
    vectors: opt.VectorsOpt = None,
    download_vectors: opt.DownloadOpt = False,
    epochs: opt.EpochsOpt = None,
    seed: opt.SeedOpt = 0,
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
    validation_split: opt.ValidationSplitOpt = None,
    patience: opt.PatienceOpt = None,
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
    search: Annotated[
        Optional[float],  # noqa: UP045
        typer.Option(
            min=1,
            help="Try configurations on a dev split for about SECONDS, keep the best; "
            "records OUT/search.json.",
        ),
    ] = None,
) -> None:
    """Train a classifier on DATA and save it to OUT (with OUT/metrics.json)."""
    from embedlab import pipeline

    setup_logging()
    options = train_options(locals())
    with contextlib.redirect_stdout(sys.stderr):  # Keras' progress; stdout keeps the result
        metrics = pipeline.train(
            data,
            out=out,
            options=options,
            data_options=pipeline.DataOptions(
                format, encoding, text_column, label_column, label_separator, strict=strict
            ),
            test=test,
            test_split=test_split,
            overwrite=overwrite,
            verbose=1 if sys.stderr.isatty() else 2,
            search_seconds=search,
        )
    keys = ("accuracy", "macro_f1", "micro_f1", "n_test", "best_epoch")
    typer.echo(json.dumps({key: metrics[key] for key in keys if key in metrics}, allow_nan=False))
