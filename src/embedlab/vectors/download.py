"""Download pretrained vectors into the cache: resumable, verified, atomic.

``download("glove-6B-100d")`` fetches a catalogue entry (see
`embedlab.vectors.sources.KNOWN_VECTORS`) into ``$EMBEDLAB_HOME/downloads``
(default ``~/.cache/embedlab/downloads``); ``download(URL)`` fetches any
HTTP(S) file there. Only the standard library's urllib is used:

* Bytes go to ``NAME.part`` beside the destination. An interrupted transfer
  (a broken connection, a timeout, a 5xx answer) is resumed with an HTTP
  ``Range: bytes=N-`` request, up to `RETRIES` times in a row without
  progress, waiting `RETRY_DELAY_S` doubling between tries; a ``.part`` left
  by an earlier run is resumed the same way. A server that ignores ``Range``
  (answers 200 with the whole file) is detected and the file restarts.
* When complete, the size is checked (the catalogue's exact size if
  recorded, else the size the server announced) and the sha256 and md5,
  both computed in the one pass over the bytes, are compared with the
  expected ones (each only if given or recorded). The computed sha256 is
  logged when none was expected, so that it can be recorded; with neither
  checksum, only the size was checked and the log says so. A mismatch
  deletes the ``.part`` and raises `DownloadError` with both values. Only
  then is the ``.part`` renamed to its final name, so a file in the cache
  is always complete.
* A zip archive is unpacked to the catalogue's member (glove.6B.zip holds
  four vector files), a ``.gz`` to its content when the entry says so, each
  through a temporary file renamed into place. An archive that other
  entries also use is kept, so they unpack without downloading it again.

A ``.part`` is trusted as the start of the file when resumed; if the file
changed on the server in between, only a recorded checksum (or size)
catches it. Two processes downloading the same file at once are not supported.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import importlib.util
import logging
import os
import re
import secrets
import shutil
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from embedlab.errors import EmbedlabError, OptionError, VectorFileError
from embedlab.vectors.sources import (
    KNOWN_VECTORS,
    VectorSource,
    download_command,
    is_checksum,
    not_downloaded_message,
)

logger = logging.getLogger(__name__)

HOME_ENV = "EMBEDLAB_HOME"
DEFAULT_HOME = "~/.cache/embedlab"
DOWNLOADS_DIR = "downloads"
PART_SUFFIX = ".part"
# Bytes read from the connection (and hashed) per step.
CHUNK_BYTES = 1 << 20
# Seconds without any byte before a connection counts as broken.
TIMEOUT_S = 60.0
# Failed tries in a row (without a byte of progress) before giving up.
RETRIES = 5
# Wait before the first retry; doubles after each failure, up to RETRY_MAX_DELAY_S.
RETRY_DELAY_S = 1.0
RETRY_MAX_DELAY_S = 30.0
# HTTP answers worth retrying: the server is busy or a proxy failed.
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
USER_AGENT = "embedlab (https://github.com/embedlab; Python urllib)"
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)")
_UNSATISFIED_RANGE = re.compile(r"bytes\s+\*/(\d+)")


class DownloadError(EmbedlabError):
    """A download that failed: HTTP error, broken connection, or a checksum mismatch."""


def embedlab_home() -> Path:
    """embedlab's data folder: ``$EMBEDLAB_HOME``, else ``~/.cache/embedlab``."""
    return Path(os.environ.get(HOME_ENV) or DEFAULT_HOME).expanduser()


def downloads_dir() -> Path:
    """Where `download` puts files by default: ``embedlab_home() / "downloads"``."""
    return embedlab_home() / DOWNLOADS_DIR


def downloaded_path(name: str) -> Path:
    """Where the catalogue entry `name`'s file is once downloaded (it may not exist).

    Raises:
        VectorFileError: if `name` is not a catalogue entry with a download.
    """
    source = _source(name)
    assert source.filename is not None
    return downloads_dir() / source.filename


