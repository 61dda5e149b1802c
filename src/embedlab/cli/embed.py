"""`embedlab embed train` and `embedlab vectors evaluate`: parse arguments, call the library.

Kept light at import (typer and embedlab's light modules only); numpy-heavy
work, gensim, scipy and numba are imported by the library functions the
commands call.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from embedlab.embeddings import ALGORITHMS, GLOVE_DEFAULTS, TEXT_FORMAT

embed_app = typer.Typer(
    no_args_is_help=True,
    help="Train word vectors on your own text: word2vec, fastText (gensim) or GloVe.",
)

_G = GLOVE_DEFAULTS


@embed_app.command("train")
def embed_train(
    corpus: Annotated[
        list[str],
        typer.Argument(
            help="Text files (one document a line, streamed), or DATA as `embedlab train` "
            "takes it (csv/tsv/jsonl, a folder per class, LABEL=PATH)."
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            help="Vector file to write (word2vec text; GloVe text; fastText: PATH.vec and "
            "PATH.bin, the subword model)."
        ),
    ],
    algo: Annotated[str, typer.Option(help="|".join(ALGORITHMS))] = "word2vec",
    sg: Annotated[
        bool, typer.Option("--sg/--cbow", help="Skip-gram or CBOW (word2vec, fastText).")
    ] = True,
    dim: Annotated[int, typer.Option(min=1, help="Vector size.")] = 100,
    window: Annotated[
        Optional[int],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Option(min=1, help=f"Context words on each side (default 5; GloVe {_G.window})."),
    ] = None,
    min_count: Annotated[int, typer.Option(min=1, help="Fewest occurrences of a word.")] = 5,
    epochs: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(min=1, help=f"Passes (default 5; GloVe {_G.epochs})."),
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="Threads.")] = 2,
    seed: Annotated[int, typer.Option(help="Seed of the initial vectors.")] = 0,
    x_max: Annotated[
        Optional[float],  # noqa: UP045
        typer.Option(
            help=f"GloVe: weighting cutoff (default {_G.x_max:g}, for small corpora; "
            "the paper's 100 suits billions of tokens)."
        ),
    ] = None,
    alpha: Annotated[
        Optional[float],  # noqa: UP045
        typer.Option(help=f"GloVe: weighting exponent (default {_G.alpha:g})."),
    ] = None,
    learning_rate: Annotated[
        Optional[float],  # noqa: UP045
        typer.Option(help=f"GloVe: AdaGrad learning rate (default {_G.learning_rate:g})."),
    ] = None,
    output_vectors: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            help=f"GloVe: sum (W + W~, glove.c -model 2) or word (W, -model 1) "
            f"(default {_G.output_vectors})."
        ),
    ] = None,
    format: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            help=f"{TEXT_FORMAT} (one document a line)|csv|tsv|jsonl|folder|lines|label-text; "
            "default: text for plain files, else guessed."
        ),
    ] = None,
    encoding: Annotated[str, typer.Option(help="Text encoding (e.g. latin-1).")] = "utf-8",
    text_column: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--text-column", help="Text column of CSV/TSV/JSONL; guessed if absent."),
    ] = None,
    keep_punctuation: Annotated[
        bool,
        typer.Option(
            help="Split on spaces only, keeping punctuation tokens of pre-tokenised text "
            "(default: remove the Keras filters, as the classifier's tokenizer does)."
        ),
    ] = False,
    overwrite: Annotated[bool, typer.Option(help="Replace existing output files.")] = False,
    tokenizer: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--tokenizer",
            help="Word analyzer: whitespace (default) or kiwi (Korean morphemes; kiwi:pos "
            "tags them); use the one the classifier will use.",
        ),
    ] = None,
) -> None:
    """Train word vectors on CORPUS and write them to OUT (`embedlab train --vectors OUT`)."""
    from embedlab.embeddings import Corpus, train_vectors
    from embedlab.text.tokenizer import DEFAULT_FILTERS

    source = Corpus(
        corpus,
        format=format,
        encoding=encoding,
        text_column=text_column,
        filters="" if keep_punctuation else DEFAULT_FILTERS,
        analyzer=None if tokenizer in (None, "whitespace") else tokenizer,
    )
    with _RichReporter() as reporter:
        result = train_vectors(
            source,
            out,
            algo=algo,
            sg=sg,
            dim=dim,
            window=window,
            min_count=min_count,
            epochs=epochs,
            workers=workers,
            seed=seed,
            x_max=x_max,
            alpha=alpha,
            learning_rate=learning_rate,
            output_vectors=output_vectors,
            overwrite=overwrite,
            progress=reporter,
        )
    summary: dict[str, Any] = {
        "algo": result.algo,
        "words": len(result.vectors),
        "dim": result.vectors.dim,
        "seconds": round(result.seconds, 2),
        "paths": [str(p) for p in result.paths],
    }
    if result.losses:
        summary["loss"] = result.losses[-1]
    typer.echo(json.dumps(summary, allow_nan=False))


def vectors_evaluate(
    vectors: Annotated[str, typer.Argument(help="A vector file or a name (glove-6B-50d).")],
    analogies: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(help="Analogy questions (': section' and 'a b c d' lines)."),
    ] = None,
    similarity: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Option(help="Word-pair files 'w1 w2 score' (repeat the option for several)."),
    ] = None,
    restrict: Annotated[
        int,
        typer.Option(min=1, help="Use the N most frequent words (first in the file)."),
    ] = 300_000,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Analogy accuracy (3CosAdd, 3CosMul) and word-pair Spearman rho of a vector set."""
    from embedlab.vectors import load_vectors
    from embedlab.vectors.evaluation import evaluate

    if analogies is None and not similarity:
        raise typer.BadParameter("give --analogies FILE, --similarity FILE, or both")
    result = evaluate(
        load_vectors(vectors, limit=restrict),  # only the first N words are ever used
        analogies=analogies,
        similarity=similarity or [],
        restrict_vocab=restrict,
    )
    if as_json:
        typer.echo(json.dumps(result, allow_nan=False))
        return
    analogy = result["analogy"]
    if analogy is not None:
        typer.echo(f"{'analogies':<28} {'3CosAdd':>8} {'3CosMul':>8} {'n':>7} {'oov':>6}")
        rows = [*analogy["sections"].items(), ("total", analogy["total"])]
        for name, row in rows:
            typer.echo(
                f"{name:<28} {_percent(row['3cosadd']):>8} {_percent(row['3cosmul']):>8} "
                f"{row['n']:>7} {row['oov']:>6}"
            )
    for name, row in result["similarity"].items():
        rho = "n/a" if row["spearman"] is None else f"{row['spearman']:.4f}"
        typer.echo(f"{name}: Spearman {rho} on {row['covered']} of {row['pairs']} pairs")


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.2f}%"


class _RichReporter:
    """A rich progress bar on stderr, one task per training phase."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("{task.description:<16}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self._task: Any = None

    def __enter__(self) -> _RichReporter:
        self._progress.start()
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self._finish()
        self._progress.stop()

    def _finish(self) -> None:
        if self._task is not None:
            task = self._progress.tasks[-1]
            self._progress.update(self._task, completed=task.total)

    def phase(self, description: str, total: int) -> None:
        self._finish()
        self._task = self._progress.add_task(description, total=max(total, 1))

    def advance(self, amount: int) -> None:
        if self._task is not None:
            self._progress.advance(self._task, amount)
