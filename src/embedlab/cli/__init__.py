"""The `embedlab` command line. It parses arguments and calls library functions."""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from embedlab.errors import EmbedlabError
from embedlab.models.registry import model_names

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    help="Text classification with word embeddings on Keras 3.",
)
vectors_app = typer.Typer(
    no_args_is_help=True, help="Inspect word vectors: info, neighbors, analogy."
)
app.add_typer(vectors_app, name="vectors")

DataArg = Annotated[
    list[str],
    typer.Argument(
        help="A file or folder of labelled texts, or LABEL=PATH pairs (one text a line per class)."
    ),
]
FormatOpt = Annotated[
    Optional[str],  # noqa: UP045 - typer needs Optional on Python 3.10
    typer.Option(help="csv|tsv|jsonl|folder|lines|label-text; sniffed from the content if absent."),
]
EncodingOpt = Annotated[str, typer.Option(help="Text encoding of the data files (e.g. latin-1).")]
TextColOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--text-column", help="Text column of CSV/TSV/JSONL; guessed if absent."),
]
LabelColOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--label-column", help="Label column of CSV/TSV/JSONL; guessed if absent."),
]
LabelSepOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--label-separator",
        help="Multi-label: split each label on this string (a|b). JSONL arrays need none.",
    ),
]
ThresholdOpt = Annotated[
    Optional[float],  # noqa: UP045
    typer.Option(help="Multi-label: probability from which a label is predicted (0.5)."),
]


def _setup_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log = logging.getLogger("embedlab")
    log.handlers[:] = [handler]
    log.setLevel(logging.INFO)
    log.propagate = False


@app.command()
def train(
    data: DataArg,
    out: Annotated[Path, typer.Option(help="Directory to write the trained classifier to.")],
    vectors: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="Pretrained vectors: a name (glove-6B-50d) or a file path."),
    ] = None,
    model: Annotated[str, typer.Option(help="|".join(model_names()))] = "cnn",
    mode: Annotated[str, typer.Option(help="rand|static|nonstatic|multichannel")] = "rand",
    epochs: Annotated[int, typer.Option(min=1)] = 10,
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
) -> None:
    """Train a classifier on DATA and save it to OUT (with OUT/metrics.json)."""
    from embedlab import pipeline
    from embedlab.classify.classifier import DEFAULT_THRESHOLD
    from embedlab.classify.training import parse_class_weight

    _setup_logging()
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
        )
    keys = ("accuracy", "macro_f1", "micro_f1", "n_test", "best_epoch")
    typer.echo(json.dumps({key: metrics[key] for key in keys if key in metrics}))


@app.command()
def evaluate(
    directory: Annotated[Path, typer.Argument(help="A directory written by `embedlab train`.")],
    data: DataArg,
    format: FormatOpt = None,
    encoding: EncodingOpt = "utf-8",
    text_column: TextColOpt = None,
    label_column: LabelColOpt = None,
    label_separator: LabelSepOpt = None,
    threshold: ThresholdOpt = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the full metrics as JSON.")
    ] = False,
) -> None:
    """Evaluate a trained classifier on labelled DATA."""
    from embedlab import pipeline

    metrics = pipeline.evaluate(
        directory,
        data,
        data_options=pipeline.DataOptions(
            format, encoding, text_column, label_column, label_separator
        ),
        threshold=threshold,
    )
    if as_json:
        typer.echo(json.dumps(metrics, indent=2))
        return
    if metrics.get("multi_label"):
        typer.echo(f"subset accuracy  {metrics['accuracy']:.4f}  on {metrics['n_test']} texts")
        typer.echo(f"micro F1  {metrics['micro_f1']:.4f}")
        typer.echo(f"macro F1  {metrics['macro_f1']:.4f}")
        typer.echo(f"Hamming loss  {metrics['hamming_loss']:.4f}")
    else:
        typer.echo(f"accuracy  {metrics['accuracy']:.4f}  on {metrics['n_test']} texts")
        typer.echo(f"macro F1  {metrics['macro_f1']:.4f}")
    for label, row in metrics["per_class"].items():
        typer.echo(
            f"  {label:>12}  precision {row['precision']:.3f}  recall {row['recall']:.3f}  "
            f"f1 {row['f1']:.3f}  n={row['support']}"
        )


