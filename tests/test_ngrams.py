"""The hashed n-gram bag: the mean it computes, word order it sees, saving."""

import numpy as np
import pytest

from embedlab.classify.classifier import TextClassifier
from embedlab.models.ngrams import (
    HASH_VERSION,
    LEGACY_HASH,
    PRIME,
    hashed_ngram_codes,
    linear_layer_class,
    ngram_layer_class,
)
from embedlab.models.registry import ModelConfig, build_model

keras = pytest.importorskip("keras")


def mix32(code: int) -> int:
    """The 32-bit finalizer on an unsigned Python int (two rounds of xor-shift, multiply)."""
    u = code & 0xFFFFFFFF
    for _ in range(2):
        u = ((u >> 16) ^ u) * 0x45D9F3B & 0xFFFFFFFF
    u = (u >> 16) ^ u
    return u - 2**32 if u >= 2**31 else u  # as a signed int32


def reference_buckets(
    row: np.ndarray, n: int, buckets: int, hash_version: int = HASH_VERSION
) -> list[int]:
    """Bucket of each n-gram of `row` with no padding id, in wrapping int32 arithmetic."""
    out = []
    for i in range(len(row) - n + 1):
        window = row[i : i + n]
        if (window > 0).all():
            code = np.int32(window[0])
            with np.errstate(over="ignore"):
                for t in window[1:]:
                    code = np.int32(code * np.int32(PRIME) + np.int32(t))
            mixed = int(code) if n == 1 or hash_version == LEGACY_HASH else mix32(int(code))
            out.append(mixed % buckets)
    return out


def reference_bag(ids: np.ndarray, embedded: np.ndarray, table: np.ndarray, max_n: int):
    """The mean of unigram and n-gram rows, written out with Python loops."""
    out = np.zeros((ids.shape[0], embedded.shape[2]), dtype=np.float64)
    for b, row in enumerate(ids):
        vectors = [embedded[b, i] for i, t in enumerate(row) if t > 0]
        for n in range(2, max_n + 1):
            vectors += [table[k] for k in reference_buckets(row, n, table.shape[0])]
        out[b] = np.mean(vectors, axis=0)
    return out


def test_linear_is_the_sqrt_normalised_sum_of_ngram_rows():
    rng = np.random.default_rng(1)
    ids = rng.integers(1, 5000, size=(3, 7)).astype(np.int32)
    ids[0, 4:] = 0
    layer = linear_layer_class()(buckets=11, units=2, max_n=3)
    layer.build(ids.shape)
    table = rng.normal(size=(11, 2)).astype(np.float32)
    layer.table.assign(table)
    out = np.asarray(layer(ids))
    for b, row in enumerate(ids):
        rows = [k for n in (1, 2, 3) for k in reference_buckets(row, n, 11)]
        expected = table[rows].sum(axis=0) / np.sqrt(len(rows))
        np.testing.assert_allclose(out[b], expected, rtol=1e-5)


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
    expected = reference_bag(ids, embedded, table, max_n)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)  # float32 sums of 9 terms
    np.testing.assert_allclose(out[1], embedded[1, 0], rtol=1e-6)


@pytest.mark.slow
def test_ngrams_models_learn_word_order_the_average_model_cannot():
    # the same two words in both classes; only their order tells the label
    texts = ["good not", "not good"] * 60
    labels = ["pos", "neg"] * 60
    scores = {}
    for model in ("average", "ngrams", "wide"):
        clf = TextClassifier(model, embedding_dim=8, units=4, learning_rate=0.05, seed=1)
        clf.fit(texts, labels, epochs=15, verbose=0)
        scores[model] = clf.evaluate(texts, labels)["accuracy"]
    assert scores == {"average": 0.5, "ngrams": 1.0, "wide": 1.0}


@pytest.mark.slow
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


def test_ngram_options_are_refused_for_models_without_an_ngram_table():
    from embedlab.classify.classifier import TextClassifier
    from embedlab.errors import ModelConfigError

    with pytest.raises(ModelConfigError, match="model 'cnn' has no n-gram table"):
        TextClassifier("cnn", ngram_buckets=1000)
    with pytest.raises(ModelConfigError, match="ngrams, cnn_ngrams, wide"):
        TextClassifier("bilstm", ngrams=3)
    assert TextClassifier("wide", ngram_buckets=1000, ngrams=3).ngrams == 3


