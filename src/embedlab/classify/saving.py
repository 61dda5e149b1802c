"""The saved classifier format: its layout, its version, and the one reader and writer.

A saved classifier is a directory with fixed file names::

    DIR/config.json     embedlab's own config (below)
    DIR/tokenizer.json  the fitted tokenizer (word_index, counts, options)
    DIR/model.keras     the Keras model, weights included (no vector file needed)
    DIR/metrics.json    test metrics, when the classifier was evaluated
    DIR/history.json    per-epoch training history
    DIR/pretrained.npy  mode nonstatic: the embedding matrix before fine-tuning
                        (what `embedlab inspect` compares the tuned rows with)
    DIR/search.json     the configurations tried, when trained by a search
                        (`embedlab.experiments.search`)

``config.json``, format ``embedlab.classifier`` version 3 (`FORMAT_VERSION`) for
an ensemble, version 2 (`SINGLE_MODEL_VERSION`) for a single model, which
has no ``ensemble`` entry (so an embedlab that reads version 2 still loads
it, and refuses an ensemble with its "newer version" message):

=================  ==========================================================
key                what it holds
=================  ==========================================================
``format``         ``"embedlab.classifier"``
``version``        ``3`` (an ensemble) or ``2`` (a single model)
``params``         every `TextClassifier` constructor argument, as given
                   (`TextClassifier.get_config`; in-memory vectors as null;
                   ``model`` null for the recipe)
``labels``         the fitted labels, in probability-column order
``model``          the fitted `ModelConfig` (`ModelConfig.to_dict`); for an
                   ensemble what its members share (``model`` ``"default"``,
                   ``mode`` ``"-"``, ``vocab_size``, ``sequence_length``,
                   ``n_classes``, ``multi_label``: `EnsembleConfig.to_dict`)
``ensemble``       only for an ensemble: ``members`` (each member's model,
                   mode, vectors, seed, weight, best_epoch, epochs_run,
                   constructor arguments, fitted `ModelConfig` and coverage)
                   and ``reasons`` (the recipe's rules that fired)
``vectors``        what the embeddings came from: a name or path, ``"in-memory"``
                   or null
``coverage``       the vectors' coverage of the vocabulary, or null
``data_info``      metadata of the data the classifier was fitted on
``keras_backend``  the Keras backend that saved ``model.keras``
=================  ==========================================================

Version 3 added ``ensemble``; a version 2 config is a version 3 config of a
single model. Version 1 (embedlab before the config contract) had ``options`` (a few
constructor arguments) in place of ``params`` and no ``data_info``;
`read_config` still reads it, rebuilding ``params`` from ``model`` and
``options``. Every reader of a saved classifier (`TextClassifier.load`, the
CLI, serving, batch and Dask prediction, export, `embedlab.pipeline.describe`)
goes through `read_config`, so a version it cannot read is refused in one
place, with one message.

Nothing is ever half-written: the directory is built under a temporary name
beside its destination and renamed into place when complete
(`embedlab.atomic.atomic_directory`).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from embedlab.atomic import atomic_directory, atomic_open
from embedlab.errors import EmbedlabError, SavedFileError

CONFIG_FILE = "config.json"
TOKENIZER_FILE = "tokenizer.json"
MODEL_FILE = "model.keras"
METRICS_FILE = "metrics.json"
HISTORY_FILE = "history.json"
PRETRAINED_FILE = "pretrained.npy"
SEARCH_FILE = "search.json"
FORMAT_NAME = "embedlab.classifier"
FORMAT_VERSION = 3
SINGLE_MODEL_VERSION = 2  # what a single model is written as: version 3 adds ensembles only
OLDEST_VERSION = 1
IN_MEMORY_VECTORS = "in-memory"


def write_json(path: str | os.PathLike[str], data: Any) -> None:
    """Write `data` as indented, strict JSON (no NaN) to `path` atomically (temp file + rename)."""
    with atomic_open(path) as f:
        json.dump(data, f, indent=2, ensure_ascii=False, allow_nan=False)
        f.write("\n")


def read_json(path: str | os.PathLike[str]) -> Any:
    """Read a JSON file, naming the file in the error when it is bad.

    Raises:
        SavedFileError: if the file is missing, unreadable or not JSON.
    """
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise SavedFileError(f"{path}: file not found.") from None
    except OSError as e:
        raise SavedFileError(f"{path}: cannot be read ({e.strerror}).") from None
    except UnicodeDecodeError as e:
        raise SavedFileError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start}).") from None
    except json.JSONDecodeError as e:
        raise SavedFileError(f"{path} line {e.lineno}: invalid JSON ({e.msg}).") from None


@dataclass(frozen=True)
class SavedClassifier:
    """What a saved classifier's ``config.json`` says, in the current layout.

    Attributes:
        directory: Path. The saved classifier's directory.
        params: dict. The `TextClassifier` constructor arguments.
        labels: list of str. The fitted labels.
        model: dict. The fitted `ModelConfig` as a dict.
        vectors: str or None. What the embeddings came from.
        coverage: dict or None. `Coverage.to_dict` of the vectors.
        data_info: dict. Metadata of the fitted data (`TextClassifier.data_info`).
        keras_backend: str or None. The backend that saved the model.
        version: int. The format version the file was written in.
        ensemble: dict or None. An ensemble's members and reasons
            (`EnsembleConfig.ensemble_dict`); None for a single model.
    """

    directory: Path
    params: dict[str, Any]
    labels: list[str]
    model: dict[str, Any]
    vectors: str | None = None
    coverage: dict[str, Any] | None = None
    data_info: dict[str, Any] = field(default_factory=dict)
    keras_backend: str | None = None
    version: int = FORMAT_VERSION
    ensemble: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The ``config.json`` content (the newest version that holds it)."""
        data = {
            "format": FORMAT_NAME,
            "version": SINGLE_MODEL_VERSION if self.ensemble is None else FORMAT_VERSION,
            "params": self.params,
            "labels": self.labels,
            "model": self.model,
            "vectors": self.vectors,
            "coverage": self.coverage,
            "data_info": self.data_info,
            "keras_backend": self.keras_backend,
        }
        if self.ensemble is not None:
            data["ensemble"] = self.ensemble
        return data

    def model_config(self) -> Any:
        """The fitted `ModelConfig`, or for an ensemble its `EnsembleConfig`."""
        if self.ensemble is not None:
            from embedlab.classify.ensemble import EnsembleConfig

            return EnsembleConfig.from_dicts(self.model, self.ensemble)
        from embedlab.models.registry import ModelConfig

        return ModelConfig.from_dict(self.model)

    @property
    def sequence_length(self) -> int:
        """The padded length of the model's id input."""
        return int(self.model["sequence_length"])

    def metrics(self) -> dict[str, Any] | None:
        """The saved test metrics, or None."""
        path = self.directory / METRICS_FILE
        return read_json(path) if path.is_file() else None

    def history(self) -> dict[str, Any] | None:
        """The saved training history, or None."""
        path = self.directory / HISTORY_FILE
        return read_json(path) if path.is_file() else None

    def load_pretrained(self) -> np.ndarray | None:
        """The embedding rows before fine-tuning (``pretrained.npy``, memory-mapped), or None."""
        path = self.directory / PRETRAINED_FILE
        return np.load(path, mmap_mode="r") if path.is_file() else None

    def load_tokenizer(self) -> Any:
        """The fitted `Tokenizer`."""
        from embedlab.text.tokenizer import Tokenizer

        return Tokenizer.load(self.directory / TOKENIZER_FILE)

    def copy_tokenizer(self, destination: str | os.PathLike[str]) -> Path:
        """Copy ``tokenizer.json`` into the directory `destination`; returns the copy."""
        target = Path(destination) / TOKENIZER_FILE
        shutil.copyfile(self.directory / TOKENIZER_FILE, target)
        return target

    def load_keras_model(self) -> Any:
        """The Keras model (uncompiled), embedlab's custom layers resolved."""
        from embedlab._keras import import_keras
        from embedlab.models.ngrams import custom_objects

        return import_keras().saving.load_model(
            self.directory / MODEL_FILE, compile=False, custom_objects=custom_objects()
        )


