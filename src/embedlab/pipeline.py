"""The jobs the CLI runs, as typed library functions: train, evaluate, predict.

Each reads data with `embedlab.data`, works through a `TextClassifier` and
returns plain results; the CLI only parses arguments and prints.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from embedlab.classify.checks import check_labels_seen
from embedlab.classify.classifier import DEFAULT_THRESHOLD, TextClassifier
from embedlab.classify.ensemble import EnsembleConfig
from embedlab.classify.recipe import RECIPE_NAME
from embedlab.classify.training import ClassWeight
from embedlab.data import Dataset, Label, read_dataset, train_test_split
from embedlab.errors import EmbedlabError
from embedlab.ownership import check_output

logger = logging.getLogger("embedlab")

DEFAULT_TEST_SPLIT = 0.1


@dataclass(frozen=True)
class DataOptions:
    """How to read labelled data (the CLI's --format, --encoding, column options).

    `label_separator` splits each label into a list (multi-label data);
    `strict` stops at a row with an empty text instead of skipping it.
    """

    format: str | None = None
    encoding: str = "utf-8"
    text_column: str | None = None
    label_column: str | None = None
    label_separator: str | None = None
    strict: bool = False

    def read(self, data: Sequence[str | os.PathLike[str]], **kwargs: Any) -> Dataset:
        return read_dataset(
            data,
            format=self.format,
            encoding=self.encoding,
            text_column=self.text_column,
            label_column=self.label_column,
            label_separator=self.label_separator,
            strict=self.strict,
            **kwargs,
        )


@dataclass(frozen=True)
class TrainOptions:
    """Every model and training option of `train` and `compare`, in one place.

    The fields named as `TextClassifier`'s constructor arguments configure the
    classifier (`classifier` passes them on, found by name); the others are
    `TextClassifier.fit`'s (`epochs`, `validation_split`, `patience`,
    `monitor`, `class_weight`) or say how to fit (`data_parallel`: split each
    batch over all local devices, see `embedlab.deploy.distribute`). See those
    two for what each option means. `multi_label` None decides from the labels
    (lists: multi-label). `model` None or ``"default"`` trains the recommended
    recipe (`embedlab.classify.recipe`); `epochs` None: 10, or the recipe's own.

    A new option is a field here with the default of the argument it feeds, a
    shared option in `embedlab.cli.options`, and a parameter of the `train`
    and `compare` commands (tests/test_options.py checks all three).
    """

    model: str | None = None
    mode: str = "rand"
    vectors: str | None = None
    download_vectors: bool = False
    epochs: int | None = None
    seed: int = 0
    maxlen: int | None = None
    num_words: int | None = None
    lower: bool = True
    oov_token: str | None = None
    embedding_dim: int | None = None
    embedding_scale: float | None = None
    projection: int | None = None
    units: int | None = None
    layers: int = 1
    dropout: float | None = None
    max_norm: float | None = None
    optimizer: str = "adam"
    learning_rate: float | None = None
    batch_size: int = 50
    oov_init: str = "random"
    pretrained_vocab: int | None = None
    validation_split: float | None = None
    patience: int | None = None
    monitor: str = "val_loss"
    class_weight: ClassWeight = None
    multi_label: bool | None = None
    threshold: float = DEFAULT_THRESHOLD
    data_parallel: bool = False
    ngram_buckets: int | None = None
    ngrams: int | None = None
    naive_bayes: bool = False
    edge_padding: bool | None = None
    num_filters: int | None = None
    analyzer: str | None = None  # None: kiwi when most texts are Hangul, else whitespace
    char_ngrams: tuple[int, int] | None = None

    def classifier(self) -> TextClassifier:
        """An untrained `TextClassifier` with the fields that share its arguments' names."""
        arguments = {name: getattr(self, name) for name in classifier_arguments()}
        if arguments.get("model") == RECIPE_NAME:
            arguments["model"] = None
        return TextClassifier(**arguments)

    def fit(self, clf: TextClassifier, data: Dataset, *, verbose: int | str = "auto") -> None:
        """Train `clf` on `data` with these options' epochs, dev split, early stopping
        and class weights (over all local devices with `data_parallel`)."""
        kwargs: dict[str, Any] = {
            "epochs": self.epochs,
            "validation_split": self.validation_split,
            "patience": self.patience,
            "monitor": self.monitor,
            "class_weight": self.class_weight,
            "verbose": verbose,
        }
        if self.data_parallel:
            from embedlab.deploy.distribute import fit_data_parallel

            fit_data_parallel(clf, data.texts, data.labels, **kwargs)
        else:
            clf.fit(data.texts, data.labels, **kwargs)


@functools.cache
def classifier_arguments() -> tuple[str, ...]:
    """The `TextClassifier` constructor arguments that `TrainOptions` fields set."""
    fields = {field.name for field in dataclasses.fields(TrainOptions)}
    return tuple(name for name in inspect.signature(TextClassifier).parameters if name in fields)