@app.command()
def predict(
    directory: Annotated[Path, typer.Argument(help="A directory written by `embedlab train`.")],
    texts: Annotated[Optional[list[str]], typer.Argument(help="Texts to classify.")] = None,  # noqa: UP045
    file: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(help="Read texts from this file (one a line, or csv/tsv/jsonl with --out)."),
    ] = None,
    encoding: EncodingOpt = "utf-8",
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object a line, with probabilities.")
    ] = False,
    threshold: ThresholdOpt = None,
    label_separator: Annotated[
        str, typer.Option(help="Multi-label: printed between a text's labels.")
    ] = "|",
    out: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(help="Stream --file in chunks into this JSONL file (big files)."),
    ] = None,
    format: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="With --out: lines|csv|tsv|jsonl; sniffed if absent."),
    ] = None,
    text_column: TextColOpt = None,
    batch_size: Annotated[
        int, typer.Option(min=1, help="With --out: texts per model call.")
    ] = 1024,
    overwrite: Annotated[bool, typer.Option(help="With --out: replace OUT if it exists.")] = False,
    scheduler: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            help="With --out: predict on a Dask cluster at this address (tcp://HOST:8786), "
            "or 'local' for a local cluster."
        ),
    ] = None,
) -> None:
    """Print the label of each text, one a line; or, with --file and --out, write a JSONL file."""
    from embedlab import pipeline
    from embedlab.data import read_texts

    if out is not None:
        from embedlab.deploy import batch

        if file is None or texts:
            raise EmbedlabError("--out writes the predictions of --file: give --file, no texts.")
        if scheduler is not None:
            try:
                from embedlab.deploy.cluster import predict_file_dask
            except ImportError as exc:
                raise EmbedlabError(
                    f"--scheduler needs Dask ({exc}): pip install 'embedlab[dask]'."
                ) from None

            result = predict_file_dask(
                directory,
                [file],
                out=out,
                scheduler=scheduler,
                format=format,
                encoding=encoding,
                text_column=text_column,
                batch_size=batch_size,
                overwrite=overwrite,
            )
        else:
            result = batch.predict_file(
                directory,
                file,
                out=out,
                format=format,
                encoding=encoding,
                text_column=text_column,
                batch_size=batch_size,
                overwrite=overwrite,
                progress=True,
            )
        typer.echo(
            json.dumps(
                {"rows": result.rows, "out": str(result.out), "seconds": round(result.seconds, 3)}
            )
        )
        return
    if format or text_column or scheduler:
        raise EmbedlabError("--format, --text-column and --scheduler go with --file and --out.")
    items = list(texts or [])
    if file is not None:
        items.extend(read_texts(file, encoding=encoding))
    if not items:
        raise EmbedlabError("No texts to classify: give texts as arguments or --file PATH.")
    labels, probabilities = pipeline.predict(directory, items, threshold=threshold)
    for text, label, proba in zip(items, labels, probabilities, strict=True):
        if as_json:
            key = "labels" if isinstance(label, list) else "label"
            typer.echo(json.dumps({"text": text, key: label, "probabilities": proba}))
        else:
            typer.echo(label_separator.join(label) if isinstance(label, list) else label)


@app.command()
def demo(
    model: Annotated[str, typer.Option(help="Model to compare the modes with.")] = "cnn",
    epochs: Annotated[int, typer.Option(min=1)] = 8,
    seed: Annotated[int, typer.Option()] = 0,
) -> None:
    """Offline in about a minute: rand vs static vs nonstatic embeddings on bundled reviews."""
    from embedlab.experiments.demo import print_table, run_demo

    _setup_logging()
    rows = run_demo(model=model, epochs=epochs, seed=seed)
    print_table(rows)


@vectors_app.command("info")
def vectors_info(
    vectors: Annotated[str, typer.Argument(help="A vector file or a name (glove-6B-50d).")],
) -> None:
    """Words, dimension and a few sample words of a vector set."""
    import time

    from embedlab.vectors import load_vectors

    start = time.perf_counter()
    vecs = load_vectors(vectors)
    seconds = time.perf_counter() - start
    typer.echo(f"vectors: {vectors}")
    typer.echo(f"words:   {len(vecs):,}")
    typer.echo(f"dim:     {vecs.dim}")
    typer.echo(f"first:   {' '.join(vecs.words[:10])}")
    typer.echo(f"loaded in {seconds:.2f} s")


@vectors_app.command("neighbors")
def vectors_neighbors(
    vectors: Annotated[str, typer.Argument(help="A vector file or a name (glove-6B-50d).")],
    words: Annotated[list[str], typer.Argument(help="Words to find neighbours of.")],
    topn: Annotated[int, typer.Option(min=1)] = 10,
) -> None:
    """The nearest words by cosine similarity."""
    from embedlab.vectors import load_vectors

    vecs = load_vectors(vectors)
    for word in words:
        if word not in vecs:
            raise EmbedlabError(f"{word!r} is not in {vectors}.")
        typer.echo(f"{word}:")
        for other, score in vecs.most_similar(word, topn=topn):
            typer.echo(f"  {other:<20} {score:.4f}")


@vectors_app.command("analogy")
def vectors_analogy(
    vectors: Annotated[str, typer.Argument(help="A vector file or a name (glove-6B-50d).")],
    a: Annotated[str, typer.Argument(help="a in 'a is to b as c is to ?'")],
    b: Annotated[str, typer.Argument(help="b")],
    c: Annotated[str, typer.Argument(help="c")],
    topn: Annotated[int, typer.Option(min=1)] = 5,
) -> None:
    """Solve 'a is to b as c is to ?' (3CosAdd: b - a + c)."""
    from embedlab.vectors import load_vectors

    vecs = load_vectors(vectors)
    for word in (a, b, c):
        if word not in vecs:
            raise EmbedlabError(f"{word!r} is not in {vectors}.")
    typer.echo(f"{a} : {b} :: {c} : ?")
    for other, score in vecs.analogy(a, b, c, topn=topn):
        typer.echo(f"  {other:<20} {score:.4f}")


# Commands defined in their own modules (each keeps its heavy imports inside).
from embedlab.cli.embed import embed_app, vectors_evaluate  # noqa: E402
from embedlab.cli.export import export  # noqa: E402
from embedlab.cli.serve import serve  # noqa: E402
from embedlab.cli.vectors import vectors_convert, vectors_download, vectors_list  # noqa: E402

app.add_typer(embed_app, name="embed")
app.command("export")(export)
vectors_app.command("evaluate")(vectors_evaluate)
vectors_app.command("download")(vectors_download)
vectors_app.command("convert")(vectors_convert)
vectors_app.command("list")(vectors_list)
app.command("serve")(serve)

from embedlab.cli.compare import compare as compare_command  # noqa: E402

app.command("compare")(compare_command)


def main() -> None:
    """Entry point: run the app, turning embedlab errors into a message and exit code 2."""
    try:
        app()
    except EmbedlabError as e:
        typer.echo(f"error: {e}", err=True)
        raise SystemExit(2) from None
