"""Batch prediction of big files: read in chunks, predict in batches, write JSONL atomically.

Memory stays constant whatever the input size: at most one chunk of texts
(``chunk_size``) and its probabilities are held at a time; each chunk's rows
are written out before the next chunk is read.

Input formats of `INPUT_FORMATS` (unlabelled texts; a label column, if any, is
ignored):

- ``lines``: one text a line; blank lines are passed over (their line numbers
  still count).
- ``csv`` / ``tsv``: a header row, then one record per row (RFC 4180 quoting
  for CSV, none for TSV), as `embedlab.data` reads them.
- ``jsonl``: one JSON object a line (https://jsonlines.org/).

Output: one JSON object a line, in input order::

    {"line": 7, "text": "...", "label": "pos", "probabilities": {"neg": 0.1, "pos": 0.9}}

``line`` is the 1-based line of the input where the record starts.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from embedlab.atomic import atomic_open
from embedlab.data.readers import (
    check_duplicate_columns,
    csv_records,
    find_column,
    guess_column,
    json_object,
    json_type,
)
from embedlab.data.sniff import TEXT_COLUMNS
from embedlab.data.textio import check_encoding, iter_lines
from embedlab.errors import DataError, EmbedlabError
from embedlab.ownership import check_output

INPUT_FORMATS: tuple[str, ...] = ("lines", "csv", "tsv", "jsonl")
DEFAULT_CHUNK_SIZE = 8192  # texts read, predicted and written at a time
DEFAULT_BATCH_SIZE = 1024  # texts per model call inside a chunk

Chunk = list[tuple[int, str]]  # (1-based line, text)


def sniff_input_format(path: str | os.PathLike[str], *, encoding: str = "utf-8") -> str:
    """The format of an unlabelled input file: by suffix, then ``{`` means jsonl, else lines.

    CSV and TSV are recognised by their suffix only (a line of prose may hold
    commas); pass the format for other names.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".csv", ".tsv"):
        return suffix[1:]
    for line in iter_lines(path, encoding):
        if line.strip():
            return "jsonl" if line.lstrip().startswith("{") else "lines"
    return "lines"


def _text_column(path: Path, names: list[str], text_column: str | None) -> int:
    if text_column is not None:
        return find_column(path, names, text_column, "`text_column`")
    if len(names) == 1:
        return 0
    found = guess_column(names, TEXT_COLUMNS, None)
    if found is None:
        raise DataError(
            f"{path}: cannot tell which column holds the text; the columns are {names}. "
            "Pass `text_column` naming it."
        )
    return found


def _text_field(value: Any, path: Path, line: int, name: str) -> str:
    if isinstance(value, str) and value.strip():
        return value.strip()
    problem = (
        f"empty text in {name!r}"
        if isinstance(value, str)
        else f"the text under {name!r} is {json_type(value)}, not a string"
    )
    raise DataError(f"{path} line {line}: {problem}; give the row a text or remove it.")


def parse_jsonl_line(path: Path, number: int, line: str, key: str | None) -> tuple[str, str]:
    """The text of one JSONL record, and the key it was found under.

    Args:
        path: Path. The file, for messages.
        number: int. The 1-based line, for messages.
        line: str. The line.
        key: str or None. The text key; guessed from `TEXT_COLUMNS` (or the
            only key) when None.

    Raises:
        DataError: naming the file and line, for invalid JSON, a non-object,
            a missing key or an empty or non-string text.
    """
    record = json_object(line, path, number, '{"text": "..."}')
    if key is None:
        names = list(record)
        key = names[_text_column(path, names, None)] if names else "text"
    if key not in record:
        raise DataError(
            f"{path} line {number}: no {key!r} key, which holds the text; the keys are "
            f"{list(record)}. Pass `text_column` naming the text key."
        )
    return _text_field(record[key], path, number, key), key


