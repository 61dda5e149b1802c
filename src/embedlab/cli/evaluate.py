"""`embedlab evaluate`: parse arguments, call `embedlab.pipeline.evaluate`, print the metrics."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from embedlab.cli.options import (
    DataArg,
    EncodingOpt,
    FormatOpt,
    LabelColOpt,
    LabelSepOpt,
    StrictOpt,
    TextColOpt,
    ThresholdOpt,
)


def evaluate(
    directory: Annotated[Path, typer.Argument(help="A directory written by `embedlab train`.")],
    data: DataArg,
    format: FormatOpt = None,
    encoding: EncodingOpt = "utf-8",
    text_column: TextColOpt = None,
    label_column: LabelColOpt = None,
    label_separator: LabelSepOpt = None,
    strict: StrictOpt = False,
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
            format, encoding, text_column, label_column, label_separator, strict=strict
        ),
        threshold=threshold,
    )
    if as_json:
        typer.echo(json.dumps(metrics, indent=2, allow_nan=False))
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
