"""GloVe (Pennington, Socher & Manning 2014), implemented in embedlab.

GloVe fits word vectors ``w_i`` and context vectors ``w~_j`` with biases so
that ``w_i . w~_j + b_i + b~_j`` approximates ``log X_ij``, where ``X_ij`` is
the co-occurrence count of words i and j. The steps are those of Stanford's
reference code in C (https://github.com/stanfordnlp/GloVe, ``src/``):

1. `build_vocab` (``vocab_count.c``): words with at least `min_count`
   occurrences, most frequent first.
2. `count_cooccurrences` (``cooccur.c``): within a symmetric window of
   `window` words, a pair at distance ``d`` adds ``1/d`` to ``X_ij`` and to
   ``X_ji``. Out-of-vocabulary words are dropped before windowing (the window
   spans them) and a window never crosses a document boundary (``cooccur.c``
   resets at each line). Counting is vectorised: for each offset
   ``d = 1..window`` the pairs ``(ids[:-d], ids[d:])`` of a chunk of tokens are
   taken at once, the chunk is summed into a sparse matrix, and the chunks are
   merged, so memory is bounded by the chunk size and the number of distinct
   pairs, not by the corpus.
3. `fit_glove` (``shuffle.c`` + ``glove.c``): the nonzeros are shuffled once,
   then each epoch makes one AdaGrad step per nonzero on the weighted least
   squares loss ``f(X_ij) (w_i . w~_j + b_i + b~_j - log X_ij)^2`` with
   ``f(x) = min(1, (x / x_max)^alpha)``, initial learning rate 0.05, squared
   gradients starting at 1 and gradients clipped at 100, like ``glove.c``.
   The threads share the parameters without locks (Hogwild, as ``glove.c``
   does with pthreads); the loop is compiled with numba.
4. The vectors are ``W + W~`` (``glove.c``'s default ``-model 2``), or ``W``
   alone (``-model 1``) on request.

Engine: a numba loop over the shuffled nonzeros, 2 threads, was measured on
the IMDB co-occurrences (30,641 words, 15.8M nonzeros, 100 dims) at 2.1 s an
epoch on a quiet machine (7.5M updates/s; 4.0 s with one thread; the C
reference: about 12 s, 1.3M updates/s); a jit-compiled JAX step over
shuffled mini-batches with scatter-add took 19 s an epoch on the same two
cores (0.8M updates/s, batches of 4,096 or 65,536). Visiting the nonzeros
through a fresh permutation each epoch instead of a physically shuffled copy
took 4.5-6.8 s an epoch (random reads), hence one shuffle, as ``shuffle.c``.
Counting the same corpus takes about 11 s (the C reference: 13.5 s).
"""

from __future__ import annotations

import functools
import math
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from embedlab.errors import DataError, EmbedlabError, OptionError
from embedlab.vectors.core import Vectors

if TYPE_CHECKING:
    import scipy.sparse

    from embedlab.embeddings import Reporter
    from embedlab.embeddings.corpus import Corpus

__all__ = [
    "GloVeModel",
    "train_glove",
    "Vocabulary",
    "build_vocab",
    "count_cooccurrences",
    "fit_glove",
]

X_MAX = 100.0
"""The paper's cutoff of the weighting function (GloVe section 4.2)."""

ALPHA = 0.75
"""The paper's exponent of the weighting function."""

LEARNING_RATE = 0.05
"""AdaGrad's initial learning rate (the paper's and ``glove.c``'s)."""

OUTPUT_VECTORS: tuple[str, ...] = ("sum", "word")
"""What `GloVeModel.vectors` returns: ``W + W~`` (``glove.c -model 2``) or ``W`` (``-model 1``)."""

GRADIENT_CLIP = 100.0
"""Each gradient component is clipped to [-100, 100], as ``glove.c``'s ``grad_clip_value``."""

CHUNK_TOKENS = 1 << 20
"""Tokens counted at once: about 200 MB of pairs with a window of 10."""

_SLICES_PER_EPOCH = 16  # progress reports per epoch


