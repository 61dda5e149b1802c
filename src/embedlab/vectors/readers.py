"""Parse word-vector files into words and one preallocated matrix, streaming.

A file is read in chunks of whole lines (`TEXT_CHUNK_BYTES`, one reused
buffer), so the whole (decompressed) file is never in memory: a full load
holds the matrix and one chunk, a vocabulary-restricted load the kept rows
and one chunk.

Text (GloVe, word2vec, .vec), full load: each big chunk goes through one
compiled pass (`_text_kernel`, numba) that cuts every line into its word (the
bytes before the first space) and ``dim`` numbers written straight into
float32 rows. A line that does not fit that mould exactly (a token with
spaces, a wrong count, a blank line, a number the pass does not convert) is
flagged and parsed again by `_parse_line`, which either understands it or
names the file and the line. Numbers are rounded as gensim rounds them (to
the nearest double, then to float32): the pass converts a mantissa of up to
2**53 times a power of ten up to 1e22 with one multiplication or division of
exact doubles (Clinger's fast path, exact), and flags anything else for
Python's ``float``. Small chunks skip the compiler (it takes about half a
second to load) and use `np.loadtxt`, which rounds the same way.

Restricted load (a vocabulary): each chunk's words are cut and decoded in
Python, and only the rows whose lower-cased word is wanted have their
numbers parsed and checked.

Binary (word2vec ``-binary 1``): records are walked chunk by chunk to find
each word, and the kept vectors' bytes are gathered into the matrix with one
numpy indexing per chunk. Layouts: see `embedlab.vectors.formats`.

Bad rows raise `VectorFileError` naming the file and the line, or with
``errors="skip"`` are left out and counted in a `SkippedRows` report.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from typing import Any, BinaryIO

import numpy as np

from embedlab.errors import VectorFileError
from embedlab.vectors.formats import (
    BINARY_DTYPE,
    READ_ERRORS,
    UTF8_BOM,
    parse_header,
    unreadable_file_error,
)

# Bytes of text parsed per chunk: bounds the memory a load needs beside the matrix.
TEXT_CHUNK_BYTES = 1 << 21
# Chunks at least this big go through the compiled parser; smaller ones use np.loadtxt.
KERNEL_MIN_BYTES = 1 << 20
# Line numbers kept for messages: 4 bytes a row (files of over 2**32 lines do not exist).
LINE_DTYPE = np.uint32
# Most threads the compiled parser runs on (each parses part of a chunk).
MAX_THREADS = 8
# Bytes of a word2vec binary file read per step.
BINARY_CHUNK_BYTES = 1 << 22
# Line numbers kept per kind of skipped row, for messages.
MAX_EXAMPLES = 5
ERRORS = ("strict", "skip")
# Lines looked at to infer the dimension of a text file.
_DIM_SAMPLE_LINES = 20
_WHITESPACE = b" \t\r\n\f\v"
# Exact doubles 10**0 .. 10**22 (Clinger's fast path needs exactly these).
_POWERS_OF_TEN = np.array([10.0**i for i in range(23)])

# What `errors="skip"` leaves out, by kind, as the report words it: (one, several).
SKIP_KINDS: dict[str, tuple[str, str]] = {
    "blank": ("blank line", "blank lines"),
    "too-few-numbers": ("row with too few numbers", "rows with too few numbers"),
    "too-many-numbers": ("row with too many numbers", "rows with too many numbers"),
    "not-a-number": (
        "row with a field that is not a number",
        "rows with a field that is not a number",
    ),
    "truncated": ("last line cut short", "last lines cut short"),
    "undecodable": ("word not valid in the encoding", "words not valid in the encoding"),
    "duplicate": ("repeated word (the first kept)", "repeated words (the first kept)"),
    "header": ("header count that does not match the rows", "header counts that do not match"),
}


@dataclass
class SkippedRows:
    """The rows a load left out, by kind, with the first line numbers of each.

    Attributes:
        name: str. The file, for messages.
        unit: str. "line" (text) or "record" (binary).
        counts: dict of str to int. Number of rows of each kind in `SKIP_KINDS`
            (only kinds that occurred).
        examples: dict of str to list of int. The first `MAX_EXAMPLES` line
            (or record) numbers of each kind.
    """

    name: str = ""
    unit: str = "line"
    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[int]] = field(default_factory=dict)

    def add(self, kind: str, number: int) -> None:
        """Count one row of `kind` at line (or record) `number`."""
        self.counts[kind] = self.counts.get(kind, 0) + 1
        shown = self.examples.setdefault(kind, [])
        if len(shown) < MAX_EXAMPLES:
            shown.append(int(number))

    @property
    def total(self) -> int:
        """Rows left out (a wrong header count is not a row)."""
        return sum(n for kind, n in self.counts.items() if kind != "header")

    def __bool__(self) -> bool:
        return bool(self.counts)

    def message(self, *, kinds: Collection[str] | None = None) -> str:
        """One line for users: counts by kind with the first line numbers."""
        parts = []
        for kind, count in self.counts.items():
            if kinds is None or kind in kinds:
                numbers = ", ".join(map(str, self.examples[kind]))
                more = ", ..." if count > len(self.examples[kind]) else ""
                where = f"{self.unit}{'s' if count > 1 else ''} {numbers}{more}"
                parts.append(f"{count} {SKIP_KINDS[kind][count > 1]} ({where})")
        return f"{self.name}: skipped {'; '.join(parts)}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (for the cache)."""
        return {"unit": self.unit, "counts": self.counts, "examples": self.examples}

    @classmethod
    def from_dict(cls, name: str, data: dict[str, Any]) -> SkippedRows:
        """The report `to_dict` gave, for the file `name`."""
        return cls(name, data["unit"], dict(data["counts"]), dict(data["examples"]))


