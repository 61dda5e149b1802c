"""The layout of a saved classifier directory, and its JSON files.

A saved classifier is a directory with fixed file names::

    DIR/config.json     embedlab's own config: labels, model config, vectors used
    DIR/tokenizer.json  the fitted tokenizer (word_index, counts, options)
    DIR/model.keras     the Keras model, weights included (no vector file needed)
    DIR/metrics.json    test metrics, when the classifier was evaluated
    DIR/history.json    per-epoch training history

Nothing is ever half-written: the directory is built under a temporary name
beside its destination and renamed into place when complete
(`embedlab.atomic.atomic_directory`).
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

from embedlab.atomic import atomic_open
from embedlab.errors import SavedFileError

CONFIG_FILE = "config.json"
TOKENIZER_FILE = "tokenizer.json"
MODEL_FILE = "model.keras"
METRICS_FILE = "metrics.json"
HISTORY_FILE = "history.json"
FORMAT_NAME = "embedlab.classifier"
FORMAT_VERSION = 1


def write_json(path: str | os.PathLike[str], data: Any) -> None:
    """Write `data` as indented JSON to `path` atomically (temp file + rename)."""
    with atomic_open(path) as f:
        json.dump(data, f, indent=2, ensure_ascii=False)
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


# What `TextClassifier.load` reads from config.json: its fields, and the type
# of each of the "options" (written as ModelConfig's annotations are).
_CONFIG_FIELDS: dict[str, type] = {"labels": list, "model": dict, "options": dict}
_OPTION_TYPES = {
    "lower": "bool",
    "oov_token": "str | None",
    "num_words": "int | None",
    "oov_init": "str",
    "optimizer": "str",
    "learning_rate": "float | None",
    "batch_size": "int",
    "seed": "int",
}
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "bool": (bool,),
    "int": (int,),
    "float": (int, float),
    "str": (str,),
    "None": (type(None),),
    "tuple[int, ...]": (list,),
}


def _has_type(value: Any, annotation: str) -> bool:
    """Whether a JSON value fits an annotation such as ``"float | None"``."""
    for name in annotation.split(" | "):
        kinds = _JSON_TYPES.get(name, (object,))
        if isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds):
            return True
    return False


def read_config(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a saved classifier's config.json, checking the fields `load` needs.

    Raises:
        SavedFileError: naming the file and the field that is missing or of
            the wrong type, so a corrupt directory is never a `KeyError`.
    """
    from embedlab.models.registry import ModelConfig

    path = Path(path)
    data = read_json(path)
    advice = "The directory is damaged or not from `TextClassifier.save`; train it again."
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise SavedFileError(
            f"{path}: not an embedlab classifier config (format={found!r}). {advice}"
        )
    for key, kind in _CONFIG_FIELDS.items():
        if not isinstance(data.get(key), kind):
            raise SavedFileError(
                f"{path}: field {key!r} must be a JSON {'array' if kind is list else 'object'}, "
                f"found {type(data.get(key)).__name__}. {advice}"
            )
    if not all(isinstance(label, str) for label in data["labels"]):
        raise SavedFileError(f"{path}: field 'labels' must hold strings. {advice}")
    model_types = {field.name: str(field.type) for field in dataclasses.fields(ModelConfig)}
    required = [
        field.name
        for field in dataclasses.fields(ModelConfig)
        if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
    ]
    missing = [key for key in _OPTION_TYPES if key not in data["options"]]
    missing += [f"model.{key}" for key in required if key not in data["model"]]
    unknown = sorted(set(data["model"]) - set(model_types))
    if missing or unknown:
        problem = f"missing {missing}" if missing else f"unknown model fields {unknown}"
        raise SavedFileError(f"{path}: {problem}. {advice}")
    for part, types in (("options", _OPTION_TYPES), ("model", model_types)):
        for key, annotation in types.items():
            if key in data[part] and not _has_type(data[part][key], annotation):
                raise SavedFileError(
                    f"{path}: {part}.{key} must be {annotation}, found "
                    f"{data[part][key]!r}. {advice}"
                )
    return data
