"""Training hygiene: class weights, the dev split, early stopping, repeatable seeds."""

import random

import numpy as np
import pytest
from sklearn.utils.class_weight import compute_class_weight as sk_compute_class_weight

from conftest import NEUTRAL, POSITIVE, make_sentiment
from embedlab.classify.classifier import TextClassifier
from embedlab.classify.training import (
    compute_class_weight,
    dev_split,
    full_batches,
    one_batch,
    parse_class_weight,
)
from embedlab.errors import ModelConfigError


def make_imbalanced(n_pos, n_neg, seed):
    """pos texts always hold a positive word; 30% of neg texts hold one too.

    Unweighted, a text with a positive word is more likely neg (n_neg * 0.3 >
    n_pos), so the best guess is always neg; with balanced weights it is pos.
    """
    rng = random.Random(seed)
    texts, labels = [], []
    for i in range(n_pos + n_neg):
        label = "pos" if i < n_pos else "neg"
        words = rng.choices(NEUTRAL, k=rng.randint(4, 10))
        if label == "pos" or rng.random() < 0.3:
            words.append(rng.choice(POSITIVE))
        rng.shuffle(words)
        texts.append(" ".join(words))
        labels.append(label)
    order = rng.sample(range(len(texts)), len(texts))
    return [texts[i] for i in order], [labels[i] for i in order]


@pytest.mark.parametrize("labels", [["a"] * 7 + ["b"] * 2 + ["c"], ["x"] * 3 + ["y"] * 9])
def test_balanced_weights_are_sklearns(labels):
    classes = sorted(set(labels))
    expected = sk_compute_class_weight("balanced", classes=np.array(classes), y=labels)
    np.testing.assert_allclose(compute_class_weight("balanced", classes, labels), expected)


def test_dict_weights_are_sklearns_and_unknown_labels_are_refused():
    classes, labels = ["a", "b", "c"], ["a", "b", "c", "a"]
    given = {"a": 2.0, "c": 0.5}
    expected = sk_compute_class_weight(given, classes=np.array(classes), y=labels)
    np.testing.assert_allclose(compute_class_weight(given, classes, labels), expected)
    with pytest.raises(ModelConfigError, match=r"not classes: \['z'\]"):
        compute_class_weight({"z": 1.0}, classes, labels)
    with pytest.raises(ModelConfigError, match="'balanced', a dict"):
        compute_class_weight("balance", classes, labels)


def test_parse_class_weight_reads_the_cli_forms():
    assert parse_class_weight("balanced") == "balanced"
    assert parse_class_weight("neg=1,pos=4.5") == {"neg": 1.0, "pos": 4.5}
    for bad in ("pos:4", "pos=x", "pos=-1", "=2"):
        with pytest.raises(ModelConfigError, match="LABEL=WEIGHT"):
            parse_class_weight(bad)


@pytest.mark.slow
def test_balanced_class_weight_raises_minority_recall():
    train_texts, train_labels = make_imbalanced(40, 360, seed=0)
    test_texts, test_labels = make_imbalanced(50, 50, seed=1)
    recall = {}
    for weight in (None, "balanced"):
        clf = TextClassifier("average", embedding_dim=8, learning_rate=0.05, seed=0)
        clf.fit(train_texts, train_labels, epochs=5, class_weight=weight, verbose=0)
        recall[weight] = clf.evaluate(test_texts, test_labels)["per_class"]["pos"]["recall"]
    assert recall[None] <= 0.2  # the majority class swallows the minority
    assert recall["balanced"] >= recall[None] + 0.3


def test_dev_split_is_stratified_seeded_and_disjoint():
    labels = ["a"] * 80 + ["b"] * 20
    texts = [f"t{i}" for i in range(100)]
    train, dev = dev_split(texts, labels, fraction=0.2, seed=3)
    assert len(dev) == 20 and len(train) == 80
    assert sorted(np.concatenate([train, dev]).tolist()) == list(range(100))
    assert sum(labels[i] == "b" for i in dev) == 4  # the overall 20%
    again, _ = dev_split(texts, labels, fraction=0.2, seed=3)
    other, _ = dev_split(texts, labels, fraction=0.2, seed=4)
    np.testing.assert_array_equal(train, again)
    assert not np.array_equal(train, other)
    with pytest.raises(ModelConfigError, match=r"fraction in \(0, 1\)"):
        dev_split(texts, labels, fraction=1.5, seed=0)


def binary_cross_entropy(proba_pos, labels):
    p = np.clip(proba_pos.astype(np.float64), 1e-7, 1 - 1e-7)
    y = np.array([label == "pos" for label in labels], dtype=np.float64)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


