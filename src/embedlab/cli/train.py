"""`embedlab train`: parse arguments, call `embedlab.pipeline.train`, print the metrics."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from embedlab.cli.options import (
    DataArg,
    EncodingOpt,
    FormatOpt,
    LabelColOpt,
    LabelSepOpt,
    TextColOpt,
    ThresholdOpt,
    setup_logging,
)
from embedlab.models.registry import model_names


def train(
    data: DataArg,
    out: Annotated[Path, typer.Option(help="Directory to write the trained classifier to.")],
    vectors: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="Pretrained vectors: a name (glove-6B-50d) or a file path."),
    ] = None,
    model: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            help="default (the recommended recipe, chosen from the data)|" + "|".join(model_names())
        ),
    ] = None,
    mode: Annotated[str, typer.Option(help="rand|static|nonstatic|multichannel")] = "rand",
    epochs: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(min=1, help="Most epochs (10; the recipe: its own per model)."),
    ] = None,
    test: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(help="Test data (repeat the option for several files or LABEL=PATH)."),
    ] = None,
    test_split: Annotated[
        Optional[float],  # noqa: UP045
        typer.Option(help="Fraction of DATA held out for testing when --test is absent (0.1)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed: the same seed gives the same metrics.")] = 0,
    layers: Annotated[int, typer.Option(min=1, help="Stacked recurrent layers.")] = 1,
    units: Annotated[
        int, typer.Option(min=1, help="Recurrent units; for wide/wide_average the table width (1).")
    ] = 100,
    maxlen: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(min=1, help="Padded length; default covers 99% of texts."),
    ] = None,
    embedding_dim: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(min=1, help="Embedding size in mode rand without vectors (100)."),
    ] = None,
    num_words: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(min=2, help="Keep the num_words-1 most frequent words."),
    ] = None,
    pretrained_vocab: Annotated[
        int,
        typer.Option(
            min=0, help="Also give ids to the vectors' N most frequent words unseen in training."
        ),
    ] = 0,
    batch_size: Annotated[int, typer.Option(min=1)] = 50,
    optimizer: Annotated[str, typer.Option(help="adam|adadelta|rmsprop|sgd")] = "adam",
    learning_rate: Annotated[Optional[float], typer.Option()] = None,  # noqa: UP045
    format: FormatOpt = None,
    encoding: EncodingOpt = "utf-8",
    text_column: TextColOpt = None,
    label_column: LabelColOpt = None,
    overwrite: Annotated[bool, typer.Option(help="Replace OUT if it exists.")] = False,
    download: Annotated[
        bool, typer.Option(help="Download --vectors NAME if it is not in the cache yet.")
    ] = False,
    validation_split: Annotated[
        Optional[float],  # noqa: UP045
        typer.Option(help="Hold out this fraction of DATA as dev data (e.g. 0.1) for --patience."),
    ] = None,
    patience: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            min=0, help="Stop after N epochs without a better dev loss; keep the best weights."
        ),
    ] = None,
    class_weight: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="'balanced' (n/(k*count)) or LABEL=W pairs: neg=1,pos=4."),
    ] = None,
    label_separator: LabelSepOpt = None,
    threshold: ThresholdOpt = None,
    data_parallel: Annotated[
        bool,
        typer.Option(
            help="Split each batch over all local accelerators (keras.distribution.DataParallel"
            ", JAX); --batch-size must be a multiple of the device count."
        ),
    ] = False,
    ngram_buckets: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(min=1, help="ngrams/cnn_ngrams/wide: rows of the hashed n-gram table."),
    ] = None,
    ngrams: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(min=2, help="ngrams/cnn_ngrams/wide: longest word n-gram (2: bigrams)."),
    ] = None,
    naive_bayes: Annotated[
        bool,
        typer.Option(
            help="wide/wide_average, two classes: scale n-grams by naive-Bayes ratios (NBSVM)."
        ),
    ] = False,
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
    from embedlab.classify.classifier import DEFAULT_THRESHOLD
    from embedlab.classify.training import parse_class_weight

    setup_logging()
    options = pipeline.TrainOptions(
        model=model,
        mode=mode,
        vectors=vectors,
        download=download,
        epochs=epochs,
        seed=seed,
        maxlen=maxlen,
        num_words=num_words,
        embedding_dim=embedding_dim,
        units=units,
        layers=layers,
        optimizer=optimizer,
        learning_rate=learning_rate,
        batch_size=batch_size,
        pretrained_vocab=pretrained_vocab,
        validation_split=validation_split,
        patience=patience,
        class_weight=parse_class_weight(class_weight),
        threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
        data_parallel=data_parallel,
        ngram_buckets=ngram_buckets,
        ngrams=ngrams,
        naive_bayes=naive_bayes,
    )
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
            search_seconds=search,
        )
    keys = ("accuracy", "macro_f1", "micro_f1", "n_test", "best_epoch")
    typer.echo(json.dumps({key: metrics[key] for key in keys if key in metrics}))