def read_config(directory: str | os.PathLike[str]) -> SavedClassifier:
    """Read and check a saved classifier's ``config.json``, upgrading older versions.

    Args:
        directory: str or path. A directory written by `TextClassifier.save`
            (`embedlab train --out`).

    Returns:
        The `SavedClassifier` description, in the current layout.

    Raises:
        EmbedlabError: if `directory` holds no classifier, the file is not
            an embedlab classifier config, or its version is one this code
            does not read (the message names the file, both versions and
            what to do).
    """
    directory = Path(directory)
    path = directory / CONFIG_FILE
    if not path.is_file():
        raise EmbedlabError(
            f"{directory} is not a saved embedlab classifier (no {CONFIG_FILE}). "
            "Pass a directory that `TextClassifier.save` (`embedlab train`) wrote."
        )
    data = read_json(path)
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise SavedFileError(f"{path}: not an embedlab classifier config (format={found!r}).")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise EmbedlabError(
            f"{path}: no valid format version (version={version!r}); this embedlab reads "
            f"versions {OLDEST_VERSION} to {FORMAT_VERSION}. Re-train the classifier."
        )
    if version > FORMAT_VERSION:
        raise EmbedlabError(
            f"{path}: saved in classifier format version {version}, newer than this embedlab "
            f"reads (versions {OLDEST_VERSION} to {FORMAT_VERSION}). Upgrade embedlab "
            "(pip install -U embedlab) to load it."
        )
    if version < OLDEST_VERSION:
        raise EmbedlabError(
            f"{path}: saved in classifier format version {version}, older than this embedlab "
            f"reads (versions {OLDEST_VERSION} to {FORMAT_VERSION}). Re-train the classifier "
            "with this embedlab, or load it with the embedlab that saved it."
        )
    if version == 1:
        data = _upgrade_v1(data, path)
    need = ("params", "labels", "model")
    missing = [key for key in need if not isinstance(data.get(key), dict | list)]
    if missing:
        raise SavedFileError(f"{path}: missing or invalid field {missing[0]!r}.")
    ensemble = data.get("ensemble")
    if ensemble is not None and not isinstance(ensemble.get("members"), list):
        raise SavedFileError(f"{path}: invalid field 'ensemble' (no list of members).")
    return SavedClassifier(
        directory=directory,
        params=dict(data["params"]),
        labels=[str(label) for label in data["labels"]],
        model=dict(data["model"]),
        vectors=data.get("vectors"),
        coverage=data.get("coverage"),
        data_info=dict(data.get("data_info") or {}),
        keras_backend=data.get("keras_backend"),
        version=version,
        ensemble=None if ensemble is None else dict(ensemble),
    )


