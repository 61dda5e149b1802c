"""`save_vectors`: write vectors as GloVe text, word2vec text or word2vec binary.

Layouts are those of `embedlab.vectors.formats` (gensim and the original
tools read them). Numbers in text files are the shortest decimals that read
back to the same float32 (as gensim writes them), so a round trip is exact.
The file is written under a temporary name in the same folder and then
renamed over `path`, so a reader never sees a half-written file.
"""

from __future__ import annotations

import bz2
import gzip
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, cast

from embedlab.atomic import atomic_open
from embedlab.vectors.core import Vectors
from embedlab.vectors.formats import BINARY_DTYPE, FORMATS, check_format

# Rows formatted per write call.
_ROWS_PER_WRITE = 10_000


def save_vectors(vectors: Vectors, path: str | os.PathLike[str], *, format: str = "glove") -> Path:
    """Write `vectors` to `path` in a standard format, atomically.

    Args:
        vectors: Vectors. The vectors to write, in their order.
        path: str or path. Destination; a ``.gz`` (or ``.bz2``) suffix
            compresses the file.
        format: str. "glove" (text, no header), "word2vec" or "fasttext-vec"
            (text with a ``count dim`` header) or "word2vec-bin" (binary).

    Returns:
        The path written.

    Raises:
        TypeError: if `vectors` is not a `Vectors`.
        ValueError: if `format` is unknown, the suffix is ``.zip``, or a word
            cannot be written in the format (a newline in any format, a
            space in word2vec binary, where a space ends the word).

    Example:
        >>> save_vectors(vectors, "small.w2v.bin", format="word2vec-bin")
        PosixPath('small.w2v.bin')
    """
    if not isinstance(vectors, Vectors):
        raise TypeError(
            "`vectors` must be a Vectors (see Vectors.from_keyed_vectors for gensim). "
            f"Received: {type(vectors).__name__}"
        )
    check_format(format)
    layout = FORMATS[format]
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".zip":
        raise ValueError(
            "`path` may end in .gz or .bz2 to compress, but zip archives are not written. "
            f"Received: path={str(path)!r}"
        )
    _check_words(vectors.words, binary=layout.binary)
    with atomic_open(path, "wb") as raw, _compressor(raw, suffix, path) as out:
        if layout.header:
            out.write(f"{len(vectors)} {vectors.dim}\n".encode())
        chunks = _binary_chunks if layout.binary else _text_chunks
        for chunk in chunks(vectors):
            out.write(chunk)
    return path


def _compressor(raw: IO[bytes], suffix: str, path: Path) -> IO[bytes]:
    """`raw` itself, or a gzip/bzip2 writer around it, by the suffix of `path`."""
    if suffix == ".gz":
        return cast(IO[bytes], gzip.GzipFile(filename=path.stem, mode="wb", fileobj=raw, mtime=0))
    if suffix == ".bz2":
        return cast(IO[bytes], bz2.BZ2File(raw, mode="wb"))
    return raw


def _check_words(words: list[str], *, binary: bool) -> None:
    for word in words:
        if "\n" in word or (binary and " " in word):
            what = "a newline" if "\n" in word else "a space (it would end the word)"
            raise ValueError(
                f"the word {word!r} contains {what} and cannot be written in this format. "
                "Rename or drop it first."
            )


def _text_chunks(vectors: Vectors) -> Iterator[bytes]:
    words, matrix = vectors.words, vectors.matrix
    for start in range(0, len(words), _ROWS_PER_WRITE):
        block = matrix[start : start + _ROWS_PER_WRITE]
        lines = [
            f"{word} {' '.join(map(str, row))}\n"
            for word, row in zip(words[start : start + len(block)], block, strict=True)
        ]
        yield "".join(lines).encode("utf-8")


def _binary_chunks(vectors: Vectors) -> Iterator[bytes]:
    words = vectors.words
    matrix = vectors.matrix.astype(BINARY_DTYPE, copy=False)
    for start in range(0, len(words), _ROWS_PER_WRITE):
        block = matrix[start : start + _ROWS_PER_WRITE]
        yield b"".join(
            word.encode("utf-8") + b" " + row.tobytes() + b"\n"
            for word, row in zip(words[start : start + len(block)], block, strict=True)
        )
