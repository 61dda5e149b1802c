"""The word2vec binary reader (``-binary 1``): a ``count dim`` line, then records.

Records (``word`` b" " float32 x dim, an optional b"\\n") are walked block by
block to find each word, and the kept vectors' bytes are gathered into the
matrix with one NumPy indexing per block. Layout: `embedlab.vectors.formats`.
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Sequence
from typing import Any, BinaryIO

import numpy as np

from embedlab.errors import VectorFileError
from embedlab.vectors.formats import BINARY_DTYPE, READ_ERRORS, parse_header, unreadable_file_error
from embedlab.vectors.rows import (
    LINE_DTYPE,
    WHITESPACE,
    BadRow,
    GrowingMatrix,
    Problems,
    Rows,
    decode_all,
)

# Bytes of a word2vec binary file read per step.
BINARY_CHUNK_BYTES = 1 << 22


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
    problems = Problems(name, "record", errors)
    data = _read_more(f, name, b"")
    while b"\n" not in data[: 1 << 16] and len(data) < (1 << 16):
        more = _read_more(f, name, data)
        if len(more) == len(data):
            break
        data = more
    if not data.strip(WHITESPACE):
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
    records.matrix = GrowingMatrix(
        dim, np.dtype(dtype), min(count, wanted) if vocab is None else 1024
    )
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
            cut_short = bool(more.strip(WHITESPACE))
            if not read_all or cut_short:
                message = (
                    f"{name} record {record + 1} (byte {offset + pos}): the header on line 1 "
                    f"announces {count} vectors of {dim} float32 but the file ends after "
                    f"{record}; it is probably truncated. Download it again."
                )
                problems.bad(BadRow("truncated" if cut_short else "header", message), record + 1)
            break
        offset += pos
        data, pos = more, 0
    if read_all and record != count:
        problems.report.add("header", 1)
    elif wanted == count and not at_end:
        if data[pos:].strip(WHITESPACE) or _read_more(f, name, b"").strip(WHITESPACE):
            message = (
                f"{name} record {count + 1} (byte {offset + pos}): the header on line 1 "
                f"announces {count} vectors but more data follows; fix the header's count."
            )
            problems.bad(BadRow("header", message), 1)
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
        problems: Problems,
        dtype: np.dtype[Any],
    ) -> None:
        self.name, self.encoding, self.vocab, self.problems = name, encoding, vocab, problems
        self.matrix = GrowingMatrix(dim, dtype, 1)
        self.words: list[str] = []
        self.numbers: list[np.ndarray] = []

    def rows(self) -> Rows:
        numbers = np.concatenate(self.numbers) if self.numbers else np.empty(0, LINE_DTYPE)
        return Rows(self.words, self.matrix.finish(), numbers, "record", self.problems.report)

    def add(
        self, data: bytes, raw_words: list[bytes], starts: list[int], *, first: int, nbytes: int
    ) -> None:
        """Decode one block's words and copy the kept records' vectors (at `starts`)."""
        words = decode_all(b"\n".join(raw_words), self.encoding, len(raw_words), terminated=False)
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
        else:
            self.words.extend(words[i] for i in keep)
        self.numbers.append((np.asarray(keep, dtype=np.int64) + first).astype(LINE_DTYPE))

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
                self.problems.bad(BadRow("undecodable", message), first + i)
        return words, keep
