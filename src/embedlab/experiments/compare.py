"""`compare`: run a grid of models x embedding modes x vectors, resumably, and report it.

The grid's unit is a *cell*: one configuration (model, mode, vectors) trained
on one fold (or on all the data, with a given test set) with one seed. Each
finished cell is written at once, atomically, as its own JSON file::

    DIR/compare.json        what every cell depends on (data, options), the last grid
    DIR/cells/*.json        one per finished cell: accuracy, predictions, history
    DIR/results.json        one row per configuration (mean, std, epoch seconds)
    DIR/report.md           the table and the plots
    DIR/accuracy.png, DIR/learning_curves.png, DIR/confusion_best.png

Decisions:

- ``rand`` learns its embeddings and ignores the vectors: it gives one row
  with vectors ``"-"`` (embedding size `TrainOptions.embedding_dim`, default
  100). Each pretrained mode runs once per vectors name.
- The model ``default`` is the recommended recipe (`embedlab.classify.recipe`):
  one row with mode and vectors ``"-"`` whatever the modes and vectors; the
  recipe chooses its members' models, modes, vectors, model options and
  epochs (the options' model settings, such as `embedding_dim`, and
  `epochs` do not apply to it; `patience` and the dev split do).
- Every run trains as `embedlab train` does, through `TrainOptions.fit`, so
  every option is used, and every option is part of what a resumed
  comparison must match. By default (`options` None) each run holds out a
  stratified dev split (`TrainOptions.validation_split`, 0.1) of its training
  part, drawn with the run's seed, and with `patience` (2) stops when the dev
  loss has not improved for that many epochs and keeps the best weights. The
  test fold is never seen during training.
- The folds are drawn once, with ``options.seed``, and shared by every
  configuration and seed, so configurations are compared on the same splits.
  Seed ``i`` of a run is ``options.seed + i``.
- ``std_accuracy`` is NumPy's (population) standard deviation over all runs
  (folds x seeds); ``epoch_seconds`` the median over the runs' epochs after
  their first (the first includes compilation).

A re-run into the same DIR skips finished cells; the grid may grow or shrink
(more models, modes, vectors or seeds), but different data, folds, test set or
training options are refused, since the cells would no longer be comparable.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from embedlab.classify import saving
from embedlab.classify.checks import check_folds, check_labels_seen
from embedlab.classify.recipe import RECIPE_DECIDES, RECIPE_NAME
from embedlab.data import Dataset, kfold_indices
from embedlab.errors import EmbedlabError, ModelConfigError
from embedlab.experiments.report import summarize, write_report
from embedlab.models.registry import MODES, PRETRAINED_MODES
from embedlab.ownership import check_output
from embedlab.pipeline import DataOptions, TrainOptions

logger = logging.getLogger("embedlab")

COMPARE_FILE = "compare.json"
CELLS_DIR = "cells"
FORMAT_NAME = "embedlab.compare"
FORMAT_VERSION = 1
DEFAULT_FOLDS = 10
NO_VECTORS = "-"
DEFAULT_VALIDATION_SPLIT = 0.1
DEFAULT_PATIENCE = 2
# TrainOptions fields each cell sets itself, or that do not change results.
PER_CELL_FIELDS = ("model", "mode", "vectors", "download_vectors")


@dataclasses.dataclass(frozen=True)
class Cell:
    """One run of the grid: a configuration on one fold with one seed."""

    model: str
    mode: str
    vectors: str
    fold: int
    seed: int

    @property
    def config(self) -> tuple[str, str, str]:
        return (self.model, self.mode, self.vectors)

    @property
    def name(self) -> str:
        return f"{self.model} {self.mode} {self.vectors} fold {self.fold} seed {self.seed}"

    @property
    def file_name(self) -> str:
        """A file name unique to the cell, readable, safe for any vectors path."""
        key = json.dumps(dataclasses.astuple(self))
        digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]
        vectors = re.sub(r"[^A-Za-z0-9.-]+", "_", Path(self.vectors).name)[:40]
        return f"{self.model}_{self.mode}_{vectors}_f{self.fold}_s{self.seed}_{digest}.json"


def grid_configs(
    models: Sequence[str], modes: Sequence[str], vectors: Sequence[str]
) -> list[tuple[str, str, str]]:
    """The configurations (model, mode, vectors) of a grid, in order.

    ``rand`` gives one configuration with vectors ``"-"``; each pretrained
    mode one per vectors name.

    Raises:
        ModelConfigError: for an unknown mode, an empty list, or pretrained
            modes without vectors.
    """
    from embedlab.models.registry import model_defaults

    models, modes, vectors = _unique(models), _unique(modes), _unique(vectors)
    if not models or not modes:
        raise ModelConfigError("Give at least one of `models` and one of `modes`.")
    for model in models:
        if model != RECIPE_NAME:
            model_defaults(model)  # raises on an unknown name, listing the choices
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        raise ModelConfigError(f"Unknown mode(s) {unknown}. Choose from {list(MODES)}.")
    pretrained = [m for m in modes if m in PRETRAINED_MODES]
    if pretrained and not vectors and set(models) != {RECIPE_NAME}:
        raise ModelConfigError(
            f"Mode(s) {pretrained} need pretrained vectors: pass `vectors` "
            "(e.g. glove-6B-50d), or use only `modes` rand."
        )
    configs: list[tuple[str, str, str]] = []
    for model in models:
        if model == RECIPE_NAME:
            configs.append((model, NO_VECTORS, NO_VECTORS))
            continue
        for mode in modes:
            names = [NO_VECTORS] if mode not in PRETRAINED_MODES else vectors
            configs.extend((model, mode, name) for name in names)
    return configs


def _unique(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(item.strip() for item in items if item.strip()))


def compare(
    data: Sequence[str | os.PathLike[str]] | Dataset,
    *,
    models: Sequence[str],
    modes: Sequence[str],
    vectors: Sequence[str] = (),
    folds: int | None = None,
    test: Sequence[str | os.PathLike[str]] | Dataset | None = None,
    seeds: int = 1,
    out: str | os.PathLike[str],
    options: TrainOptions | None = None,
    data_options: DataOptions | None = None,
    progress: bool = False,
    on_cell: Callable[[dict[str, Any]], None] | None = None,
) -> list[dict[str, Any]]:
    """Run a comparison grid with k-fold cross-validation or a test set, and report it.

    Args:
        data: paths (as `read_dataset` takes them) or a `Dataset`. Labelled texts.
        models: list of str. Registered model names (``cnn``, ``bilstm``, ...).
        modes: list of str. ``rand``, ``static``, ``nonstatic``, ``multichannel``.
        vectors: list of str. Vector names or paths for the pretrained modes.
        folds: int or None. Stratified k-fold cross-validation over `data`
            (default 10 when no `test` is given).
        test: paths, `Dataset` or None. A test set; every run then trains on
            all of `data` (less its dev split).
        seeds: int. Runs per configuration and fold, with seeds
            ``options.seed + i``.
        out: str or PathLike. The comparison directory (created; resumed if it
            holds a comparison of the same data and options).
        options: TrainOptions or None. Training options of every run (epochs,
            batch size, optimizer, dev split, patience, ...), used as `train`
            uses them; its model, mode and vectors are replaced by each
            cell's, its seed is the first seed and the seed of the folds. None
            gives ``TrainOptions(validation_split=0.1, patience=2)``: a dev
            split (for early stopping and the validation curves) with
            early stopping; its `validation_split` None trains on all of each
            training part for ``options.epochs`` epochs.
        data_options: DataOptions or None. How to read `data` and `test`.
        progress: bool. Show a progress bar over the cells on stderr.
        on_cell: callable or None. Called with each newly finished cell's record.

    Returns:
        The rows written to ``out/results.json``, one per configuration.

    Raises:
        EmbedlabError: for bad arguments, or when `out` holds a comparison of
            other data or options.

    Example:
        >>> rows = compare(["mr.csv"], models=["cnn"], modes=["rand", "static"],
        ...                vectors=["glove-6B-50d"], folds=10, out="runs/mr")
    """
    configs = grid_configs(models, modes, vectors)
    if options is None:
        options = TrainOptions(validation_split=DEFAULT_VALIDATION_SPLIT, patience=DEFAULT_PATIENCE)
    data_options = data_options or DataOptions()
    if folds is not None and test is not None:
        raise EmbedlabError("Give either `folds` or `test` data, not both.")
    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
        raise EmbedlabError(f"`seeds` must be a positive integer. Received: seeds={seeds!r}")
    _check_fit_options(options)
    sources = [part for part in (data, test) if part is not None and not isinstance(part, Dataset)]
    check_output(out, kind="compare", inputs=[path for part in sources for path in part])
    dataset = data if isinstance(data, Dataset) else data_options.read(data)
    test_set = None
    if test is not None:
        test_set = test if isinstance(test, Dataset) else data_options.read(test, min_classes=1)
    elif folds is None:
        folds = DEFAULT_FOLDS
    splits = _splits(dataset, folds=folds, test=test_set, seed=options.seed)
    directory = Path(out)
    setup = _setup(dataset, test_set, folds, options)
    arguments = {
        "models": list(models),
        "modes": list(modes),
        "vectors": list(vectors),
        "seeds": seeds,
        "data": dataset.sources,
        "test": None if test_set is None else test_set.sources,
        "started": _now(),
    }
    _claim(directory, setup, arguments)

    seed_list = [options.seed + i for i in range(seeds)]
    cells = [
        Cell(model, mode, vec, fold, seed)
        for model, mode, vec in configs
        for fold in range(len(splits))
        for seed in seed_list
    ]
    cells_dir = directory / CELLS_DIR
    todo = [cell for cell in cells if not (cells_dir / cell.file_name).is_file()]
    with _progress_bar(progress, total=len(cells), done=len(cells) - len(todo)) as show:
        for cell in todo:
            show(cell, None)
            train_part, test_part, test_indices = splits[cell.fold]
            record = _run_cell(cell, train_part, test_part, options=options)
            record["test_indices"] = test_indices
            saving.write_json(cells_dir / cell.file_name, record)
            show(cell, record)
            if on_cell is not None:
                on_cell(record)

    records = [saving.read_json(cells_dir / cell.file_name) for cell in cells]
    rows = summarize(records, configs, folds=folds, seeds=seeds)
    write_report(directory, rows, records, setup)
    return rows


def _check_fit_options(options: TrainOptions) -> None:
    """Refuse, before any training, the fit options `TextClassifier.fit` would refuse."""
    split, patience = options.validation_split, options.patience
    if split is not None and (isinstance(split, bool) or not 0 < split < 1):
        raise EmbedlabError(
            f"`validation_split` must be in (0, 1), or None for no dev split. "
            f"Received: validation_split={split!r}"
        )
    if patience is not None and (isinstance(patience, bool) or patience < 0):
        raise EmbedlabError(f"`patience` must be >= 0. Received: patience={patience!r}")
    if patience is not None and split is None:
        raise EmbedlabError(
            "`patience` needs a dev split to watch: set `validation_split` (e.g. 0.1), "
            "or leave `patience` out."
        )


def _splits(
    dataset: Dataset, *, folds: int | None, test: Dataset | None, seed: int
) -> list[tuple[Dataset, Dataset, list[int] | None]]:
    """(train part, test part, test indices into `dataset` or None) for each fold."""
    if test is not None:
        check_labels_seen(dataset.labels, test.labels, where="`test`")
        return [(dataset, test, None)]
    assert folds is not None
    check_folds(dataset.labels, folds)
    try:
        indices = kfold_indices(dataset.labels, n_folds=folds, seed=seed)
    except ValueError as e:
        raise EmbedlabError(f"`folds`: {e}") from None
    parts = [(dataset.subset(tr), dataset.subset(te), te.tolist()) for tr, te in indices]
    for i, (train, test_part, _) in enumerate(parts):
        check_labels_seen(train.labels, test_part.labels, where=f"fold {i + 1} of {folds}")
    return parts


def _fingerprint(dataset: Dataset) -> dict[str, Any]:
    digest = hashlib.sha256()
    for text, label in zip(dataset.texts, dataset.labels, strict=True):
        digest.update(json.dumps([text, label]).encode("utf-8"))
    return {"sha256": digest.hexdigest(), "n": len(dataset), "classes": dataset.classes}


def _setup(
    dataset: Dataset,
    test: Dataset | None,
    folds: int | None,
    options: TrainOptions,
) -> dict[str, Any]:
    """What every cell depends on; a resumed comparison must match it exactly."""
    from embedlab._keras import import_keras

    train_options = dataclasses.asdict(options)
    for name in PER_CELL_FIELDS:
        train_options.pop(name, None)
    setup = {
        "data": _fingerprint(dataset),
        "test": None if test is None else _fingerprint(test),
        "folds": folds,
        "options": train_options,
        "keras_backend": import_keras().backend.backend(),
    }
    try:  # JSON round trip: what is compared on resume is what is stored
        return dict(json.loads(json.dumps(setup)))
    except TypeError as e:
        raise EmbedlabError(f"`options` must hold JSON values: {e}") from None


def _claim(directory: Path, setup: dict[str, Any], arguments: dict[str, Any]) -> None:
    """Create `directory` for `setup`, or check that it already holds the same comparison.

    ``compare.json`` keeps `setup` (checked on every run) and the latest run's
    `arguments` (the grid and data sources; for information only).
    """
    path = directory / COMPARE_FILE
    if path.is_file():
        stored = saving.read_json(path)
        if stored.get("format") != FORMAT_NAME:
            raise EmbedlabError(f"{path} is not an embedlab comparison. Choose another `out`.")
        differ = _differences(stored.get("setup", {}), setup)
        if differ:
            raise EmbedlabError(
                f"{directory} holds a comparison of other data or options "
                f"(differs in: {', '.join(differ)}). Its finished cells cannot be reused: "
                "choose another `out`, or delete the directory to start over."
            )
    elif directory.exists() and any(directory.iterdir()):
        raise EmbedlabError(
            f"{directory} exists and is not an embedlab comparison (no {COMPARE_FILE}). "
            "Choose another `out`."
        )
    (directory / CELLS_DIR).mkdir(parents=True, exist_ok=True)
    saving.write_json(
        path,
        {"format": FORMAT_NAME, "version": FORMAT_VERSION, "setup": setup, "last_run": arguments},
    )


def _differences(old: Any, new: Any, prefix: str = "") -> list[str]:
    """Dotted names of the fields where `old` and `new` differ."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in sorted(set(old) | set(new)):
            out += _differences(old.get(key), new.get(key), f"{prefix}{key}.")
        return out
    if old != new:
        return [f"{prefix.rstrip('.')} ({json.dumps(old)} -> {json.dumps(new)})"[:200]]
    return []