def train(
    data: Sequence[str | os.PathLike[str]],
    *,
    out: str | os.PathLike[str],
    options: TrainOptions,
    data_options: DataOptions = DataOptions(),
    test: Sequence[str | os.PathLike[str]] | None = None,
    test_split: float | None = None,
    overwrite: bool = False,
    verbose: int | str = "auto",
    search_seconds: float | None = None,
) -> dict[str, Any]:
    """Train a classifier on `data`, evaluate it and save it to `out`.

    The test set is `test` when given, else a stratified `test_split`
    fraction of `data` (default 0.1). The directory is written only when
    everything succeeded. With `search_seconds`, configurations are tried on
    a dev split of the training data for about that long
    (`embedlab.experiments.search`; `options` gives the seed, batch size and
    vectors), the best is kept and the search is recorded in
    ``out/search.json``.

    Returns:
        The test metrics written to ``out/metrics.json``.
    """
    if test and test_split is not None:
        raise EmbedlabError("Give either `test` data or `test_split`, not both.")
    check_output(out, kind="classifier", inputs=[*data, *(test or [])], overwrite=overwrite)
    clf = options.classifier()  # bad options fail before the data is read
    dataset = data_options.read(data)
    skipped_rows = len(dataset.skipped)
    if test:
        train_set, test_set = dataset, data_options.read(test, min_classes=1)
        skipped_rows += len(test_set.skipped)
    else:
        fraction = DEFAULT_TEST_SPLIT if test_split is None else test_split
        if not 0.0 < fraction < 1.0:
            raise EmbedlabError(f"`test_split` must be in (0, 1). Received: test_split={fraction}")
        train_set, test_set = train_test_split(dataset, test_size=fraction, seed=options.seed)
    where = "`test`" if test else f"the `test_split` part ({len(test_set)} texts)"
    check_labels_seen(train_set.labels, test_set.labels, where=where)
    logger.info(
        "data: %d training texts, %d test texts, classes: %s",
        len(train_set),
        len(test_set),
        ", ".join(train_set.classes),
    )
    found = None
    if search_seconds is not None and options.model not in (None, RECIPE_NAME):
        raise EmbedlabError(
            f"A search chooses the model; leave `model` out. Received: model={options.model!r}"
        )
    if search_seconds is not None:
        from embedlab.experiments.search import search

        found = search(
            train_set.texts,
            train_set.labels,
            budget_seconds=search_seconds,
            seed=options.seed,
            params={"vectors": options.vectors, "batch_size": options.batch_size},
        )
        clf = found.classifier
    else:
        clf = options.classifier()
        clf.data_info = {"label_separator": data_options.label_separator}
        options.fit(clf, train_set, verbose=verbose)
    metrics = clf.evaluate(test_set.texts, test_set.labels)
    if options.data_parallel:
        from embedlab.deploy.distribute import used_devices

        metrics["devices"] = used_devices(clf)
    n_validation = 0 if clf.validation_indices is None else len(clf.validation_indices)
    if found is not None:
        n_validation = found.n_dev
    metrics["n_train"] = len(train_set) - n_validation  # the texts the model was fitted on
    metrics["epochs"] = options.epochs
    metrics["epochs_run"] = len(clf.history.get("epoch_seconds", []))  # all members'
    if isinstance(clf.config, EnsembleConfig):
        metrics["members"] = [
            {
                "model": m.model,
                "mode": m.mode,
                "epochs_run": m.epochs_run,
                "best_epoch": None if m.best_epoch is None else m.best_epoch + 1,
            }
            for m in clf.config.members
        ]
    if clf.best_epoch is not None:
        metrics["best_epoch"] = clf.best_epoch + 1  # 1-based, as Keras prints it
    if n_validation:
        metrics["n_validation"] = n_validation
    metrics["seconds_per_epoch"] = _mean(clf.history.get("epoch_seconds", []))
    metrics["skipped_rows"] = skipped_rows  # empty texts left out of the data read
    clf.metrics = metrics
    clf.save(out, overwrite=overwrite)
    if found is not None:
        from embedlab.classify.saving import write_search

        write_search(out, found.to_dict())
    logger.info(
        "test accuracy %.4f on %d texts; saved to %s", metrics["accuracy"], len(test_set), out
    )
    return metrics


def evaluate(
    directory: str | os.PathLike[str],
    data: Sequence[str | os.PathLike[str]],
    *,
    data_options: DataOptions = DataOptions(),
    threshold: float | None = None,
) -> dict[str, Any]:
    """Evaluate the classifier saved in `directory` on labelled `data`.

    `threshold` (multi-label only) overrides the saved one.
    """
    clf = TextClassifier.load(directory)
    data_options = remembered_label_separator(clf, data_options)
    dataset = data_options.read(data, min_classes=1)
    metrics = clf.evaluate(dataset.texts, dataset.labels, threshold=threshold)
    metrics["skipped_rows"] = len(dataset.skipped)
    return metrics


def predict(
    directory: str | os.PathLike[str], texts: Sequence[str], *, threshold: float | None = None
) -> tuple[list[Label], list[dict[str, float]]]:
    """Labels (lists of labels, multi-label) and per-label probabilities of `texts`.

    `threshold` (multi-label only) overrides the saved one.
    """
    clf = TextClassifier.load(directory)
    proba = clf.predict_proba(texts)
    labels = clf.labels_of(proba, threshold=threshold)
    probabilities = [
        {label: float(p) for label, p in zip(clf.labels, row, strict=True)} for row in proba
    ]
    return labels, probabilities


def remembered_label_separator(clf: TextClassifier, data_options: DataOptions) -> DataOptions:
    """`data_options` reading labels as `clf`'s training labels were read.

    A classifier trained with a `label_separator` reads its test labels with
    the same one unless another is given.
    """
    saved = clf.data_info.get("label_separator")
    if data_options.label_separator is None and saved is not None:
        return dataclasses.replace(data_options, label_separator=saved)
    return data_options


def _mean(values: Sequence[float]) -> float | None:
    return float(sum(values) / len(values)) if values else None


def describe(directory: str | os.PathLike[str]) -> dict[str, Any]:
    """The saved config of a classifier directory (labels, model, vectors, metrics).

    Read through `embedlab.classify.saving.read_config`, so an older format
    comes back in the current layout and an unreadable one is a clear error.
    """
    from embedlab.classify import saving

    saved = saving.read_config(directory)
    info = saved.to_dict()
    metrics = saved.metrics()
    if metrics is not None:
        info["metrics"] = metrics
    return info