@dataclass
class Rows:
    """What a reader found: the kept words, their vectors, and where they were.

    Attributes:
        words: list of str. Kept words in file order (duplicates not removed).
        matrix: np.ndarray. float32 (or float16 on request), ``(len(words), dim)``.
        lines: sequence of int. 1-based line (text), record (binary) or row
            (named set) of each kept row.
        unit: str. "line", "record" or "row", for messages.
        skipped: SkippedRows or None. What was left out.
    """

    words: list[str]
    matrix: np.ndarray
    lines: Sequence[int]
    unit: str
    skipped: SkippedRows | None = None


def check_errors(errors: str) -> None:
    """Raise ValueError unless `errors` is "strict" or "skip"."""
    if errors not in ERRORS:
        raise ValueError(f"`errors` must be one of {list(ERRORS)}. Received: errors={errors!r}")


class _BadRow(Exception):
    """A row that cannot be read; `kind` is a key of `SKIP_KINDS`."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class _Problems:
    """Raises on the first bad row (strict) or counts it (skip)."""

    def __init__(self, name: str, unit: str, errors: str) -> None:
        self.skip = errors == "skip"
        self.report = SkippedRows(name, unit)

    def bad(self, error: _BadRow, number: int) -> None:
        if not self.skip:
            raise VectorFileError(str(error)) from None
        self.report.add(error.kind, number)


class _Matrix:
    """A matrix filled row block by row block; grows in place (realloc) when needed."""

    def __init__(self, dim: int, dtype: np.dtype[Any], capacity: int) -> None:
        self.array = np.empty((max(capacity, 1), dim), dtype=dtype)
        self.rows = 0

    def reserve(self, n: int) -> np.ndarray:
        """The next `n` rows, to be filled and then kept with `commit`."""
        end = self.rows + n
        if end > len(self.array):
            # ndarray.resize reallocates in place; no view of `array` outlives a chunk.
            new = max(end, len(self.array) * 3 // 2)
            self.array.resize((new, self.array.shape[1]), refcheck=False)
        return self.array[self.rows : end]

    def commit(self, n: int) -> None:
        self.rows += n

    def append(self, values: np.ndarray) -> None:
        self.reserve(len(values))[:] = values
        self.commit(len(values))

    def finish(self) -> np.ndarray:
        if self.rows != len(self.array):
            self.array.resize((self.rows, self.array.shape[1]), refcheck=False)
        return self.array


class _LineChunks:
    """Whole lines of a binary stream, a chunk at a time, in one reused buffer.

    `next` returns a uint8 view of the buffer that ends with b"\\n" (one is
    added after an unterminated last line, and `unterminated` is then True);
    the view is valid until the next call.
    """

    def __init__(self, f: BinaryIO, size: int, name: str) -> None:
        self._f = f
        self._name = name
        self._buf = np.empty(max(size, 64) + 1, dtype=np.uint8)
        self._start = self._end = 0
        self._eof = False
        self.unterminated = False

    def next(self) -> np.ndarray | None:
        buf = self._buf
        rest = self._end - self._start
        if rest and self._start:
            buf[:rest] = buf[self._start : self._end]
        self._start, self._end = 0, rest
        while True:
            self._fill()
            buf = self._buf
            if self._eof:
                end = self._end
                self._start = self._end = 0
                if end == 0:
                    return None
                if buf[end - 1] != 10:
                    buf[end] = 10
                    end += 1
                    self.unterminated = True
                return buf[:end]
            cut = _last_newline(buf, self._end)
            if cut >= 0:
                self._start = cut + 1
                return buf[: cut + 1]
            grown = np.empty(2 * len(buf) - 1, dtype=np.uint8)  # a line longer than the buffer
            grown[: self._end] = buf[: self._end]
            self._buf = grown

    def _fill(self) -> None:
        room = self._buf.data[: len(self._buf) - 1]  # one byte kept for a final b"\n"
        try:
            while not self._eof and self._end < len(room):
                n = self._f.readinto(room[self._end :])  # type: ignore[attr-defined]
                if not n:
                    self._eof = True
                self._end += n or 0
        except READ_ERRORS as exc:
            raise unreadable_file_error(self._name, exc) from exc


def _last_newline(buf: np.ndarray, end: int) -> int:
    window = 1 << 16
    while True:
        start = max(0, end - window)
        found = np.flatnonzero(buf[start:end] == 10)
        if len(found):
            return start + int(found[-1])
        if start == 0:
            return -1
        window *= 8


# ---- text ----


def read_text(
    f: BinaryIO,
    *,
    name: str,
    header: bool,
    encoding: str,
    vocab: Collection[str] | None,
    limit: int | None,
    errors: str = "strict",
    dtype: Any = np.float32,
    size_hint: int | None = None,
) -> Rows:
    """Read GloVe text (``header=False``) or word2vec/fastText text (``header=True``).

    Args:
        f: binary file object. The (decompressed) content, read to its end.
        name: str. The file's name, for messages.
        header: bool. Whether the first line is ``count dim``.
        encoding: str. Encoding of the words (ASCII-compatible).
        vocab: collection of str, or None. Lower-cased words to keep; rows
            whose lower-cased word is not in it are skipped unparsed.
        limit: int or None. Read only the first `limit` rows.
        errors: str. "strict" raises on the first bad row; "skip" leaves bad
            rows out and reports them in `Rows.skipped`.
        dtype: numpy dtype. float32, or float16 to halve the matrix.
        size_hint: int or None. The content's size in bytes, if known, to
            size the matrix in one go.

    Returns:
        The kept rows.

    Raises:
        VectorFileError: naming the file and line of the first bad row.
    """
    chunks = _LineChunks(f, TEXT_CHUNK_BYTES, name)
    first = chunks.next()
    if first is None:
        raise VectorFileError(f"{name}: the file is empty; expected word vectors.")
    start = len(UTF8_BOM) if bytes(first[: len(UTF8_BOM)]) == UTF8_BOM else 0
    problems = _Problems(name, "line", errors)
    number = 1
    count = None
    head = bytes(first[start : start + (1 << 20)])
    if header:
        line = head.split(b"\n", 1)[0]
        parsed = parse_header(line)
        if parsed is None:
            raise VectorFileError(
                f"{name} line 1: expected a `count dim` header, found {line[:80]!r}. For a "
                "file without a header pass format='glove'."
            )
        count, dim = parsed
        start += len(line) + 1
        head = head[len(line) + 1 :]
        number = 2
        dim = _check_header_dim(dim, head, name=name, problems=problems)
        dim_origin = "(as the header on line 1 says)"
    else:
        dim = _infer_dim(head, name=name)
        dim_origin = "(as on the first lines)"
    text = _TextRows(
        name=name,
        dim=dim,
        dim_origin=dim_origin,
        encoding=encoding,
        vocab=vocab,
        problems=problems,
        dtype=np.dtype(dtype),
        capacity=_capacity(count, limit, vocab, first[start:], size_hint),
    )
    first_number = number
    chunk: np.ndarray | None = first[start:]
    unterminated = chunks.unterminated
    remaining = limit
    while chunk is not None and (remaining is None or remaining > 0):
        lines = text.add_chunk(chunk, number, remaining, unterminated=unterminated)
        number += lines
        remaining = None if remaining is None else remaining - lines
        chunk = chunks.next()
        unterminated = chunks.unterminated
    total = text.last_row - first_number + 1 if text.last_row else 0
    if total == 0 and count is None:
        raise VectorFileError(f"{name}: the file is empty; expected word vectors.")
    if count is not None:
        _check_count(count, total, limit, name=name, problems=problems)
    return text.rows()


def _capacity(
    count: int | None,
    limit: int | None,
    vocab: Collection[str] | None,
    first: np.ndarray,
    size_hint: int | None,
) -> int:
    """Rows to allocate at first: exact from a header, else estimated (the matrix grows)."""
    if vocab is not None:
        return min(len(vocab), limit or len(vocab)) + 16
    if count is not None:
        return count if limit is None else min(count, limit)
    lines = max(int(np.count_nonzero(first == 10)), 1)
    estimate = lines if size_hint is None else int(size_hint / max(len(first), 1) * lines * 1.02)
    return max(lines, estimate) if limit is None else min(max(lines, estimate), limit)


class _TextRows:
    """The rows found so far, fed chunk by chunk.

    Blank lines are held back (`pending_blanks`) until a row follows them:
    blank lines at the end of a file are harmless, others are bad rows.
    `last_row` is the number of the last line that is not blank.
    """

    def __init__(
        self,
        *,
        name: str,
        dim: int,
        dim_origin: str,
        encoding: str,
        vocab: Collection[str] | None,
        problems: _Problems,
        dtype: np.dtype[Any],
        capacity: int,
    ) -> None:
        self.name, self.dim, self.dim_origin = name, dim, dim_origin
        self.encoding, self.vocab, self.problems = encoding, vocab, problems
        self.matrix = _Matrix(dim, dtype, capacity)
        self.words: list[str] = []
        self.numbers: list[np.ndarray] = []
        self.pending_blanks: list[int] = []
        self.last_row = 0
        self.exact = vocab is not None and any(" " in word for word in vocab)
        self._scratch = np.empty((0, dim), dtype=np.float32)

    def rows(self) -> Rows:
        numbers = np.concatenate(self.numbers) if self.numbers else np.empty(0, LINE_DTYPE)
        return Rows(
            self.words,
            self.matrix.finish(),
            numbers,  # type: ignore[arg-type]
            "line",
            self.problems.report,
        )

    def add_chunk(
        self, chunk: np.ndarray, base: int, remaining: int | None, *, unterminated: bool
    ) -> int:
        """Parse the lines of `chunk` (the first is line `base`); returns how many were read."""
        if len(chunk) == 0:
            return 0
        total = int(np.count_nonzero(chunk == 10))
        n_lines = total if remaining is None else min(total, remaining)
        if self.vocab is None and len(chunk) >= KERNEL_MIN_BYTES:
            # Threads only when every line of the chunk is read (a `limit` may stop earlier).
            threads = _threads() if n_lines == total else 1
            self._add_compiled(chunk, base, n_lines, unterminated, threads)
        else:
            lines = chunk.tobytes().split(b"\n", n_lines)[:n_lines]
            self._add_lines(lines, base, unterminated)
        return n_lines

    def _parse(self, line: bytes, number: int, last: bool) -> tuple[str, np.ndarray]:
        """`_parse_line`, with blank lines held back in a full load."""
        if not line.strip(_WHITESPACE):
            if self.vocab is None:
                self.pending_blanks.append(number)
            raise _BadRow("blank", "")
        self._row_at(number)
        return _parse_line(
            line,
            number,
            dim=self.dim,
            name=self.name,
            encoding=self.encoding,
            dim_origin=self.dim_origin,
            last=last,
        )

    def _row_at(self, number: int) -> None:
        """Line `number` is not blank: the blank lines before it are bad."""
        self.last_row = max(self.last_row, number)
        while self.pending_blanks and self.pending_blanks[0] < number:
            blank = self.pending_blanks.pop(0)
            error = _BadRow("blank", f"{self.name} line {blank}: the line is empty; remove it.")
            self.problems.bad(error, blank)

    def _add_compiled(
        self, chunk: np.ndarray, base: int, n_lines: int, unterminated: bool, threads: int
    ) -> None:
        direct = self.matrix.array.dtype == np.float32  # else parse to float32, then convert
        if direct:
            values = self.matrix.reserve(n_lines)
        else:
            if len(self._scratch) < n_lines:
                self._scratch = np.empty((n_lines, self.dim), dtype=np.float32)
            values = self._scratch[:n_lines]
        starts = np.empty(n_lines + 1, dtype=np.int64)
        status = np.empty(n_lines, dtype=np.uint8)
        words = _run_kernel(chunk, n_lines, values, starts, status, self.encoding, threads)
        drop: list[int] = []
        blanks: set[int] = set()
        for i in np.flatnonzero(status).tolist():
            line = chunk[starts[i] : starts[i + 1] - 1].tobytes()
            try:
                words[i], values[i] = self._parse(line, base + i, unterminated and i == n_lines - 1)
            except _BadRow as error:
                drop.append(i)
                if error.kind == "blank":
                    blanks.add(i)
                else:
                    self.problems.bad(error, base + i)
        later = n_lines - 1
        while later in blanks:
            later -= 1
        if later >= 0:
            self._row_at(base + later)
        numbers = np.arange(base, base + n_lines, dtype=LINE_DTYPE)
        if drop:
            keep = np.ones(n_lines, dtype=bool)
            keep[drop] = False
            numbers = numbers[keep]
            values[: len(numbers)] = values[keep]
            dropped = set(drop)
            words = [word for i, word in enumerate(words) if i not in dropped]
        if direct:
            self.matrix.commit(len(numbers))
        else:
            self.matrix.append(values[: len(numbers)])
        self.words.extend(words)  # type: ignore[arg-type]
        self.numbers.append(numbers)

    def _add_lines(self, lines: list[bytes], base: int, unterminated: bool) -> None:
        """The Python path: cut words, keep the wanted rows, parse their numbers."""
        raw_words = [line.partition(b" ")[0] for line in lines]
        vocab = self.vocab
        if vocab is None:
            keep = list(range(len(lines)))
        else:
            lowered = b"\n".join(raw_words).decode(self.encoding, "surrogateescape").lower()
            keep = [i for i, word in enumerate(lowered.split("\n")) if word in vocab]
            if self.exact:  # a wanted word has a space: rows that may hold one are checked
                spaced = {i for i, line in enumerate(lines) if line.count(b" ") > self.dim}
                keep = sorted(spaced.union(keep))
        last_line = len(lines) - 1 if unterminated else -1
        joined = b"\n".join([raw_words[i] for i in keep])
        words = _decode_all(joined, self.encoding, len(keep), terminated=False)
        values = None
        if words is not None and not self.exact:
            values = _parse_numbers([lines[i][len(raw_words[i]) + 1 :] for i in keep], self.dim)
        if values is None:  # some row is not plain `word v1 ... vd`: go line by line
            words, values, keep = self._exact_lines(lines, keep, base, last_line)
        elif vocab is None and keep:
            self._row_at(base + keep[-1])
        if vocab is not None:
            last = len(lines) - 1
            while last >= 0 and not lines[last].strip(_WHITESPACE):
                last -= 1
            self.last_row = max(self.last_row, base + last if last >= 0 else 0)
        self.matrix.append(values)
        self.words.extend(words)  # type: ignore[arg-type]
        self.numbers.append((np.asarray(keep, dtype=np.int64) + base).astype(LINE_DTYPE))

    def _exact_lines(
        self, lines: list[bytes], keep: list[int], base: int, last_line: int
    ) -> tuple[list[str], np.ndarray, list[int]]:
        words, rows, kept = [], [], []
        for i in keep:
            try:
                word, row = self._parse(lines[i], base + i, i == last_line)
            except _BadRow as error:
                first_field = lines[i].partition(b" ")[0].decode(self.encoding, "replace")
                if error.kind == "blank" or (
                    self.vocab is not None and first_field.lower() not in self.vocab
                ):
                    continue  # an unwanted row is not checked
                self.problems.bad(error, base + i)
                continue
            if self.vocab is None or word.lower() in self.vocab:
                words.append(word)
                rows.append(row)
                kept.append(i)
        values = np.array(rows, dtype=np.float32).reshape(len(rows), self.dim)
        return words, values, kept


def _decode_all(raw: bytes, encoding: str, n: int, *, terminated: bool) -> list[str] | None:
    """`n` words joined (or `terminated`) by b"\\n", decoded in one call.

    Returns None if a word is not valid in `encoding` or holds a newline.
    """
    if n == 0:
        return []
    try:
        words = raw.decode(encoding).split("\n")
    except UnicodeDecodeError:
        return None
    if len(words) != n + terminated:
        return None
    return words[:n]


def _parse_numbers(rests: Sequence[bytes], dim: int) -> np.ndarray | None:
    """Parse ``dim`` numbers per row in one call; None if any row does not fit."""
    if not rests:
        return np.empty((0, dim), dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "input contained no data" means a bad row here
        try:
            values = np.loadtxt(rests, dtype=np.float32, comments=None, ndmin=2)
        except (ValueError, UserWarning):
            return None
    return values if values.shape == (len(rests), dim) else None


def _parse_line(
    line: bytes,
    number: int,
    *,
    dim: int,
    name: str,
    encoding: str,
    dim_origin: str,
    last: bool,
) -> tuple[str, np.ndarray]:
    """One row, exactly: its word (which may hold spaces) and its float32 vector.

    Raises:
        _BadRow: with the kind and a message naming the file and line.
    """
    word, _, rest = line.partition(b" ")
    fields = rest.split()
    if len(fields) > dim:
        # A token with spaces: the word is everything but the last `dim` fields,
        # unless the extra fields are numbers too (then the row is too long).
        head, *numbers = line.rstrip(_WHITESPACE).rsplit(None, dim)
        if not all(_is_number(extra) for extra in head.split()[1:]):
            word, fields = head, numbers
    if len(fields) != dim:
        kind = "too-many-numbers" if len(fields) > dim else "too-few-numbers"
        advice = "The file may be truncated or damaged; download it again."
        if last and len(fields) < dim:
            kind, advice = "truncated", "The last line is cut short: the file is truncated."
        raise _BadRow(
            kind,
            f"{name} line {number}: expected {dim} numbers after the word {dim_origin}, "
            f"found {len(fields)}. {advice}",
        )
    try:
        text = word.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _BadRow(
            "undecodable",
            f"{name} line {number}: the word {word!r} is not valid {encoding} ({exc.reason}). "
            "Pass the file's encoding, e.g. encoding='latin-1', or errors='skip'.",
        ) from None
    values = np.empty(dim, dtype=np.float64)
    for position, value in enumerate(fields):
        try:
            values[position] = float(value)
        except ValueError:
            raise _BadRow(
                "not-a-number",
                f"{name} line {number}: {value.decode('latin-1')!r} (number {position + 1} "
                "after the word) is not a number. Fix or remove the line.",
            ) from None
    return text, values.astype(np.float32)


def _is_number(field: bytes) -> bool:
    try:
        float(field)
    except ValueError:
        return False
    return True


def _check_count(
    count: int, total: int, limit: int | None, *, name: str, problems: _Problems
) -> None:
    """Compare a word2vec header's count with the rows present."""
    error = None
    if total < count and (limit is None or total < limit):
        error = (
            f"{name}: the header on line 1 announces {count} vectors but the file ends after "
            f"{total} (line {total + 1}); it is probably truncated. Download it again."
        )
    elif total > count and (limit is None or limit > count):
        error = (
            f"{name} line {count + 2}: the header on line 1 announces {count} vectors but "
            "more lines follow; fix the header's count."
        )
    if error is not None:
        problems.bad(_BadRow("header", error), 1)


