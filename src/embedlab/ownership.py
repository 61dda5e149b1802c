"""What embedlab may write over: only what it wrote itself, never an input.

``--overwrite`` used to replace whatever stood at OUT: ``train dd/bin.csv
--out dd --overwrite`` deleted the folder holding the training file, and
``predict --file same.txt --out same.txt --overwrite`` replaced its own
input. Every command that writes an OUT (`train`, `predict --out`, `embed
train`, `compare`, `export`, `vectors convert`) now calls `check_output`
first, before any work, and `embedlab.atomic.atomic_directory` calls
`check_replaceable` before it swaps a directory, so the Python API
(`TextClassifier.save`) follows the same rules.

OUT is refused, with or without ``overwrite``, when it

- is the working directory or a folder above it (``--out .``, ``--out ..``);
- is one of the command's inputs, or a folder that holds one.

An existing OUT is replaced only with ``overwrite`` and only when it has one
of embedlab's own layouts (`LAYOUTS`), with nothing else in it:

- a saved classifier: ``config.json`` of format ``embedlab.classifier`` and
  only the file names of `embedlab.classify.saving`;
- an export: ``export.json`` and the files of `embedlab.deploy.export`;
- a comparison: ``compare.json`` of format ``embedlab.compare``;
- a predictions file: JSON lines whose first row has ``probabilities``;
- a vector file: word2vec/GloVe text whose first row is a word and numbers,
  word2vec or fastText binary, or an ``.npy`` matrix.

A data file (CSV, TSV, JSONL of texts, one text a line) is none of these.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from embedlab.errors import EmbedlabError

DIRECTORY_KINDS: tuple[str, ...] = ("classifier", "export", "compare")
"""What a command writes as a folder."""
FILE_KINDS: tuple[str, ...] = ("predictions", "vectors")
"""What a command writes as a file."""

_SNIFF_BYTES = 1 << 16


def _absolute(path: str | os.PathLike[str]) -> Path:
    """`path` made absolute with ``..`` folded and links of existing parts followed."""
    return Path(os.path.abspath(path)).resolve()


def input_paths(items: Iterable[str | os.PathLike[str] | None]) -> list[Path]:
    """The files and folders named by a command's data arguments.

    A ``LABEL=PATH`` item (one text a line per class) names ``PATH``; names
    that are not paths (a catalogue name of vectors) are left out.
    """
    paths = []
    for item in items:
        if item is None:
            continue
        path = Path(item)
        if not path.exists() and "=" in os.fspath(item):
            path = Path(os.fspath(item).split("=", 1)[1])
        if path.exists():
            paths.append(path)
    return paths


def check_output(
    out: str | os.PathLike[str],
    *,
    kind: str,
    inputs: Iterable[str | os.PathLike[str] | None] = (),
    overwrite: bool = False,
) -> Path:
    """Check, before any work, that a command may write `out`.

    Args:
        out: str or path. What the command will write.
        kind: str. What it writes: one of `DIRECTORY_KINDS` or `FILE_KINDS`.
        inputs: paths (or data arguments, see `input_paths`) the command reads.
        overwrite: bool. Whether an existing `out` may be replaced.

    Returns:
        `out` as an absolute path.

    Raises:
        EmbedlabError: if `out` is the working directory or above it, is or
            holds an input, exists without `overwrite`, or exists with a
            layout embedlab did not write (see the module docstring). A
            ``compare`` folder is resumed, never replaced: an existing one is
            left to `embedlab.experiments.compare` to check.
    """
    if kind not in DIRECTORY_KINDS + FILE_KINDS:
        raise ValueError(f"Unknown output kind {kind!r}.")
    target = _absolute(out)
    _check_not_above_cwd(out, target)
    for path in input_paths(inputs):
        source = _absolute(path)
        if source == target:
            raise EmbedlabError(
                f"{out} is also an input of this command; writing it would destroy it. "
                "Choose another output."
            )
        if target in source.parents:
            raise EmbedlabError(
                f"{out} holds the input {path}; writing it would destroy that. "
                "Choose another output."
            )
    if not os.path.lexists(target):
        return target
    if kind in DIRECTORY_KINDS and not target.is_dir():
        raise EmbedlabError(f"{out} is a file; this command writes a folder there. Choose another.")
    if kind in FILE_KINDS and target.is_dir():
        raise EmbedlabError(f"{out} is a folder; this command writes a file there. Choose another.")
    if kind == "compare":
        return target
    if not overwrite:
        raise EmbedlabError(
            f"{out} already exists. Choose another output or pass `overwrite` to replace it."
        )
    check_replaceable(target)
    return target


def _check_not_above_cwd(given: str | os.PathLike[str], target: Path) -> None:
    cwd = Path.cwd().resolve()
    if target == cwd or target in cwd.parents:
        where = "the working directory" if target == cwd else "a folder above the working directory"
        raise EmbedlabError(
            f"{given} is {where}; embedlab never writes over it. Name a new folder."
        )


def check_replaceable(path: str | os.PathLike[str]) -> str:
    """Check that the existing `path` is an output of embedlab that may be replaced.

    Returns:
        The layout recognised (a key of `LAYOUTS`).

    Raises:
        EmbedlabError: if `path` is the working directory or above it, or has
            no embedlab layout, or holds files that layout does not have.
    """
    target = _absolute(path)
    _check_not_above_cwd(path, target)
    if target.is_dir():
        layout, extra = _directory_layout(target)
        if layout is None:
            raise EmbedlabError(
                f"{path} is a folder embedlab did not write (not a saved classifier, export or "
                "comparison); `overwrite` replaces only embedlab's own outputs. Choose another "
                "output, or move it away yourself."
            )
        if extra:
            shown = ", ".join(sorted(extra)[:5]) + (", ..." if len(extra) > 5 else "")
            raise EmbedlabError(
                f"{path} is a {layout} folder but also holds files embedlab did not write "
                f"({shown}); `overwrite` would delete them. Move them out or choose another "
                "output."
            )
        return layout
    layout = _file_layout(target)
    if layout is None:
        raise EmbedlabError(
            f"{path} is a file embedlab did not write (not a predictions or vector file: "
            "perhaps data); `overwrite` replaces only embedlab's own outputs. Choose another "
            "output."
        )
    return layout


def _constants(module: object, suffixes: tuple[str, ...]) -> set[str]:
    return {
        value
        for name, value in vars(module).items()
        if name.isupper() and name.endswith(suffixes) and isinstance(value, str)
    }


def _directory_layout(path: Path) -> tuple[str | None, set[str]]:
    """The embedlab layout of folder `path` (or None), and its names outside that layout."""
    from embedlab.classify import saving

    names = {child.name for child in path.iterdir()}
    config = _read_json(path / saving.CONFIG_FILE)
    if config.get("format") == saving.FORMAT_NAME:
        return "classifier", names - _constants(saving, ("_FILE", "_DIR"))
    if _read_json(path / "compare.json").get("format") == "embedlab.compare":
        return "comparison", set()  # everything in it is compare's (cells, report, plots)
    if (path / "export.json").is_file():
        from embedlab.deploy import export

        return "export", names - _constants(export, ("_FILE", "_DIR")) - {saving.TOKENIZER_FILE}
    return None, names


def _read_json(path: Path) -> dict[str, object]:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _file_layout(path: Path) -> str | None:
    """``"predictions"``, ``"vectors"`` or None for the existing file `path`."""
    from embedlab.vectors.formats import is_fasttext_bin, parse_header, sniff_format

    try:
        with open(path, "rb") as f:
            head = f.read(_SNIFF_BYTES)
    except OSError:
        return None
    if head.startswith(b"\x93NUMPY") or is_fasttext_bin(head):
        return "vectors"
    first = head.split(b"\n", 1)[0].strip()
    try:
        row = json.loads(first)
    except ValueError:
        row = None
    if isinstance(row, dict) and "probabilities" in row:
        return "predictions"
    if sniff_format(head) != "glove":
        return "vectors" if parse_header(first) is not None else None
    fields = first.split()
    if len(fields) < 2:
        return None
    try:
        [float(field) for field in fields[1:]]
    except ValueError:
        return None
    return "vectors"