def resolve_download(
    path_or_name: str | os.PathLike[str], *, download: bool = False
) -> str | os.PathLike[str]:
    """The file `load_vectors` should read for `path_or_name`.

    A catalogue name whose set must be downloaded (it has no offline package,
    or the package is not installed), and that is not an existing file, maps
    to its file in the downloads folder. Anything else is returned as it is.

    Args:
        path_or_name: str or path. What the user passed to `load_vectors`.
        download: bool. Download the set now if it is not there yet.

    Returns:
        `path_or_name`, or the path of the downloaded file.

    Raises:
        VectorFileError: if the set is not downloaded and `download` is False;
            the message gives the command to run.
        DownloadError: if `download` is True and the download fails.
    """
    if not isinstance(path_or_name, str) or path_or_name not in KNOWN_VECTORS:
        return path_or_name
    source = KNOWN_VECTORS[path_or_name]
    if os.path.isfile(path_or_name) or source.url is None:
        return path_or_name
    if source.package is not None and importlib.util.find_spec(source.package) is not None:
        return path_or_name
    path = downloaded_path(source.name)
    if path.is_file():
        return path
    if not download:
        raise VectorFileError(not_downloaded_message(source, str(path)))
    options = _Fetch(sha256=None, md5=None, size=None, progress=True, retries=RETRIES)
    return _download_source(source, downloads_dir(), source.url, options)


def download(
    name_or_url: str,
    *,
    dest_dir: str | os.PathLike[str] | None = None,
    url: str | None = None,
    sha256: str | None = None,
    md5: str | None = None,
    size: int | None = None,
    progress: bool = True,
    retries: int = RETRIES,
) -> Path:
    """Download a catalogue entry or a URL into the cache, resumably and verified.

    A file already in `dest_dir` is not downloaded again (files only get
    there complete and verified).

    Args:
        name_or_url: str. A name in `KNOWN_VECTORS` (such as
            ``"glove-6B-100d"``) or an ``http(s)://`` address.
        dest_dir: str, path or None. Destination folder; default
            `downloads_dir()`, where `load_vectors` looks for catalogue names.
        url: str or None. For a catalogue name: download from this address (a
            mirror) instead; the entry's size, checksums and unpacking still apply.
        sha256: str or None. Expected sha256 of the downloaded file; for a
            catalogue name, overrides the recorded one.
        md5: str or None. Expected md5 of the downloaded file; for a catalogue
            name, overrides the recorded one. Checked as well as `sha256`
            when both are known.
        size: int or None. Expected size in bytes of the downloaded file.
        progress: bool. Show a progress bar on stderr (only if it is a terminal).
        retries: int. Failed tries in a row, without progress, before giving up.

    Returns:
        The path of the file (for a catalogue entry, the unpacked vector file).

    Raises:
        VectorFileError: if the name is not in the catalogue.
        OptionError: (a ValueError) if an argument is invalid.
        DownloadError: on an HTTP error (the message names the URL), a
            connection that keeps breaking, or a size, sha256 or md5 mismatch
            (nothing is then left in `dest_dir`).

    Example:
        >>> download("glove-6B-100d")
        PosixPath('/home/me/.cache/embedlab/downloads/glove.6B.100d.txt')
    """
    if sha256 is not None and not is_checksum(sha256, "sha256"):
        raise OptionError(f"`sha256` must be 64 hex digits. Received: sha256={sha256!r}")
    if md5 is not None and not is_checksum(md5, "md5"):
        raise OptionError(f"`md5` must be 32 hex digits. Received: md5={md5!r}")
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 1):
        raise OptionError(f"`size` must be a positive integer or None. Received: size={size!r}")
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise OptionError(f"`retries` must be an integer >= 0. Received: retries={retries!r}")
    folder = downloads_dir() if dest_dir is None else Path(dest_dir)
    options = _Fetch(
        sha256=sha256.lower() if sha256 else None,
        md5=md5.lower() if md5 else None,
        size=size,
        progress=progress,
        retries=retries,
    )
    if _is_url(name_or_url):
        if url is not None:
            raise OptionError(
                "`url` replaces a catalogue entry's address; give it with a name, not with "
                f"a URL. Received: {name_or_url!r} and url={url!r}"
            )
        return _download_url(name_or_url, folder, options)
    source = _source(name_or_url)
    if url is not None:
        _check_url(url)
    return _download_source(source, folder, url or source.url, options)