def test_naive_bayes_ratios_are_smoothed_log_count_ratios_of_binarised_counts():
    from embedlab.models.ngrams import naive_bayes_ratios

    buckets = 10_007
    # word 1 twice in one positive text counts once; 0 is padding
    ids = np.array([[1, 1, 2, 0], [2, 3, 0, 0], [3, 0, 0, 0]], dtype=np.int32)
    y = np.array([1, 0, 0])
    r = naive_bayes_ratios(ids, y, buckets, max_n=2)
    pos = {1: 1, 2: 1, reference_buckets(ids[0], 2, buckets)[0]: 1}  # "1 1" and "1 2"
    pos[reference_buckets(ids[0], 2, buckets)[1]] = 1
    neg = {2: 1, 3: 2, reference_buckets(ids[1], 2, buckets)[0]: 1}
    p = np.ones(buckets)
    q = np.ones(buckets)
    for k, v in pos.items():
        p[k] += v
    for k, v in neg.items():
        q[k] += v
    expected = np.log((p / p.sum()) / (q / q.sum()))
    np.testing.assert_allclose(r, expected, rtol=1e-5)
    assert r[1] > 0 > r[3]  # word 1 only in positive texts, word 3 only in negative ones
    with pytest.raises(ValueError, match="class index below 2"):
        naive_bayes_ratios(ids, np.array([0, 1, 2]), buckets, max_n=2)


def test_naive_bayes_ratios_of_several_classes_are_each_class_against_the_rest():
    from embedlab.models.ngrams import naive_bayes_ratios

    rng = np.random.default_rng(3)
    ids = rng.integers(0, 40, size=(60, 7)).astype(np.int32)  # 0 is padding
    y = rng.integers(0, 4, size=60)
    r = naive_bayes_ratios(ids, y, 97, max_n=2, n_classes=4)
    assert r.shape == (97, 4)
    for c in range(4):  # one-vs-rest: the two-class ratios of "class c" against "the others"
        binary = naive_bayes_ratios(ids, (y == c).astype(int), 97, max_n=2)
        np.testing.assert_allclose(r[:, c], binary, rtol=1e-5)


def test_naive_bayes_linear_of_several_classes_scales_each_column_by_its_own_ratio():
    rng = np.random.default_rng(4)
    ids = rng.integers(1, 5000, size=(2, 6)).astype(np.int32)
    layer = linear_layer_class()(buckets=13, units=3, max_n=2, naive_bayes=True, per_class=True)
    layer.build(ids.shape)
    table = rng.normal(size=(13, 3)).astype(np.float32)
    scale = rng.normal(size=(13, 3)).astype(np.float32)
    layer.table.assign(table)
    layer.scale.assign(scale)
    out = np.asarray(layer(ids))
    for b, row in enumerate(ids):
        rows = [k for n in (1, 2) for k in reference_buckets(row, n, 13)]
        expected = (scale[rows] * table[rows]).sum(axis=0) / np.sqrt(len(rows))
        np.testing.assert_allclose(out[b], expected, rtol=1e-5)
    assert linear_layer_class().from_config(layer.get_config()).per_class


def test_naive_bayes_linear_scales_each_ngram_row_by_its_fixed_ratio():
    rng = np.random.default_rng(2)
    ids = rng.integers(1, 5000, size=(2, 6)).astype(np.int32)
    layer = linear_layer_class()(buckets=13, units=1, max_n=2, naive_bayes=True)
    layer.build(ids.shape)
    table = rng.normal(size=(13, 1)).astype(np.float32)
    scale = rng.normal(size=(13,)).astype(np.float32)
    layer.table.assign(table)
    layer.scale.assign(scale)
    assert [w.name for w in layer.non_trainable_weights] == ["nb_scale"]
    out = np.asarray(layer(ids))
    for b, row in enumerate(ids):
        rows = [k for n in (1, 2) for k in reference_buckets(row, n, 13)]
        expected = (scale[rows, None] * table[rows]).sum(axis=0) / np.sqrt(len(rows))
        np.testing.assert_allclose(out[b], expected, rtol=1e-5)


