"""Word-vector file formats: their layouts as data, compression, and sniffing.

Four layouts are in common use, all with one vector per word and no other
content:

* GloVe text (https://github.com/stanfordnlp/GloVe, ``glove.c`` writes it):
  no header, one ``word v1 ... vd`` line per word, fields split by one space.
* word2vec text (https://code.google.com/archive/p/word2vec/, ``word2vec.c``
  with ``-binary 0``): a first line ``count dim``, then GloVe-style lines.
* fastText ``.vec`` (https://fasttext.cc/docs/en/english-vectors.html): the
  word2vec text layout under another name.
* word2vec binary (``word2vec.c`` with ``-binary 1``; gensim reads it in
  ``gensim.models.keyedvectors._word2vec_read_binary``): the ``count dim``
  line, then per word its bytes, one space, ``dim`` little-endian float32,
  and an optional newline (``word2vec.c`` writes one, gensim does not).

Any of them may be gzip-, bzip2- or zip-compressed. The compression is told
by the first bytes of the file and the layout by its content, so a binary
file named ``.txt`` still loads; the suffix is never trusted.
"""

from __future__ import annotations

import bz2
import gzip
import os
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

from embedlab.errors import VectorFileError


@dataclass(frozen=True)
class VectorFormat:
    """The layout of one word-vector file format.

    Attributes:
        name: str. The name `load_vectors` and `save_vectors` take.
        header: bool. Whether the first line is ``count dim``.
        binary: bool. Whether vectors are raw float32 rather than decimal text.
        description: str. One line for users.
        source: str. Where the layout is defined.
    """

    name: str
    header: bool
    binary: bool
    description: str
    source: str


FORMATS: dict[str, VectorFormat] = {
    fmt.name: fmt
    for fmt in (
        VectorFormat(
            "glove",
            header=False,
            binary=False,
            description="text, no header: `word v1 ... vd` per line",
            source="https://github.com/stanfordnlp/GloVe/blob/master/src/glove.c",
        ),
        VectorFormat(
            "word2vec",
            header=True,
            binary=False,
            description="text: `count dim` line, then `word v1 ... vd` per line",
            source="https://code.google.com/archive/p/word2vec/ (word2vec.c, -binary 0)",
        ),
        VectorFormat(
            "fasttext-vec",
            header=True,
            binary=False,
            description="fastText .vec: the word2vec text layout",
            source="https://fasttext.cc/docs/en/english-vectors.html",
        ),
        VectorFormat(
            "word2vec-bin",
            header=True,
            binary=True,
            description="binary: `count dim` line, then `word` b' ' dim x float32-LE [b'\\n']",
            source="https://code.google.com/archive/p/word2vec/ (word2vec.c, -binary 1)",
        ),
    )
}

# One word2vec-binary record, in file order (see the module docstring).
BINARY_RECORD: tuple[tuple[str, str], ...] = (
    (
        "word",
        "bytes up to the first b' ' (a leading b'\\n' left by the previous record is dropped)",
    ),
    ("separator", "b' '"),
    ("vector", "dim float32, little-endian, 4 * dim bytes"),
    ("end", "optional b'\\n'"),
)
BINARY_DTYPE = "<f4"


@dataclass(frozen=True)
class Compression:
    """A compression wrapper recognised by its first bytes.

    Attributes:
        name: str. Short name ("gzip", "bz2", "zip").
        magic: bytes. The bytes every such file starts with.
        suffix: str. The usual file-name suffix.
        source: str. Where the container format is defined.
    """

    name: str
    magic: bytes
    suffix: str
    source: str


COMPRESSIONS: tuple[Compression, ...] = (
    Compression("gzip", b"\x1f\x8b", ".gz", "https://www.rfc-editor.org/rfc/rfc1952"),
    Compression("bz2", b"BZh", ".bz2", "https://sourceware.org/bzip2/"),
    Compression(
        "zip", b"PK\x03\x04", ".zip", "https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT"
    ),
)
# Suffixes of the member to take from a zip archive holding several files.
ZIP_MEMBER_SUFFIXES = (".txt", ".vec", ".bin")

# Some editors start UTF-8 text with this mark; it is not part of the first word.
UTF8_BOM = b"\xef\xbb\xbf"

