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

import json
import os
from pathlib import Path
from typing import Any

from embedlab.atomic import atomic_open
from embedlab.errors import EmbedlabError

CONFIG_FILE = "config.json"
TOKENIZER_FILE = "tokenizer.json"
MODEL_FILE = "model.keras"
METRICS_FILE = "metrics.json"
HISTORY_FILE = "history.json"
FORMAT_NAME = "embedlab.classifier"
FORMAT_VERSION = 1


def write_json(path: str | os.PathLike[str], data: Any) -> None:
    """Write `data` as indented, strict JSON (no NaN) to `path` atomically (temp file + rename)."""
    with atomic_open(path) as f:
        json.dump(data, f, indent=2, ensure_ascii=False, allow_nan=False)
        f.write("\n")


def read_json(path: str | os.PathLike[str]) -> Any:
    """Read a JSON file, naming the file in the error when it is bad."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise EmbedlabError(f"{path}: file not found.") from None
    except json.JSONDecodeError as e:
        raise EmbedlabError(f"{path} line {e.lineno}: invalid JSON ({e.msg}).") from None
