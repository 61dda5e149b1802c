"""Parse word-vector file content into words and one float32 matrix.

The text reader works on the whole (decompressed) content in chunks of
lines: it splits each line into its word and the rest, decides from the word
whether the row is wanted (a vocabulary restriction skips the number parsing
of every other row), and parses the wanted rows' numbers in one
``np.loadtxt`` call per chunk. Only when that fails does it go over the
chunk line by line, to handle tokens that contain spaces (GloVe 840B has a
few) and to name the first bad line. The binary reader walks the records to
find each word, then copies the wanted vectors' bytes straight into the
preallocated matrix. Layouts: see `embedlab.vectors.formats`.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from embedlab.errors import VectorFileError
from embedlab.vectors.formats import BINARY_DTYPE, UTF8_BOM, first_line_end, parse_header

# Bytes of text parsed per chunk: bounds the temporary line lists.
TEXT_CHUNK_BYTES = 1 << 25
# Lines looked at to infer the dimension of a GloVe file.
_DIM_SAMPLE_LINES = 20
_WHITESPACE = b" \t\r\n\f\v"


@dataclass
class Rows:
    """What a reader found: the kept words, their vectors, and where they were.

    Attributes:
        words: list of str. Kept words in file order (duplicates not removed).
        matrix: np.ndarray. float32, ``(len(words), dim)``.
        lines: sequence of int. 1-based line (text), record (binary) or row
            (named set) of each kept row.
        unit: str. "line", "record" or "row", for messages.
    """

    words: list[str]
    matrix: np.ndarray
    lines: Sequence[int]
    unit: str


def _data_end(data: bytes) -> int:
    end = len(data)
    while end and data[end - 1] in _WHITESPACE:
        end -= 1
    return end


def _decode_words(
    raw: Sequence[bytes], *, name: str, encoding: str, first: int, unit: str = "line"
) -> list[str]:
    """Decode all words in one call; on failure decode one by one to name the line."""
    try:
        words = b"\n".join(raw).decode(encoding).split("\n")
        if len(words) == len(raw):
            return words
    except UnicodeDecodeError:
        pass
    out = []
    for i, word in enumerate(raw):
        try:
            out.append(word.decode(encoding))
        except UnicodeDecodeError as exc:
            raise VectorFileError(
                f"{name} {unit} {first + i}: the word {word!r} is not valid {encoding} "
                f"({exc.reason}). Pass the file's encoding, e.g. encoding='latin-1'."
            ) from exc
    return out


def _keep(word: str, vocab: Collection[str] | None) -> bool:
    return vocab is None or word.lower() in vocab


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


def _split_row(
    line: bytes, dim: int, *, name: str, number: int, dim_origin: str
) -> tuple[bytes, bytes]:
    """Split one line into ``(word, numbers)`` exactly, or raise naming the line."""
    word, _, rest = line.partition(b" ")
    fields = rest.split()
    if len(fields) == dim:
        return word, rest
    if len(fields) > dim:
        # A token with spaces: the word is everything but the last `dim` fields,
        # unless the extra fields are numbers too (then the row is too long).
        head, *numbers = line.rstrip(_WHITESPACE).rsplit(None, dim)
        extra = head.split()[1:]
        if not all(_is_number(field) for field in extra):
            return head, b" ".join(numbers)
    if not line.strip():
        raise VectorFileError(f"{name} line {number}: the line is empty; remove it.")
    raise VectorFileError(
        f"{name} line {number}: expected {dim} numbers after the word {dim_origin}, "
        f"found {len(fields)}. The file may be truncated or damaged; download it again."
    )


def _is_number(field: bytes) -> bool:
    try:
        float(field)
    except ValueError:
        return False
    return True


def _first_non_number(rests: list[bytes], numbers: list[int], *, name: str) -> VectorFileError:
    for rest, number in zip(rests, numbers, strict=True):
        for position, field in enumerate(rest.split(), start=1):
            if not _is_number(field):
                return VectorFileError(
                    f"{name} line {number}: {field.decode('latin-1')!r} (number {position} "
                    "after the word) is not a number. Fix or remove the line."
                )
    return VectorFileError(
        f"{name} lines {numbers[0]}-{numbers[-1]}: could not parse the numbers; the "
        "rows are not `word v1 ... vd` text."
    )


def read_text(
    data: bytes,
    *,
    name: str,
    header: bool,
    encoding: str,
    vocab: Collection[str] | None,
    limit: int | None,
) -> Rows:
    """Read GloVe text (``header=False``) or word2vec/fastText text (``header=True``).

    Args:
        data: bytes. Decompressed file content.
        name: str. The file's name, for messages.
        header: bool. Whether the first line is ``count dim``.
        encoding: str. Encoding of the words (ASCII-compatible).
        vocab: collection of str, or None. Lower-cased words to keep; rows
            whose lower-cased word is not in it are skipped unparsed.
        limit: int or None. Read only the first `limit` rows.

    Returns:
        The kept rows.

    Raises:
        VectorFileError: naming the file and line of the first bad row.
    """
    start = len(UTF8_BOM) if data.startswith(UTF8_BOM) else 0
    end = _data_end(data)
    if end <= start:
        raise VectorFileError(f"{name}: the file is empty; expected word vectors.")
    first_number = 1
    count: int | None = None
    if header:
        line_end = first_line_end(data, start)
        parsed = parse_header(data[start:line_end])
        if parsed is None:
            raise VectorFileError(
                f"{name} line 1: expected a `count dim` header, found "
                f"{data[start : min(line_end, start + 80)]!r}. For a file without a "
                "header pass format='glove'."
            )
        count, dim = parsed
        start, first_number = min(line_end + 1, end), 2
        dim_origin = "(as the header on line 1 says)"
    else:
        dim = _infer_dim(data, start, end, name=name)
        dim_origin = "(as on the first lines)"
    total = data.count(b"\n", start, end) + 1 if start < end else 0
    if count is not None:
        _check_count(count, total, limit, name=name, first_number=first_number)
    rows = total if limit is None else min(total, limit)
    full = np.empty((rows, dim), dtype=np.float32) if vocab is None else None
    pieces: list[np.ndarray] = []
    words: list[str] = []
    numbers: list[int] = []
    seen = 0
    exact = vocab is not None and any(" " in word for word in vocab)

    pos = start
    while seen < rows:
        chunk_end = min(first_line_end(data, min(pos + TEXT_CHUNK_BYTES, end)), end)
        lines = data[pos:chunk_end].split(b"\n")[: rows - seen]
        base = first_number + seen
        cuts = [line.find(b" ") for line in lines]
        spaceless = min(cuts) < 0
        if spaceless:  # a line with no space is bad (or a word alone): split exactly below
            cuts = [len(line) if cut < 0 else cut for line, cut in zip(lines, cuts, strict=True)]
        raw_words = [line[:cut] for line, cut in zip(lines, cuts, strict=True)]
        chunk_words = _decode_words(raw_words, name=name, encoding=encoding, first=base)
        keep: list[int] | None = None
        values = None
        if spaceless:
            pass
        elif (
            exact and vocab is not None
        ):  # a vocabulary word has a space: split rows that may hold one exactly
            keep = [
                i
                for i, word in enumerate(chunk_words)
                if word.lower() in vocab or lines[i].count(b" ") > dim
            ]
        elif vocab is None:
            rests = [line[cut + 1 :] for line, cut in zip(lines, cuts, strict=True)]
            values = _parse_numbers(rests, dim)
        else:
            keep = [i for i, word in enumerate(chunk_words) if word.lower() in vocab]
            values = _parse_numbers([lines[i][cuts[i] + 1 :] for i in keep], dim)
        if values is None:
            keep, chunk_words, values = _read_chunk_exactly(
                lines,
                range(len(lines)) if keep is None else keep,
                dim,
                base=base,
                name=name,
                encoding=encoding,
                vocab=vocab,
                dim_origin=dim_origin,
            )
        if full is not None:
            full[seen : seen + len(values)] = values
            words.extend(chunk_words)
        else:
            pieces.append(values)
            assert keep is not None  # set whenever a vocabulary is given
            words.extend(chunk_words[i] for i in keep)
            numbers.extend(base + i for i in keep)
        seen += len(lines)
        pos = chunk_end + 1

    if full is not None:
        matrix = full
        found: Sequence[int] = range(first_number, first_number + rows)
    else:
        matrix = np.concatenate(pieces) if pieces else np.empty((0, dim), dtype=np.float32)
        found = numbers
    return Rows(words, matrix, found, "line")


def _read_chunk_exactly(
    lines: list[bytes],
    keep: Sequence[int],
    dim: int,
    *,
    base: int,
    name: str,
    encoding: str,
    vocab: Collection[str] | None,
    dim_origin: str,
) -> tuple[list[int], list[str], np.ndarray]:
    """Slow path: split each kept line exactly (tokens with spaces), then parse."""
    words_by_line: dict[int, str] = {}
    rests = []
    kept = []
    for i in keep:
        try:
            raw_word, rest = _split_row(
                lines[i], dim, name=name, number=base + i, dim_origin=dim_origin
            )
        except VectorFileError:
            first_field = lines[i].partition(b" ")[0].decode(encoding, errors="replace")
            if vocab is not None and first_field.lower() not in vocab:
                continue  # an unwanted row is not checked
            raise
        word = _decode_words([raw_word], name=name, encoding=encoding, first=base + i)[0]
        if _keep(word, vocab):
            words_by_line[i] = word
            rests.append(rest)
            kept.append(i)
    values = _parse_numbers(rests, dim)
    if values is None:
        raise _first_non_number(rests, [base + i for i in kept], name=name)
    chunk_words = [words_by_line.get(i, "") for i in range(len(lines))]
    return kept, chunk_words, values


def _check_count(
    count: int, total: int, limit: int | None, *, name: str, first_number: int
) -> None:
    """Compare a word2vec header's count with the rows present."""
    if total < count and (limit is None or total < limit):
        raise VectorFileError(
            f"{name}: the header on line 1 announces {count} vectors but the file ends after "
            f"{total} (line {first_number + total - 1}); it is probably truncated. "
            "Download it again."
        )
    if total > count and (limit is None or limit > count):
        raise VectorFileError(
            f"{name} line {first_number + count}: the header on line 1 announces {count} "
            "vectors but more lines follow; fix the header's count."
        )


