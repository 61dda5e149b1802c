"""The npy pair: a float32 matrix in NumPy's ``.npy`` format plus a words file beside it.

``vectors.npy`` holds the ``(count, dim)`` matrix in NumPy's format
(https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html,
written with ``allow_pickle=False``) and ``vectors.vocab.txt`` its words,
UTF-8, one a line, so that line ``i + 1`` is the word of row ``i``. The
matrix is memory-mapped when read, and with a vocabulary only the needed rows
are copied. `load_vectors` reads the pair when the path ends in ``.npy``;
``embedlab vectors convert IN OUT.npy --to npy`` writes it.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

import numpy as np

from embedlab.atomic import atomic_open
from embedlab.errors import VectorFileError
from embedlab.vectors.core import Vectors
from embedlab.vectors.rows import Rows, select_rows

NPY_SUFFIX = ".npy"
VOCAB_SUFFIX = ".vocab.txt"


def vocab_path(path: str | os.PathLike[str]) -> Path:
    """The words file of the matrix `path`: ``vectors.npy`` -> ``vectors.vocab.txt``."""
    return Path(path).with_suffix(VOCAB_SUFFIX)


def write_npy_pair(vectors: Vectors, path: str | os.PathLike[str]) -> Path:
    """Write `vectors` as ``PATH`` (the float32 matrix) and ``PATH`` minus .npy + .vocab.txt.

    Each file is written under a temporary name and renamed into place, the
    words file first.

    Args:
        vectors: Vectors. The vectors to write, in their order.
        path: str or path. The matrix file; must end in ``.npy``.

    Returns:
        The matrix path.

    Raises:
        TypeError: if `vectors` is not a `Vectors`.
        ValueError: if `path` does not end in ``.npy`` or a word contains a newline.

    Example:
        >>> write_npy_pair(vectors, "glove.npy")  # also writes glove.vocab.txt
        PosixPath('glove.npy')
    """
    if not isinstance(vectors, Vectors):
        raise TypeError(f"`vectors` must be a Vectors. Received: {type(vectors).__name__}")
    path = Path(path)
    if path.suffix.lower() != NPY_SUFFIX:
        raise ValueError(
            f"`path` must end in .npy (the words go beside it, in {VOCAB_SUFFIX}). "
            f"Received: path={str(path)!r}"
        )
    for word in vectors.words:
        if "\n" in word:
            raise ValueError(
                f"the word {word!r} contains a newline and cannot be written one word a line. "
                "Rename or drop it first."
            )
    words = "".join(f"{word}\n" for word in vectors.words).encode("utf-8")
    with atomic_open(vocab_path(path), "wb") as f:
        f.write(words)
    with atomic_open(path, "wb") as f:
        np.save(f, vectors.matrix, allow_pickle=False)
    return path


def read_npy_pair(
    path: str | os.PathLike[str],
    *,
    vocab: Collection[str] | None = None,
    limit: int | None = None,
) -> Rows:
    """Read a pair written by `write_npy_pair`.

    Args:
        path: str or path. The ``.npy`` matrix; its words file is beside it.
        vocab: collection of str, or None. Lower-cased words to keep.
        limit: int or None. Keep only the first `limit` rows.

    Returns:
        The kept rows (`Rows.lines` are 1-based row numbers).

    Raises:
        VectorFileError: if either file is missing or unreadable, the matrix
            is not 2-D floats, or the counts of words and rows differ.
    """
    path = Path(path)
    words_file = vocab_path(path)
    try:
        matrix = np.load(path, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError, EOFError) as exc:
        raise VectorFileError(f"{path}: cannot read the .npy matrix ({exc}).") from exc
    if matrix.ndim != 2 or not np.issubdtype(matrix.dtype, np.floating):
        raise VectorFileError(
            f"{path}: expected a 2-D float matrix (words x dim), found shape {matrix.shape} "
            f"of {matrix.dtype}."
        )
    words = _read_words(words_file, path)
    if len(words) != matrix.shape[0]:
        raise VectorFileError(
            f"{words_file}: lists {len(words):,} words but {path.name} has {matrix.shape[0]:,} "
            "rows; the two files do not belong together."
        )
    return select_rows(words, matrix, vocab=vocab, limit=limit)


def _read_words(words_file: Path, matrix_path: Path) -> list[str]:
    try:
        data = words_file.read_bytes()
    except FileNotFoundError:
        raise VectorFileError(
            f"{matrix_path}: its words file {words_file} is missing; an .npy matrix is read "
            f"with the {VOCAB_SUFFIX} file written beside it."
        ) from None
    try:
        words = data.decode("utf-8").split("\n")
    except UnicodeDecodeError as exc:
        number = data.count(b"\n", 0, exc.start) + 1
        raise VectorFileError(
            f"{words_file} line {number}: not valid UTF-8 ({exc.reason})."
        ) from exc
    if words[-1] == "":  # each word ends with a newline; an empty file has no words
        words.pop()
    return words
