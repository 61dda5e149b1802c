"""Reading text files: encodings checked, binary files refused, errors that name the line.

Files are read once, line by line; a UTF-8 byte-order mark is dropped and
``\\r\\n`` becomes ``\\n``. Every error names the file, the 1-based line where
there is one, and what to do.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterator
from pathlib import Path

from embedlab.errors import DataError

BINARY_CHECK_BYTES = 8192  # a NUL byte in this many leading bytes means "not text"
SNIFF_BYTES = 65536  # bytes read to guess a file's format
_ASCII_PROBE = b"\n\r\t ,{}=abc019"


def check_encoding(encoding: str) -> None:
    try:
        compatible = _ASCII_PROBE.decode(encoding) == _ASCII_PROBE.decode("ascii")
    except LookupError:
        raise DataError(
            "Unknown encoding; pass a Python codec name such as utf-8, latin-1 or cp1252. "
            f"Received: encoding={encoding!r}"
        ) from None
    except UnicodeDecodeError:
        compatible = False
    if not compatible:
        raise DataError(
            "The encoding must keep ASCII as is (utf-8, latin-1, cp1252, ...); convert the "
            f"file to UTF-8 first. Received: encoding={encoding!r}"
        )


def check_not_binary(path: Path, head: bytes) -> None:
    if b"\x00" in head[:BINARY_CHECK_BYTES]:
        raise DataError(
            f"{path}: looks like a binary file (NUL bytes in its first 8 KB), not text. "
            "Give a text file: csv, tsv, jsonl, label-text or one text a line."
        )


def _decode_error(
    path: Path, encoding: str, exc: UnicodeDecodeError, line: int, offset: int
) -> DataError:
    bad = " ".join(f"0x{b:02x}" for b in exc.object[exc.start : exc.end])
    return DataError(
        f"{path} line {line}: byte {bad} at byte offset {offset} is not valid {encoding} "
        f"({exc.reason}). If the file is Latin-1 (as MR's rt-polarity files are), pass "
        "`encoding` latin-1; otherwise pass the file's encoding."
    )


def open_error(path: Path, exc: OSError) -> DataError:
    return DataError(f"{path}: cannot be read ({exc.strerror or exc}); check the path.")


def iter_lines(path: Path, encoding: str) -> Iterator[str]:
    """The decoded lines of `path`, line 1 first, with ``\\r\\n`` made ``\\n``.

    A UTF-8 byte-order mark is dropped. Bytes the encoding cannot decode raise
    `DataError` naming the line and byte offset.
    """
    try:
        file = path.open("rb")
    except OSError as exc:
        raise open_error(path, exc) from None
    with file:
        check_not_binary(path, file.read(BINARY_CHECK_BYTES))
        file.seek(0)
        offset = 0
        for number, raw in enumerate(file, start=1):
            skip = len(codecs.BOM_UTF8) if number == 1 and raw.startswith(codecs.BOM_UTF8) else 0
            try:
                line = raw[skip:].decode(encoding)
            except UnicodeDecodeError as exc:
                raise _decode_error(
                    path, encoding, exc, number, offset + skip + exc.start
                ) from None
            if line.endswith("\r\n"):
                line = line[:-2] + "\n"
            offset += len(raw)
            yield line


def read_document(path: Path, encoding: str, *, allow_empty: bool = False) -> str:
    """The whole text of one document file, stripped; an empty one is an error
    unless `allow_empty` (then it is ``""``)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise open_error(path, exc) from None
    check_not_binary(path, raw)
    skip = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        text = raw[skip:].decode(encoding)
    except UnicodeDecodeError as exc:
        offset = skip + exc.start
        raise _decode_error(path, encoding, exc, raw.count(b"\n", 0, offset) + 1, offset) from None
    text = text.replace("\r\n", "\n").strip()
    if not text and not allow_empty:
        raise DataError(f"{path}: empty document; remove the file or give it text.")
    return text


def read_texts(path: str | os.PathLike[str], *, encoding: str = "utf-8") -> list[str]:
    """Read one text a line, e.g. the input of ``embedlab predict --file``.

    Blank lines are not texts and are passed over; texts are stripped.

    Args:
        path: str or path. A text file.
        encoding: str. The file's encoding.

    Returns:
        The texts in file order.

    Raises:
        DataError: if the file is missing, binary, undecodable or holds no text.

    Example:
        >>> texts = read_texts("reviews.txt")
    """
    check_encoding(encoding)
    path = Path(path)
    texts = [text for line in iter_lines(path, encoding) if (text := line.strip())]
    if not texts:
        raise DataError(f"{path}: holds no texts (every line is blank); give one text a line.")
    return texts
