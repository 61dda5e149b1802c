"""The hashed n-gram bag: the mean it computes, word order it sees, saving."""

import numpy as np
import pytest

from embedlab.classifier import TextClassifier
from embedlab.models import ModelConfig, build_model
from embedlab.ngrams import PRIME, ngram_layer_class

keras = pytest.importorskip("keras")


def reference_bag(ids: np.ndarray, embedded: np.ndarray, table: np.ndarray, max_n: int):
    """The mean of unigram and n-gram rows, written out with Python loops."""
    out = np.zeros((ids.shape[0], embedded.shape[2]), dtype=np.float64)
    for b, row in enumerate(ids):
        vectors = [embedded[b, i] for i, t in enumerate(row) if t > 0]
        for n in range(2, max_n + 1):
            for i in range(len(row) - n + 1):
                window = row[i : i + n]
                if (window > 0).all():
                    code = np.int32(window[0])
                    with np.errstate(over="ignore"):
                        for t in window[1:]:
                            code = np.int32(code * np.int32(PRIME) + np.int32(t))
                    vectors.append(table[int(code) % table.shape[0]])
        out[b] = np.mean(vectors, axis=0)
    return out


@pytest.mark.parametrize("max_n", [2, 3])
def test_bag_is_the_mean_of_word_and_hashed_ngram_vectors(max_n):
    rng = np.random.default_rng(0)
    ids = rng.integers(1, 5000, size=(4, 9)).astype(np.int32)
    ids[0, 6:] = 0  # post padding
    ids[1, 1:] = 0  # a one-word text has no n-grams
    embedded = rng.normal(size=(4, 9, 3)).astype(np.float32)
    layer = ngram_layer_class()(buckets=7, max_n=max_n)
    out = np.asarray(layer([ids, embedded]))
    table = np.asarray(layer.table)
    np.testing.assert_allclose(out, reference_bag(ids, embedded, table, max_n), rtol=1e-5)
    np.testing.assert_allclose(out[1], embedded[1, 0], rtol=1e-6)


def test_ngrams_model_learns_word_order_the_average_model_cannot():
    # the same two words in both classes; only their order tells the label
    texts = ["good not", "not good"] * 60
    labels = ["pos", "neg"] * 60
    scores = {}
    for model in ("average", "ngrams"):
        clf = TextClassifier(model, embedding_dim=8, learning_rate=0.05, seed=1)
        clf.fit(texts, labels, epochs=15, verbose=0)
        scores[model] = clf.evaluate(texts, labels)["accuracy"]
    assert scores["average"] == 0.5
    assert scores["ngrams"] == 1.0


def test_cnn_ngrams_saves_and_loads_with_the_same_predictions(tmp_path):
    texts = ["a fine warm film", "a dull cold mess", "warm and fine", "cold dull film"] * 10
    labels = ["pos", "neg", "pos", "neg"] * 10
    clf = TextClassifier("cnn_ngrams", embedding_dim=8, ngram_buckets=50, ngrams=3, seed=0)
    clf.fit(texts, labels, epochs=1, verbose=0)
    clf.save(tmp_path / "model")
    loaded = TextClassifier.load(tmp_path / "model")
    assert loaded.config == clf.config and loaded.config.ngrams == 3
    np.testing.assert_allclose(loaded.predict_proba(texts), clf.predict_proba(texts), rtol=1e-6)


def ngrams_config(buckets: int) -> ModelConfig:
    return ModelConfig(
        model="ngrams",
        mode="rand",
        vocab_size=10,
        embedding_dim=4,
        sequence_length=5,
        n_classes=3,
        ngram_buckets=buckets,
    )


def test_ngram_buckets_must_be_positive():
    from embedlab.errors import ModelConfigError

    with pytest.raises(ModelConfigError, match="ngram_buckets"):
        ngrams_config(0)


def test_ngrams_table_size_follows_config():
    model = build_model(ngrams_config(33))
    assert model.get_layer("ngram_bag").table.shape == (33, 4)