def _numeric_tail(line: bytes) -> int:
    """How many fields at the end of `line` are numbers (the word is at least one field)."""
    fields = line.split()
    n = 0
    while n < len(fields) - 1 and _is_number(fields[-1 - n]):
        n += 1
    return n


def _infer_dim(head: bytes, *, name: str) -> int:
    """The most common number of trailing numeric fields over the first lines.

    A line's word is at least its first field, and may span several (a token
    with spaces), so only the numbers after it count.
    """
    counts: dict[int, int] = {}
    for line in head.split(b"\n", _DIM_SAMPLE_LINES)[:_DIM_SAMPLE_LINES]:
        if line.strip():
            n = _numeric_tail(line)
            counts[n] = counts.get(n, 0) + 1
    if not counts:
        raise VectorFileError(f"{name}: the file is empty; expected word vectors.")
    dim = max(counts, key=lambda n: counts[n])  # ties: the first line's
    if dim < 1:
        first_line = head.split(b"\n", 1)[0][:80]
        raise VectorFileError(
            f"{name} line 1: expected `word v1 ... vd`, found {first_line!r}; this is not a "
            "GloVe or word2vec text file."
        )
    return dim


def _check_header_dim(dim: int, head: bytes, *, name: str, problems: _Problems) -> int:
    """The header's dimension, unless most of the first rows say otherwise."""
    if not head.strip():
        return dim
    rows = _infer_dim(head, name=name)
    if rows == dim:
        return dim
    message = (
        f"{name} line 1: the header says {dim} numbers per vector but the first lines have "
        f"{rows}; fix the header (or pass errors='skip' to use {rows})."
    )
    problems.bad(_BadRow("header", message), 1)
    return rows


