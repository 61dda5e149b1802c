"""`embedlab vectors plot`: a labelled 2-D map of words, and the Embedding Projector's files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from embedlab.cli.inspect import split_words
from embedlab.errors import EmbedlabError


def _groups(values: list[str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for value in values:
        name, sep, words = value.partition("=")
        if not sep or not name.strip() or not split_words(words):
            raise EmbedlabError(f"--group takes NAME=word,word,... Received: {value!r}")
        groups.setdefault(name.strip(), []).extend(split_words(words))
    return groups


def vectors_plot(
    source: Annotated[
        str, typer.Argument(help="Vectors (catalogue name or file), or a `train` --out directory.")
    ],
    words: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="Comma-separated words to map."),
    ] = None,
    group: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(help="NAME=word,word,...: map these words coloured as NAME (repeatable)."),
    ] = None,
    top: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(min=1, help="Map the N most frequent words (default 200 without --words)."),
    ] = None,
    color_by_class: Annotated[
        bool,
        typer.Option(help="Classifier only: colour each word by the label it gets on its own."),
    ] = False,
    table: Annotated[
        str,
        typer.Option(help="Classifier only: after (table in use) or before (pretrained rows)."),
    ] = "after",
    method: Annotated[str, typer.Option(help="pca, tsne or umap (umap-learn).")] = "pca",
    out: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(help="PNG to draw the map into."),
    ] = None,
    projector: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(help="Folder for the TensorBoard Projector's vectors.tsv and metadata.tsv."),
    ] = None,
    max_points: Annotated[
        int, typer.Option(min=3, help="Sample down to this many words (with a message).")
    ] = 2000,
    seed: Annotated[int, typer.Option(help="Seed of the sample, t-SNE and UMAP.")] = 0,
) -> None:
    """Draw a labelled 2-D map of words (PCA, t-SNE or UMAP); export them for the Projector."""
    from embedlab.inspect.maps import plot_map, sample_rows, source_rows, word_map, write_projector

    if out is None and projector is None:
        raise EmbedlabError("Nothing to write: give --out map.png and/or --projector DIR.")
    rows = source_rows(
        source,
        words=split_words(words or ""),
        groups=_groups(group or []),
        top=top,
        color_by_class=color_by_class,
        table=table,
    )
    for word in rows.missing:
        typer.echo(f"{word}: not in the vocabulary", err=True)
    chosen, matrix, groups, note = sample_rows(
        rows.words, rows.matrix, rows.groups, max_points=max_points, seed=seed
    )
    if note:
        typer.echo(note, err=True)
    if projector is not None:
        vectors_tsv, metadata_tsv = write_projector(projector, chosen, matrix, groups=groups)
        typer.echo(f"{len(chosen)} words -> {vectors_tsv}, {metadata_tsv}")
    if out is not None:
        mapped = word_map(chosen, matrix, groups=groups, method=method, max_points=max_points)
        typer.echo(f"{len(chosen)} words ({method}) -> {plot_map(mapped, out)}")