@dataclass(frozen=True)
class Vocabulary:
    """The words kept for training and their counts, most frequent first.

    Attributes:
        words: list of str. Words in order of falling count; ties keep the
            order in which the words were first seen.
        counts: np.ndarray. int64 count of each word.
        n_tokens: int. Tokens in the corpus, kept or not.
        n_documents: int. Non-empty documents in the corpus.
    """

    words: list[str]
    counts: np.ndarray
    n_tokens: int
    n_documents: int

    @functools.cached_property
    def word_index(self) -> dict[str, int]:
        """Row of each word (0-based, most frequent word first)."""
        return {word: i for i, word in enumerate(self.words)}

    def __len__(self) -> int:
        return len(self.words)


class _WordIds(dict[str, int]):
    """A word -> id dict whose unknown words map to -1, so `map` needs no Python code."""

    def __missing__(self, key: str) -> int:
        return -1


def build_vocab(
    documents: Iterable[list[str]], *, min_count: int = 5, max_size: int | None = None
) -> Vocabulary:
    """Count the words of `documents` and keep those seen `min_count` times or more.

    Args:
        documents: iterable of lists of str. Tokenised documents (a `Corpus`).
        min_count: int. Fewest occurrences of a kept word.
        max_size: int or None. Keep at most this many (the most frequent) words.

    Returns:
        A `Vocabulary`.

    Raises:
        OptionError: (a ValueError) if `min_count` or `max_size` is not a
            positive integer.

    Example:
        >>> build_vocab([["a", "b", "a"]], min_count=2).words
        ['a']
    """
    _check_positive_int("min_count", min_count)
    if max_size is not None:
        _check_positive_int("max_size", max_size)
    counter: Counter[str] = Counter()
    n_documents = 0
    for words in documents:
        counter.update(words)
        n_documents += 1
    kept = sorted(
        ((word, count) for word, count in counter.items() if count >= min_count),
        key=lambda item: -item[1],
    )[:max_size]
    return Vocabulary(
        words=[word for word, _ in kept],
        counts=np.array([count for _, count in kept], dtype=np.int64),
        n_tokens=int(sum(counter.values())),
        n_documents=n_documents,
    )


def count_cooccurrences(
    documents: Iterable[list[str]],
    word_index: dict[str, int],
    *,
    window: int = 10,
    chunk_tokens: int = CHUNK_TOKENS,
) -> scipy.sparse.csr_matrix:
    """Distance-weighted co-occurrence counts in a symmetric window.

    A pair of vocabulary words at distance ``d <= window`` in the same
    document adds ``1/d`` to ``X[i, j]`` and to ``X[j, i]``; words not in
    `word_index` are dropped first, so the window spans them (as ``cooccur.c``).

    Args:
        documents: iterable of lists of str. Tokenised documents; a window
            never crosses from one to the next.
        word_index: dict of str to int. Row of each vocabulary word, ids
            ``0..len(word_index)-1``.
        window: int. Context words on each side.
        chunk_tokens: int. Tokens counted at once; memory grows with it.

    Returns:
        A symmetric ``(V, V)`` float64 CSR matrix, V = ``len(word_index)``.

    Raises:
        OptionError: (a ValueError) if `window` or `chunk_tokens` is not a
            positive integer.
        DataError: (a ValueError) if the ids of `word_index` are not ``0..V-1``.

    Example:
        >>> X = count_cooccurrences([["a", "b", "c"]], {"a": 0, "b": 1, "c": 2}, window=2)
        >>> X[0, 2], X[0, 1]
        (0.5, 1.0)
    """
    _check_positive_int("window", window)
    _check_positive_int("chunk_tokens", chunk_tokens)
    n_words = len(word_index)
    if sorted(word_index.values()) != list(range(n_words)):
        raise DataError(
            "`word_index` must map the words to the ids 0..len(word_index)-1. "
            f"Received: {n_words} words with ids from {min(word_index.values(), default=0)} "
            f"to {max(word_index.values(), default=0)}"
        )
    ids_of = _WordIds(word_index)
    merged: list[scipy.sparse.csr_matrix] = []
    tokens: list[str] = []
    lengths: list[int] = []
    for words in documents:
        tokens.extend(words)
        lengths.append(len(words))
        if len(tokens) >= chunk_tokens:
            _push(merged, _count_chunk(tokens, lengths, ids_of, n_words, window))
            tokens, lengths = [], []
    if tokens:
        _push(merged, _count_chunk(tokens, lengths, ids_of, n_words, window))
    upper = functools.reduce(lambda x, y: x + y, reversed(merged), _empty(n_words))
    return (upper + upper.T).tocsr()