def _upgrade_v1(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """Version 1's config as version 2: ``params`` rebuilt from ``model`` and ``options``.

    Version 1 kept the fitted `ModelConfig` and ten constructor arguments;
    the others are taken from the fitted config (``maxlen`` from
    ``sequence_length``, ``dropout`` and ``max_norm`` as resolved), which
    rebuilds the same model.
    """
    from embedlab.models.registry import models_with_option

    try:
        model, options = data["model"], data["options"]
        name, mode = model["model"], model["mode"]
        vectors = data.get("vectors")
        params = {
            "model": name,
            "mode": mode,
            "vectors": None if vectors in (None, IN_MEMORY_VECTORS) else vectors,
            "download_vectors": False,
            "embedding_dim": model["embedding_dim"] if mode == "rand" else None,
            "embedding_scale": model.get("embedding_scale"),
            "projection": model.get("projection", 0),
            "maxlen": model["sequence_length"],
            "num_words": options["num_words"],
            "lower": options["lower"],
            "oov_token": options["oov_token"],
            "oov_init": options["oov_init"],
            "pretrained_vocab": options.get("pretrained_vocab", 0),
            "units": model["units"],
            "layers": model["layers"],
            "dropout": model["dropout"],
            "max_norm": model["max_norm"],
            "optimizer": options["optimizer"],
            "learning_rate": options["learning_rate"],
            "batch_size": options["batch_size"],
            "seed": options["seed"],
            "multi_label": model.get("multi_label", False),
            "threshold": options.get("threshold", 0.5),
            "naive_bayes": model.get("naive_bayes", False),
            "edge_padding": model.get("edge_padding", False),
        }
        for option in ("ngram_buckets", "ngrams", "num_filters"):
            params[option] = model.get(option) if name in models_with_option(option) else None
    except (KeyError, TypeError) as e:
        raise SavedFileError(f"{path}: format version 1 config lacks field {e}.") from None
    return {**data, "params": params, "data_info": {}}


def write_search(directory: str | os.PathLike[str], record: dict[str, Any]) -> Path:
    """Write a search's record (`embedlab.experiments.search`) into a classifier directory.

    Returns:
        The path of ``search.json``.
    """
    path = Path(directory) / SEARCH_FILE
    write_json(path, record)
    return path


def save_classifier(
    directory: str | os.PathLike[str],
    saved: SavedClassifier,
    *,
    tokenizer: Any,
    keras_model: Any,
    history: dict[str, Any] | None = None,
    metrics: dict[str, Any] | None = None,
    pretrained: np.ndarray | None = None,
    overwrite: bool = False,
) -> Path:
    """Write a classifier directory atomically: config, tokenizer, model, history, metrics.

    Args:
        directory: str or path. The directory to write.
        saved: SavedClassifier. What goes in ``config.json`` (its
            `directory` is ignored).
        tokenizer: Tokenizer. The fitted tokenizer.
        keras_model: keras.Model. The trained model.
        history: dict or None. Per-epoch training figures (not written when empty).
        metrics: dict or None. Test metrics.
        pretrained: np.ndarray or None. A nonstatic model's embedding rows
            before fine-tuning (``pretrained.npy``, read by `embedlab inspect`).
        overwrite: bool. Replace an existing directory.

    Returns:
        The directory.

    Raises:
        EmbedlabError: if `directory` exists and `overwrite` is False.
    """
    with atomic_directory(directory, overwrite=overwrite) as tmp:
        write_json(tmp / CONFIG_FILE, saved.to_dict())
        tokenizer.save(tmp / TOKENIZER_FILE)
        keras_model.save(tmp / MODEL_FILE)
        if history:
            write_json(tmp / HISTORY_FILE, history)
        if metrics is not None:
            write_json(tmp / METRICS_FILE, metrics)
        if pretrained is not None:
            np.save(tmp / PRETRAINED_FILE, pretrained)
    return Path(directory)