# ------------------------------------------------------ character n-grams
def reference_fasttext_hash(text: str) -> int:
    """fastText's Dictionary::hash (dictionary.cc): FNV-1a over int8-sign-extended bytes."""
    h = 2166136261
    for byte in text.encode("utf-8"):
        signed = byte - 256 if byte > 127 else byte
        h = ((h ^ (signed & 0xFFFFFFFF)) * 16777619) & 0xFFFFFFFF
    return h


def reference_char_buckets(word: str, minn: int, maxn: int, buckets: int) -> list[int]:
    """Buckets of the character n-grams of "<word>", in fastText's order (computeSubwords)."""
    wrapped = "<" + word + ">"
    out = []
    for i in range(len(wrapped)):
        for n in range(minn, maxn + 1):
            gram = wrapped[i : i + n]
            if len(gram) < n or (n == 1 and gram in "<>"):
                continue
            out.append(reference_fasttext_hash(gram) % buckets)
    return out


def test_char_ngram_table_holds_fasttexts_subword_buckets_per_word_id():
    from embedlab.models.ngrams import char_ngram_table

    words = ["영화", "ㅋㅋ", "a", "film"]
    table = char_ngram_table(words, 1009, (1, 3))
    assert table.dtype == np.int32 and (table[0] == -1).all()  # padding has none
    for word_id, word in enumerate(words, start=1):
        expected = reference_char_buckets(word, 1, 3, 1009)
        row = table[word_id]
        assert list(row[row >= 0]) == expected
    narrow = char_ngram_table(words, 1009, (1, 3), width=2)
    np.testing.assert_array_equal(narrow, table[:, :2])


@pytest.mark.parametrize("bag", [False, True])
def test_char_ngrams_join_the_word_ngrams_in_both_layers(bag):
    from embedlab.models.ngrams import char_ngram_table

    words = ["good", "bad", "goodish", "x"]
    buckets, minn, maxn = 101, 2, 3
    chars = char_ngram_table(words, buckets, (minn, maxn))
    ids = np.array([[1, 3, 0, 0], [2, 4, 1, 0]], dtype=np.int32)
    rng = np.random.default_rng(3)
    embedded = rng.normal(size=(2, 4, 2)).astype(np.float32)
    options = {"vocab_size": len(words) + 1, "char_width": chars.shape[1]}
    if bag:
        layer = ngram_layer_class()(buckets=buckets, max_n=2, **options)
        layer.build([ids.shape, embedded.shape])
    else:
        layer = linear_layer_class()(buckets=buckets, units=2, max_n=2, **options)
        layer.build(ids.shape)
    table = rng.normal(size=(buckets, 2)).astype(np.float32)
    layer.table.assign(table)
    layer.char_table.assign(chars)
    assert not layer.char_table.trainable
    out = np.asarray(layer([ids, embedded]) if bag else layer(ids))
    for b, row in enumerate(ids):
        grams = reference_buckets(row, 2, buckets)
        if not bag:
            grams += reference_buckets(row, 1, buckets)
        grams += [k for t in row if t > 0 for k in reference_char_buckets(words[t - 1], 2, 3, 101)]
        rows = [table[k] for k in grams]
        if bag:
            rows += [embedded[b, i] for i, t in enumerate(row) if t > 0]
            expected = np.mean(rows, axis=0)
        else:
            expected = np.sum(rows, axis=0) / np.sqrt(len(rows))
        np.testing.assert_allclose(out[b], expected, rtol=1e-5, atol=1e-6)


def test_char_ngrams_options_are_checked():
    from embedlab.errors import ModelConfigError

    with pytest.raises(ModelConfigError, match="model 'cnn' has no n-gram table"):
        TextClassifier("cnn", char_ngrams=(2, 4))
    for bad in [(0, 3), (4, 2), (2,), "24"]:
        with pytest.raises(ModelConfigError, match="char_ngrams"):
            TextClassifier("wide", char_ngrams=bad)