def _run_cell(
    cell: Cell,
    train: Dataset,
    test: Dataset,
    *,
    options: TrainOptions,
) -> dict[str, Any]:
    """Train and evaluate one cell as `embedlab.pipeline.train` does; its JSON-ready record."""
    started = _now()
    if cell.model == RECIPE_NAME:  # the recipe decides the model settings
        run_options = dataclasses.replace(_recipe_options(options), seed=cell.seed)
    else:
        run_options = dataclasses.replace(
            options,
            model=cell.model,
            mode=cell.mode,
            vectors=None if cell.vectors == NO_VECTORS else cell.vectors,
            seed=cell.seed,
        )
    clf = run_options.classifier()
    start = time.perf_counter()
    run_options.fit(clf, train, verbose=0)
    fit_seconds = time.perf_counter() - start
    n_dev = 0 if clf.validation_indices is None else len(clf.validation_indices)
    metrics = clf.evaluate(test.texts, test.labels)
    inspection = None
    if cell.mode in ("nonstatic", "multichannel") and cell.fold == 0 and cell.seed == options.seed:
        from embedlab.inspect.summary import inspection_record

        inspection = inspection_record(clf)  # Table 3 and the moved rows, for the report
    return {
        **dataclasses.asdict(cell),
        "accuracy": metrics["accuracy"],
        "macro_f1": metrics["macro_f1"],
        "n_train": len(train) - n_dev,
        "n_dev": n_dev,
        "n_test": len(test),
        "epochs_run": len(clf.history.get("epoch_seconds", [])),
        "fit_seconds": fit_seconds,
        "history": clf.history,
        "labels": metrics.get("labels", clf.labels),
        "confusion_matrix": metrics.get("confusion_matrix"),
        "predictions": clf.predict(test.texts),
        "inspection": inspection,
        "started": started,
        "finished": _now(),
    }


