"""Batch prediction on a Dask cluster: one model load per worker, partitions streamed.

The input files are split into byte-range partitions by `dask.bag.read_text`
(``blocksize``); each partition is predicted on a worker by the classifier a
`ClassifierPlugin` loaded once when the worker joined; the results stream back
in order, at most ``in_flight`` partitions at a time, into one JSONL file
written atomically on the client, in exactly the rows `embedlab.deploy.batch`
writes. Scheduling is Dask's; embedlab only bounds how many partitions are
submitted at once, so client memory stays constant.

The workers need embedlab installed and read access to the classifier
directory and the input files at the same paths (a shared file system or the
same image); the output is written where the client runs.

Importing this module imports ``dask`` and ``distributed`` (the ``dask`` extra).
"""

from __future__ import annotations

import itertools
import os
import time
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import numpy as np
from distributed import Client, LocalCluster, WorkerPlugin, get_worker

from embedlab.deploy.batch import (
    DEFAULT_BATCH_SIZE,
    PredictFileResult,
    atomic_text_writer,
    format_rows,
    parse_jsonl_line,
    sniff_input_format,
)
from embedlab.errors import DataError, EmbedlabError

CLUSTER_FORMATS: tuple[str, ...] = ("lines", "jsonl")
DEFAULT_BLOCKSIZE = "32MiB"


class ClassifierPlugin(WorkerPlugin):  # type: ignore[misc]
    """Loads a saved classifier once per worker, when the worker starts or joins.

    Args:
        directory: str. The classifier directory, as the workers see it.
    """

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.classifier: Any = None
        self.loads = 0

    def setup(self, worker: Any) -> None:
        from embedlab.classify.classifier import TextClassifier

        self.classifier = TextClassifier.load(self.directory)
        self.loads += 1


def plugin_name(directory: str | os.PathLike[str]) -> str:
    """The name the classifier plugin of `directory` is registered under."""
    return f"embedlab-classifier:{Path(directory).resolve()}"


def _predict_partition(
    records: list[tuple[str, str]],
    *,
    name: str,
    format: str,
    key: str | None,
    batch_size: int,
) -> dict[str, Any]:
    """Predict one partition of ``(line, path)`` records on a worker.

    Line numbers are relative to the partition (the client knows where it
    starts). A bad record is sent back as ``bad`` for the client to report
    with its absolute line number.
    """
    from embedlab.classify.answers import known_words

    plugin: Any = get_worker().plugins[name]
    clf = plugin.classifier
    path = records[0][1] if records else ""
    numbers: list[int] = []
    texts: list[str] = []
    for number, (line, _) in enumerate(records, start=1):
        if not line.strip():
            continue
        if format == "jsonl":
            try:
                text, key = parse_jsonl_line(Path(path), number, line, key)
            except DataError:
                return {"path": path, "n_lines": len(records), "bad": (number, line)}
        else:
            text = line.strip()
        numbers.append(number)
        texts.append(text)
    proba = clf.predict_proba(texts, batch_size=batch_size)
    return {
        "path": path,
        "n_lines": len(records),
        "numbers": numbers,
        "texts": texts,
        "proba": proba,
        "labels": clf.labels,
        "predicted": clf.labels_of(proba),
        "known": known_words(clf, texts),
    }


@contextmanager
def connect(scheduler: str | Client | None) -> Iterator[Client]:
    """A Dask client: the given one, one for a scheduler address, or a local cluster.

    Args:
        scheduler: Client, str or None. A `distributed.Client`; a scheduler
            address such as ``tcp://10.0.0.5:8786``; or None / ``"local"`` for
            a `LocalCluster` on this machine, closed at the end.
    """
    if isinstance(scheduler, Client):
        yield scheduler
        return
    if scheduler in (None, "local"):
        with LocalCluster(dashboard_address=None) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(scheduler, timeout="30s")
    except OSError as exc:
        raise EmbedlabError(
            f"Cannot reach a Dask scheduler at {scheduler!r} ({exc}). Start one with "
            "`dask scheduler` and workers with `dask worker ADDRESS`, or pass 'local'."
        ) from None
    with client:
        yield client


def _text_key(path: Path, format: str, encoding: str, text_column: str | None) -> str | None:
    """The JSONL text key every partition uses: given, or guessed from the first record."""
    if format != "jsonl" or text_column is not None:
        return text_column
    with path.open(encoding=encoding) as file:
        for number, line in enumerate(file, start=1):
            if line.strip():
                return parse_jsonl_line(path, number, line, None)[1]
    return None