# ---- the compiled text parser ----


def _text_kernel_source(
    buf: np.ndarray,
    dim: int,
    n_lines: int,
    out: np.ndarray,
    words: np.ndarray,
    starts: np.ndarray,
    status: np.ndarray,
    offset: int,
) -> int:
    """Parse `n_lines` lines of `buf` (which ends with b"\\n") into `out`.

    Each line's word goes to `words` followed by b"\\n"; ``starts[i]`` is
    where line ``i`` starts, plus `offset` (``starts[n_lines]`` is past the
    last); ``status[i]`` is 0 when the row was parsed, 1 when Python must
    look at it. Returns the number of bytes written to `words`.
    """
    p10 = np.empty(23, dtype=np.float64)
    p10[0] = 1.0
    for j in range(1, 23):
        p10[j] = p10[j - 1] * 10.0  # exact up to 1e22
    pos = 0
    w = 0
    for i in range(n_lines):
        starts[i] = offset + pos
        first = pos
        c = buf[pos]
        while c != 32 and c != 10:
            words[w] = c
            w += 1
            pos += 1
            c = buf[pos]
        words[w] = 10
        w += 1
        ok = c == 32 and pos > first
        k = 0
        while ok and k < dim:
            while c == 32:
                pos += 1
                c = buf[pos]
            negative = c == 45
            if negative or c == 43:
                pos += 1
                c = buf[pos]
            mantissa = 0
            significant = 0
            exponent = 0
            digits = 0
            while 48 <= c <= 57:
                if significant or c != 48:
                    significant += 1
                    if significant <= 18:
                        mantissa = mantissa * 10 + (c - 48)
                digits += 1
                pos += 1
                c = buf[pos]
            if c == 46:
                pos += 1
                c = buf[pos]
                while 48 <= c <= 57:
                    if significant or c != 48:
                        significant += 1
                        if significant <= 18:
                            mantissa = mantissa * 10 + (c - 48)
                    exponent -= 1
                    digits += 1
                    pos += 1
                    c = buf[pos]
            if digits == 0:
                ok = False
                break
            if c == 101 or c == 69:
                pos += 1
                c = buf[pos]
                negative_exponent = c == 45
                if negative_exponent or c == 43:
                    pos += 1
                    c = buf[pos]
                power = 0
                power_digits = 0
                while 48 <= c <= 57:
                    if power < 100000:
                        power = power * 10 + (c - 48)
                    power_digits += 1
                    pos += 1
                    c = buf[pos]
                if power_digits == 0:
                    ok = False
                    break
                exponent += -power if negative_exponent else power
            if c != 32 and c != 10 and c != 13:
                ok = False
                break
            if mantissa == 0:
                value = 0.0
            elif significant > 18 or mantissa > 9007199254740992 or not -22 <= exponent <= 22:
                ok = False  # not exact in one operation: Python's float rounds it
                break
            elif exponent < 0:
                value = mantissa / p10[-exponent]
            else:
                value = mantissa * p10[exponent]
            out[i, k] = -value if negative else value
            k += 1
        while c == 32 or c == 13 or c == 9:
            pos += 1
            c = buf[pos]
        if c != 10:
            ok = False
            while c != 10:
                pos += 1
                c = buf[pos]
        status[i] = 0 if ok else 1
        pos += 1
    starts[n_lines] = offset + pos
    return w


