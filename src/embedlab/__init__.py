"""embedlab: text classification with word embeddings on Keras 3."""

__version__ = "0.1.0"