def _recipe_options(options: TrainOptions) -> TrainOptions:
    """`options` for the recipe: the model settings and epochs it decides back to their defaults."""
    defaults: dict[str, Any] = {f.name: f.default for f in dataclasses.fields(TrainOptions)}
    decided = {"model", "vectors", "epochs", *RECIPE_DECIDES} & defaults.keys()
    return dataclasses.replace(options, **{name: defaults[name] for name in decided})


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


@contextmanager
def _progress_bar(
    show: bool, *, total: int, done: int
) -> Iterator[Callable[[Cell, dict[str, Any] | None], None]]:
    """A callable ``show(cell, record)``: a cell starts (record None) or has finished.

    On a terminal it drives a rich progress bar on stderr naming the current
    cell; elsewhere (a log file) it prints one line per finished cell.
    """
    if not show:
        yield lambda cell, record: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    if done:
        console.print(f"resuming: {done} of {total} cells already finished")
    with Progress(
        TextColumn("[bold]cells"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
        console=console,
    ) as bar:
        task = bar.add_task("", total=total, completed=done)
        count = done

        def update(cell: Cell, record: dict[str, Any] | None) -> None:
            nonlocal count
            if record is None:
                bar.update(task, description=cell.name)
                return
            count += 1
            bar.update(task, advance=1)
            if not console.is_terminal:
                console.print(
                    f"{count}/{total} {cell.name}: accuracy {record['accuracy']:.4f}, "
                    f"{record['epochs_run']} epochs, {record['fit_seconds']:.1f} s",
                    highlight=False,
                    soft_wrap=True,
                )

        yield update
