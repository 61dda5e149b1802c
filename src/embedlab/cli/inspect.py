"""`embedlab inspect`: a saved classifier's nearest neighbours before and after fine-tuning."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer


def split_words(words: str) -> list[str]:
    """The words of a comma-separated ``--words`` value, blanks dropped."""
    return [word.strip() for word in words.split(",") if word.strip()]


def inspect(
    directory: Annotated[Path, typer.Argument(help="A directory written by `embedlab train`.")],
    words: Annotated[
        str, typer.Option(help="Comma-separated words, e.g. bad,good,\"n't\",!")
    ] = "bad,good,n't,!",
    topn: Annotated[int, typer.Option(min=1, help="Neighbours per word and table.")] = 4,
    moved: Annotated[
        int, typer.Option(min=0, help="How many most-moved words to list (0: none).")
    ] = 10,
    min_count: Annotated[
        int, typer.Option(min=1, help="Most-moved words occur at least this often in training.")
    ] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Nearest neighbours of words in the pretrained and the fine-tuned table (Kim 2014, Table 3).

    For nonstatic and multichannel classifiers the two tables are printed side
    by side, then the words that fine-tuning moved most; for rand and static,
    the one table.
    """
    from embedlab.classify.classifier import TextClassifier
    from embedlab.inspect.neighbours import format_inspection, table_neighbours

    clf = TextClassifier.load(directory)
    result = table_neighbours(
        clf, split_words(words), topn=topn, moved=moved, min_count=min_count
    )
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(format_inspection(result))