def _records(
    path: Path, format: str, encoding: str, text_column: str | None
) -> Iterator[tuple[int, str]]:
    lines = iter_lines(path, encoding)
    if format == "lines":
        for number, line in enumerate(lines, start=1):
            if text := line.strip():
                yield number, text
    elif format == "jsonl":
        key = text_column
        for number, line in enumerate(lines, start=1):
            if line.strip():
                text, key = parse_jsonl_line(path, number, line, key)
                yield number, text
    else:
        records = (
            csv_records(path, lines)
            if format == "csv"
            else ((n, line.rstrip("\n").split("\t")) for n, line in enumerate(lines, start=1))
        )
        header: list[str] = []
        column = 0
        for number, fields in records:
            if not "".join(fields).strip():
                continue
            if not header:
                header = [field.strip() for field in fields]
                column = _text_column(path, header, text_column)
                check_duplicate_columns(path, header, [column])
            elif len(fields) != len(header):
                fix = "check the quoting of this row" if format == "csv" else "TSV has no quoting"
                raise DataError(
                    f"{path} line {number}: expected {len(header)} fields (as in the header), "
                    f"found {len(fields)}; {fix}."
                )
            else:
                yield number, _text_field(fields[column], path, number, header[column])


def iter_text_chunks(
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    encoding: str = "utf-8",
    text_column: str | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Iterator[Chunk]:
    """Read unlabelled texts from a file lazily, `chunk_size` at a time.

    Args:
        path: str or path. The input file.
        format: str or None. One of `INPUT_FORMATS`; sniffed when None.
        encoding: str. The file's encoding.
        text_column: str or None. The CSV/TSV column or JSONL key of the text;
            guessed from common names (``text``, ``sentence``, ...) when None.
        chunk_size: int. Texts per chunk.

    Returns:
        An iterator of lists of ``(line, text)``, line 1-based, in file order.

    Raises:
        DataError: at once for a missing file or unknown format; while
            iterating, naming the file and line of the first bad record.

    Example:
        >>> for chunk in iter_text_chunks("big.jsonl", chunk_size=10_000):
        ...     print(len(chunk))
    """
    check_encoding(encoding)
    if chunk_size < 1:
        raise EmbedlabError(f"`chunk_size` must be positive. Received: chunk_size={chunk_size}")
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file; check the path.")
    format = format or sniff_input_format(path, encoding=encoding)
    if format not in INPUT_FORMATS:
        raise DataError(f"Unknown input format {format!r}; use one of: {', '.join(INPUT_FORMATS)}.")
    return _chunks(_records(path, format, encoding, text_column), chunk_size)


def _chunks(records: Iterator[tuple[int, str]], size: int) -> Iterator[Chunk]:
    chunk: Chunk = []
    for record in records:
        chunk.append(record)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def count_lines(path: str | os.PathLike[str]) -> int:
    """The number of lines of a file, counted in 1 MiB blocks (for progress bars)."""
    count = 0
    last = b"\n"
    with open(path, "rb") as file:
        while block := file.read(1 << 20):
            count += block.count(b"\n")
            last = block[-1:]
    return count + (last != b"\n")


def format_rows(
    labels: Sequence[str],
    chunk: Chunk,
    proba: Any,
    predicted: Sequence[Any],
    *,
    with_text: bool = True,
    known: Sequence[int] | None = None,
    explanations: Sequence[dict[str, Any]] | None = None,
) -> str:
    """The JSONL rows of one predicted chunk (`proba` rows follow `labels`).

    `predicted` is `TextClassifier.labels_of(proba)`: a label per text, or a
    list of labels (written as ``labels``) for a multi-label classifier;
    `known` the texts' `embedlab.classify.answers.known_words`; `explanations`
    (one dict per text, `embedlab.inspect.explain`) are written as each row's
    ``explanation``. The rows are `embedlab.classify.answers.prediction_record`'s,
    in strict JSON.
    """
    from embedlab.classify.answers import dumps, prediction_record

    counts: Sequence[int | None] = [None] * len(chunk) if known is None else known
    notes: Sequence[dict[str, Any] | None] = (
        [None] * len(chunk) if explanations is None else explanations
    )
    lines = [
        dumps(
            prediction_record(
                labels, text, row, label, n, line=number, with_text=with_text, explanation=note
            )
        )
        for (number, text), row, label, n, note in zip(
            chunk, proba, predicted, counts, notes, strict=True
        )
    ]
    return "\n".join(lines) + "\n"


def atomic_text_writer(out: Path, write: Callable[[IO[str]], None]) -> None:
    """Create `out`'s folder and call `write` on `out` opened with `atomic_open`.

    If `write` raises (or is interrupted), `out` is left as it was.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_open(out) as file:
        write(file)


@dataclass(frozen=True)
class PredictFileResult:
    """What `predict_file` did: rows written, where, and how fast."""

    rows: int
    out: Path
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


def _progress(enabled: bool) -> Any:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("predicting"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("lines"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(file=sys.stderr),
        disable=not enabled,
    )


def predict_file(
    directory: str | os.PathLike[str],
    path: str | os.PathLike[str],
    *,
    out: str | os.PathLike[str],
    format: str | None = None,
    encoding: str = "utf-8",
    text_column: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    with_text: bool = True,
    overwrite: bool = False,
    progress: bool = True,
    explain: bool = False,
) -> PredictFileResult:
    """Predict every text of a big file with a saved classifier, in constant memory.

    Args:
        directory: str or path. A directory written by `embedlab train`.
        path: str or path. The input (see `INPUT_FORMATS`).
        out: str or path. The JSONL file to write; written under a temporary
            name and renamed when complete, so it is never half-written.
        format: str or None. Input format; sniffed when None.
        encoding: str. Input encoding.
        text_column: str or None. CSV/TSV column or JSONL key of the text.
        batch_size: int. Texts per model call.
        chunk_size: int. Texts read and written at a time (bounds memory).
        with_text: bool. Copy each text into its output row.
        overwrite: bool. Replace `out` if it exists.
        progress: bool. Show a progress bar on stderr.
        explain: bool. Add each text's per-token contributions to its row
            (``explanation``, `embedlab.inspect.explain`: one more batched
            model call of ``n_tokens + 1`` rows per text).

    Returns:
        A `PredictFileResult`.

    Raises:
        DataError: naming the file and line of a bad record (nothing written).
        EmbedlabError: if `out` exists and `overwrite` is False.

    Example:
        >>> predict_file("runs/cnn", "reviews.jsonl", out="predictions.jsonl")
    """
    from embedlab.classify.answers import known_words
    from embedlab.classify.classifier import TextClassifier

    if batch_size < 1:
        raise EmbedlabError(f"`batch_size` must be positive. Received: batch_size={batch_size}")
    out = Path(out)
    check_output(out, kind="predictions", inputs=[path, directory], overwrite=overwrite)
    chunks = iter_text_chunks(
        path, format=format, encoding=encoding, text_column=text_column, chunk_size=chunk_size
    )
    clf = TextClassifier.load(directory)
    start = time.perf_counter()
    rows = 0

    def write(file: IO[str]) -> None:
        nonlocal rows
        total = count_lines(path)
        with _progress(progress) as bar:
            task = bar.add_task("predict", total=total)
            for chunk in chunks:
                texts = [text for _, text in chunk]
                proba = clf.predict_proba(texts, batch_size=batch_size)
                notes = None
                if explain:
                    from embedlab.inspect.explain import explain as explain_texts

                    notes = [e.to_dict() for e in explain_texts(clf, texts)]
                known = known_words(clf, texts)
                file.write(
                    format_rows(
                        clf.labels,
                        chunk,
                        proba,
                        clf.labels_of(proba),
                        with_text=with_text,
                        known=known,
                        explanations=notes,
                    )
                )
                rows += len(chunk)
                bar.update(task, completed=chunk[-1][0])
            bar.update(task, completed=total)

    atomic_text_writer(out, write)
    return PredictFileResult(rows=rows, out=out, seconds=time.perf_counter() - start)