@pytest.mark.slow
def test_early_stopping_returns_the_best_epochs_model():
    rng = random.Random(0)
    texts, _ = make_sentiment(300, seed=2)
    noise = [rng.choice(["pos", "neg"]) for _ in texts]  # nothing to learn: dev loss rises
    texts = texts + ["zzzdevonly"]  # a word held out in the dev part if drawn there
    noise = noise + ["pos"]
    clf = TextClassifier("average", embedding_dim=16, learning_rate=0.05, seed=0)
    clf.fit(texts, noise, epochs=30, validation_split=0.2, patience=2, verbose=0)
    val_loss = clf.history["val_loss"]
    assert len(val_loss) < 30  # stopped early (the dev loss falls a while: the dev prior)
    best = int(np.argmin(val_loss))
    assert clf.best_epoch == best and best < len(val_loss) - 1
    dev = clf.validation_indices
    assert len(dev) == round(0.2 * len(texts))
    dev_texts = [texts[i] for i in dev]
    dev_labels = [noise[i] for i in dev]
    restored = binary_cross_entropy(clf.predict_proba(dev_texts)[:, 1], dev_labels)
    assert restored == pytest.approx(val_loss[best], rel=1e-4)
    assert restored < val_loss[-1]
    dev_words = {w for t in dev_texts for w in t.split()}
    train_words = {w for i, t in enumerate(texts) if i not in set(dev) for w in t.split()}
    for word in dev_words - train_words:
        assert word not in clf.tokenizer.word_index  # the tokenizer saw only the train part


@pytest.mark.slow
def test_early_stopping_on_dev_accuracy_keeps_the_first_best_accuracy_epoch():
    texts, labels = make_sentiment(300, seed=3)
    clf = TextClassifier("average", embedding_dim=8, learning_rate=0.02, seed=0)
    clf.fit(
        texts, labels, epochs=8, validation_split=0.2, patience=2, monitor="val_accuracy", verbose=0
    )
    val_accuracy = clf.history["val_accuracy"]
    best = int(np.argmax(val_accuracy))  # the first of equal bests
    assert clf.best_epoch == best
    dev = clf.validation_indices
    predicted = clf.predict([texts[i] for i in dev])
    restored = np.mean([p == labels[i] for p, i in zip(predicted, dev, strict=True)])
    assert restored == pytest.approx(val_accuracy[best], abs=1e-6)
    if best < len(val_accuracy) - 2:  # stopped `patience` epochs after the best
        assert len(val_accuracy) == best + 3


def test_an_unknown_monitor_is_refused(sentiment):
    texts, labels = sentiment
    clf = TextClassifier("average", embedding_dim=4)
    with pytest.raises(ModelConfigError, match="`monitor` must be one of"):
        clf.fit(texts, labels, epochs=1, validation_split=0.1, patience=1, monitor="val_acc")


def test_contradictory_validation_options_are_refused(sentiment):
    texts, labels = sentiment
    clf = TextClassifier("average", embedding_dim=4)
    with pytest.raises(ModelConfigError, match="`patience` needs dev data"):
        clf.fit(texts, labels, epochs=1, patience=2, verbose=0)
    with pytest.raises(ModelConfigError, match="not both"):
        clf.fit(texts, labels, epochs=1, validation_split=0.1, validation_data=(texts, labels))


@pytest.mark.slow
@pytest.mark.parametrize("model", ["cnn", "bilstm"])
def test_same_seed_same_results_other_seed_differs(model, sentiment):
    texts, labels = sentiment
    train_texts, train_labels = texts[80:], labels[80:]
    test_texts, test_labels = texts[:80], labels[:80]

    def run(seed):
        clf = TextClassifier(model, embedding_dim=8, units=8, seed=seed)
        clf.fit(train_texts, train_labels, epochs=2, validation_split=0.1, verbose=0)
        return clf.predict_proba(test_texts), clf.evaluate(test_texts, test_labels), clf

    first, metrics_1, clf_1 = run(5)
    second, metrics_2, clf_2 = run(5)
    np.testing.assert_array_equal(first, second)
    assert metrics_1 == metrics_2
    assert clf_1.history["val_loss"] == clf_2.history["val_loss"]
    other, _, clf_3 = run(6)
    assert not np.array_equal(first, other)
    assert not np.array_equal(clf_1.validation_indices, clf_3.validation_indices)


def test_full_batches_fill_the_last_batch_with_weightless_copies():
    x = np.arange(23 * 3).reshape(23, 3)
    y = np.arange(23)
    np.random.seed(0)
    fx, fy, weights = full_batches(x, y, None, 10)
    assert len(fx) == len(fy) == len(weights) == 30  # three whole batches: one compiled shape
    np.testing.assert_array_equal(fx[:23], x)
    np.testing.assert_array_equal(fy[:23], y)
    assert weights.tolist() == [1.0] * 23 + [0.0] * 7
    assert set(fy[23:].tolist()) <= set(y.tolist())
    for row, label in zip(fx[23:], fy[23:], strict=True):  # copies of real (x, y) pairs
        np.testing.assert_array_equal(row, x[label])
    given = np.linspace(0.5, 2.0, 23)
    assert full_batches(x, y, given, 10)[2][:23].tolist() == pytest.approx(given.tolist())
    same = full_batches(x[:20], y[:20], None, 10)
    assert len(same[0]) == 20 and same[2] is None  # nothing to fill: untouched


def test_one_batch_for_a_small_dev_set_only():
    assert one_batch(960, 41) == 960
    assert one_batch(2500, 700) is None  # Keras' batches bound the memory
    assert one_batch(0) is None