def _infer_dim(data: bytes, start: int, end: int, *, name: str) -> int:
    """The most common number of trailing numeric fields over the first lines.

    A line's word is at least its first field, and may span several (a token
    with spaces), so only the numbers after it count.
    """
    counts: dict[int, int] = {}
    pos = start
    for _ in range(_DIM_SAMPLE_LINES):
        if pos >= end:
            break
        line_end = min(first_line_end(data, pos), end)
        fields = data[pos:line_end].split()
        n = 0
        while n < len(fields) - 1 and _is_number(fields[-1 - n]):
            n += 1
        counts[n] = counts.get(n, 0) + 1
        pos = line_end + 1
    dim = max(counts, key=lambda n: counts[n])  # ties: the first line's count
    if dim < 1:
        raise VectorFileError(
            f"{name} line 1: expected `word v1 ... vd`, found "
            f"{data[start : min(first_line_end(data, start), start + 80)]!r}; this is not a "
            "GloVe or word2vec text file."
        )
    return dim


def read_binary(
    data: bytes,
    *,
    name: str,
    encoding: str,
    vocab: Collection[str] | None,
    limit: int | None,
) -> Rows:
    """Read word2vec binary: ``count dim`` line, then ``word`` b' ' float32 x dim records.

    Args:
        data: bytes. Decompressed file content.
        name: str. The file's name, for messages.
        encoding: str. Encoding of the words.
        vocab: collection of str, or None. Lower-cased words to keep.
        limit: int or None. Read only the first `limit` records.

    Returns:
        The kept rows; `Rows.lines` holds 1-based record numbers.

    Raises:
        VectorFileError: on a bad header, a truncated file or an undecodable word.
    """
    if not _data_end(data):
        raise VectorFileError(f"{name}: the file is empty; expected word vectors.")
    line_end = first_line_end(data)
    parsed = parse_header(data[:line_end])
    if parsed is None:
        raise VectorFileError(
            f"{name} line 1: expected a `count dim` header, found {data[:80]!r}; this is "
            "not a word2vec binary file."
        )
    count, dim = parsed
    wanted = count if limit is None else min(count, limit)
    nbytes = dim * np.dtype(BINARY_DTYPE).itemsize
    size = len(data)
    raw_words: list[bytes] = []
    offsets: list[int] = []
    pos = line_end + 1
    for record in range(1, wanted + 1):
        space = data.find(b" ", pos)
        if space == -1 or space + 1 + nbytes > size:
            raise VectorFileError(
                f"{name} record {record} (byte {pos}): the header on line 1 announces "
                f"{count} vectors of {dim} float32 but the file ends after {record - 1}; it "
                "is probably truncated. Download it again."
            )
        raw_words.append(data[pos:space].lstrip(b"\n"))
        offsets.append(space + 1)
        pos = space + 1 + nbytes
    if wanted == count and data[pos:].strip(_WHITESPACE):
        raise VectorFileError(
            f"{name} record {count + 1} (byte {pos}): the header on line 1 announces "
            f"{count} vectors but more data follows; fix the header's count."
        )
    words = _decode_words(raw_words, name=name, encoding=encoding, first=1, unit="record")
    keep: Sequence[int] = range(len(words))
    if vocab is not None:
        keep = [i for i, word in enumerate(words) if word.lower() in vocab]
    matrix = np.empty((len(keep), dim), dtype=np.float32)
    source = memoryview(data)
    target = matrix.data.cast("B")
    for row, i in enumerate(keep):
        target[row * nbytes : (row + 1) * nbytes] = source[offsets[i] : offsets[i] + nbytes]
    if sys.byteorder == "big":  # the file is little-endian
        matrix.byteswap(inplace=True)
    if vocab is None:
        return Rows(words, matrix, range(1, len(words) + 1), "record")
    return Rows([words[i] for i in keep], matrix, [i + 1 for i in keep], "record")
