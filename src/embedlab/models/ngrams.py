"""A fastText-like bag of word n-grams computed inside the Keras graph.

fastText (Joulin et al. 2017, "Bag of Tricks for Efficient Text
Classification") averages the vectors of a text's words and of its hashed
word n-grams. `HashedNgramBag` does the same from the padded id sequence the
model already takes, so a saved classifier still serves plain ids: the n-gram
ids are computed in the graph, never by the tokenizer.

The n-gram of ids ``(a, b, c)`` gets the code ``(a * P + b) * P + c`` with
``P = 1_000_003``, in wrapping int32 arithmetic, and falls in bucket
``mix(code) mod buckets``, where ``mix`` is a 32-bit integer finalizer (two
rounds of xor-shift and multiply: every bit of the code moves every bit of
the bucket). The hash needs only to be deterministic, not to match
fastText's, whose n-grams are hashed from word strings. A unigram falls in
bucket ``id mod buckets`` (its own row while the vocabulary is smaller than
the table). Windows that touch a padding id (0) are left out, and so are
padding positions of the unigrams. `hashed_ngram_codes` is the one place
that hashes; both layers call it.

Layers saved before the finalizer (``hash_version`` 1, `LEGACY_HASH`;
their config has no ``hash_version``) took ``code mod buckets`` and load
back with it. A linear code spreads badly over a table whose size shares
structure with ``P``: ``P`` is 3 modulo 100,000 and 200,000 (the default
table), so the bigram ``(a, b)`` of small (frequent) ids fell in bucket ``3a
+ b``, the unigram ``3a + b``'s own row. On MR's training texts (fold 1, 90%)
108,196 distinct word 1-2 grams filled 38,866 of a 200,000-row table where
uniform hashing fills 83,565 (with the finalizer: 84,164), and `wide` with its
defaults scored 70.3 / 70.0 on two dev splits (10 epochs), against 77.7 / 77.9 now.

Character n-grams (fastText's subwords, Bojanowski et al. 2017) join the word
n-grams in the same hashed table: `char_ngram_table` lists, for each word id
of the tokenizer's vocabulary, the buckets of the character n-grams of
``"<" + word + ">"`` (fastText's hash, `embedlab.vectors.fasttext_bin`). The
layers keep that table as a non-trainable int weight (``char_table``, filled
by `TextClassifier.fit`) and gather it in the graph, so a saved model still
takes plain ids and needs no extra file. Words without an id (unseen in
training) get no character n-grams.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from embedlab._keras import import_keras
from embedlab.models import initializers

PRIME = 1_000_003
HASH_VERSION = 2
"""The n-gram hash of new layers: the code mixed by `_mix` before the modulo."""
LEGACY_HASH = 1
"""The hash of layers saved without a ``hash_version``: the code itself, modulo."""
_MIX = 0x45D9F3B  # the finalizer's odd multiplier
CHAR_NGRAM_WIDTH_LIMIT = 32
"""Most character n-grams kept per word (the first ones, in fastText's order)."""


def char_ngram_table(
    words: list[str], buckets: int, char_ngrams: tuple[int, int], *, width: int | None = None
) -> np.ndarray:
    """Bucket ids of each word's character n-grams, one row per word id.

    Args:
        words: list of str. The words of ids ``1 .. len(words)`` (the
            tokenizer's `vocabulary()`); row 0 (padding) is empty.
        buckets: int. Rows of the hashed table the codes index.
        char_ngrams: ``(minn, maxn)``. Shortest and longest n-gram, in characters.
        width: int or None. Columns; None: the longest row, at most
            `CHAR_NGRAM_WIDTH_LIMIT`. Longer rows are cut.

    Returns:
        int32 array ``(len(words) + 1, width)``; -1 fills rows with fewer n-grams.
    """
    from embedlab.vectors.fasttext_bin import ngram_hashes

    minn, maxn = char_ngrams
    owner, hashes = ngram_hashes([word.encode("utf-8") for word in words], minn, maxn)
    owner = owner + 1
    counts = np.bincount(owner, minlength=len(words) + 1)
    if width is None:
        width = max(1, min(int(counts.max(initial=0)), CHAR_NGRAM_WIDTH_LIMIT))
    starts = np.cumsum(counts) - counts
    column = np.arange(len(owner)) - starts[owner]
    keep = column < width
    table = np.full((len(words) + 1, width), -1, dtype=np.int32)
    table[owner[keep], column[keep]] = (hashes[keep] % np.uint32(buckets)).astype(np.int32)
    return table


def check_char_ngrams(value: Any) -> tuple[int, int] | None:
    """`value` as ``(minn, maxn)`` with ``1 <= minn <= maxn``, or None.

    Raises:
        ValueError: Naming the argument and what was received.
    """
    if value is None:
        return None
    try:
        minn, maxn = (int(v) for v in value)
        ok = not isinstance(value, str) and 1 <= minn <= maxn
        ok = ok and all(not isinstance(v, bool) for v in value)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueError(
            "`char_ngrams` must be None or (minn, maxn) with 1 <= minn <= maxn. "
            f"Received: char_ngrams={value!r}"
        )
    return minn, maxn


def _char_table_weight(layer: Any, vocab_size: int, width: int) -> Any:
    keras = import_keras()
    return layer.add_weight(
        shape=(vocab_size, width),
        initializer=keras.initializers.Constant(-1),
        dtype="int32",
        trainable=False,
        name="char_table",
    )


@functools.cache
def ngram_layer_class() -> Any:
    """The `HashedNgramBag` Keras layer class (defined once, on first use).

    Keras is imported here, not at module import, to keep ``import embedlab``
    light; the class is registered as ``embedlab>HashedNgramBag`` so a saved
    model loads back once this function has run (see `custom_objects`).
    """
    keras = import_keras()
    ops = keras.ops

    @keras.saving.register_keras_serializable(package="embedlab")
    class HashedNgramBag(keras.layers.Layer):  # type: ignore[misc,name-defined]
        """Mean of the unigram vectors and of hashed n-gram vectors.

        Args:
            buckets: int. Rows of the n-gram table (hash collisions share a row).
            max_n: int. Longest n-gram: 2 adds bigrams, 3 bigrams and trigrams.
            vocab_size: int. Word ids (rows of ``char_table``); 0 without
                character n-grams.
            char_width: int. Character n-grams per word (``char_table``
                columns); 0 for none.
            hash_version: int. The n-gram hash (`HASH_VERSION`).

        Call args:
            inputs: list ``[ids, embedded]``: int ids ``(batch, length)``
                (0 is padding) and their word vectors ``(batch, length, dim)``.

        Returns:
            ``(batch, dim)``: the mean over the text's words and n-grams.
        """

        def __init__(
            self,
            buckets: int,
            max_n: int = 2,
            vocab_size: int = 0,
            char_width: int = 0,
            hash_version: int = HASH_VERSION,
            **kwargs: Any,
        ) -> None:
            super().__init__(**kwargs)
            if buckets < 1:
                raise ValueError(f"`buckets` must be positive. Received: buckets={buckets}")
            if max_n < 2:
                raise ValueError(f"`max_n` must be at least 2. Received: max_n={max_n}")
            self.buckets = buckets
            self.max_n = max_n
            self.vocab_size, self.char_width = vocab_size, char_width
            self.hash_version = hash_version

        def build(self, input_shape: Any) -> None:
            dim = int(input_shape[1][-1])
            # fastText initialises its input rows U[-1/dim, 1/dim]
            self.table = self.add_weight(
                shape=(self.buckets, dim),
                initializer=initializers.uniform(-1.0 / dim, 1.0 / dim),
                name="ngram_embeddings",
            )
            self.char_table = (
                _char_table_weight(self, self.vocab_size, self.char_width)
                if self.char_width
                else None
            )

        def call(self, inputs: Any) -> Any:
            ids, embedded = inputs
            valid = ops.cast(ops.greater(ids, 0), embedded.dtype)
            total = ops.sum(embedded * ops.expand_dims(valid, -1), axis=1)
            count = ops.sum(valid, axis=1)
            codes = hashed_ngram_codes(
                ids,
                self.max_n,
                self.buckets,
                min_n=2,
                char_table=self.char_table,
                hash_version=self.hash_version,
            )
            for code, window in codes:
                rows = ops.take(self.table, code, axis=0)
                total = total + ops.sum(rows * ops.expand_dims(window, -1), axis=1)
                count = count + ops.sum(window, axis=1)
            return total / ops.expand_dims(ops.maximum(count, 1.0), -1)

        def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
            return (input_shape[1][0], input_shape[1][-1])

        def get_config(self) -> dict[str, Any]:
            return {
                **super().get_config(),
                "buckets": self.buckets,
                "max_n": self.max_n,
                "vocab_size": self.vocab_size,
                "char_width": self.char_width,
                "hash_version": self.hash_version,
            }

        @classmethod
        def from_config(cls, config: dict[str, Any]) -> Any:
            return super().from_config(_as_saved(config))

    return HashedNgramBag


class _NumpyOps:
    """The few `keras.ops` that `hashed_ngram_codes` uses, in NumPy."""

    cast = staticmethod(lambda x, dtype: np.asarray(x).astype(dtype))
    greater = staticmethod(np.greater)
    greater_equal = staticmethod(np.greater_equal)
    mod = staticmethod(np.mod)
    bitwise_xor = staticmethod(np.bitwise_xor)
    bitwise_and = staticmethod(np.bitwise_and)
    right_shift = staticmethod(np.right_shift)
    maximum = staticmethod(np.maximum)
    take = staticmethod(np.take)
    expand_dims = staticmethod(np.expand_dims)
    reshape = staticmethod(np.reshape)
    shape = staticmethod(np.shape)


def _mix(code: Any, ops: Any) -> Any:
    """A 32-bit integer finalizer in int32 arithmetic: xor-shift, multiply, twice.

    The shifts are masked to 16 bits, so each step is a bijection of the 32
    bits (as with unsigned integers): distinct codes stay distinct.
    """
    for _ in range(2):
        code = ops.bitwise_xor(code, ops.bitwise_and(ops.right_shift(code, 16), 0xFFFF))
        code = code * _MIX
    return ops.bitwise_xor(code, ops.bitwise_and(ops.right_shift(code, 16), 0xFFFF))


def hashed_ngram_codes(
    ids: Any,
    max_n: int,
    buckets: int,
    *,
    min_n: int = 1,
    char_table: Any = None,
    hash_version: int = HASH_VERSION,
) -> list[tuple[Any, Any]]:
    """``(bucket ids, valid)`` per n-gram order ``min_n..max_n`` of an id batch,
    then (with `char_table`) one pair for the words' character n-grams.

    Unigrams are hashed as ``id mod buckets``; `valid` is 1.0 where no id of
    the window is padding (and, for character n-grams, where the word has
    that many). The only place where embedlab hashes word n-grams.

    Args:
        ids: int ``(batch, length)``, 0 padding (a tensor, or a NumPy array:
            then NumPy computes the same codes).
        max_n: int. Longest word n-gram. buckets: int. Rows of the hashed table.
        min_n: int. Shortest word n-gram (1 or 2).
        char_table: int ``(vocab_size, width)`` or None. Each word id's
            character n-gram buckets (`char_ngram_table`), -1 for none.
        hash_version: int. `HASH_VERSION`, or `LEGACY_HASH` for a layer
            saved before it.
    """
    if hash_version not in (LEGACY_HASH, HASH_VERSION):
        raise ValueError(
            f"Unknown n-gram `hash_version` {hash_version}: this embedlab knows "
            f"{LEGACY_HASH} and {HASH_VERSION}. Upgrade embedlab to load the model."
        )
    # NumPy input (the naive-Bayes counts at fit time) is hashed by NumPy: the
    # same int32 arithmetic, wrapping alike, without a backend op (and, on
    # JAX, a compile) per chunk shape
    ops: Any = _NumpyOps if isinstance(ids, np.ndarray) else import_keras().ops
    ids = ops.cast(ids, "int32")
    valid = ops.cast(ops.greater(ids, 0), "float32")
    length = ids.shape[1]
    out = [(ops.mod(ids, buckets), valid)] if min_n <= 1 else []
    for n in range(max(min_n, 2), max_n + 1):
        if length is not None and length < n:
            break
        code, window = ids[:, : length - n + 1], valid[:, : length - n + 1]
        for k in range(1, n):
            code = code * PRIME + ids[:, k : length - n + 1 + k]
            window = window * valid[:, k : length - n + 1 + k]
        if hash_version != LEGACY_HASH:
            code = _mix(code, ops)
        out.append((ops.mod(code, buckets), window))
    if char_table is not None:
        chars = ops.take(ops.cast(char_table, "int32"), ids, axis=0)  # (batch, length, width)
        present = ops.cast(ops.greater_equal(chars, 0), "float32") * ops.expand_dims(valid, -1)
        flat = (ops.shape(ids)[0], -1)
        out.append((ops.reshape(ops.maximum(chars, 0), flat), ops.reshape(present, flat)))
    return out


@functools.cache
def linear_layer_class() -> Any:
    """The `HashedNgramLinear` Keras layer class (defined once, on first use)."""
    keras = import_keras()
    ops = keras.ops

    @keras.saving.register_keras_serializable(package="embedlab")
    class HashedNgramLinear(keras.layers.Layer):  # type: ignore[misc,name-defined]
        """A linear model of the hashed word 1..n-grams present in a text.

        The "wide" half of wide & deep (Cheng et al. 2016): each n-gram's
        row of a ``(buckets, units)`` table, summed and divided by the square
        root of the number of n-grams (the L2 norm of a binary bag), close to
        what TF-IDF + logistic regression sees.

        With ``naive_bayes=True`` each bucket's row is also multiplied by a
        fixed (non-trainable) ``scale``, meant to hold the naive-Bayes
        log-count ratios of `naive_bayes_ratios` (NBSVM, Wang & Manning 2012);
        it starts at ones, and `TextClassifier.fit` fills it from the
        training data. With ``per_class=True`` the scale is a ``(buckets,
        units)`` table instead, one column of one-vs-rest ratios per class.

        Args:
            buckets: int. Rows of the table (unigrams are hashed as well).
            units: int. Output width.
            max_n: int. Longest n-gram.
            naive_bayes: bool. Scale each bucket by its fixed ``scale`` entry.
            per_class: bool. With `naive_bayes`: one scale per bucket and unit.
            vocab_size: int. Word ids (rows of ``char_table``); 0 without
                character n-grams.
            char_width: int. Character n-grams per word; 0 for none.
            hash_version: int. The n-gram hash (`HASH_VERSION`).
        """

        def __init__(
            self,
            buckets: int,
            units: int,
            max_n: int = 2,
            naive_bayes: bool = False,
            per_class: bool = False,
            vocab_size: int = 0,
            char_width: int = 0,
            hash_version: int = HASH_VERSION,
            **kwargs: Any,
        ) -> None:
            super().__init__(**kwargs)
            self.buckets, self.units, self.max_n = buckets, units, max_n
            self.naive_bayes, self.per_class = naive_bayes, per_class
            self.vocab_size, self.char_width = vocab_size, char_width
            self.hash_version = hash_version

        def build(self, input_shape: Any) -> None:
            self.table = self.add_weight(
                shape=(self.buckets, self.units), initializer="zeros", name="ngram_weights"
            )
            if self.naive_bayes:
                shape = (self.buckets, self.units) if self.per_class else (self.buckets,)
                self.scale = self.add_weight(
                    shape=shape, initializer="ones", trainable=False, name="nb_scale"
                )
            self.char_table = (
                _char_table_weight(self, self.vocab_size, self.char_width)
                if self.char_width
                else None
            )

        def call(self, ids: Any) -> Any:
            total = ops.zeros((ops.shape(ids)[0], self.units))
            count = ops.zeros((ops.shape(ids)[0],))
            codes = hashed_ngram_codes(
                ids,
                self.max_n,
                self.buckets,
                char_table=self.char_table,
                hash_version=self.hash_version,
            )
            for code, valid in codes:
                rows = ops.take(self.table, code, axis=0)
                present = valid
                if self.naive_bayes and self.per_class:
                    rows = rows * ops.take(self.scale, code, axis=0)
                elif self.naive_bayes:
                    valid = valid * ops.take(self.scale, code, axis=0)
                total = total + ops.sum(rows * ops.expand_dims(valid, -1), axis=1)
                count = count + ops.sum(present, axis=1)
            return total / ops.expand_dims(ops.sqrt(ops.maximum(count, 1.0)), -1)

        def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
            return (input_shape[0], self.units)

        def get_config(self) -> dict[str, Any]:
            return {
                **super().get_config(),
                "buckets": self.buckets,
                "units": self.units,
                "max_n": self.max_n,
                "naive_bayes": self.naive_bayes,
                "per_class": self.per_class,
                "vocab_size": self.vocab_size,
                "char_width": self.char_width,
                "hash_version": self.hash_version,
            }

        @classmethod
        def from_config(cls, config: dict[str, Any]) -> Any:
            return super().from_config(_as_saved(config))

    return HashedNgramLinear


def _as_saved(config: dict[str, Any]) -> dict[str, Any]:
    """A saved layer's config, with the hash it was trained with."""
    return {"hash_version": LEGACY_HASH, **config}


def naive_bayes_ratios(
    ids: np.ndarray,
    y: np.ndarray,
    buckets: int,
    max_n: int,
    *,
    n_classes: int = 2,
    alpha: float = 1.0,
    char_table: np.ndarray | None = None,
    hash_version: int = HASH_VERSION,
) -> np.ndarray:
    """Naive-Bayes log-count ratio of each hashed 1..max_n-gram bucket (NBSVM).

    Wang & Manning (2012): with ``p = alpha + `` the number of positive texts
    holding the bucket (binarised counts) and ``q`` the same for negative
    texts, ``r = log((p / |p|_1) / (q / |q|_1))``. Buckets seen in no text get
    ``log(|q|_1 / |p|_1)``, about 0 on balanced data. With more than two
    classes, each class against all the others (one-vs-rest, as NBSVM is
    extended to several classes).

    Args:
        ids: int array ``(texts, length)``, 0 padding (the model's input).
        y: ``(texts,)`` array of class indices below `n_classes`; with two
            classes 1 marks the positive class.
        n_classes: int. Number of classes.
        buckets: int. Rows of the hashed table. max_n: int. Longest n-gram.
        alpha: float. Smoothing added to every count.
        char_table: int array or None. The words' character n-gram buckets
            (`char_ngram_table`), counted as the layer counts them.
        hash_version: int. The layer's n-gram hash.

    Returns:
        float32 array ``(buckets,)`` for two classes, else ``(buckets, n_classes)``.
    """
    y = np.asarray(y).ravel()
    if len(y) != len(ids) or not np.isin(y, np.arange(n_classes)).all():
        raise ValueError(f"`y` must hold one class index below {n_classes} per row of `ids`.")
    flat = np.zeros(n_classes * buckets, dtype=np.float64)  # class-major counts
    pending: list[np.ndarray] = []  # class * buckets + bucket, once per text holding it
    chunk = 512
    for start in range(0, len(ids), chunk):
        part = np.asarray(ids[start : start + chunk])
        label = y[start : start + chunk].astype(np.int64)
        codes = hashed_ngram_codes(
            part, max_n, buckets, char_table=char_table, hash_version=hash_version
        )
        for code, valid in codes:
            code, valid = np.asarray(code).astype(np.int64), np.asarray(valid) > 0
            rows = np.broadcast_to(np.arange(len(part))[:, None], code.shape)
            keys = np.unique(rows[valid] * buckets + code[valid])  # each bucket once per text
            pending.append(label[keys // buckets] * buckets + keys % buckets)
        if sum(len(k) for k in pending) > 2**22 or start + chunk >= len(ids):
            flat += np.bincount(np.concatenate(pending), minlength=flat.size)
            pending = []
    counts = flat.reshape(n_classes, buckets)
    if n_classes == 2:
        p, q = counts[1] + alpha, counts[0] + alpha
        return np.log((p / p.sum()) / (q / q.sum())).astype(np.float32)
    p = counts + alpha
    q = counts.sum(axis=0) - counts + alpha  # the other classes' texts
    ratios = np.log(p / p.sum(axis=1, keepdims=True)) - np.log(q / q.sum(axis=1, keepdims=True))
    return ratios.T.astype(np.float32)


def custom_objects() -> dict[str, Any]:
    """The custom layers a saved embedlab model may hold, for `keras.saving.load_model`."""
    from embedlab.models.initializers import initializer_classes
    from embedlab.models.layers import masked_mean_class

    return {
        **initializer_classes(),
        "embedlab>MaskedMean": masked_mean_class(),
        "embedlab>HashedNgramBag": ngram_layer_class(),
        "embedlab>HashedNgramLinear": linear_layer_class(),
    }