def _empty(n_words: int) -> scipy.sparse.csr_matrix:
    import scipy.sparse

    return scipy.sparse.csr_matrix((n_words, n_words), dtype=np.float64)


def _push(stack: list[Any], part: Any) -> None:
    """Add a chunk's matrix, merging while the top is no larger than the one below.

    Like a binary counter, each count is merged O(log chunks) times, so the
    total cost stays near-linear however many chunks there are.
    """
    stack.append(part)
    while len(stack) > 1 and stack[-2].nnz <= 2 * stack[-1].nnz:
        top = stack.pop()
        stack[-1] = stack[-1] + top


def _count_chunk(
    tokens: list[str],
    lengths: list[int],
    ids_of: _WordIds,
    n_words: int,
    window: int,
) -> scipy.sparse.csr_matrix:
    """Counts of (left word, right word) pairs of one chunk; X is this plus its transpose."""
    import scipy.sparse

    ids = np.fromiter(map(ids_of.__getitem__, tokens), dtype=np.int32, count=len(tokens))
    doc = np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)
    known = ids >= 0
    ids, doc = ids[known], doc[known]
    rows, cols, weights = [], [], []
    for d in range(1, min(window, len(ids) - 1) + 1):
        same = doc[:-d] == doc[d:]
        rows.append(ids[:-d][same])
        cols.append(ids[d:][same])
        weights.append(np.full(len(rows[-1]), 1.0 / d))
    if not rows:
        return _empty(n_words)
    coo = scipy.sparse.coo_matrix(
        (np.concatenate(weights), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n_words, n_words),
    )
    return coo.tocsr()  # sums the repeated pairs


@dataclass
class GloVeModel:
    """Trained GloVe parameters and the loss of each epoch.

    Attributes:
        W: np.ndarray. ``(V, dim)`` float32 word vectors.
        W_tilde: np.ndarray. ``(V, dim)`` float32 context vectors.
        b: np.ndarray. ``(V,)`` float32 word biases.
        b_tilde: np.ndarray. ``(V,)`` float32 context biases.
        losses: list of float. Mean weighted squared error over the nonzeros
            in each epoch, ``0.5 f(x) (w.w~ + b + b~ - log x)^2`` as
            ``glove.c`` prints it.
        seconds: list of float. Wall time of each epoch.
    """

    W: np.ndarray
    W_tilde: np.ndarray
    b: np.ndarray
    b_tilde: np.ndarray
    losses: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    def vectors(self, words: list[str], *, output_vectors: str = "sum") -> Vectors:
        """The trained vectors of `words` (the rows, in order) as `Vectors`.

        Args:
            words: list of str. The word of each row.
            output_vectors: str. ``"sum"``: ``W + W~`` (the paper's choice and
                ``glove.c -model 2``, its default); ``"word"``: ``W`` alone
                (``glove.c -model 1``).

        Raises:
            OptionError: (a ValueError) if `output_vectors` is neither.
        """
        if output_vectors not in OUTPUT_VECTORS:
            raise OptionError(
                f"`output_vectors` must be one of {', '.join(OUTPUT_VECTORS)}. "
                f"Received: output_vectors={output_vectors!r}"
            )
        matrix = self.W + self.W_tilde if output_vectors == "sum" else self.W.copy()
        return Vectors(words, matrix)


EpochCallback = Callable[["GloVeModel"], None]
"""Called after each epoch with the model (its `losses` has one entry per epoch so far)."""

SliceCallback = Callable[[int], None]
"""Called with the number of nonzeros just processed."""


