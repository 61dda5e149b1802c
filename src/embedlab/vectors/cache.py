"""The parse cache: a vector file's matrix as ``.npy``, memory-mapped on later loads.

The first full load of a text or word2vec binary file (no `vocab`, no
`limit`) writes one folder in `cache_dir` (``$EMBEDLAB_HOME/vectors-cache``,
``EMBEDLAB_HOME`` defaulting to ``~/.cache/embedlab``):

==============  ==========================================================
``matrix.npy``  the matrix, float32 (or float16), NumPy's ``.npy`` format
                (``allow_pickle=False``)
``words.txt``   its words, UTF-8, one a line: line ``i + 1`` is row ``i``
``meta.json``   the source file's resolved path, size and mtime (ns), the
                load options, the warnings the load gave and its
                `SkippedRows` report
==============  ==========================================================

The folder's name is a hash of the file's resolved path and the options that
change the result (format, encoding, dtype, errors), so each file has one
entry per set of options; the entry is used only while the file's size and
mtime are those in ``meta.json``, and is replaced by the next full load
otherwise. Later loads memory-map ``matrix.npy`` (``np.load(mmap_mode="r")``):
nothing is parsed, and a `vocab` copies only its rows out of the map.

An entry is written in a temporary folder (``.KEY.RANDOM.tmp``) and renamed
into place, so it is complete or absent: a crash leaves at most a ``.tmp``
folder, which the next write in that cache removes once it is an hour old.
Delete the cache folder at any time to reclaim the space.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from embedlab.vectors.download import embedlab_home

CACHE_DIR = "vectors-cache"
MATRIX_FILE = "matrix.npy"
WORDS_FILE = "words.txt"
META_FILE = "meta.json"
# Bump when the entry layout or the parsing rules change, so old entries are not read.
CACHE_VERSION = 1
# Age in seconds after which a leftover temporary folder is removed.
_STALE_TMP_S = 3600


@dataclass(frozen=True)
class CacheOptions:
    """The load options an entry depends on (with the file itself).

    Attributes:
        format: str or None. The format asked for (None: sniffed).
        encoding: str. Encoding of the words.
        dtype: str. "float32" or "float16".
        errors: str. "strict" or "skip".
    """

    format: str | None
    encoding: str
    dtype: str
    errors: str


@dataclass
class CachedVectors:
    """What a cache entry gives back.

    Attributes:
        words: list of str. The kept words, in file order.
        matrix: np.ndarray. Their rows: a read-only memory map for a full load,
            an in-memory copy of the kept rows for a vocabulary.
        warnings: list of str. The warnings the first load gave.
        skipped: dict. The `SkippedRows.to_dict` report of the first load.
    """

    words: list[str]
    matrix: np.ndarray
    warnings: list[str]
    skipped: dict[str, Any]


def cache_dir() -> Path:
    """The folder of the parse cache: ``embedlab_home() / "vectors-cache"``."""
    return embedlab_home() / CACHE_DIR


def entry_dir(path: Path, options: CacheOptions) -> Path:
    """The folder of `path`'s entry for `options` (it may not exist)."""
    key = json.dumps([CACHE_VERSION, str(path.resolve()), *vars(options).values()])
    return cache_dir() / hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def read_entry(
    path: Path,
    options: CacheOptions,
    *,
    vocab: Collection[str] | None = None,
    limit: int | None = None,
) -> CachedVectors | None:
    """`path`'s cached rows, or None if there is no usable entry.

    An entry is unusable when missing, damaged, or made from another version
    of the file (size or mtime differ). With `limit`, an entry is used only if
    it keeps every line of the file (no repeated word or skipped row), since
    `limit` counts the file's lines.

    Args:
        path: Path. The vector file.
        options: CacheOptions. The load options.
        vocab: collection of str, or None. Lower-cased words to keep.
        limit: int or None. Keep only the first `limit` rows.
    """
    folder = entry_dir(path, options)
    try:
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        if meta.get("source") != _source(path) or (limit is not None and not meta["every_line"]):
            return None
        matrix = np.load(folder / MATRIX_FILE, mmap_mode="r", allow_pickle=False)
        text = (folder / WORDS_FILE).read_bytes().decode("utf-8")
    except (OSError, ValueError, KeyError):  # missing or damaged: read the file instead
        return None
    words = text.split("\n")[:-1]
    if matrix.ndim != 2 or len(words) != matrix.shape[0] or matrix.dtype != options.dtype:
        return None
    if limit is not None:
        words, matrix = words[:limit], matrix[:limit]
    if vocab is not None:
        lowered_text = text.lower()
        lowered = words if lowered_text == text else lowered_text.split("\n")
        rows = [i for i in range(len(words)) if lowered[i] in vocab]
        words = [words[i] for i in rows]
        matrix = np.ascontiguousarray(matrix[rows])
    return CachedVectors(words, matrix, list(meta["warnings"]), meta["skipped"])


def write_entry(
    path: Path,
    options: CacheOptions,
    *,
    words: list[str],
    matrix: np.ndarray,
    warnings: list[str],
    skipped: dict[str, Any],
    every_line: bool,
) -> Path | None:
    """Store a full load of `path` in the cache, atomically.

    Args:
        path: Path. The vector file that was read.
        options: CacheOptions. The load options.
        words: list of str. The words, distinct, in file order.
        matrix: np.ndarray. Their rows.
        warnings: list of str. The warnings the load gave (repeated on cached loads).
        skipped: dict. The load's `SkippedRows.to_dict` report.
        every_line: bool. Whether row ``i`` is the file's ``i``-th vector line
            (no repeated word or skipped row), so that `limit` can use the entry.

    Returns:
        The entry's folder, or None when the words cannot be stored one a
        line (a word holds a newline).

    Raises:
        OSError: if the cache folder cannot be written.
    """
    text = "".join(f"{word}\n" for word in words)
    if text.count("\n") != len(words):
        return None
    meta = {
        "source": _source(path),
        "options": vars(options),
        "shape": list(matrix.shape),
        "every_line": every_line,
        "warnings": warnings,
        "skipped": skipped,
        "version": CACHE_VERSION,
    }
    final = entry_dir(path, options)
    final.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_tmp(final.parent)
    tmp = final.with_name(f".{final.name}.{secrets.token_hex(4)}.tmp")
    tmp.mkdir()
    try:
        np.save(tmp / MATRIX_FILE, matrix, allow_pickle=False)
        (tmp / WORDS_FILE).write_bytes(text.encode("utf-8"))
        (tmp / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
        _install(tmp, final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


def _source(path: Path) -> dict[str, Any]:
    stat = path.stat()
    return {"path": str(path.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _install(tmp: Path, final: Path) -> None:
    """Rename the finished folder `tmp` to `final`, moving an old entry out of the way."""
    try:
        os.rename(tmp, final)
        return
    except OSError:
        if not final.exists():
            raise
    old = final.with_name(f".{final.name}.{secrets.token_hex(4)}.tmp")
    os.rename(final, old)  # another process may be reading it: its maps stay valid
    try:
        os.rename(tmp, final)
    finally:
        shutil.rmtree(old, ignore_errors=True)


def _remove_stale_tmp(folder: Path) -> None:
    """Remove temporary folders that a crashed write left, once they are old."""
    now = time.time()
    for leftover in folder.glob(".*.tmp"):
        try:
            if now - leftover.stat().st_mtime > _STALE_TMP_S:
                shutil.rmtree(leftover, ignore_errors=True)
        except OSError:
            pass
