"""Guessing a data file's format from its suffix and first lines."""

from __future__ import annotations

import codecs
import csv
import os
from pathlib import Path

from embedlab.data.textio import SNIFF_BYTES, check_not_binary, open_error
from embedlab.errors import DataError

FORMATS: tuple[str, ...] = ("csv", "tsv", "jsonl", "folder", "lines", "label-text")

# Column names guessed, in order of preference, when none is given (case-insensitive).
TEXT_COLUMNS: tuple[str, ...] = tuple(
    "text sentence review content document body comment tweet question x".split()
)
LABEL_COLUMNS: tuple[str, ...] = tuple(
    "label labels class category target sentiment y polarity".split()
)

MAX_LABEL_CHARS = 20  # a label-text label is one short token ...
MAX_SNIFFED_CLASSES = 50  # ... that takes few distinct values
FORMAT_HINT = f"pass `format` with one of: {', '.join(FORMATS)}"


def _head_lines(path: Path, encoding: str) -> list[str]:
    """The non-blank lines in the first `SNIFF_BYTES` of `path`, stripped."""
    try:
        with path.open("rb") as file:
            head = file.read(SNIFF_BYTES)
    except OSError as exc:
        raise open_error(path, exc) from None
    check_not_binary(path, head)
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    if len(head) >= SNIFF_BYTES - len(codecs.BOM_UTF8) and b"\n" in head:
        head = head[: head.rindex(b"\n")]  # drop a line cut short
    text = head.decode(encoding, errors="replace")
    return [stripped for line in text.split("\n") if (stripped := line.strip())]


def _names_known(fields: list[str]) -> bool:
    known = TEXT_COLUMNS + LABEL_COLUMNS
    return len(fields) >= 2 and any(field.strip().lower() in known for field in fields)


def _looks_label_text(lines: list[str]) -> bool:
    firsts = []
    with_text = 0
    for line in lines:
        parts = line.split(None, 1)
        if len(parts[0]) > MAX_LABEL_CHARS:
            return False
        firsts.append(parts[0])
        with_text += len(parts) == 2
    distinct = len(set(firsts))
    return (
        distinct <= MAX_SNIFFED_CLASSES
        and distinct < len(firsts) / 2
        and with_text >= len(firsts) / 2
    )


def sniff_format(path: str | os.PathLike[str], *, encoding: str = "utf-8") -> str:
    """Guess the format of a file or folder from its suffix and first lines.

    In order: a folder is ``folder``; ``.jsonl``/``.ndjson``, ``.tsv`` and
    ``.csv`` suffixes name their format; a first line starting with ``{`` is
    ``jsonl``; a first line with tabs is ``tsv`` (``label-text`` if it holds
    no known column name and the lines look like ``LABEL TEXT``); a first line
    of comma-separated fields with a known column name is ``csv``; lines whose
    first token is short and takes few distinct values (at most 50, fewer than
    half the lines) are ``label-text``. ``lines`` is never guessed: give
    ``LABEL=PATH`` pairs.

    Args:
        path: str or path. The file or folder.
        encoding: str. Its encoding (bad bytes are tolerated while guessing).

    Returns:
        One of `FORMATS`.

    Raises:
        DataError: if the path is missing, binary, empty or of no known format.

    Example:
        >>> sniff_format("stsa.binary.train")
        'label-text'
    """
    path = Path(path)
    if path.is_dir():
        return "folder"
    if not path.exists():
        raise DataError(f"{path}: no such file or folder; check the path.")
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".tsv", ".csv"):
        return suffix[1:]
    lines = _head_lines(path, encoding)
    if not lines:
        raise DataError(f"{path}: is empty; there are no texts to read.")
    first = lines[0]
    if first.startswith("{"):
        return "jsonl"
    if "\t" in first:
        if _names_known(first.split("\t")) or not _looks_label_text(lines):
            return "tsv"
        return "label-text"
    if "," in first and _names_known(next(csv.reader([first]))):
        return "csv"
    if _looks_label_text(lines):
        return "label-text"
    raise DataError(
        f"{path}: could not recognise the format (not a folder, not .csv/.tsv/.jsonl, no "
        f"header with a known column name, not `LABEL TEXT` lines); {FORMAT_HINT}. For one "
        "text a line per class, give LABEL=PATH pairs such as pos=reviews.pos neg=reviews.neg."
    )
