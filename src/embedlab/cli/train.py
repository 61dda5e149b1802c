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

from embedlab.cli.options import (
    BatchSizeOpt,
    ClassWeightOpt,
    DataArg,
    DataParallelOpt,
    DownloadOpt,
    DropoutOpt,
    EdgePaddingOpt,
    EmbeddingDimOpt,
    EmbeddingScaleOpt,
    EncodingOpt,
    EpochsOpt,
    FormatOpt,
    LabelColOpt,
    LabelSepOpt,
    LayersOpt,
    LearningRateOpt,
    LowerOpt,
    MaxlenOpt,
    MaxNormOpt,
    ModelOpt,
    ModeOpt,
    MonitorOpt,
    NaiveBayesOpt,
    NgramBucketsOpt,
    NgramsOpt,
    NumWordsOpt,
    OOVInitOpt,
    OOVTokenOpt,
    OptimizerOpt,
    PatienceOpt,
    PretrainedVocabOpt,
    SeedOpt,
    TextColOpt,
    ThresholdOpt,
    UnitsOpt,
    ValidationSplitOpt,
    VectorsOpt,
    setup_logging,
    train_options,
)


def train(
    data: DataArg,
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
    format: FormatOpt = None,
    encoding: EncodingOpt = "utf-8",
    text_column: TextColOpt = None,
    label_column: LabelColOpt = None,
    label_separator: LabelSepOpt = None,
    # TrainOptions, in its order
    model: ModelOpt = "cnn",
    mode: ModeOpt = "rand",
    vectors: VectorsOpt = None,
    download_vectors: DownloadOpt = False,
    epochs: EpochsOpt = 10,
    seed: SeedOpt = 0,
    maxlen: MaxlenOpt = None,
    num_words: NumWordsOpt = None,
    lower: LowerOpt = True,
    oov_token: OOVTokenOpt = None,
    embedding_dim: EmbeddingDimOpt = None,
    embedding_scale: EmbeddingScaleOpt = None,
    units: UnitsOpt = 100,
    layers: LayersOpt = 1,
    dropout: DropoutOpt = None,
    max_norm: MaxNormOpt = None,
    optimizer: OptimizerOpt = "adam",
    learning_rate: LearningRateOpt = None,
    batch_size: BatchSizeOpt = 50,
    oov_init: OOVInitOpt = "random",
    pretrained_vocab: PretrainedVocabOpt = 0,
    validation_split: ValidationSplitOpt = None,
    patience: PatienceOpt = None,
    monitor: MonitorOpt = "val_loss",
    class_weight: ClassWeightOpt = None,
    threshold: ThresholdOpt = None,
    data_parallel: DataParallelOpt = False,
    ngram_buckets: NgramBucketsOpt = None,
    ngrams: NgramsOpt = None,
    naive_bayes: NaiveBayesOpt = False,
    edge_padding: EdgePaddingOpt = False,
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
                format, encoding, text_column, label_column, label_separator
            ),
            test=test,
            test_split=test_split,
            overwrite=overwrite,
            verbose=1 if sys.stderr.isatty() else 2,
        )
    keys = ("accuracy", "macro_f1", "micro_f1", "n_test", "best_epoch")
    typer.echo(json.dumps({key: metrics[key] for key in keys if key in metrics}))
