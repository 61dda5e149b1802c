"""Pretrained word vectors: load GloVe / word2vec / fastText files, query, save.

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
