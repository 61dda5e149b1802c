"""The layout of a saved classifier directory, and atomic writes.

A saved classifier is a directory with fixed file names::

    DIR/config.json     embedlab's own config: labels, model config, vectors used
    DIR/tokenizer.json  the fitted tokenizer (word_index, counts, options)
    DIR/model.keras     the Keras model, weights included (no vector file needed)
    DIR/metrics.json    test metrics, when the classifier was evaluated
    DIR/history.json    per-epoch training history

Nothing is ever half-written: a directory is built under a temporary name
beside its destination and renamed into place when complete.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
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
    """Write `data` as indented JSON to `path` atomically (temp file + rename)."""
    with atomic_open(path) as f:
        json.dump(data, f, indent=2, ensure_ascii=False)
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


@contextmanager
def atomic_directory(path: str | os.PathLike[str], *, overwrite: bool = False) -> Iterator[Path]:
    """Build a directory under a temporary name and move it to `path` at the end.

    If the block raises, the temporary directory is removed and `path` is left
    as it was. An existing `path` is replaced only with ``overwrite=True``.

    Args:
        path: str or PathLike. The final directory.
        overwrite: bool. Replace an existing directory.

    Yields:
        The temporary directory to write into.

    Raises:
        EmbedlabError: if `path` exists and `overwrite` is False.
    """
    final = Path(path)
    if final.exists() and not overwrite:
        raise EmbedlabError(
            f"{final} already exists. Choose another output directory or pass overwrite "
            "(CLI: --overwrite) to replace it."
        )
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))
    try:
        yield tmp
        if final.exists():
            old = final.with_name(f".{final.name}.old-{os.getpid()}")
            os.replace(final, old)
            os.replace(tmp, final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