def _run_kernel(
    chunk: np.ndarray,
    n_lines: int,
    values: np.ndarray,
    starts: np.ndarray,
    status: np.ndarray,
    encoding: str,
    threads: int,
) -> list[str]:
    """Parse the first `n_lines` lines of `chunk` into `values`; returns their words.

    The chunk is cut into `threads` runs of whole lines parsed in parallel
    (the compiled parser releases the GIL).

    A word not valid in `encoding` is decoded with replacement characters and
    its line flagged in `status`, so that `_parse_line` names it.
    """
    kernel = _text_kernel()
    word_bytes = np.empty(len(chunk), dtype=np.uint8)
    parts = _split_lines(chunk, n_lines, threads)
    sizes = [0] * len(parts)

    def run(k: int) -> None:
        begin, end, first, last = parts[k]
        sizes[k] = kernel(
            chunk[begin:end],
            values.shape[1],
            last - first,
            values[first:last],
            word_bytes[begin:end],
            starts[first : last + 1],
            status[first:last],
            begin,
        )

    if len(parts) == 1:
        run(0)
    else:
        with ThreadPoolExecutor(len(parts) - 1) as pool:
            for future in [pool.submit(run, k) for k in range(1, len(parts))] + [None]:
                if future is None:
                    run(0)
                else:
                    future.result()
    words: list[str] = []
    for (begin, _, first, last), size in zip(parts, sizes, strict=True):
        raw = word_bytes[begin : begin + size].tobytes()
        decoded = _decode_all(raw, encoding, last - first, terminated=True)
        if decoded is None:
            decoded = [word.decode(encoding, "replace") for word in raw.split(b"\n")]
            for i, word in enumerate(decoded[: last - first]):
                if "\ufffd" in word:
                    status[first + i] = 1
            del decoded[last - first :]
        words.extend(decoded)
    return words