def predict_file_dask(
    directory: str | os.PathLike[str],
    paths: Sequence[str | os.PathLike[str]],
    *,
    out: str | os.PathLike[str],
    scheduler: str | Client | None = None,
    format: str | None = None,
    encoding: str = "utf-8",
    text_column: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    blocksize: str | int = DEFAULT_BLOCKSIZE,
    in_flight: int | None = None,
    with_text: bool = True,
    overwrite: bool = False,
) -> PredictFileResult:
    """Predict the texts of `paths` on a Dask cluster into one JSONL file.

    Args:
        directory: str or path. A saved classifier, at the same path on the workers.
        paths: list of str or path. Input files (``lines`` or ``jsonl``), read
            in order; ``line`` in the output counts within each file.
        out: str or path. The JSONL file to write (atomically), as
            `embedlab.deploy.batch.predict_file` writes it.
        scheduler: Client, str or None. See `connect`.
        format: str or None. ``lines`` or ``jsonl``; sniffed from the first file.
        encoding: str. Input encoding.
        text_column: str or None. JSONL key of the text; guessed when None.
        batch_size: int. Texts per model call on a worker.
        blocksize: str or int. Bytes per partition (``"32MiB"``).
        in_flight: int or None. Partitions submitted at once; twice the
            worker count when None.
        with_text: bool. Copy each text into its output row.
        overwrite: bool. Replace `out` if it exists.

    Returns:
        A `PredictFileResult`.

    Raises:
        DataError: naming the file and line of a bad record (nothing written).

    Example:
        >>> predict_file_dask("runs/cnn", ["big.jsonl"], out="pred.jsonl",
        ...                   scheduler="tcp://10.0.0.5:8786")
    """
    import dask.bag

    out = Path(out)
    from embedlab.ownership import check_output

    check_output(out, kind="predictions", inputs=[*paths, directory], overwrite=overwrite)
    files = [Path(p) for p in paths]
    for path in files:
        if not path.is_file():
            raise DataError(f"{path}: no such file; check the path.")
    if not files:
        raise DataError("No input files given.")
    format = format or sniff_input_format(files[0], encoding=encoding)
    if format not in CLUSTER_FORMATS:
        raise DataError(
            f"Prediction on a cluster reads {' or '.join(CLUSTER_FORMATS)} files, not "
            f"{format!r}: convert the file to JSONL, or predict it locally (no `scheduler`)."
        )
    key = _text_key(files[0], format, encoding, text_column)
    directory = str(Path(directory).resolve())
    start = time.perf_counter()
    rows = 0
    with connect(scheduler) as client:
        name = plugin_name(directory)
        client.register_plugin(ClassifierPlugin(directory), name=name)
        bag = dask.bag.read_text(
            [str(p.resolve()) for p in files],
            blocksize=blocksize,
            encoding=encoding,
            include_path=True,
        )
        parts = iter(
            bag.map_partitions(
                _predict_partition, name=name, format=format, key=key, batch_size=batch_size
            ).to_delayed()
        )
        window = in_flight or 2 * max(1, len(client.scheduler_info()["workers"]))

        def write(file: IO[str]) -> None:
            nonlocal rows
            pending: deque[Any] = deque(client.compute(p) for p in itertools.islice(parts, window))
            offsets: dict[str, int] = {}
            while pending:
                result = pending.popleft().result()
                if (nxt := next(parts, None)) is not None:
                    pending.append(client.compute(nxt))
                rows += _write_partition(file, result, offsets, format, key, with_text)

        atomic_text_writer(out, write)
    return PredictFileResult(rows=rows, out=out, seconds=time.perf_counter() - start)


def _write_partition(
    file: IO[str],
    result: dict[str, Any],
    offsets: dict[str, int],
    format: str,
    key: str | None,
    with_text: bool,
) -> int:
    """Write one partition's rows with absolute line numbers; return how many."""
    path = result["path"]
    offset = offsets.get(path, 0)
    offsets[path] = offset + result["n_lines"]
    if "bad" in result:
        number, line = result["bad"]
        parse_jsonl_line(Path(path), offset + number, line, key)  # raises, naming the line
        raise DataError(f"{path} line {offset + number}: bad record.")  # pragma: no cover
    if not result["numbers"]:
        return 0
    chunk = [(offset + n, text) for n, text in zip(result["numbers"], result["texts"], strict=True)]
    proba = np.asarray(result["proba"])
    rows = format_rows(
        result["labels"],
        chunk,
        proba,
        result["predicted"],
        with_text=with_text,
        known=result.get("known"),
    )
    file.write(rows)
    return len(chunk)


def worker_loads(client: Client, directory: str | os.PathLike[str]) -> dict[str, int]:
    """How many times each worker loaded the classifier of `directory` (expect 1)."""
    name = plugin_name(directory)
    return dict(client.run(lambda dask_worker: dask_worker.plugins[name].loads))


__all__ = ["ClassifierPlugin", "connect", "predict_file_dask", "worker_loads"]