def fit_glove(
    cooccurrences: scipy.sparse.spmatrix | scipy.sparse.sparray,
    *,
    dim: int = 100,
    epochs: int = 25,
    x_max: float = X_MAX,
    alpha: float = ALPHA,
    learning_rate: float = LEARNING_RATE,
    workers: int = 2,
    seed: int = 0,
    on_epoch: EpochCallback | None = None,
    on_progress: SliceCallback | None = None,
) -> GloVeModel:
    """Fit GloVe vectors to a co-occurrence matrix with AdaGrad.

    Args:
        cooccurrences: scipy sparse matrix. ``(V, V)`` counts, as from
            `count_cooccurrences`; every stored value must be positive.
        dim: int. Vector size.
        epochs: int. Passes over the nonzeros.
        x_max: float. Counts at or above this get full weight in the loss
            (the paper: 100; smaller corpora do better with less, see
            `embedlab.embeddings.GloVeDefaults`).
        alpha: float. Exponent of the weighting function (the paper: 0.75).
        learning_rate: float. AdaGrad's initial learning rate.
        workers: int. Threads; they update shared parameters without locks,
            so results vary slightly from run to run unless `workers` is 1.
        seed: int. Seed of the initial vectors and of the shuffle.
        on_epoch: callable or None. Called after each epoch with the model
            (``len(model.losses)`` is the epoch, ``model.losses[-1]`` its loss).
        on_progress: callable or None. Called with the nonzeros processed
            since the last call, several times an epoch.

    Returns:
        A `GloVeModel`.

    Raises:
        OptionError: (a ValueError) if an option is out of range.
        DataError: (a ValueError) if the matrix is not square or holds a
            count that is not positive and finite.

    Example:
        >>> model = fit_glove(X, dim=50, epochs=15, x_max=10)
        >>> vectors = model.vectors(vocab.words)
    """
    import scipy.sparse

    _check_positive_int("dim", dim)
    _check_positive_int("epochs", epochs)
    _check_positive_int("workers", workers)
    _check_positive_float("x_max", x_max)
    _check_positive_float("alpha", alpha)
    _check_positive_float("learning_rate", learning_rate)
    matrix = scipy.sparse.coo_matrix(cooccurrences)
    if matrix.shape[0] != matrix.shape[1]:
        raise DataError(
            f"`cooccurrences` must be square (words x words). Received: shape={matrix.shape}"
        )
    values = np.asarray(matrix.data, dtype=np.float64)
    if values.size and not (np.isfinite(values).all() and (values > 0).all()):
        raise DataError(
            "`cooccurrences` must hold positive, finite counts. "
            f"Received: values from {values.min()} to {values.max()}"
        )
    n_words = matrix.shape[0]
    rng = np.random.default_rng(seed)
    order = rng.permutation(values.size)  # shuffled once, as shuffle.c
    rows = np.ascontiguousarray(matrix.row[order], dtype=np.int32)
    cols = np.ascontiguousarray(matrix.col[order], dtype=np.int32)
    values = values[order]
    log_x = np.log(values).astype(np.float32)
    weight = np.minimum(1.0, (values / x_max) ** alpha).astype(np.float32)
    del values, order

    def init(shape: tuple[int, ...]) -> np.ndarray:
        # glove.c: (rand() / RAND_MAX - 0.5) / vector_size, biases included
        return ((rng.random(shape, dtype=np.float32) - 0.5) / dim).astype(np.float32)

    model = GloVeModel(init((n_words, dim)), init((n_words, dim)), init(n_words), init(n_words))
    squares = [np.ones_like(p) for p in (model.W, model.W_tilde, model.b, model.b_tilde)]
    kernel = _kernels()
    n = len(rows)
    bounds = np.linspace(0, n, _SLICES_PER_EPOCH + 1).astype(np.int64)
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        total = 0.0
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
            total += kernel(
                rows,
                cols,
                log_x,
                weight,
                model.W,
                model.W_tilde,
                model.b,
                model.b_tilde,
                *squares,
                np.float32(learning_rate),
                np.float32(GRADIENT_CLIP),
                lo,
                hi,
                workers,
            )
            if on_progress is not None:
                on_progress(int(hi - lo))
        loss = total / max(n, 1)
        if not math.isfinite(loss):
            raise EmbedlabError(
                f"GloVe diverged in epoch {epoch} (loss {loss}); lower the learning rate "
                f"(it is {learning_rate})."
            )
        model.losses.append(loss)
        model.seconds.append(time.perf_counter() - start)
        if on_epoch is not None:
            on_epoch(model)
    return model


