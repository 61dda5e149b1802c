"""`embedlab inspect`: a saved classifier's nearest neighbours before and after fine-tuning."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from embedlab.errors import EmbedlabError


def split_words(words: str) -> list[str]:
    """The words of a comma-separated ``--words`` value, blanks dropped."""
    return [word.strip() for word in words.split(",") if word.strip()]


def inspect(
    directory: Annotated[Path, typer.Argument(help="A directory written by `embedlab train`.")],
    words: Annotated[
        str, typer.Option(help='Comma-separated words, e.g. bad,good,"n\'t",!')
    ] = "bad,good,n't,!",
    topn: Annotated[int, typer.Option(min=1, help="Neighbours per word and table.")] = 4,
    moved: Annotated[
        int, typer.Option(min=0, help="How many most-moved words to list (0: none).")
    ] = 10,
    min_count: Annotated[
        int, typer.Option(min=1, help="Most-moved words occur at least this often in training.")
    ] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    map_out: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--map", help="Draw the most-moved words before -> after (PCA) into this PNG."
        ),
    ] = None,
) -> None:
    """Nearest neighbours of words in the pretrained and the fine-tuned table (Kim 2014, Table 3).

    For nonstatic and multichannel classifiers the two tables are printed side
    by side, then the words that fine-tuning moved most; for rand and static,
    the one table.
    """
    import numpy as np

    from embedlab.classify.classifier import TextClassifier
    from embedlab.inspect.neighbours import format_inspection, table_neighbours

    clf = TextClassifier.load(directory)
    result = table_neighbours(clf, split_words(words), topn=topn, moved=moved, min_count=min_count)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(format_inspection(result))
    if map_out is not None:
        from embedlab.inspect.maps import plot_moved
        from embedlab.inspect.summary import inspection_record

        rows = inspection_record(clf, words=(), moved=max(moved, 2))["moved_rows"]
        if not rows["words"]:
            raise EmbedlabError(
                "--map draws what fine-tuning moved: this classifier has one table."
            )
        path = plot_moved(
            rows["words"],
            np.asarray(rows["before"]),
            np.asarray(rows["after"]),
            map_out,
            groups=rows["classes"],
        )
        typer.echo(f"map of the {len(rows['words'])} words moved most -> {path}", err=True)


def render_explanation(explanation: Any, *, top: int = 5) -> list[str]:
    """Lines showing an explanation: the tokens coloured by contribution, then the top ones.

    Green tokens support the label, red ones speak against it (bold when
    strong); unknown tokens end in ``?``. Colours are ANSI styles that
    `typer.echo` drops when the output is not a terminal.
    """
    tokens = explanation.tokens
    if not tokens:
        return ["  (no tokens: nothing to explain)"]
    strongest = max(abs(t.contribution) for t in tokens) or 1.0
    words = []
    for token in tokens:
        if not token.known:
            words.append(typer.style(f"{token.token}?", dim=True))
            continue
        share = token.contribution / strongest
        color = "green" if share > 0.1 else "red" if share < -0.1 else None
        words.append(typer.style(token.token, fg=color, bold=abs(share) >= 0.5))
    ranked = "  ".join(f"{t.contribution:+.2f} {t.token}" for t in explanation.top(top))
    return ["  " + " ".join(words), f"  log-odds: {ranked}"]


def echo_explained(
    directory: Path, texts: list[str], *, threshold: float | None, as_json: bool
) -> None:
    """`predict --explain`: each text's label, probabilities and token contributions."""
    from embedlab.inspect.explain import predict_explained

    for text, label, probabilities, explanation in zip(
        texts, *predict_explained(directory, texts, threshold=threshold), strict=True
    ):
        if as_json:
            key = "labels" if isinstance(label, list) else "label"
            record = {
                "text": text,
                key: label,
                "probabilities": probabilities,
                "explanation": explanation.to_dict(),
            }
            typer.echo(json.dumps(record, ensure_ascii=False))
            continue
        shown = "|".join(label) if isinstance(label, list) else label
        typer.echo(f"{shown}  (explained: {explanation.label}, p={explanation.probability:.3f})")
        for line in render_explanation(explanation):
            typer.echo(line)