def _split_lines(chunk: np.ndarray, n_lines: int, parts: int) -> list[tuple[int, int, int, int]]:
    """Cut `chunk` (`n_lines` lines) into about `parts` runs of whole lines.

    Returns (first byte, end byte, first line, end line) of each run; one run
    when `parts` is 1 (the lines may then be fewer than the chunk holds).
    """
    if parts == 1 or n_lines < 2 * parts:
        return [(0, len(chunk), 0, n_lines)]
    runs = []
    begin = first = 0
    for k in range(1, parts):
        cut = len(chunk) * k // parts
        newlines = np.flatnonzero(chunk[cut:] == 10)
        end = cut + int(newlines[0]) + 1 if len(newlines) else len(chunk)
        if end <= begin or end >= len(chunk):
            continue
        last = first + int(np.count_nonzero(chunk[begin:end] == 10))
        runs.append((begin, end, first, last))
        begin, first = end, last
    runs.append((begin, len(chunk), first, n_lines))
    return runs


@cache
def _threads() -> int:
    """Threads the compiled parser uses: the CPUs this process may run on, at most 8."""
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        available = os.cpu_count() or 1
    return max(1, min(available, MAX_THREADS))


@cache
def _text_kernel() -> Callable[..., int]:
    """`_text_kernel_source` compiled by numba (cached on disk after the first compile)."""
    import numba

    return numba.njit(cache=True, nogil=True, boundscheck=False)(_text_kernel_source)


