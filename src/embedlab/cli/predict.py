"""`embedlab predict`: labels of texts, or a file of texts streamed into JSONL."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from embedlab.cli.options import (
    EncodingOpt,
    TextColOpt,
    ThresholdOpt,
)
from embedlab.errors import EmbedlabError


def predict(
    directory: Annotated[Path, typer.Argument(help="A directory written by `embedlab train`.")],
    texts: Annotated[Optional[list[str]], typer.Argument(help="Texts to classify.")] = None,  # noqa: UP045
    file: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(help="Read texts from this file: one a line, or csv/tsv/jsonl (sniffed)."),
    ] = None,
    encoding: EncodingOpt = "utf-8",
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object a line, with probabilities.")
    ] = False,
    threshold: ThresholdOpt = None,
    explain: Annotated[
        bool,
        typer.Option(
            help="Show each word's contribution to the label (occlusion: one batched model "
            "call of n_words + 1 rows per text); with --json or --out, as numbers."
        ),
    ] = False,
    label_separator: Annotated[
        str, typer.Option(help="Multi-label: printed between a text's labels.")
    ] = "|",
    out: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(help="Stream --file in chunks into this JSONL file (big files)."),
    ] = None,
    format: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="Format of --file: lines|csv|tsv|jsonl; sniffed if absent."),
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
    from embedlab.classify.answers import dumps, records
    from embedlab.classify.classifier import TextClassifier
    from embedlab.deploy.batch import iter_text_chunks

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

            if explain:
                raise EmbedlabError(
                    "--explain does not run on a Dask cluster; leave --scheduler out."
                )
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
                explain=explain,
            )
        typer.echo(
            dumps(
                {"rows": result.rows, "out": str(result.out), "seconds": round(result.seconds, 3)}
            )
        )
        return
    if scheduler:
        raise EmbedlabError("--scheduler goes with --file and --out.")
    if (format or text_column) and file is None:
        raise EmbedlabError("--format and --text-column describe --file: give --file.")
    items = list(texts or [])
    lines: list[int | None] = [None] * len(items)
    if file is not None:
        # parsed as `--out` parses it: CSV/TSV/JSONL by their text column, not raw lines
        for chunk in iter_text_chunks(
            file, format=format, encoding=encoding, text_column=text_column
        ):
            lines.extend(number for number, _ in chunk)
            items.extend(text for _, text in chunk)
    if not items:
        raise EmbedlabError("No texts to classify: give texts as arguments or --file PATH.")
    if explain:
        from embedlab.cli.inspect import echo_explained

        echo_explained(directory, items, threshold=threshold, as_json=as_json)
        return
    clf = TextClassifier.load(directory)
    for row in records(clf, items, clf.predict_proba(items), threshold=threshold, lines=lines):
        if as_json:
            typer.echo(dumps(row))
        else:
            label = row.get("labels", row.get("label"))
            typer.echo(label_separator.join(label) if isinstance(label, list) else label)