# Facebook's fastText model (``.bin``; read only, its layout is in
# `embedlab.vectors.fasttext_bin`) starts with an int32 magic number and an
# int32 version (``FastText::signModel`` in
# https://github.com/facebookresearch/fastText/blob/main/src/fasttext.cc).
FASTTEXT_BIN = "fasttext-bin"
FASTTEXT_MAGIC = 793712314
FASTTEXT_VERSIONS = (11, 12)


def is_fasttext_bin(head: bytes) -> bool:
    """Whether `head` starts with the fastText model magic number (whatever the version)."""
    return head[:4] == FASTTEXT_MAGIC.to_bytes(4, "little")


# How far the sniffer looks for the end of the first lines.
_SNIFF_BYTES = 1 << 20


def sniff_compression(head: bytes) -> Compression | None:
    """The compression whose magic bytes start `head`, or None for a plain file."""
    for compression in COMPRESSIONS:
        if head.startswith(compression.magic):
            return compression
    return None


def read_decompressed(path: Path) -> tuple[bytes, str]:
    """Read a whole file, decompressing it if its first bytes say it is compressed.

    Args:
        path: Path. The file.

    Returns:
        The (decompressed) bytes, and the name to use in messages: the path,
        with ``:member`` appended for a zip archive.

    Raises:
        VectorFileError: if the file cannot be read or decompressed, or a zip
            archive does not hold exactly one vector file.
    """
    name = str(path)
    try:
        with open(path, "rb") as f:
            head = f.read(4)
        compression = sniff_compression(head)
        if compression is None:
            return path.read_bytes(), name
        if compression.name == "gzip":
            with gzip.open(path, "rb") as f:
                return f.read(), name
        if compression.name == "bz2":
            with bz2.open(path, "rb") as f:
                return f.read(), name
        with zipfile.ZipFile(path) as archive:
            member = _zip_member(archive, name)
            return archive.read(member), f"{name}:{member}"
    except READ_ERRORS as exc:
        raise unreadable_file_error(name, exc) from exc


# What reading a damaged, truncated or mislabelled (compressed) file raises.
READ_ERRORS = (OSError, EOFError, zipfile.BadZipFile, zlib.error)


def unreadable_file_error(name: str, exc: BaseException) -> VectorFileError:
    """The error for a file that cannot be read or decompressed (`exc` says why)."""
    return VectorFileError(
        f"{name}: cannot read the file ({exc}); it may be truncated or not really "
        "compressed as its first bytes say. Download or unpack it again."
    )


@contextmanager
def open_decompressed(path: Path) -> Iterator[tuple[BinaryIO, str, int | None]]:
    """Open a file to stream its content, decompressing it if its first bytes say so.

    Unlike `read_decompressed`, nothing is read yet: the readers take the
    content a chunk at a time. Reads may raise `READ_ERRORS` (see
    `unreadable_file_error`).

    Args:
        path: Path. The file.

    Yields:
        The content as a binary stream (seekable back to its start), the name
        to use in messages (the path, with ``:member`` appended for a zip
        archive), and the content's size in bytes when known without reading
        it (plain files and zip members), else None.

    Raises:
        VectorFileError: if the file cannot be opened, or a zip archive does
            not hold exactly one vector file.
    """
    name = str(path)
    with ExitStack() as stack:
        try:
            raw = stack.enter_context(open(path, "rb", buffering=0))
            compression = sniff_compression(raw.read(4))
            raw.seek(0)
            stream: BinaryIO = cast(BinaryIO, raw)
            size: int | None = None
            if compression is None:
                size = os.fstat(raw.fileno()).st_size
            elif compression.name == "gzip":
                stream = cast(BinaryIO, stack.enter_context(gzip.GzipFile(fileobj=raw, mode="rb")))
            elif compression.name == "bz2":
                stream = cast(BinaryIO, stack.enter_context(bz2.BZ2File(raw, mode="rb")))
            else:
                archive = stack.enter_context(zipfile.ZipFile(raw))
                member = _zip_member(archive, name)
                stream = cast(BinaryIO, stack.enter_context(archive.open(member)))
                size = archive.getinfo(member).file_size
                name = f"{name}:{member}"
        except READ_ERRORS as exc:
            raise unreadable_file_error(name, exc) from exc
        yield stream, name, size


