"""Files that are complete or absent: write to a temporary name, then rename.

Every file embedlab writes (vector files, caches' ``.npy``, tokenizers,
reports, predictions, plots) goes through `atomic_path`: the content is
written to ``.NAME.RANDOM.tmp`` beside the target and renamed over it only
when the write succeeded, so an error or an interrupt leaves the old file (or
none) and no half-written one. The temporary file is created with mode
``0o666`` less the umask, so the final file has the permissions a plain
``open(path, "w")`` would give it. A saved classifier, a folder, is built
the same way by `atomic_directory`.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from embedlab.errors import EmbedlabError


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A new empty temporary file beside `path`, renamed to `path` if the block succeeds.

    If the block raises (or is interrupted), the temporary file is removed
    and `path` is left as it was.

    Example:
        >>> with atomic_path("plot.png") as tmp:
        ...     figure.savefig(tmp, format="png")
    """
    final = Path(path)
    tmp = final.with_name(f".{final.name}.{secrets.token_hex(4)}.tmp")
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        yield tmp
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_open(path: str | os.PathLike[str], mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """`open` a temporary file beside `path` (mode ``"w"`` or ``"wb"``); renamed on success.

    The file is closed before the rename. `kwargs` go to `open` (text mode
    defaults to UTF-8).

    Example:
        >>> with atomic_open("report.md") as f:
        ...     f.write("# Report\\n")
    """
    if mode not in ("w", "wb"):
        raise ValueError(f'`mode` must be "w" or "wb". Received: mode={mode!r}')
    if mode == "w":
        kwargs.setdefault("encoding", "utf-8")
    with atomic_path(path) as tmp, open(tmp, mode, **kwargs) as f:
        yield f


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write `text` (UTF-8) to `path` atomically."""
    with atomic_open(path) as f:
        f.write(text)


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
        EmbedlabError: if `path` exists and `overwrite` is False, or exists
            and is not a folder embedlab wrote (`embedlab.ownership`).
    """
    final = Path(os.path.abspath(path))  # `..` folded: ".." has no name to rename by
    if final.exists() and not overwrite:
        raise EmbedlabError(
            f"{path} already exists. Choose another output directory or pass `overwrite` "
            "to replace it."
        )
    if final.exists():
        from embedlab.ownership import check_replaceable

        check_replaceable(path)  # only a folder embedlab wrote, never the working directory
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f".{final.name}.{secrets.token_hex(4)}.tmp")
    tmp.mkdir()  # mode 0o777 less the umask, as a plain mkdir
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
