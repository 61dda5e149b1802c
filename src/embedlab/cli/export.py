"""The ``embedlab export`` command (see `embedlab.deploy.export`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def export(
    directory: Annotated[Path, typer.Argument(help="A directory written by `embedlab train`.")],
    format: Annotated[str, typer.Option(help="onnx|savedmodel")],
    out: Annotated[Path, typer.Option(help="Directory to write the exported model to.")],
    overwrite: Annotated[bool, typer.Option(help="Replace OUT if it exists.")] = False,
) -> None:
    """Export the model for serving (ONNX Runtime, TF Serving), with its tokenizer.json.

    The exported model takes padded int32 word ids (OUT/export.json says how to
    make them); text preprocessing stays outside it.
    """
    from embedlab.deploy.export import export_classifier

    typer.echo(str(export_classifier(directory, format=format, out=out, overwrite=overwrite)))