def _zip_member(archive: zipfile.ZipFile, name: str) -> str:
    members = [
        info.filename
        for info in archive.infolist()
        if not info.is_dir() and not info.filename.startswith("__MACOSX/")
    ]
    if len(members) == 1:
        return members[0]
    vector_files = [m for m in members if m.lower().endswith(ZIP_MEMBER_SUFFIXES)]
    if len(vector_files) == 1:
        return vector_files[0]
    raise VectorFileError(
        f"{name}: expected one vector file in the zip archive (or one ending in "
        f"{', '.join(ZIP_MEMBER_SUFFIXES)}), found {len(members)} files: "
        f"{', '.join(members[:10]) or 'none'}. Unzip it and pass the file's path."
    )


def parse_header(line: bytes) -> tuple[int, int] | None:
    """``(count, dim)`` if `line` is a word2vec header of exactly two integers, else None."""
    fields = line.split()
    if len(fields) != 2 or not all(field.isdigit() for field in fields):
        return None
    count, dim = int(fields[0]), int(fields[1])
    return (count, dim) if dim > 0 else None


def first_line_end(data: bytes, start: int = 0) -> int:
    """Index of the first newline at or after `start`, or ``len(data)`` if there is none."""
    end = data.find(b"\n", start)
    return len(data) if end == -1 else end


def _is_text_row(line: bytes, dim: int) -> bool:
    fields = line.split()
    if len(fields) < dim + 1:
        return False
    try:
        for field in fields[-dim:]:
            float(field)
    except ValueError:
        return False
    return True


def sniff_format(data: bytes) -> str:
    """Tell a vector file's layout from its (decompressed) content.

    A first line of exactly two integers is a word2vec header; if the line
    after it is text of ``word`` and ``dim`` numbers the file is word2vec
    text, otherwise word2vec binary. Without a header it is GloVe text.

    Args:
        data: bytes. The decompressed file content (only its start is read).

    Returns:
        "glove", "word2vec" or "word2vec-bin"; "fasttext-bin" for a fastText model.
    """
    if is_fasttext_bin(data):
        return FASTTEXT_BIN
    start = len(UTF8_BOM) if data.startswith(UTF8_BOM) else 0
    end = data.find(b"\n", start, _SNIFF_BYTES)
    header = parse_header(data[start : len(data) if end == -1 else end])
    if header is None:
        return "glove"
    if end == -1 or not data[end + 1 : end + 1 + _SNIFF_BYTES].strip():
        return "word2vec"
    row_end = data.find(b"\n", end + 1, end + 1 + _SNIFF_BYTES)
    row = data[end + 1 : end + 1 + _SNIFF_BYTES if row_end == -1 else row_end]
    return "word2vec" if _is_text_row(row, header[1]) else "word2vec-bin"


def check_format(format: str | None, *, reading: bool = False) -> None:
    """Raise ValueError unless `format` is None or a name in `FORMATS`.

    With `reading`, "fasttext-bin" (which is read but not written) is accepted too.
    """
    known = sorted([*FORMATS, FASTTEXT_BIN] if reading else FORMATS)
    if format is not None and format not in known:
        raise ValueError(
            f"`format` must be one of {known} or None to detect it. Received: format={format!r}"
        )


def check_encoding(encoding: str) -> None:
    """Raise ValueError unless `encoding` is known and ASCII-compatible (lines split on b'\\n')."""
    try:
        compatible = "ab 1.5\n".encode(encoding) == b"ab 1.5\n"
    except LookupError:
        compatible = None
    if not compatible:
        problem = "is unknown" if compatible is None else "is not ASCII-compatible"
        raise ValueError(
            f"`encoding` {problem}; vector files use UTF-8 or another ASCII-compatible "
            f"encoding such as 'latin-1'. Received: encoding={encoding!r}"
        )


def is_path_like(value: str | os.PathLike[str]) -> bool:
    """Whether `value` looks like a path (has a folder or a suffix) rather than a name."""
    text = os.fspath(value)
    return os.sep in text or "/" in text or Path(text).suffix != ""
