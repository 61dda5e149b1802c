"""What the vector readers share: the rows they found and the report of those they skipped.

`Rows` is a reader's answer (words, one matrix, where each row was);
`SkippedRows` counts, by kind, the rows ``errors="skip"`` left out, with the
first line numbers of each; `Problems` either raises on a bad row (strict) or
counts it; `GrowingMatrix` is the one preallocated matrix a reader fills.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from embedlab.errors import VectorFileError

# Line numbers kept for messages: 4 bytes a row (files of over 2**32 lines do not exist).
LINE_DTYPE = np.uint32
# Line numbers kept per kind of skipped row, for messages.
MAX_EXAMPLES = 5
ERRORS = ("strict", "skip")
WHITESPACE = b" \t\r\n\f\v"

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
    lines: Sequence[int] | np.ndarray
    unit: str
    skipped: SkippedRows | None = None


def check_errors(errors: str) -> None:
    """Raise ValueError unless `errors` is "strict" or "skip"."""
    if errors not in ERRORS:
        raise ValueError(f"`errors` must be one of {list(ERRORS)}. Received: errors={errors!r}")


class BadRow(Exception):
    """A row that cannot be read; `kind` is a key of `SKIP_KINDS`."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class Problems:
    """Raises on the first bad row (strict) or counts it (skip)."""

    def __init__(self, name: str, unit: str, errors: str) -> None:
        self.skip = errors == "skip"
        self.report = SkippedRows(name, unit)

    def bad(self, error: BadRow, number: int) -> None:
        if not self.skip:
            raise VectorFileError(str(error)) from None
        self.report.add(error.kind, number)


class GrowingMatrix:
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


def decode_all(raw: bytes, encoding: str, n: int, *, terminated: bool) -> list[str] | None:
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


def select_rows(
    words: list[str], matrix: np.ndarray, *, vocab: Collection[str] | None, limit: int | None
) -> Rows:
    """The float32 rows of an in-memory (or memory-mapped) matrix that a load keeps.

    Args:
        words: list of str. The word of each row of `matrix`.
        matrix: np.ndarray. The vectors; only the kept rows are copied out.
        vocab: collection of str, or None. Lower-cased words to keep.
        limit: int or None. Keep only the first `limit` rows.

    Returns:
        The kept rows; `Rows.lines` are 1-based row numbers.
    """
    if limit is not None:
        words = words[:limit]
    if vocab is None:
        rows = np.arange(len(words))
        values = np.ascontiguousarray(matrix[: len(words)], dtype=np.float32)
    else:
        rows = np.fromiter(
            (i for i, word in enumerate(words) if word.lower() in vocab), dtype=np.intp
        )
        values = np.ascontiguousarray(matrix[rows], dtype=np.float32)
        words = [words[i] for i in rows]
    return Rows(words, values, (rows + 1).astype(LINE_DTYPE), "row")
