"""Options shared by several commands (data reading, thresholds) and the log setup."""

from __future__ import annotations

import logging
import sys
from typing import Annotated, Optional

import typer

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
TokenizerOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--tokenizer",
        help="Word analyzer: whitespace|kiwi|subword, options after ':' (kiwi:pos, "
        "kiwi:content, subword:vocab=8000); default: kiwi if most texts are Hangul.",
    ),
]


def setup_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log = logging.getLogger("embedlab")
    log.handlers[:] = [handler]
    log.setLevel(logging.INFO)
    log.propagate = False