# ---- word2vec binary ----


def read_binary(
    f: BinaryIO,
    *,
    name: str,
    encoding: str,
    vocab: Collection[str] | None,
    limit: int | None,
    errors: str = "strict",
    dtype: Any = np.float32,
) -> Rows:
    """Read word2vec binary: ``count dim`` line, then ``word`` b' ' float32 x dim records.

    Args:
        f: binary file object. The (decompressed) content, read to its end.
        name: str. The file's name, for messages.
        encoding: str. Encoding of the words.
        vocab: collection of str, or None. Lower-cased words to keep.
        limit: int or None. Read only the first `limit` records.
        errors: str. "strict" or "skip" (see `read_text`); with "skip" and no
            `limit`, every record in the file is read whatever the header says.
        dtype: numpy dtype. float32, or float16 to halve the matrix.

    Returns:
        The kept rows; `Rows.lines` holds 1-based record numbers.

    Raises:
        VectorFileError: on a bad header, a truncated file or an undecodable word.
    """
    problems = _Problems(name, "record", errors)
    data = _read_more(f, name, b"")
    while b"\n" not in data[: 1 << 16] and len(data) < (1 << 16):
        more = _read_more(f, name, data)
        if len(more) == len(data):
            break
        data = more
    if not data.strip(_WHITESPACE):
        raise VectorFileError(f"{name}: the file is empty; expected word vectors.")
    header = data.split(b"\n", 1)[0]
    parsed = parse_header(header)
    if parsed is None:
        raise VectorFileError(
            f"{name} line 1: expected a `count dim` header, found {data[:80]!r}; this is "
            "not a word2vec binary file."
        )
    count, dim = parsed
    read_all = problems.skip and limit is None  # every record there is, whatever the header
    wanted = sys.maxsize if read_all else count if limit is None else min(count, limit)
    nbytes = dim * np.dtype(BINARY_DTYPE).itemsize
    records = _BinaryRows(name, dim, encoding, vocab, problems, np.dtype(dtype))
    records.matrix = _Matrix(dim, np.dtype(dtype), min(count, wanted) if vocab is None else 1024)
    pos, offset, record = len(header) + 1, 0, 0  # offset: file position of data[0]
    at_end = False
    while record < wanted:
        raw_words, starts = [], []
        size = len(data)
        while record < wanted:
            space = data.find(b" ", pos)
            if space == -1 or space + 1 + nbytes > size:
                break
            raw_words.append(data[pos:space].lstrip(b"\n"))
            starts.append(space + 1)
            pos = space + 1 + nbytes
            record += 1
        records.add(data, raw_words, starts, first=record - len(raw_words) + 1, nbytes=nbytes)
        if record >= wanted:
            break
        more = _read_more(f, name, data[pos:])
        if len(more) == size - pos:  # the end of the file
            at_end = True
            cut_short = bool(more.strip(_WHITESPACE))
            if not read_all or cut_short:
                message = (
                    f"{name} record {record + 1} (byte {offset + pos}): the header on line 1 "
                    f"announces {count} vectors of {dim} float32 but the file ends after "
                    f"{record}; it is probably truncated. Download it again."
                )
                problems.bad(_BadRow("truncated" if cut_short else "header", message), record + 1)
            break
        offset += pos
        data, pos = more, 0
    if read_all and record != count:
        problems.report.add("header", 1)
    elif wanted == count and not at_end:
        if data[pos:].strip(_WHITESPACE) or _read_more(f, name, b"").strip(_WHITESPACE):
            message = (
                f"{name} record {count + 1} (byte {offset + pos}): the header on line 1 "
                f"announces {count} vectors but more data follows; fix the header's count."
            )
            problems.bad(_BadRow("header", message), 1)
    return records.rows()


