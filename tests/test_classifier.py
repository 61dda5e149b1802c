"""TextClassifier: fit, evaluate, predict, save/load, repeatability, the sizing pitfalls."""

import numpy as np
import pytest

from conftest import make_sentiment
from embedlab.classify.classifier import TextClassifier
from embedlab.errors import DataError, EmbedlabError, ModelConfigError


def split(texts, labels, n_test=80):
    return (texts[n_test:], labels[n_test:]), (texts[:n_test], labels[:n_test])


def test_learns_a_planted_sentiment_task(sentiment):
    (xtr, ytr), (xte, yte) = split(*sentiment)
    clf = TextClassifier("cnn", mode="rand", embedding_dim=16, seed=1)
    clf.fit(xtr, ytr, epochs=8, verbose=0)
    metrics = clf.evaluate(xte, yte)
    assert metrics["n_test"] == 80
    assert metrics["accuracy"] >= 0.9
    assert set(metrics["per_class"]) == {"neg", "pos"}
    assert np.sum(metrics["confusion_matrix"]) == 80
    assert clf.predict(["superb wonderful film", "dreadful tedious plot"]) == ["pos", "neg"]
    assert len(clf.history["loss"]) == 8 and len(clf.history["epoch_seconds"]) == 8


def test_predict_proba_columns_follow_labels_and_sum_to_one(sentiment):
    texts, labels = sentiment
    three = [{"pos": "a", "neg": "b"}[y] if i % 3 else "c" for i, y in enumerate(labels)]
    clf = TextClassifier("average", embedding_dim=8).fit(texts, three, epochs=1, verbose=0)
    assert clf.labels == ["a", "b", "c"]
    proba = clf.predict_proba(texts[:10])
    assert proba.shape == (10, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    assert clf.predict(texts[:10]) == [clf.labels[i] for i in proba.argmax(axis=1)]


def test_binary_proba_has_two_columns(sentiment):
    texts, labels = sentiment
    clf = TextClassifier("flatten", embedding_dim=4).fit(texts, labels, epochs=1, verbose=0)
    proba = clf.predict_proba(texts[:5])
    assert proba.shape == (5, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)


def test_same_seed_gives_same_metrics(sentiment):
    (xtr, ytr), (xte, yte) = split(*sentiment)
    runs = [
        TextClassifier("gru", embedding_dim=8, units=8, seed=7)
        .fit(xtr, ytr, epochs=2, verbose=0)
        .predict_proba(xte)
        for _ in range(2)
    ]
    np.testing.assert_array_equal(runs[0], runs[1])


def test_save_and_load_give_the_same_predictions(tmp_path, sentiment):
    texts, labels = sentiment
    clf = TextClassifier("bilstm", embedding_dim=8, units=8).fit(texts, labels, epochs=1, verbose=0)
    clf.save(tmp_path / "run")
    names = sorted(p.name for p in (tmp_path / "run").iterdir())
    assert names == ["config.json", "history.json", "model.keras", "tokenizer.json"]
    loaded = TextClassifier.load(tmp_path / "run")
    assert loaded.labels == clf.labels and loaded.config == clf.config
    np.testing.assert_allclose(
        loaded.predict_proba(texts[:20]), clf.predict_proba(texts[:20]), rtol=1e-6, atol=1e-7
    )
    assert list(tmp_path.iterdir()) == [tmp_path / "run"]  # no temporary leftovers


def test_save_refuses_to_overwrite_unless_asked(tmp_path, sentiment):
    texts, labels = sentiment
    clf = TextClassifier("average", embedding_dim=4).fit(texts, labels, epochs=1, verbose=0)
    clf.save(tmp_path / "run")
    with pytest.raises(EmbedlabError, match="already exists"):
        clf.save(tmp_path / "run")
    clf.save(tmp_path / "run", overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_load_of_a_wrong_directory_says_what_to_pass(tmp_path):
    with pytest.raises(EmbedlabError, match="not a saved embedlab classifier"):
        TextClassifier.load(tmp_path)


@pytest.mark.parametrize("num_words,oov", [(None, None), (6, None), (6, "<OOV>"), (None, "<OOV>")])
def test_embedding_is_sized_to_the_ids_the_tokenizer_emits(num_words, oov, sentiment):
    """keras issues 8092, 9574, 8006: ids >= num_words, OOV id out of range, off-by-one."""
    texts, labels = sentiment
    clf = TextClassifier("average", embedding_dim=4, num_words=num_words, oov_token=oov)
    clf.fit(texts, labels, epochs=1, verbose=0)
    input_dim = clf.keras_model.get_layer("embedding").input_dim
    assert input_dim == clf.tokenizer.vocab_size
    unseen = ["zebra quantum " + t for t in texts[:50]]
    ids = clf._encode(unseen)
    assert ids.max() < input_dim
    if num_words:
        assert input_dim == num_words
    clf.predict(unseen)  # no index error on unseen words


def test_bad_training_data_is_a_clear_error(sentiment):
    texts, labels = sentiment
    clf = TextClassifier("average", embedding_dim=4)
    with pytest.raises(DataError, match="at least two classes; found only \\['pos'\\]"):
        clf.fit(texts, ["pos"] * len(texts), epochs=1, verbose=0)
    with pytest.raises(DataError, match="400 texts, 399 labels"):
        clf.fit(texts, labels[:-1], epochs=1, verbose=0)
    with pytest.raises(TypeError, match="not one string"):
        clf.fit("one text", ["pos"], epochs=1, verbose=0)
    with pytest.raises(EmbedlabError, match="not trained yet"):
        clf.predict(["x"])


def test_pretrained_modes_need_vectors_and_names_are_checked(sentiment):
    with pytest.raises(ModelConfigError, match="needs pretrained vectors"):
        TextClassifier("cnn", mode="static").fit(*sentiment, epochs=1, verbose=0)
    with pytest.raises(ModelConfigError, match="Unknown model 'transformer'"):
        TextClassifier("transformer")


def test_evaluate_rejects_labels_unseen_in_training(sentiment):
    texts, labels = sentiment
    clf = TextClassifier("average", embedding_dim=4).fit(texts, labels, epochs=1, verbose=0)
    with pytest.raises(DataError, match="Labels unseen in training: \\['meh'\\]"):
        clf.evaluate(texts[:2], ["pos", "meh"])


def test_make_sentiment_is_balanced():
    _, labels = make_sentiment(10)
    assert labels.count("pos") == labels.count("neg") == 5


def test_pretrained_vocab_gives_unseen_test_words_their_vectors(tmp_path, sentiment):
    from embedlab.vectors import Vectors

    texts, labels = sentiment
    rng = np.random.default_rng(0)
    words = ["marvellous", "atrocious", "good", "bad", "the", "film"]
    vecs = Vectors(words, rng.normal(size=(len(words), 8)).astype(np.float32))
    clf = TextClassifier("cnn", mode="static", vectors=vecs, pretrained_vocab=3)
    clf.fit(texts, labels, epochs=1, verbose=0)
    tok = clf.tokenizer
    assert "marvellous" in tok.word_index and "atrocious" in tok.word_index
    assert "bad" in tok.word_index  # a training word keeps its training id
    assert tok.word_index["marvellous"] == len(tok.word_counts) + 1
    weights = np.array(clf.keras_model.get_layer("embedding").get_weights()[0])
    np.testing.assert_array_equal(weights[tok.word_index["marvellous"]], vecs["marvellous"])
    assert clf.coverage.added_types == 2
    clf.save(tmp_path / "run")
    loaded = TextClassifier.load(tmp_path / "run")
    assert loaded.tokenizer.texts_to_sequences(["marvellous"]) == [[tok.word_index["marvellous"]]]
    np.testing.assert_allclose(
        loaded.predict_proba(["marvellous film"]), clf.predict_proba(["marvellous film"]), rtol=1e-6
    )


def test_static_mode_defaults_keep_every_vector_word_and_learn_a_projection(sentiment):
    """Mode static gives unseen vector words ids and reads its frozen rows through a ReLU layer."""
    from embedlab.classify.matrix import STATIC_PRETRAINED_VOCAB
    from embedlab.models.registry import STATIC_PROJECTION
    from embedlab.vectors import Vectors

    texts, labels = sentiment
    words = ["marvellous", "atrocious", "good", "bad", "the", "film"]
    vecs = Vectors(words, np.random.default_rng(0).normal(size=(6, 8)).astype(np.float32))
    fit = {"epochs": 1, "verbose": 0}
    static = TextClassifier("cnn", mode="static", vectors=vecs).fit(texts, labels, **fit)
    assert STATIC_PRETRAINED_VOCAB >= len(words)
    assert {"marvellous", "atrocious"} <= static.tokenizer.word_index.keys()
    assert static.config.projection == STATIC_PROJECTION
    assert static.keras_model.get_layer("projection").units == STATIC_PROJECTION
    assert static.keras_model.get_layer("embedding").trainable is False

    for clf in (
        TextClassifier("cnn", mode="nonstatic", vectors=vecs),
        TextClassifier("cnn", mode="static", vectors=vecs, pretrained_vocab=0, projection=0),
        TextClassifier("cnn", mode="static", vectors=vecs, num_words=30, projection=0),
    ):
        clf.fit(texts, labels, **fit)
        assert "marvellous" not in clf.tokenizer.word_index
        assert clf.config.projection == 0
        assert "projection" not in [layer.name for layer in clf.keras_model.layers]


@pytest.mark.slow
def test_multi_label_learns_label_sets_and_survives_save_load(tmp_path):
    from sklearn.metrics import f1_score, hamming_loss
    from sklearn.preprocessing import MultiLabelBinarizer

    from conftest import make_topics

    texts, labels = make_topics(400, seed=0)
    clf = TextClassifier("average", embedding_dim=16, learning_rate=0.05, seed=0)
    clf.fit(texts[80:], labels[80:], epochs=5, verbose=0)  # lists: multi-label by default
    assert clf.config.multi_label and clf.labels == ["food", "music", "sport"]
    assert clf.multi_label is None  # the argument as given; fit decided from the lists
    proba = clf.predict_proba(texts[:80])
    assert proba.shape == (80, 3) and not np.allclose(proba.sum(axis=1), 1.0)
    predicted = clf.predict(texts[:80])
    assert predicted == [[clf.labels[j] for j in np.flatnonzero(row >= 0.5)] for row in proba]
    assert clf.predict(["goal team guitar song", "the day of it"]) == [["music", "sport"], []]

    metrics = clf.evaluate(texts[:80], labels[:80])
    binarizer = MultiLabelBinarizer(classes=clf.labels)
    truth, pred = binarizer.fit_transform(labels[:80]), binarizer.transform(predicted)
    assert metrics["micro_f1"] == pytest.approx(f1_score(truth, pred, average="micro"))
    assert metrics["macro_f1"] == pytest.approx(f1_score(truth, pred, average="macro"))
    assert metrics["hamming_loss"] == pytest.approx(hamming_loss(truth, pred))
    assert metrics["micro_f1"] >= 0.85

    strict = clf.predict(texts[:80], threshold=0.99)
    assert sum(map(len, strict)) < sum(map(len, predicted))
    clf.threshold = 0.3
    clf.save(tmp_path / "run")
    loaded = TextClassifier.load(tmp_path / "run")
    assert loaded.threshold == 0.3 and loaded.config.multi_label
    np.testing.assert_allclose(loaded.predict_proba(texts[:20]), proba[:20], rtol=1e-5, atol=1e-6)
    assert loaded.predict(texts[:20]) == clf.predict(texts[:20], threshold=0.3)


def test_multi_label_options_are_checked(sentiment):
    texts, labels = sentiment
    lists = [[label] for label in labels]
    with pytest.raises(DataError, match="multi_label=False"):
        TextClassifier("average", multi_label=False).fit(texts, lists, epochs=1, verbose=0)
    with pytest.raises(ModelConfigError, match="single-label"):
        TextClassifier("average").fit(texts, lists, epochs=1, class_weight="balanced")
    with pytest.raises(ModelConfigError, match=r"`threshold` must be in \(0, 1\)"):
        TextClassifier("average", threshold=1.5)
    clf = TextClassifier("average", embedding_dim=4).fit(texts, labels, epochs=1, verbose=0)
    with pytest.raises(DataError, match="trained with one label per text"):
        clf.evaluate(texts[:2], [["pos"], ["neg"]])
    with pytest.raises(ModelConfigError, match="applies to multi-label"):
        clf.predict(texts[:2], threshold=0.3)


def test_embedding_scale_reaches_the_model_and_survives_save_and_load(tmp_path, sentiment):
    texts, labels = sentiment
    clf = TextClassifier("cnn", embedding_dim=8, embedding_scale=0.25, seed=0)
    clf.fit(texts, labels, epochs=1, verbose=0)
    weights = clf.keras_model.get_layer("embedding").get_weights()[0]
    assert np.abs(weights).max() > 0.2  # U[-0.25, 0.25], not Keras' U[-0.05, 0.05]
    clf.save(tmp_path / "run")
    assert TextClassifier.load(tmp_path / "run").embedding_scale == 0.25
    with pytest.raises(ModelConfigError, match="mode 'rand'"):
        TextClassifier("cnn", mode="static", vectors="glove-6B-50d", embedding_scale=0.25)


def test_naive_bayes_wide_fills_its_ratios_at_fit_and_saves_them(tmp_path):
    texts = ["a fine warm film", "a dull cold mess", "warm and fine", "cold dull film"] * 10
    labels = ["pos", "neg", "pos", "neg"] * 10
    clf = TextClassifier("wide", naive_bayes=True, ngram_buckets=101, learning_rate=0.05, seed=0)
    clf.fit(texts, labels, epochs=5, verbose=0)
    assert clf.config.naive_bayes and clf.config.units == 1  # one logit unless told
    scale = np.asarray(clf.keras_model.get_layer("ngram_linear").scale)
    fine = clf.tokenizer.word_index["fine"] % 101
    dull = clf.tokenizer.word_index["dull"] % 101
    assert scale[fine] > 0 > scale[dull]  # "pos" is class 1 (labels sorted)
    assert clf.evaluate(texts, labels)["accuracy"] == 1.0
    clf.save(tmp_path / "model")
    loaded = TextClassifier.load(tmp_path / "model")
    assert loaded.config.naive_bayes
    np.testing.assert_allclose(loaded.predict_proba(texts), clf.predict_proba(texts), rtol=1e-6)


def test_naive_bayes_is_refused_off_wide_and_where_a_class_has_no_column():
    with pytest.raises(
        ModelConfigError, match=r"`naive_bayes` .* declare it \(wide, wide_average\)"
    ):
        TextClassifier("ngrams", naive_bayes=True)
    clf = TextClassifier("wide", naive_bayes=True, units=1, ngram_buckets=50)
    with pytest.raises(ModelConfigError, match="a column per class"):
        clf.fit(["a b", "c d", "e f"] * 3, ["x", "y", "z"] * 3, epochs=1, verbose=0)


def test_naive_bayes_wide_of_several_classes_fills_one_column_per_class():
    texts = ["warm fine sun", "cold dull rain", "fast loud car"] * 20
    labels = ["sun", "rain", "car"] * 20
    clf = TextClassifier("wide", naive_bayes=True, ngram_buckets=211, seed=0)
    clf.fit(texts, labels, epochs=5, verbose=0)
    scale = np.asarray(clf.keras_model.get_layer("ngram_linear").scale)
    assert scale.shape == (211, 8)  # the model's width: at least 8 columns
    column = {label: i for i, label in enumerate(clf.labels)}
    sun = clf.tokenizer.word_index["sun"] % 211
    assert scale[sun, column["sun"]] > 0 > scale[sun, column["car"]]
    assert (scale[:, 3:] == 1).all()  # columns past the classes: plain n-grams
    assert clf.evaluate(texts, labels)["accuracy"] == 1.0


def test_edge_padding_is_cnns_default_reaches_the_model_and_survives_save_and_load(
    tmp_path, sentiment
):
    texts, labels = sentiment
    clf = TextClassifier("cnn", embedding_dim=8, seed=0)  # Kim's padding by default
    clf.fit(texts, labels, epochs=1, verbose=0)
    assert clf.edge_padding is None and clf.config.edge_padding
    layer = clf.keras_model.get_layer("edge_padding")
    assert layer.output.shape[1] == clf.config.sequence_length + 2 * 4  # windows 3, 4, 5
    clf.save(tmp_path / "run")
    loaded = TextClassifier.load(tmp_path / "run")
    assert loaded.config.edge_padding
    np.testing.assert_allclose(
        loaded.predict_proba(texts[:10]), clf.predict_proba(texts[:10]), atol=1e-6
    )
    for plain in (
        TextClassifier("cnn", embedding_dim=8, seed=0, edge_padding=False),
        TextClassifier("cnn_ngrams", embedding_dim=8, seed=0, ngram_buckets=50),
    ):
        plain.fit(texts[:40], labels[:40], epochs=1, verbose=0)
        assert not plain.config.edge_padding
        assert "edge_padding" not in [layer.name for layer in plain.keras_model.layers]
    with pytest.raises(ModelConfigError, match="`edge_padding` pads the convolutions"):
        TextClassifier("bilstm", edge_padding=True)


def test_average_and_wide_train_with_their_own_adam_rate_unless_one_is_given(sentiment):
    texts, labels = sentiment

    def rate(**options):
        clf = TextClassifier(embedding_dim=8, seed=0, **options)
        clf.fit(texts[:40], labels[:40], epochs=1, verbose=0)
        return float(clf.keras_model.optimizer.learning_rate)

    assert rate(model="average") == pytest.approx(3e-3)  # still learning after 10 epochs at 1e-3
    assert rate(model="average", learning_rate=0.02) == pytest.approx(0.02)
    assert rate(model="average", optimizer="sgd") == pytest.approx(0.01)  # SGD's own default
    assert rate(model="lstm") == pytest.approx(1e-3)  # Adam's default
    assert rate(model="wide", ngram_buckets=64) == pytest.approx(0.01)  # a one-unit table