@dataclass(frozen=True)
class _Fetch:
    """Options of one transfer."""

    sha256: str | None
    md5: str | None
    size: int | None
    progress: bool
    retries: int


def _is_url(text: str) -> bool:
    return isinstance(text, str) and "://" in text


def _check_url(url: str) -> None:
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise OptionError(f"only http:// and https:// addresses are downloaded. Received: {url!r}")


def _source(name: str) -> VectorSource:
    source = KNOWN_VECTORS.get(name)
    if source is None:
        known = ", ".join(sorted(n for n, s in KNOWN_VECTORS.items() if s.url))
        raise VectorFileError(
            f"{name!r} is neither an http(s) URL nor a known vector name. Known names: {known}."
        )
    if source.url is None or source.filename is None:
        raise VectorFileError(
            f"{name!r} ships offline (package {source.package!r}); there is nothing to download."
        )
    return source


def _download_url(url: str, folder: Path, options: _Fetch) -> Path:
    _check_url(url)
    filename = Path(urllib.parse.unquote(urllib.parse.urlsplit(url).path)).name
    if not filename or filename in (".", ".."):
        raise OptionError(
            f"the URL does not end in a file name to save it under. Received: {url!r}"
        )
    dest = folder / filename
    if dest.is_file():
        logger.info("%s: already downloaded", dest)
        return dest
    return _fetch(url, dest, options)


def _download_source(source: VectorSource, folder: Path, url: str | None, options: _Fetch) -> Path:
    assert url is not None and source.filename is not None and source.download_name is not None
    dest = folder / source.filename
    if dest.is_file():
        logger.info("%s: already downloaded", dest)
        return dest
    options = _Fetch(
        sha256=options.sha256 or source.sha256,
        md5=options.md5 or source.md5,
        size=options.size or source.size,
        progress=options.progress,
        retries=options.retries,
    )
    fetched = folder / source.download_name
    if not fetched.is_file():
        _fetch(url, fetched, options)
    if fetched == dest:
        return dest
    _unpack(fetched, dest)
    shared = any(
        other.download_name == source.download_name and other.name != source.name
        for other in KNOWN_VECTORS.values()
    )
    if not shared:
        fetched.unlink()
    return dest


class _Hashes:
    """sha256 and md5 of the same bytes, updated together (one pass over the data)."""

    def __init__(self) -> None:
        self.sha256 = hashlib.sha256()
        self.md5 = hashlib.md5(usedforsecurity=False)

    def update(self, chunk: bytes) -> None:
        self.sha256.update(chunk)
        self.md5.update(chunk)


@dataclass
class _Transfer:
    """State of one download across tries: bytes in the ``.part`` and their hashes."""

    part: Path
    done: int = 0
    total: int | None = None
    hashes: _Hashes = field(default_factory=_Hashes)

    def restart(self) -> None:
        self.done = 0
        self.hashes = _Hashes()
        self.part.unlink(missing_ok=True)


class _Retry(Exception):
    """A failure worth another try (the reason is the message)."""