def _read_more(f: BinaryIO, name: str, data: bytes) -> bytes:
    """`data` followed by the next block of the file (`data` itself at the end)."""
    try:
        block = f.read(BINARY_CHUNK_BYTES)
    except READ_ERRORS as exc:
        raise unreadable_file_error(name, exc) from exc
    return data + block if data else block


class _BinaryRows:
    """The records kept so far, fed a block at a time."""

    def __init__(
        self,
        name: str,
        dim: int,
        encoding: str,
        vocab: Collection[str] | None,
        problems: _Problems,
        dtype: np.dtype[Any],
    ) -> None:
        self.name, self.encoding, self.vocab, self.problems = name, encoding, vocab, problems
        self.matrix = _Matrix(dim, dtype, 1)
        self.words: list[str] = []
        self.numbers: list[int] = []

    def rows(self) -> Rows:
        return Rows(self.words, self.matrix.finish(), self.numbers, "record", self.problems.report)

    def add(
        self, data: bytes, raw_words: list[bytes], starts: list[int], *, first: int, nbytes: int
    ) -> None:
        """Decode one block's words and copy the kept records' vectors (at `starts`)."""
        words = _decode_all(b"\n".join(raw_words), self.encoding, len(raw_words), terminated=False)
        keep: Sequence[int] = range(len(raw_words))
        if words is None:
            words, keep = self._decode_each(raw_words, first)
        if self.vocab is not None:
            keep = [i for i in keep if words[i].lower() in self.vocab]
        if not len(keep):
            return
        windows = np.lib.stride_tricks.sliding_window_view(np.frombuffer(data, np.uint8), nbytes)
        self.matrix.append(windows[np.asarray(starts)[np.asarray(keep)]].view(BINARY_DTYPE))
        if len(keep) == len(raw_words):
            self.words.extend(words)
            self.numbers.extend(range(first, first + len(keep)))
        else:
            self.words.extend(words[i] for i in keep)
            self.numbers.extend(first + i for i in keep)

    def _decode_each(self, raw_words: list[bytes], first: int) -> tuple[list[str], list[int]]:
        words, keep = [], []
        for i, raw in enumerate(raw_words):
            try:
                words.append(raw.decode(self.encoding))
                keep.append(i)
            except UnicodeDecodeError as exc:
                words.append("")
                message = (
                    f"{self.name} record {first + i}: the word {raw!r} is not valid "
                    f"{self.encoding} ({exc.reason}). Pass the file's encoding, e.g. "
                    "encoding='latin-1', or errors='skip'."
                )
                self.problems.bad(_BadRow("undecodable", message), first + i)
        return words, keep
