"""A fastText-like bag of word n-grams computed inside the Keras graph.

fastText (Joulin et al. 2017, "Bag of Tricks for Efficient Text
Classification") averages the vectors of a text's words and of its hashed
word n-grams. `HashedNgramBag` does the same from the padded id sequence the
model already takes, so a saved classifier still serves plain ids: the n-gram
ids are computed in the graph, never by the tokenizer.

The n-gram of ids ``(a, b, c)`` falls in bucket
``((a * P + b) * P + c) mod buckets`` with ``P = 1_000_003``, in wrapping
int32 arithmetic (the hash needs only to be deterministic, not to match
fastText's, whose n-grams are hashed from word strings). Windows that touch a
padding id (0) are left out, and so are padding positions of the unigrams.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from embedlab._keras import import_keras

PRIME = 1_000_003


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

        Call args:
            inputs: list ``[ids, embedded]``: int ids ``(batch, length)``
                (0 is padding) and their word vectors ``(batch, length, dim)``.

        Returns:
            ``(batch, dim)``: the mean over the text's words and n-grams.
        """

        def __init__(self, buckets: int, max_n: int = 2, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            if buckets < 1:
                raise ValueError(f"`buckets` must be positive. Received: buckets={buckets}")
            if max_n < 2:
                raise ValueError(f"`max_n` must be at least 2. Received: max_n={max_n}")
            self.buckets = buckets
            self.max_n = max_n

        def build(self, input_shape: Any) -> None:
            dim = int(input_shape[1][-1])
            # fastText initialises its input rows U[-1/dim, 1/dim]
            self.table = self.add_weight(
                shape=(self.buckets, dim),
                initializer=keras.initializers.RandomUniform(-1.0 / dim, 1.0 / dim),
                name="ngram_embeddings",
            )

        def call(self, inputs: Any) -> Any:
            ids, embedded = inputs
            ids = ops.cast(ids, "int32")
            valid = ops.cast(ops.greater(ids, 0), embedded.dtype)
            total = ops.sum(embedded * ops.expand_dims(valid, -1), axis=1)
            count = ops.sum(valid, axis=1)
            length = ids.shape[1]
            for n in range(2, self.max_n + 1):
                if length is not None and length < n:
                    break
                code = ids[:, : ids.shape[1] - n + 1]
                window = valid[:, : ids.shape[1] - n + 1]
                for k in range(1, n):
                    end = ids.shape[1] - n + 1 + k
                    code = code * PRIME + ids[:, k:end]
                    window = window * valid[:, k:end]
                rows = ops.take(self.table, ops.mod(code, self.buckets), axis=0)
                total = total + ops.sum(rows * ops.expand_dims(window, -1), axis=1)
                count = count + ops.sum(window, axis=1)
            return total / ops.expand_dims(ops.maximum(count, 1.0), -1)

        def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
            return (input_shape[1][0], input_shape[1][-1])

        def get_config(self) -> dict[str, Any]:
            return {**super().get_config(), "buckets": self.buckets, "max_n": self.max_n}

    return HashedNgramBag


def hashed_ngram_codes(ids: Any, max_n: int, buckets: int) -> list[tuple[Any, Any]]:
    """``(bucket ids, valid)`` per n-gram order ``1..max_n`` of an id batch.

    Unigrams are hashed too (``id mod buckets``); `valid` is 1.0 where no id
    of the window is padding.
    """
    ops = import_keras().ops
    ids = ops.cast(ids, "int32")
    valid = ops.cast(ops.greater(ids, 0), "float32")
    length = ids.shape[1]
    out = [(ops.mod(ids, buckets), valid)]
    for n in range(2, max_n + 1):
        if length < n:
            break
        code, window = ids[:, : length - n + 1], valid[:, : length - n + 1]
        for k in range(1, n):
            code = code * PRIME + ids[:, k : length - n + 1 + k]
            window = window * valid[:, k : length - n + 1 + k]
        out.append((ops.mod(code, buckets), window))
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
        training data.

        Args:
            buckets: int. Rows of the table (unigrams are hashed as well).
            units: int. Output width.
            max_n: int. Longest n-gram.
            naive_bayes: bool. Scale each bucket by its fixed ``scale`` entry.
        """

        def __init__(
            self, buckets: int, units: int, max_n: int = 2, naive_bayes: bool = False, **kwargs: Any
        ) -> None:
            super().__init__(**kwargs)
            self.buckets, self.units, self.max_n = buckets, units, max_n
            self.naive_bayes = naive_bayes

        def build(self, input_shape: Any) -> None:
            self.table = self.add_weight(
                shape=(self.buckets, self.units), initializer="zeros", name="ngram_weights"
            )
            if self.naive_bayes:
                self.scale = self.add_weight(
                    shape=(self.buckets,), initializer="ones", trainable=False, name="nb_scale"
                )

        def call(self, ids: Any) -> Any:
            total = ops.zeros((ops.shape(ids)[0], self.units))
            count = ops.zeros((ops.shape(ids)[0],))
            for code, valid in hashed_ngram_codes(ids, self.max_n, self.buckets):
                rows = ops.take(self.table, code, axis=0)
                present = valid
                if self.naive_bayes:
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
            }

    return HashedNgramLinear


def naive_bayes_ratios(
    ids: np.ndarray, y: np.ndarray, buckets: int, max_n: int, *, alpha: float = 1.0
) -> np.ndarray:
    """Naive-Bayes log-count ratio of each hashed 1..max_n-gram bucket (NBSVM).

    Wang & Manning (2012): with ``p = alpha + `` the number of positive texts
    holding the bucket (binarised counts) and ``q`` the same for negative
    texts, ``r = log((p / |p|_1) / (q / |q|_1))``. Buckets seen in no text get
    ``log(|q|_1 / |p|_1)``, about 0 on balanced data.

    Args:
        ids: int array ``(texts, length)``, 0 padding (the model's input).
        y: ``(texts,)`` 0/1 array: 1 marks the positive class.
        buckets: int. Rows of the hashed table. max_n: int. Longest n-gram.
        alpha: float. Smoothing added to every count.

    Returns:
        float32 array ``(buckets,)``.
    """
    y = np.asarray(y).ravel()
    if len(y) != len(ids) or not np.isin(y, (0, 1)).all():
        raise ValueError("`y` must hold one 0/1 label per row of `ids`.")
    counts = np.zeros((2, buckets), dtype=np.float64)
    chunk = 512
    for start in range(0, len(ids), chunk):
        part = np.asarray(ids[start : start + chunk])
        label = y[start : start + chunk]
        for code, valid in hashed_ngram_codes(part, max_n, buckets):
            code, valid = np.asarray(code).astype(np.int64), np.asarray(valid) > 0
            rows = np.broadcast_to(np.arange(len(part))[:, None], code.shape)
            keys = np.unique(rows[valid] * buckets + code[valid])  # each bucket once per text
            for c in (0, 1):
                mine = label[keys // buckets] == c
                counts[c] += np.bincount(keys[mine] % buckets, minlength=buckets)
    p, q = counts[1] + alpha, counts[0] + alpha
    return np.log((p / p.sum()) / (q / q.sum())).astype(np.float32)


def custom_objects() -> dict[str, Any]:
    """The custom layers a saved embedlab model may hold, for `keras.saving.load_model`."""
    from embedlab.models.layers import masked_mean_class

    return {
        "embedlab>MaskedMean": masked_mean_class(),
        "embedlab>HashedNgramBag": ngram_layer_class(),
        "embedlab>HashedNgramLinear": linear_layer_class(),
    }
