"""`load_vectors`: read pretrained word vectors from a file or by name."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from embedlab.errors import VectorFileError
from embedlab.vectors.core import Vectors
from embedlab.vectors.formats import (
    FORMATS,
    check_encoding,
    check_format,
    is_path_like,
    read_decompressed,
    sniff_format,
)
from embedlab.vectors.readers import Rows, read_binary, read_text
from embedlab.vectors.sources import KNOWN_VECTORS, read_named


def load_vectors(
    path_or_name: str | os.PathLike[str],
    *,
    vocab: Any = None,
    format: str | None = None,
    encoding: str = "utf-8",
    limit: int | None = None,
) -> Vectors:
    """Load word vectors from a GloVe, word2vec or fastText file, or a known name.

    The file may be plain or gzip/bzip2/zip-compressed; the compression is
    told by its first bytes and the format by its content (see
    `embedlab.vectors.formats.sniff_format`), whatever its suffix.

    Args:
        path_or_name: str or path. A vector file, or a name in `KNOWN_VECTORS`
            such as ``"glove-6B-50d"`` (an existing file of that name wins).
        vocab: None, an object with a ``word_index`` dict (a fitted tokenizer),
            or an iterable of words. When given, only rows whose word, compared
            in lower case, is in the vocabulary are kept (so "Paris" is kept
            for "paris" and a case fallback can find it); the numbers of the
            other rows are not parsed nor checked.
        format: str or None. "glove", "word2vec", "fasttext-vec" or
            "word2vec-bin" to override the detected format.
        encoding: str. Encoding of the words (ASCII-compatible, e.g. "latin-1").
            Not used for named sets.
        limit: int or None. Read only the first `limit` vectors of the file,
            before any `vocab` restriction (like gensim's `limit`).

    Returns:
        The vectors, in file order. A word that repeats keeps its first vector
        (with a UserWarning giving the count).

    Raises:
        VectorFileError: if the file is missing, empty, truncated or has a bad
            line (the message names the file and the line), or the name is
            not known.
        ValueError: if an option is invalid.

    Example:
        >>> vectors = load_vectors("glove.6B.100d.txt", vocab=tokenizer)
        >>> vectors.most_similar("movie", topn=3)
        [('film', 0.9...), ...]
    """
    check_format(format)
    check_encoding(encoding)
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ValueError(f"`limit` must be a positive integer or None. Received: limit={limit!r}")
    wanted = _lowercase_vocab(vocab)
    path = Path(path_or_name)
    if path.is_file():
        rows = _read_file(path, format=format, encoding=encoding, vocab=wanted, limit=limit)
        name = str(path)
    elif isinstance(path_or_name, str) and path_or_name in KNOWN_VECTORS:
        if format is not None:
            raise ValueError(
                f"`format` applies to files, not to the named set {path_or_name!r}. "
                f"Received: format={format!r}"
            )
        rows = read_named(path_or_name, vocab=wanted, limit=limit)
        name = path_or_name
    else:
        raise VectorFileError(_not_found_message(path_or_name, path))
    words, matrix = _drop_duplicates(rows, name=name)
    return Vectors(words, matrix)


def _read_file(
    path: Path,
    *,
    format: str | None,
    encoding: str,
    vocab: frozenset[str] | None,
    limit: int | None,
) -> Rows:
    data, name = read_decompressed(path)
    layout = FORMATS[format or sniff_format(data)]
    if layout.binary:
        return read_binary(data, name=name, encoding=encoding, vocab=vocab, limit=limit)
    return read_text(
        data, name=name, header=layout.header, encoding=encoding, vocab=vocab, limit=limit
    )


def _not_found_message(path_or_name: str | os.PathLike[str], path: Path) -> str:
    known = ", ".join(sorted(KNOWN_VECTORS))
    if path.is_dir():
        return f"{path}: is a folder; pass the vector file inside it."
    if is_path_like(path_or_name):
        return f"{path}: no such file. Check the path, or pass a known vector name ({known})."
    return f"{path_or_name!r} is neither a file nor a known vector name. Known names: {known}."


def _lowercase_vocab(vocab: Any) -> frozenset[str] | None:
    """The vocabulary as a set of lower-cased words, from a tokenizer or an iterable."""
    if vocab is None:
        return None
    word_index = getattr(vocab, "word_index", None)
    if isinstance(word_index, Mapping):
        vocab = word_index
    if isinstance(vocab, str | bytes) or not isinstance(vocab, Iterable):
        raise ValueError(
            "`vocab` must be None, a tokenizer with a `word_index` dict, or an iterable of "
            f"words. Received: vocab of type {type(vocab).__name__}"
        )
    words = frozenset(str(word).lower() for word in vocab)
    return words


def _drop_duplicates(rows: Rows, *, name: str) -> tuple[list[str], np.ndarray]:
    """Keep the first row of each word; warn once with the number dropped."""
    words = rows.words
    if len(set(words)) == len(words):
        return words, rows.matrix
    first = dict(zip(reversed(words), range(len(words) - 1, -1, -1), strict=True))
    keep = [i for i, word in enumerate(words) if first[word] == i]
    dropped = [i for i, word in enumerate(words) if first[word] != i]
    where = f"{rows.unit} {rows.lines[dropped[0]]}"
    warnings.warn(
        f"{name}: {len(dropped)} repeated word(s) ignored, keeping the first vector of each "
        f"(first repeat: {words[dropped[0]]!r} on {where}).",
        UserWarning,
        stacklevel=3,
    )
    return [words[i] for i in keep], rows.matrix[keep]