@functools.cache
def _kernels() -> Callable[..., float]:
    """The compiled AdaGrad epoch (numba; compiled on first use, cached on disk)."""
    import numba

    @numba.njit(parallel=True, fastmath=True, cache=True, nogil=True)
    def adagrad_slice(
        rows, cols, log_x, weight, W, Wt, b, bt, gW, gWt, gb, gbt, lr, clip, lo, hi, threads
    ):  # pragma: no cover - compiled
        # One AdaGrad step per nonzero in [lo, hi); each thread takes a
        # contiguous part and updates the shared arrays without locks (glove.c).
        dim = W.shape[1]
        per_thread = (hi - lo + threads - 1) // threads
        costs = np.zeros(threads)
        for t in numba.prange(threads):
            cost = 0.0
            for e in range(lo + t * per_thread, min(hi, lo + (t + 1) * per_thread)):
                i = rows[e]
                j = cols[e]
                diff = b[i] + bt[j] - log_x[e]
                for k in range(dim):
                    diff += W[i, k] * Wt[j, k]
                fdiff = weight[e] * diff
                cost += 0.5 * fdiff * diff
                fdiff *= lr
                for k in range(dim):
                    g1 = min(max(fdiff * Wt[j, k], -clip), clip)
                    g2 = min(max(fdiff * W[i, k], -clip), clip)
                    W[i, k] -= g1 / np.sqrt(gW[i, k])
                    Wt[j, k] -= g2 / np.sqrt(gWt[j, k])
                    gW[i, k] += g1 * g1
                    gWt[j, k] += g2 * g2
                b[i] -= fdiff / np.sqrt(gb[i])
                bt[j] -= fdiff / np.sqrt(gbt[j])
                gb[i] += fdiff * fdiff
                gbt[j] += fdiff * fdiff
            costs[t] = cost
        return costs.sum()

    return adagrad_slice  # type: ignore[no-any-return]


def train_glove(
    corpus: Corpus,
    *,
    dim: int = 100,
    window: int = 10,
    min_count: int = 5,
    epochs: int = 25,
    x_max: float = X_MAX,
    alpha: float = ALPHA,
    learning_rate: float = LEARNING_RATE,
    workers: int = 2,
    seed: int = 0,
    output_vectors: str = "sum",
    progress: Reporter | None = None,
) -> tuple[Vectors, GloVeModel]:
    """Train GloVe vectors on a corpus: vocabulary, counts, then AdaGrad.

    Args:
        corpus: Corpus. The documents; read twice (vocabulary, then counts).
        dim: int. Vector size.
        window: int. Context words on each side.
        min_count: int. Fewest occurrences of a word given a vector.
        epochs: int. Passes over the nonzero counts.
        x_max: float. Cutoff of the weighting function (see `fit_glove`).
        alpha: float. Exponent of the weighting function.
        learning_rate: float. AdaGrad's initial learning rate.
        workers: int. Threads of the AdaGrad loop.
        seed: int. Seed of the initial vectors and of the shuffle.
        output_vectors: str. ``"sum"`` (``W + W~``) or ``"word"`` (``W``);
            see `GloVeModel.vectors`.
        progress: Reporter or None. Told about each phase and its progress.

    Returns:
        The vectors of the vocabulary words, most frequent first, and the
        `GloVeModel` (with the loss of each epoch).

    Raises:
        DataError: if no word occurs `min_count` times.
        OptionError: (a ValueError) if an option is out of range.

    Example:
        >>> vectors, model = train_glove(Corpus("reviews.txt"), dim=50, x_max=10)
    """
    _check_positive_int("window", window)
    if output_vectors not in OUTPUT_VECTORS:
        raise OptionError(
            f"`output_vectors` must be one of {', '.join(OUTPUT_VECTORS)}. "
            f"Received: output_vectors={output_vectors!r}"
        )
    total = corpus.total_units()
    advance = None
    if progress is not None:
        progress.phase("vocabulary", total)
        advance = progress.advance
    vocab = build_vocab(corpus.documents(progress=advance), min_count=min_count)
    if not vocab.words:
        raise DataError(
            f"No word of {corpus} occurs {min_count} times or more; lower `min_count` "
            f"(the corpus has {vocab.n_tokens:,} tokens)."
        )
    if progress is not None:
        progress.phase("co-occurrences", total)
    counts = count_cooccurrences(
        corpus.documents(progress=advance), vocab.word_index, window=window
    )
    if progress is not None:
        progress.phase("AdaGrad epochs", counts.nnz * epochs)
    model = fit_glove(
        counts,
        dim=dim,
        epochs=epochs,
        x_max=x_max,
        alpha=alpha,
        learning_rate=learning_rate,
        workers=workers,
        seed=seed,
        on_progress=advance,
    )
    return model.vectors(vocab.words, output_vectors=output_vectors), model


def _check_positive_int(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise OptionError(f"`{name}` must be a positive integer. Received: {name}={value!r}")


def _check_positive_float(name: str, value: Any) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float | np.floating | np.integer)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise OptionError(f"`{name}` must be a positive number. Received: {name}={value!r}")