def _fetch(url: str, dest: Path, options: _Fetch) -> Path:
    """Download `url` to `dest` through ``dest.part``; verify; rename into place."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    state = _Transfer(dest.with_name(dest.name + PART_SUFFIX))
    if state.part.is_file():
        state.done = _hash_file(state.part, state.hashes)
        logger.info("%s: resuming after %s bytes", state.part, f"{state.done:,}")
    failures = 0
    with _progress_bar(dest.name, enabled=options.progress) as update:
        while True:
            before = state.done
            try:
                _try_once(url, state, options, update)
                break
            except _Retry as exc:
                failures = 0 if state.done > before else failures + 1
                if failures > options.retries:
                    raise DownloadError(
                        f"{url}: download failed after {options.retries} retries ({exc}). "
                        f"{state.done:,} bytes are kept in {state.part}; run the same "
                        "download again to resume."
                    ) from None
                delay = min(RETRY_DELAY_S * 2 ** max(failures - 1, 0), RETRY_MAX_DELAY_S)
                logger.warning("%s: %s; retrying in %.0f s", url, exc, delay)
                time.sleep(delay)
    _verify(url, state, options)
    with open(state.part, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(state.part, dest)
    return dest


def _try_once(url: str, state: _Transfer, options: _Fetch, update: Any) -> None:
    """One HTTP request, appending to the ``.part``; raise `_Retry` if it broke off."""
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
    if state.done:
        headers["Range"] = f"bytes={state.done}-"
    request = urllib.request.Request(url, headers=headers)
    try:
        response = urllib.request.urlopen(request, timeout=TIMEOUT_S)
    except urllib.error.HTTPError as exc:
        try:
            _http_error(url, exc, state)
        finally:
            exc.close()
        return
    except (OSError, http.client.HTTPException) as exc:
        raise _Retry(_reason(exc)) from None
    with response:
        _start(url, response, state, options)
        update(state.done, state.total)
        with open(state.part, "ab") as out:
            while True:
                try:
                    chunk = response.read(CHUNK_BYTES)
                except (OSError, http.client.HTTPException) as exc:
                    raise _Retry(
                        f"connection broken after {state.done:,} bytes: {_reason(exc)}"
                    ) from None
                if not chunk:
                    break
                out.write(chunk)
                state.hashes.update(chunk)
                state.done += len(chunk)
                update(state.done, state.total)
    if state.total is not None and state.done < state.total:
        raise _Retry(f"connection closed after {state.done:,} of {state.total:,} bytes")


def _start(url: str, response: Any, state: _Transfer, options: _Fetch) -> None:
    """Check the answer's status and ranges; restart the ``.part`` if the server sent it all."""
    status = response.status
    length = response.headers.get("Content-Length")
    if status == 206:
        match = _CONTENT_RANGE.fullmatch(response.headers.get("Content-Range", "").strip())
        if match is None or int(match[1]) != state.done:
            raise DownloadError(
                f"{url}: the server answered bytes {response.headers.get('Content-Range')!r} "
                f"to a request for bytes {state.done}- ; delete {state.part} and try again."
            )
        state.total = None if match[3] == "*" else int(match[3])
    elif status == 200:
        if state.done:
            logger.warning(
                "%s: the server ignored the request to resume at byte %s; starting over",
                url,
                f"{state.done:,}",
            )
            state.restart()
        state.total = int(length) if length and length.isdigit() else None
    else:
        raise DownloadError(f"{url}: unexpected HTTP {status} {response.reason}.")
    if options.size is not None and state.total is not None and state.total != options.size:
        state.part.unlink(missing_ok=True)
        raise DownloadError(
            f"{url}: the server's file has {state.total:,} bytes but {options.size:,} were "
            "expected; it is not the file recorded in the catalogue (pass another `url`?)."
        )
    if state.total is not None:
        _check_space(state)


def _http_error(url: str, exc: urllib.error.HTTPError, state: _Transfer) -> None:
    """Handle an HTTP error answer: done (416 on a complete part), retry, or raise."""
    if exc.code == 416 and state.done:
        match = _UNSATISFIED_RANGE.fullmatch((exc.headers.get("Content-Range") or "").strip())
        if match is not None and int(match[1]) == state.done:
            state.total = state.done  # the .part already holds the whole file
            return
        state.restart()
        raise _Retry(f"HTTP 416 for a resume at byte {state.done:,}; starting over")
    if exc.code in RETRY_STATUSES:
        raise _Retry(f"HTTP {exc.code} {exc.reason}")
    hint = " (no such file: check the URL, or give a mirror as `url`)" if exc.code == 404 else ""
    raise DownloadError(f"{url}: HTTP {exc.code} {exc.reason}{hint}.") from None


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None)
    return f"{type(exc).__name__}: {reason if reason is not None else exc}"


