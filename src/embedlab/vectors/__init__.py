"""Pretrained word vectors: load GloVe / word2vec / fastText files, query, save.

- `embedlab.vectors.core`: `Vectors`, words and a float32 matrix, with
  cosine-similarity queries (`most_similar`, analogies);
- `embedlab.vectors.load`: `load_vectors` from a path or a catalogue name;
- `embedlab.vectors.sources`: the catalogue of named vector sets
  (`KNOWN_VECTORS`); `embedlab.vectors.download`: fetching them, resumable
  and verified; `embedlab.vectors.cache`: the parsed ``.npy`` cache;
- `embedlab.vectors.formats`: the file formats as data and `sniff_format`;
  the readers: `readers` (text), `binary` (word2vec binary), `fasttext_bin`
  (Facebook ``.bin``), `npy` (matrix + words), with `rows`, `wanted` and
  `text_kernel` (numba) behind the text reader;
- `embedlab.vectors.save`: `save_vectors`;
- `embedlab.vectors.evaluation`: intrinsic evaluation (analogies, word-pair
  similarity).

Example:
    >>> from embedlab.vectors import load_vectors
    >>> vectors = load_vectors("glove-6B-50d", vocab=["movie", "film"])
    >>> vectors.similarity("movie", "film")
    0.93...
"""

from embedlab.vectors.core import Vectors
from embedlab.vectors.formats import FORMATS, VectorFormat, sniff_format
from embedlab.vectors.load import load_vectors
from embedlab.vectors.save import save_vectors
from embedlab.vectors.sources import KNOWN_VECTORS, VectorSource

__all__ = [
    "FORMATS",
    "KNOWN_VECTORS",
    "VectorFormat",
    "VectorSource",
    "Vectors",
    "load_vectors",
    "save_vectors",
    "sniff_format",
]
