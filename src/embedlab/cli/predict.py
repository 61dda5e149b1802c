"""`embedlab predict`: labels of texts, or a file of texts streamed into JSONL."""

from __future__ import annotations

import json
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
        typer.Option(help="Read texts from this file (one a line, or csv/tsv/jsonl with --out)."),
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
    if explain:
        from embedlab.cli.inspect import echo_explained

        echo_explained(directory, items, threshold=threshold, as_json=as_json)
        return
    labels, probabilities = pipeline.predict(directory, items, threshold=threshold)
    for text, label, proba in zip(items, labels, probabilities, strict=True):
        if as_json:
            key = "labels" if isinstance(label, list) else "label"
            typer.echo(json.dumps({"text": text, key: label, "probabilities": proba}))
        else:
            typer.echo(label_separator.join(label) if isinstance(label, list) else label)