def _check_space(state: _Transfer) -> None:
    assert state.total is not None
    needed = state.total - state.done
    free = shutil.disk_usage(state.part.parent).free
    if needed > free:
        raise DownloadError(
            f"{state.part.parent}: {needed:,} more bytes are needed and only {free:,} are "
            f"free; free some space or set {HOME_ENV} to a larger disk."
        )


def _verify(url: str, state: _Transfer, options: _Fetch) -> None:
    """Check size, sha256 and md5 of the complete ``.part``; delete it on a mismatch."""
    expected_size = options.size if options.size is not None else state.total
    found = state.hashes.sha256.hexdigest()
    found_md5 = state.hashes.md5.hexdigest()
    problem = None
    if expected_size is not None and state.done != expected_size:
        problem = f"expected {expected_size:,} bytes, found {state.done:,}"
    elif options.sha256 is not None and found != options.sha256:
        problem = f"expected sha256 {options.sha256}, found {found}"
    elif options.md5 is not None and found_md5 != options.md5:
        problem = f"expected md5 {options.md5}, found {found_md5}"
    if problem is not None:
        state.part.unlink(missing_ok=True)
        raise DownloadError(
            f"{url}: the downloaded file is not the expected one: {problem}. It was deleted; "
            "download it again, or from another `url`."
        )
    if options.sha256 is None and options.md5 is None:
        logger.warning(
            "%s: no sha256 recorded, so only its size (%s bytes) was checked. Its sha256 is "
            "%s; compare it with a trusted copy before recording it.",
            url,
            f"{state.done:,}",
            found,
        )
    elif options.sha256 is None:
        logger.info(
            "%s: size (%s bytes) and md5 %s as expected; its sha256, not recorded, is %s.",
            url,
            f"{state.done:,}",
            found_md5,
            found,
        )


def _hash_file(path: Path, hashes: _Hashes) -> int:
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK_BYTES):
            hashes.update(chunk)
            size += len(chunk)
    return size


def _unpack(archive: Path, dest: Path) -> None:
    """Extract `dest.name` from a zip `archive`, or gunzip a ``.gz``, atomically."""
    tmp = dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(archive, "rb") as f:
            is_zip = f.read(4) == b"PK\x03\x04"
        if is_zip:
            with zipfile.ZipFile(archive) as zf:
                member = _zip_member(zf, dest.name, archive)
                with zf.open(member) as src, open(tmp, "wb") as out:
                    shutil.copyfileobj(src, out, CHUNK_BYTES)
        else:
            with gzip.open(archive, "rb") as src, open(tmp, "wb") as out:
                shutil.copyfileobj(src, out, CHUNK_BYTES)
        os.replace(tmp, dest)
    except (OSError, EOFError, zipfile.BadZipFile) as exc:
        tmp.unlink(missing_ok=True)
        archive.unlink(missing_ok=True)
        raise DownloadError(
            f"{archive}: cannot unpack {dest.name} ({exc}); the archive was deleted, run the "
            "download again."
        ) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _zip_member(zf: zipfile.ZipFile, name: str, archive: Path) -> str:
    members = [info.filename for info in zf.infolist() if not info.is_dir()]
    if name in members:
        return name
    by_base = [m for m in members if m.rsplit("/", 1)[-1] == name]
    if len(by_base) == 1:
        return by_base[0]
    raise VectorFileError(
        f"{archive}: the zip archive holds no {name!r}; it holds: "
        f"{', '.join(members[:10]) or 'nothing'}."
    )


@contextmanager
def _progress_bar(description: str, *, enabled: bool) -> Iterator[Any]:
    """Yield ``update(done, total)``: a rich progress bar on stderr if it is a terminal."""
    if not (enabled and sys.stderr.isatty()):
        yield lambda done, total: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True)) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        yield update


__all__ = [
    "DownloadError",
    "download",
    "download_command",
    "downloaded_path",
    "downloads_dir",
    "embedlab_home",
    "resolve_download",
]
