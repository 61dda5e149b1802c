"""`load_vectors`: read pretrained word vectors from a file or by name.

A full load of a text or word2vec binary file is stored in the parse cache
(`embedlab.vectors.cache`); later loads of the unchanged file memory-map it.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from embedlab.errors import VectorFileError
from embedlab.vectors.binary import read_binary
from embedlab.vectors.cache import CacheOptions, read_entry, write_entry
from embedlab.vectors.core import Vectors, check_dtype, repeated_positions
from embedlab.vectors.download import resolve_download
from embedlab.vectors.fasttext_bin import read_fasttext_bin, sniff_fasttext_bin
from embedlab.vectors.formats import (
    FORMATS,
    READ_ERRORS,
    check_encoding,
    check_format,
    is_path_like,
    open_decompressed,
    sniff_format,
    unreadable_file_error,
)
from embedlab.vectors.npy import read_npy_pair
from embedlab.vectors.readers import read_text
from embedlab.vectors.rows import Rows, SkippedRows, check_errors
from embedlab.vectors.sources import KNOWN_VECTORS, read_named

# Bytes `sniff_format` looks at: the first line and the one after it, up to 1 MiB each.
_SNIFF_BYTES = (2 << 20) + 2


def load_vectors(
    path_or_name: str | os.PathLike[str],
    *,
    vocab: Any = None,
    format: str | None = None,
    encoding: str = "utf-8",
    limit: int | None = None,
    errors: str = "strict",
    dtype: Any = "float32",
    cache: bool = True,
    download: bool = False,
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
        format: str or None. "glove", "word2vec", "fasttext-vec",
            "word2vec-bin" or "fasttext-bin" to override the detected format.
        encoding: str. Encoding of the words (ASCII-compatible, e.g. "latin-1").
            Not used for named sets.
        limit: int or None. Read only the first `limit` vectors of the file,
            before any `vocab` restriction (like gensim's `limit`).
        errors: str. What to do with a bad row (a blank line, a row with too
            few or too many numbers or a field that is not a number, a
            truncated last line, a word not valid in `encoding`, a header
            whose counts do not match the rows): "strict" raises a
            `VectorFileError` naming the file and the line; "skip" leaves the
            row out (or uses the rows present), warns once with the counts by
            kind and the first line numbers, and reports them in
            ``vectors.skipped``. Rows of words outside `vocab` are not checked.
        dtype: str or numpy dtype. "float32", or "float16" to store the
            matrix in half the memory (similarity queries compute in float32).
        cache: bool. For a text or word2vec binary file: use the parse cache
            (`embedlab.vectors.cache`, under ``$EMBEDLAB_HOME``). A full load
            (no `vocab`, no `limit`) of a file not cached yet writes the
            matrix there as ``.npy`` with its words; later loads of the
            unchanged file memory-map it instead of parsing, and take a
            vocabulary's rows from the map. False neither reads nor writes it.
        download: bool. For a catalogue name not downloaded yet (see
            `embedlab.vectors.download`): download it into the cache. Without it
            nothing is downloaded and the error gives the command to run.

    Returns:
        The vectors, in file order. A word that repeats keeps its first vector
        (with a UserWarning giving the count; ``vectors.skipped`` counts them
        as "duplicate"). A fastText model (``.bin``)
        gives a `SubwordVectors`, whose ``subword.vector_for(word)`` gives
        any word a vector (see `embedlab.vectors.fasttext_bin`).

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
    check_format(format, reading=True)
    check_encoding(encoding)
    check_errors(errors)
    storage = check_dtype(dtype)
    if not isinstance(cache, bool):
        raise ValueError(f"`cache` must be True or False. Received: cache={cache!r}")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ValueError(f"`limit` must be a positive integer or None. Received: limit={limit!r}")
    wanted = _lowercase_vocab(vocab)
    path_or_name = resolve_download(path_or_name, download=download)
    path = Path(path_or_name)
    if path.is_file():
        if format == "fasttext-bin" or (format is None and sniff_fasttext_bin(path)):
            return read_fasttext_bin(
                path, vocab=wanted, encoding=encoding, limit=limit, errors=errors, dtype=storage
            )
        options = CacheOptions(format, encoding, storage.name, errors)
        return _load_file(path, options, vocab=wanted, limit=limit, cache=cache)
    elif isinstance(path_or_name, str) and path_or_name in KNOWN_VECTORS:
        if format is not None:
            raise ValueError(
                f"`format` applies to files, not to the named set {path_or_name!r}. "
                f"Received: format={format!r}"
            )
        rows = read_named(path_or_name, vocab=wanted, limit=limit)
    else:
        raise VectorFileError(_not_found_message(path_or_name, path))
    words, matrix, repeats = _drop_duplicates(rows, name=path_or_name)
    if repeats:
        warnings.warn(repeats, UserWarning, stacklevel=2)
    return Vectors._from_distinct(words, matrix.astype(storage, copy=False), skipped=rows.skipped)


def _load_file(
    path: Path,
    options: CacheOptions,
    *,
    vocab: frozenset[str] | None,
    limit: int | None,
    cache: bool,
) -> Vectors:
    """Load a vector file through the parse cache (or not, with ``cache=False``)."""
    if cache and path.suffix.lower() != ".npy":
        cached = read_entry(path, options, vocab=vocab, limit=limit)
        if cached is not None:
            for message in cached.warnings:
                warnings.warn(message, UserWarning, stacklevel=3)
            skipped = SkippedRows.from_dict(str(path), cached.skipped)
            return Vectors._from_distinct(cached.words, cached.matrix, skipped=skipped)
    rows = _read_file(path, options, vocab=vocab, limit=limit)
    words, matrix, repeats = _drop_duplicates(rows, name=path)
    skipped = rows.skipped or SkippedRows(str(path))
    messages = [repeats] if repeats else []
    bad = skipped.counts.keys() - {"duplicate"}
    if bad:
        messages.append(f"{skipped.message(kinds=bad)} (errors='skip'; see vectors.skipped)")
    for message in messages:
        warnings.warn(message, UserWarning, stacklevel=3)
    if cache and vocab is None and limit is None and path.suffix.lower() != ".npy":
        try:
            write_entry(
                path,
                options,
                words=words,
                matrix=matrix,
                warnings=messages,
                skipped=skipped.to_dict(),
                every_line=not skipped,
            )
        except OSError as exc:
            warnings.warn(
                f"{path}: could not write the parse cache ({exc}); the vectors are loaded "
                "but not cached. Set EMBEDLAB_HOME to a writable folder or pass cache=False.",
                UserWarning,
                stacklevel=3,
            )
    return Vectors._from_distinct(words, matrix, skipped=skipped)


def _read_file(
    path: Path, options: CacheOptions, *, vocab: frozenset[str] | None, limit: int | None
) -> Rows:
    if path.suffix.lower() == ".npy":  # a matrix + words pair (embedlab.vectors.npy)
        rows = read_npy_pair(path, vocab=vocab, limit=limit)
        rows.matrix = rows.matrix.astype(options.dtype, copy=False)
        return rows
    with open_decompressed(path) as (stream, name, size):
        try:
            head = stream.read(_SNIFF_BYTES)
            stream.seek(0)
        except READ_ERRORS as exc:
            raise unreadable_file_error(name, exc) from exc
        layout = FORMATS[options.format or sniff_format(head)]
        common: dict[str, Any] = {
            "name": name,
            "encoding": options.encoding,
            "vocab": vocab,
            "limit": limit,
            "errors": options.errors,
            "dtype": options.dtype,
        }
        if layout.binary:
            return read_binary(stream, **common)
        return read_text(stream, header=layout.header, size_hint=size, **common)


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


def _drop_duplicates(
    rows: Rows, *, name: str | os.PathLike[str]
) -> tuple[list[str], np.ndarray, str | None]:
    """Keep the first row of each word; also return the warning to give, if any.

    The repeats are counted in ``rows.skipped`` (made if None) as "duplicate".
    """
    words = rows.words
    dropped = repeated_positions(words).tolist()
    if not dropped:
        return words, rows.matrix, None
    keep = np.ones(len(words), dtype=bool)
    keep[dropped] = False
    if rows.skipped is None:
        rows.skipped = SkippedRows(str(name), rows.unit)
    for i in dropped:
        rows.skipped.add("duplicate", int(rows.lines[i]))
    where = f"{rows.unit} {rows.lines[dropped[0]]}"
    message = (
        f"{name}: {len(dropped)} repeated word(s) ignored, keeping the first vector of each "
        f"(first repeat: {words[dropped[0]]!r} on {where})."
    )
    kept = [word for word, k in zip(words, keep.tolist(), strict=True) if k]
    return kept, rows.matrix[keep], message
