"""No NaN model, no NaN output: texts with no known word, diverged training, bad numbers."""

import functools
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import make_sentiment
from embedlab import TextClassifier
from embedlab._keras import import_keras
from embedlab.classify.training import TrainingDivergedError, early_stopping, stop_on_nonfinite
from embedlab.errors import ModelConfigError
from embedlab.models.layers import masked_mean_class
from embedlab.models.registry import model_names, ngram_models

NO_KNOWN_WORD = ["zzz qqq", "", "!!!", "*"]


@functools.cache
def tiny(model: str) -> TextClassifier:
    """A small classifier of `model`, trained one epoch on planted sentiment (cached)."""
    texts, labels = make_sentiment(60, seed=1)
    extra = {"ngram_buckets": 64} if model in ngram_models() else {}
    clf = TextClassifier(model, embedding_dim=8, units=4, maxlen=12, seed=0, **extra)
    return clf.fit(texts, labels, epochs=1, verbose=0)


def test_masked_mean_is_the_mean_of_the_unmasked_rows_and_zero_over_none():
    keras = import_keras()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 4, 2)).astype("float32")
    mask = np.array([[1, 1, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1]], dtype=bool)
    got = keras.ops.convert_to_numpy(masked_mean_class()()(x, mask=mask))
    np.testing.assert_allclose(got[0], x[0, :2].mean(axis=0), rtol=1e-6)
    np.testing.assert_array_equal(got[1], np.zeros(2))  # the mean over no words
    np.testing.assert_allclose(got[2], x[2].mean(axis=0), rtol=1e-6)


@pytest.mark.slow
@pytest.mark.parametrize("model", model_names())
def test_every_model_gives_finite_probabilities_for_a_text_with_no_known_word(model):
    proba = tiny(model).predict_proba(NO_KNOWN_WORD)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.slow
@pytest.mark.parametrize("model", model_names())
@settings(deadline=None, max_examples=25)
@given(texts=st.lists(st.text(max_size=40), min_size=1, max_size=4))
def test_random_unicode_gives_finite_probabilities_summing_to_one(model, texts):
    proba = tiny(model).predict_proba(texts)
    assert proba.shape == (len(texts), 2)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.slow
@pytest.mark.parametrize(
    "model,options", [("average", {}), ("wide_average", {"naive_bayes": True, "units": 1})]
)
def test_a_training_text_with_no_word_trains_normally(model, options):
    # the product-review case: one sentence of the set is "*", no word after tokenizing
    texts, labels = make_sentiment(200, seed=2)
    texts[7] = "*"
    clf = TextClassifier(model, embedding_dim=8, seed=0, learning_rate=0.02, **options)
    clf.fit(texts, labels, epochs=4, verbose=0)
    assert all(math.isfinite(v) for v in clf.history["loss"])
    test_texts, test_labels = make_sentiment(100, seed=3)
    assert clf.evaluate(test_texts, test_labels)["accuracy"] > 0.8


def test_a_non_finite_loss_stops_training_with_the_likely_causes_and_is_never_best():
    keras = import_keras()
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    x = np.ones((64, 2), dtype="float32")
    x[3] = np.nan  # a loss of NaN from the batch holding it on (batches are checked
    y = np.ones((64, 1), dtype="float32")  # in Keras' callback thread)
    stopper = early_stopping(2)
    with pytest.raises(TrainingDivergedError, match="loss is nan in epoch 1.*learning rate"):
        model.fit(
            x, y, validation_data=(x, y), epochs=3, batch_size=8, verbose=0,
            callbacks=[stop_on_nonfinite(["`naive_bayes`"]), stopper],
        )  # fmt: skip
    assert stopper.best_weights is None  # no NaN epoch was recorded as the best


@pytest.mark.parametrize(
    "option,value",
    [
        ("learning_rate", float("nan")),
        ("learning_rate", float("inf")),
        ("learning_rate", 1e30),
        ("learning_rate", 0.0),
        ("learning_rate", -1.0),
        ("dropout", float("nan")),
        ("dropout", 1.0),
        ("threshold", float("nan")),
        ("max_norm", float("inf")),
        ("embedding_scale", -0.1),
        ("batch_size", 0),
        ("units", 2.5),
        ("maxlen", True),
    ],
)
def test_numeric_options_are_checked_for_range_and_finiteness(option, value):
    with pytest.raises(ModelConfigError, match=f"`{option}` must be .*Received: {option}="):
        TextClassifier("average", **{option: value})


@pytest.mark.parametrize(
    "option,value", [("epochs", 0), ("validation_split", float("nan")), ("patience", -1)]
)
def test_fit_options_are_checked_for_range_and_finiteness(option, value):
    texts, labels = make_sentiment(20)
    with pytest.raises(ModelConfigError, match=f"`{option}` must be"):
        TextClassifier("average").fit(texts, labels, **{option: value})


def test_options_that_would_do_nothing_are_refused_or_warned():
    texts, labels = make_sentiment(40)
    with pytest.raises(ModelConfigError, match="`threshold` applies to multi-label"):
        TextClassifier("average", threshold=0.3).fit(texts, labels, epochs=1, verbose=0)
    with pytest.raises(ModelConfigError, match="leaves 4 for training"):
        TextClassifier("average").fit(
            texts, labels, epochs=1, validation_split=0.9, patience=1, verbose=0
        )
    with warnings.catch_warnings(record=True) as caught:  # pytest.warns re-raises Keras'
        warnings.simplefilter("always")
        TextClassifier("average").fit(
            texts, labels, epochs=1, validation_split=0.1, patience=1, verbose=0
        )
    assert any("only 4 dev texts" in str(w.message) for w in caught)
