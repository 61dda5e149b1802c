"""word2vec and fastText, trained by gensim on a `Corpus`, and saved in standard formats.

Training is gensim's own (``gensim.models.Word2Vec`` and ``FastText``,
https://radimrehurek.com/gensim/); nothing is re-implemented here. What this
module adds is the corpus (streamed and tokenised by embedlab's rules, so
the vectors cover the words a classifier looks up), progress reports, and
output in the formats other tools read:

* word2vec: the word2vec text format (``count dim`` header), which
  `embedlab.vectors.load_vectors`, gensim and ``word2vec.c``'s tools read.
* fastText: the ``.vec`` text file (the same layout) for the words, and
  Facebook's binary ``.bin`` model (``gensim.models.fasttext.save_facebook_model``,
  https://fasttext.cc/docs/en/python-module.html), which holds the character
  n-gram buckets, so out-of-vocabulary words get vectors from their subwords.

Both files are written under a temporary name and renamed into place.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from embedlab.atomic import atomic_path
from embedlab.embeddings.corpus import Corpus
from embedlab.errors import DataError, OptionError
from embedlab.vectors.core import Vectors
from embedlab.vectors.save import save_vectors

if TYPE_CHECKING:
    from gensim.models import FastText, Word2Vec

    from embedlab.embeddings import Reporter

__all__ = ["save_fasttext", "save_word2vec", "train_fasttext", "train_word2vec"]


class _ReportingCorpus:
    """A corpus whose every pass reports the units it reads (gensim iterates it)."""

    def __init__(self, corpus: Corpus, advance: Callable[[int], None] | None) -> None:
        self._corpus = corpus
        self._advance = advance

    def __iter__(self) -> Iterator[list[str]]:
        return self._corpus.documents(progress=self._advance)


def _train(
    cls: Any,
    corpus: Corpus,
    *,
    sg: bool,
    dim: int,
    window: int,
    min_count: int,
    epochs: int,
    workers: int,
    seed: int,
    progress: Reporter | None,
    extra: dict[str, Any],
) -> Any:
    for name, value in (
        ("dim", dim),
        ("window", window),
        ("min_count", min_count),
        ("epochs", epochs),
        ("workers", workers),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise OptionError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    advance = progress.advance if progress is not None else None
    total = corpus.total_units()
    model = cls(
        vector_size=dim,
        window=window,
        min_count=min_count,
        sg=int(bool(sg)),
        workers=workers,
        seed=seed,
        epochs=epochs,
        **extra,
    )
    if progress is not None:
        progress.phase("vocabulary", total)
    model.build_vocab(corpus_iterable=_ReportingCorpus(corpus, advance))
    if not model.wv.index_to_key:
        raise DataError(f"No word of {corpus} occurs {min_count} times or more; lower `min_count`.")
    if progress is not None:
        progress.phase("training", total * epochs)
    model.train(
        corpus_iterable=_ReportingCorpus(corpus, advance),
        total_examples=model.corpus_count,
        epochs=epochs,
    )
    return model


def train_word2vec(
    corpus: Corpus,
    *,
    sg: bool = True,
    dim: int = 100,
    window: int = 5,
    min_count: int = 5,
    epochs: int = 5,
    workers: int = 2,
    seed: int = 0,
    progress: Reporter | None = None,
) -> Word2Vec:
    """Train word2vec (skip-gram or CBOW, negative sampling) with gensim.

    Other settings are gensim's defaults (5 negative samples, sample 1e-3,
    learning rate 0.025 falling to 0.0001).

    Args:
        corpus: Corpus. The documents; read once for the vocabulary and once
            per epoch.
        sg: bool. Skip-gram if True, CBOW if False.
        dim: int. Vector size.
        window: int. Largest distance between a word and a context word.
        min_count: int. Fewest occurrences of a word given a vector.
        epochs: int. Passes over the corpus.
        workers: int. Training threads.
        seed: int. Seed of the initial vectors (runs repeat exactly only with
            one worker and a fixed ``PYTHONHASHSEED``, as gensim documents).
        progress: Reporter or None. Told about each phase and its progress.

    Returns:
        The trained ``gensim.models.Word2Vec``.

    Raises:
        DataError: if no word occurs `min_count` times.
        OptionError: (a ValueError) if an option is not a positive integer.

    Example:
        >>> model = train_word2vec(Corpus("reviews.txt"), dim=50)
        >>> save_word2vec(model, "reviews.w2v.txt")
    """
    from gensim.models import Word2Vec

    model: Word2Vec = _train(
        Word2Vec,
        corpus,
        sg=sg,
        dim=dim,
        window=window,
        min_count=min_count,
        epochs=epochs,
        workers=workers,
        seed=seed,
        progress=progress,
        extra={},
    )
    return model


def train_fasttext(
    corpus: Corpus,
    *,
    sg: bool = True,
    dim: int = 100,
    window: int = 5,
    min_count: int = 5,
    epochs: int = 5,
    workers: int = 2,
    seed: int = 0,
    min_n: int = 3,
    max_n: int = 6,
    progress: Reporter | None = None,
) -> FastText:
    """Train fastText (word vectors plus character n-grams) with gensim.

    Args:
        corpus: Corpus. The documents.
        sg: bool. Skip-gram if True, CBOW if False.
        dim: int. Vector size.
        window: int. Largest distance between a word and a context word.
        min_count: int. Fewest occurrences of a word given its own vector.
        epochs: int. Passes over the corpus.
        workers: int. Training threads.
        seed: int. Seed of the initial vectors.
        min_n: int. Shortest character n-gram (fastText's default 3).
        max_n: int. Longest character n-gram (fastText's default 6).
        progress: Reporter or None. Told about each phase and its progress.

    Returns:
        The trained ``gensim.models.FastText``.

    Raises:
        DataError: if no word occurs `min_count` times.
        OptionError: (a ValueError) if an option is out of range.

    Example:
        >>> model = train_fasttext(Corpus("reviews.txt"))
        >>> save_fasttext(model, "reviews.vec")
        (PosixPath('reviews.vec'), PosixPath('reviews.bin'))
    """
    from gensim.models import FastText

    if not (isinstance(min_n, int) and isinstance(max_n, int) and 1 <= min_n <= max_n):
        raise OptionError(
            f"`min_n` and `max_n` must be integers with 1 <= min_n <= max_n. "
            f"Received: min_n={min_n!r}, max_n={max_n!r}"
        )
    model: FastText = _train(
        FastText,
        corpus,
        sg=sg,
        dim=dim,
        window=window,
        min_count=min_count,
        epochs=epochs,
        workers=workers,
        seed=seed,
        progress=progress,
        extra={"min_n": min_n, "max_n": max_n},
    )
    return model


def save_word2vec(model: Word2Vec, path: str | os.PathLike[str]) -> Path:
    """Write a word2vec model's vectors as word2vec text, atomically.

    Args:
        model: gensim Word2Vec (or FastText). The trained model.
        path: str or path. Destination.

    Returns:
        The path written.
    """
    return save_vectors(Vectors.from_keyed_vectors(model.wv), path, format="word2vec")


def fasttext_paths(path: str | os.PathLike[str]) -> tuple[Path, Path]:
    """The ``.vec`` and ``.bin`` files written for `path`.

    A path ending in ``.bin`` names the model and the vectors go beside it
    with ``.vec``; any other path names the vectors and the model goes beside
    it with ``.bin``.
    """
    path = Path(path)
    if path.suffix.lower() == ".bin":
        return path.with_suffix(".vec"), path
    return path, path.with_suffix(".bin")


def save_fasttext(model: FastText, path: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Write a fastText model as a ``.vec`` file and Facebook's ``.bin`` model.

    The ``.bin`` holds the n-gram buckets, so a reader of it (gensim's
    ``load_facebook_model``, fastText itself) gives vectors to unseen words.

    Args:
        model: gensim FastText. The trained model.
        path: str or path. See `fasttext_paths`.

    Returns:
        The ``.vec`` and ``.bin`` paths written.
    """
    from gensim.models.fasttext import save_facebook_model

    vec_path, bin_path = fasttext_paths(path)
    save_vectors(Vectors.from_keyed_vectors(model.wv), vec_path, format="fasttext-vec")
    with atomic_path(bin_path) as tmp:
        save_facebook_model(model, str(tmp))
    return vec_path, bin_path