@pytest.mark.slow
def test_wide_with_char_ngrams_saves_and_loads_with_the_same_predictions(tmp_path):
    texts = ["a fine warm film", "a dull cold mess", "warm and fine", "cold dull film"] * 10
    labels = ["pos", "neg", "pos", "neg"] * 10
    clf = TextClassifier("wide", units=1, naive_bayes=True, char_ngrams=(2, 4), ngram_buckets=97)
    clf.fit(texts, labels, epochs=2, verbose=0)
    assert clf.config is not None and clf.config.char_ngram_width > 0
    clf.save(tmp_path / "model")
    loaded = TextClassifier.load(tmp_path / "model")
    assert loaded.config == clf.config
    np.testing.assert_allclose(loaded.predict_proba(texts), clf.predict_proba(texts), rtol=1e-6)


@pytest.mark.parametrize("buckets", [100_000, 200_000, 2**18])
def test_ngrams_of_frequent_words_spread_over_a_table_of_any_size(buckets):
    """As many distinct buckets as uniform hashing would fill, whatever the table's size.

    Before the finalizer (`LEGACY_HASH`) the code was taken modulo the table:
    PRIME is 3 modulo 100,000 and 200,000, so the bigram (a, b) of small
    (frequent) ids fell in bucket 3a + b.
    """
    words = np.arange(1, 301, dtype=np.int32)
    ids = np.stack(np.meshgrid(words, words), -1).reshape(-1, 2)  # every bigram
    uniform = buckets * (1 - (1 - 1 / buckets) ** (len(words) + len(ids)))

    def filled(hash_version: int) -> int:
        codes = hashed_ngram_codes(ids, 2, buckets, hash_version=hash_version)
        return len(np.unique(np.concatenate([code[valid > 0] for code, valid in codes])))

    assert filled(HASH_VERSION) >= 0.98 * uniform
    if buckets % 2**18:  # a power of two spread the legacy codes too
        assert filled(LEGACY_HASH) < 0.1 * uniform


@pytest.mark.parametrize("kind", ["linear", "bag"])
def test_a_layer_saved_before_the_finalizer_loads_with_the_hash_it_learnt(kind):
    rng = np.random.default_rng(2)
    ids = rng.integers(1, 5000, size=(3, 6)).astype(np.int32)
    if kind == "linear":
        layer = linear_layer_class()(buckets=13, units=1, max_n=2)
    else:
        layer = ngram_layer_class()(buckets=13, max_n=2)
    config = layer.get_config()
    assert config["hash_version"] == HASH_VERSION
    del config["hash_version"]  # as saved before the finalizer
    old = type(layer).from_config(config)
    assert old.hash_version == LEGACY_HASH
    table = rng.normal(size=(13, 1)).astype(np.float32)
    embedded = np.zeros((3, 6, 1), dtype=np.float32)
    old.build(ids.shape if kind == "linear" else [ids.shape, embedded.shape])
    old.table.assign(table)
    out = np.asarray(old(ids) if kind == "linear" else old([ids, embedded]))[:, 0]
    orders = (1, 2) if kind == "linear" else (2,)
    for b, row in enumerate(ids):
        rows = [k for n in orders for k in reference_buckets(row, n, 13, LEGACY_HASH)]
        total = table[rows, 0].sum()
        expected = total / np.sqrt(len(rows)) if kind == "linear" else total / (6 + len(rows))
        np.testing.assert_allclose(out[b], expected, rtol=1e-5)
    with pytest.raises(ValueError, match="Unknown n-gram `hash_version` 3"):
        type(layer).from_config({**config, "hash_version": 3})(
            ids if kind == "linear" else [ids, embedded]
        )


def test_numpy_and_the_graph_hash_ngrams_alike():
    """The naive-Bayes counts (NumPy, at fit time) see the buckets the layers see."""
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 3_000_000, size=(16, 12)).astype(np.int32)  # products wrap in int32
    ids[:, 8:] = 0
    table = rng.integers(-1, 2**20, size=(3_000_000, 4)).astype(np.int32)
    in_numpy = hashed_ngram_codes(ids, 3, 2**20, char_table=table)
    in_graph = hashed_ngram_codes(
        keras.ops.convert_to_tensor(ids), 3, 2**20, char_table=keras.ops.convert_to_tensor(table)
    )
    assert len(in_numpy) == len(in_graph) == 4
    for (code, valid), (graph_code, graph_valid) in zip(in_numpy, in_graph, strict=True):
        assert isinstance(code, np.ndarray)
        np.testing.assert_array_equal(code, np.asarray(graph_code))
        np.testing.assert_array_equal(valid, np.asarray(graph_valid))
