"""`Vectors`: words and their float32 vectors, with cosine-similarity queries.

Storage is one read-only, C-contiguous float32 matrix (float16 on request,
to halve the memory) whose row ``i`` is the vector of ``words[i]``, plus a
``key_to_index`` dict built on the first lookup (so a load that only hands its
rows on, such as a cached load or `build_embedding_matrix` from a restricted
one, never pays for a dict of every word). The matrix may be a memory map (a cached load), which
is never copied. Similarity queries use a lazily computed unit-normalised
copy of the same dtype (computed, and searched, in float32 blocks of
`BLOCK_ROWS` rows for float16) and follow gensim's
``KeyedVectors.most_similar`` semantics (cosine similarity to the normalised
mean of the unit-normalised positive vectors minus the negative ones; the
query words themselves are left out of the answer).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np

from embedlab.vectors.rows import SkippedRows

if TYPE_CHECKING:
    from gensim.models import KeyedVectors

Query: TypeAlias = "str | np.ndarray"
_N_WORDS_SHOWN = 5
# Rows of a float16 matrix converted to float32 at a time by the similarity queries.
BLOCK_ROWS = 1 << 16
DTYPES = ("float32", "float16")


def check_dtype(dtype: Any) -> np.dtype[Any]:
    """The storage dtype `dtype` names: float32 or float16; ValueError otherwise."""
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        resolved = None
    if resolved is None or resolved.name not in DTYPES:
        raise ValueError(f"`dtype` must be one of {list(DTYPES)}. Received: dtype={dtype!r}")
    return resolved


class Vectors:
    """Pretrained word vectors: ``words[i]`` has the vector ``matrix[i]``.

    Args:
        words: list of str. Distinct words, in file order.
        matrix: np.ndarray. ``(len(words), dim)`` array of floats; a float16
            matrix stays float16, any other is stored as float32 (converted
            if needed); made read-only (a view: the caller's array is not
            changed).
        skipped: SkippedRows or None. What the load that made these vectors
            left out (see `load_vectors`'s ``errors``); empty by default.

    Raises:
        ValueError: if the shapes do not match, `dim` is 0, `matrix` is not
            floating point, or a word repeats.

    Example:
        >>> vectors = Vectors(["king", "queen"], np.eye(2, dtype=np.float32))
        >>> vectors["king"]
        array([1., 0.], dtype=float32)
        >>> vectors.most_similar("king", topn=1)
        [('queen', 0.0)]
    """

    def __init__(
        self, words: Sequence[str], matrix: np.ndarray, *, skipped: SkippedRows | None = None
    ) -> None:
        matrix = np.asarray(matrix)
        if matrix.ndim != 2:
            raise ValueError(
                f"`matrix` must be 2-D (words x dim). Received: matrix.shape={matrix.shape}"
            )
        if not np.issubdtype(matrix.dtype, np.floating):
            raise ValueError(f"`matrix` must hold floats. Received: matrix.dtype={matrix.dtype}")
        if matrix.shape[1] == 0:
            raise ValueError(
                f"`matrix` must have at least one column. Received: matrix.shape={matrix.shape}"
            )
        words = list(words)
        if len(words) != matrix.shape[0]:
            raise ValueError(
                f"`words` and `matrix` rows must match. Received: {len(words)} words and "
                f"matrix.shape={matrix.shape}"
            )
        repeats = repeated_positions(words)
        if len(repeats):
            repeated = words[int(repeats[0])]
            raise ValueError(f"`words` must be distinct. Received: {repeated!r} more than once")
        self._store(words, matrix, skipped)

    @classmethod
    def _from_distinct(
        cls, words: list[str], matrix: np.ndarray, *, skipped: SkippedRows | None = None
    ) -> Vectors:
        """A `Vectors` of words a loader already made distinct, kept without a copy or check."""
        vectors = cls.__new__(cls)
        vectors._store(words, matrix, skipped)
        return vectors

    def _store(self, words: list[str], matrix: np.ndarray, skipped: SkippedRows | None) -> None:
        dtype = np.float16 if matrix.dtype == np.float16 else np.float32
        matrix = np.ascontiguousarray(matrix, dtype=dtype).view(np.ndarray)
        matrix.flags.writeable = False
        self._words = words
        self._matrix = matrix
        self._key_to_index: dict[str, int] | None = None
        self._unit: np.ndarray | None = None
        self._skipped = skipped if skipped is not None else SkippedRows()

    @classmethod
    def from_keyed_vectors(cls, kv: KeyedVectors) -> Vectors:
        """Copy a gensim ``KeyedVectors`` (words in its ``index_to_key`` order)."""
        return cls([str(key) for key in kv.index_to_key], kv.vectors)

    def to_keyed_vectors(self) -> KeyedVectors:
        """A gensim ``KeyedVectors`` with the same words, order and vectors."""
        from gensim.models import KeyedVectors

        kv = KeyedVectors(self.dim, count=0, dtype=np.float32)
        kv.add_vectors(self._words, np.array(self._matrix, dtype=np.float32))
        return kv

    @property
    def words(self) -> list[str]:
        """The words in file order (do not modify the list)."""
        return self._words

    @property
    def matrix(self) -> np.ndarray:
        """The read-only, C-contiguous float32 (or float16) ``(len(self), dim)`` matrix."""
        return self._matrix

    @property
    def skipped(self) -> SkippedRows:
        """The rows the load left out, by kind (empty unless it skipped or dropped some)."""
        return self._skipped

    @property
    def dim(self) -> int:
        """Number of components of each vector."""
        return int(self._matrix.shape[1])

    @property
    def key_to_index(self) -> dict[str, int]:
        """Row of each word (do not modify the dict); built on first use."""
        if self._key_to_index is None:
            self._key_to_index = dict(zip(self._words, range(len(self._words)), strict=True))
        return self._key_to_index

    @property
    def unit_matrix(self) -> np.ndarray:
        """Read-only copy of `matrix` (same dtype) with rows scaled to unit length.

        Computed on first use and kept, in float32 blocks. All-zero rows stay zero.
        """
        if self._unit is None:
            matrix = self._matrix
            unit = np.empty(matrix.shape, dtype=matrix.dtype)
            step = BLOCK_ROWS if matrix.dtype == np.float16 else max(len(matrix), 1)
            for start in range(0, len(matrix), step):
                block = matrix[start : start + step].astype(np.float32, copy=False)
                norms = np.linalg.norm(block, axis=1, keepdims=True)
                out = unit[start : start + len(block)]
                np.divide(block, norms, out=out, where=norms > 0)
                out[norms[:, 0] == 0] = 0
            unit.flags.writeable = False
            self._unit = unit
        return self._unit

    def _scores(self, unit: np.ndarray, query: np.ndarray) -> np.ndarray:
        """Cosine similarity of every row of the unit matrix `unit` with the unit `query`."""
        if unit.dtype == np.float32:
            return unit @ query
        scores = np.empty(len(unit), dtype=np.float32)
        for start in range(0, len(unit), BLOCK_ROWS):
            block = unit[start : start + BLOCK_ROWS].astype(np.float32)
            scores[start : start + len(block)] = block @ query
        return scores

    def __len__(self) -> int:
        return len(self._words)

    def __contains__(self, word: object) -> bool:
        return word in self.key_to_index

    def __getitem__(self, word: str) -> np.ndarray:
        """The read-only vector of `word`.

        Raises:
            KeyError: if `word` has no vector; the message suggests another
                case of the word when one is present.
        """
        index = self.key_to_index.get(word)
        if index is None:
            raise KeyError(self._missing_message(word))
        return self._matrix[index]

    def get(self, word: str, default: Any = None) -> Any:
        """The vector of `word`, or `default` if it has none."""
        index = self.key_to_index.get(word)
        return default if index is None else self._matrix[index]

    def __repr__(self) -> str:
        return f"Vectors({len(self):,} words x {self.dim} dims)"

    def _missing_message(self, word: object) -> str:
        message = f"{word!r} has no vector (the vectors hold {len(self):,} words)"
        if isinstance(word, str):
            variants = {word.lower(), word.capitalize(), word.upper(), word.title()} - {word}
            found = sorted(v for v in variants if v in self.key_to_index)
            if found:
                message += f"; found under another case: {', '.join(map(repr, found))}"
        return message

    def _index(self, word: str) -> int:
        index = self.key_to_index.get(word)
        if index is None:
            raise KeyError(self._missing_message(word))
        return index

    def most_similar(
        self,
        positive: Query | Iterable[Query],
        negative: Query | Iterable[Query] = (),
        *,
        topn: int = 10,
        restrict_vocab: int | None = None,
    ) -> list[tuple[str, float]]:
        """The `topn` words closest by cosine to the mean of `positive` minus `negative`.

        Same semantics as gensim's ``KeyedVectors.most_similar``: words are
        unit-normalised, vectors given as arrays are used as they are, the
        weighted mean is normalised, and words given as queries are left out.

        Args:
            positive: str, array, or iterable of them. Words (or vectors) to be near.
            negative: str, array, or iterable of them. Words (or vectors) to be far from.
            topn: int. Number of results.
            restrict_vocab: int or None. Search only the first this many words
                (files are usually sorted by frequency).

        Returns:
            list of (word, cosine similarity), most similar first.

        Raises:
            KeyError: if a query word has no vector.
            ValueError: if there is no query, or `topn`/`restrict_vocab` is not
                a positive integer, or a vector has the wrong shape.

        Example:
            >>> vectors.most_similar(positive=["woman", "king"], negative=["man"], topn=1)
            [('queen', 0.85...)]
        """
        if isinstance(topn, bool) or not isinstance(topn, int) or topn < 1:
            raise ValueError(f"`topn` must be a positive integer. Received: topn={topn!r}")
        end = len(self)
        if restrict_vocab is not None:
            if (
                isinstance(restrict_vocab, bool)
                or not isinstance(restrict_vocab, int)
                or (restrict_vocab < 1)
            ):
                raise ValueError(
                    "`restrict_vocab` must be a positive integer or None. "
                    f"Received: restrict_vocab={restrict_vocab!r}"
                )
            end = min(end, restrict_vocab)
        queries = [(q, 1.0) for q in _as_list(positive)] + [(q, -1.0) for q in _as_list(negative)]
        if not queries:
            raise ValueError("most_similar needs at least one positive or negative word or vector")
        mean = np.zeros(self.dim, dtype=np.float32)
        exclude: set[int] = set()
        for query, weight in queries:
            if isinstance(query, str):
                index = self._index(query)
                exclude.add(index)
                vector = self.unit_matrix[index].astype(np.float32)
            else:
                vector = np.asarray(query, dtype=np.float32)
                if vector.shape != (self.dim,):
                    raise ValueError(
                        f"a query vector must have shape ({self.dim},). "
                        f"Received: shape={vector.shape}"
                    )
            mean += np.float32(weight) * vector
        norm = np.linalg.norm(mean)
        if norm > 0:
            mean /= norm
        scores = self._scores(self.unit_matrix[:end], mean)
        n_best = min(topn + len(exclude), end)
        if n_best <= 0:
            return []
        best = np.argpartition(-scores, n_best - 1)[:n_best]
        best = best[np.argsort(-scores[best], kind="stable")]
        result = [(self._words[i], float(scores[i])) for i in best if i not in exclude]
        return result[:topn]

    def similarity(self, w1: str, w2: str) -> float:
        """Cosine similarity of two words' vectors."""
        unit = self.unit_matrix
        a, b = unit[self._index(w1)], unit[self._index(w2)]
        return float(np.dot(a.astype(np.float32), b.astype(np.float32)))

    def analogy(self, a: str, b: str, c: str, *, topn: int = 1) -> list[tuple[str, float]]:
        """Answer "`a` is to `b` as `c` is to ?" with ``most_similar([b, c], [a])``.

        Example:
            >>> vectors.analogy("man", "king", "woman")
            [('queen', 0.85...)]
        """
        return self.most_similar(positive=[b, c], negative=[a], topn=topn)


def repeated_positions(words: Sequence[str]) -> np.ndarray:
    """Positions of the words equal to an earlier word, ascending (int64).

    Compares the words' hashes in NumPy and only the words whose hash repeats
    in Python, so checking 400,000 distinct words needs a few MB, not a set.
    """
    hashes = np.fromiter(map(hash, words), dtype=np.int64, count=len(words))
    ordered = np.sort(hashes)
    repeated_hashes = ordered[1:][ordered[1:] == ordered[:-1]]
    del ordered
    if len(repeated_hashes) == 0:
        return np.empty(0, dtype=np.int64)
    candidates = np.flatnonzero(np.isin(hashes, repeated_hashes)).tolist()
    seen: set[str] = set()
    repeats = []
    for i in candidates:
        if words[i] in seen:
            repeats.append(i)
        seen.add(words[i])
    return np.asarray(repeats, dtype=np.int64)


def _as_list(queries: Query | Iterable[Query]) -> list[Query]:
    if isinstance(queries, str | np.ndarray):
        return [queries]
    return list(queries)
