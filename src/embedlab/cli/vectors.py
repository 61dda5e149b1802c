"""`embedlab vectors ...`: info, neighbors, analogy, download, convert, list.

Kept light at import (typer only); the library modules are imported by the
commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from embedlab.errors import EmbedlabError

CONVERT_FORMATS = ("glove", "word2vec", "word2vec-bin", "npy")


def vectors_download(
    name: Annotated[
        str,
        typer.Argument(help="A catalogue name (see `embedlab vectors list`) or an http(s) URL."),
    ],
    dir: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Option(
            "--dir",
            help="Folder to download into (default $EMBEDLAB_HOME/downloads, where loading "
            "by name looks).",
        ),
    ] = None,
    url: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="Download NAME from this address instead (a mirror)."),
    ] = None,
    sha256: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="Expected sha256 of the downloaded file."),
    ] = None,
    md5: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="Expected md5 of the downloaded file."),
    ] = None,
    progress: Annotated[
        bool, typer.Option(help="Show a progress bar (only on a terminal).")
    ] = True,
) -> None:
    """Download pretrained vectors (resumable, verified) and print the file's path."""
    from embedlab.vectors.download import download

    path = download(name, dest_dir=dir, url=url, sha256=sha256, md5=md5, progress=progress)
    typer.echo(str(path))


def vectors_convert(
    src: Annotated[str, typer.Argument(help="A vector file (any format) or a catalogue name.")],
    out: Annotated[Path, typer.Argument(help="File to write (.gz compresses text formats).")],
    to: Annotated[str, typer.Option("--to", help="|".join(CONVERT_FORMATS))],
    from_format: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--from", help="Format of SRC; sniffed from its content if absent."),
    ] = None,
    encoding: Annotated[str, typer.Option(help="Encoding of SRC's words.")] = "utf-8",
    overwrite: Annotated[
        bool, typer.Option(help="Replace OUT if it exists (only a vector file embedlab wrote).")
    ] = False,
) -> None:
    """Convert vectors between GloVe text, word2vec text/binary and an .npy matrix + words.

    --to npy writes OUT (must end in .npy) and OUT's name with .vocab.txt,
    one word a line; `load_vectors` reads the pair back from OUT.
    """
    if to not in CONVERT_FORMATS:
        raise typer.BadParameter(f"must be one of {', '.join(CONVERT_FORMATS)}", param_hint="--to")
    from embedlab.ownership import check_output
    from embedlab.vectors import load_vectors, save_vectors
    from embedlab.vectors.npy import NPY_SUFFIX, write_npy_pair

    if to == "npy" and out.suffix.lower() != NPY_SUFFIX:
        raise EmbedlabError(
            f"--to npy writes a matrix file whose name ends in .npy (the words go beside it): "
            f"name OUT like {out.with_suffix(NPY_SUFFIX)}. Received: {out}"
        )
    check_output(out, kind="vectors", inputs=[src], overwrite=overwrite)
    vectors = load_vectors(src, format=from_format, encoding=encoding)
    if to == "npy":
        written = write_npy_pair(vectors, out)
    else:
        written = save_vectors(vectors, out, format=to)
    typer.echo(f"{len(vectors):,} words x {vectors.dim} -> {written}")


def vectors_list() -> None:
    """The vector sets loadable by name, and whether each is available offline."""
    import importlib.util

    from embedlab.vectors import KNOWN_VECTORS
    from embedlab.vectors.download import downloaded_path

    for source in KNOWN_VECTORS.values():
        if source.package is not None and importlib.util.find_spec(source.package) is not None:
            where = "offline (package)"
        elif source.url is not None and downloaded_path(source.name).is_file():
            where = "downloaded"
        else:
            size = f" (~{source.approx_mb:,} MB)" if source.approx_mb else ""
            where = f"to download{size}"
        typer.echo(f"{source.name:<28} {source.dim:>4}d {source.n_words:>10,} words  {where}")


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
