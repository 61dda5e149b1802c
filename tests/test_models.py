"""Models by name: shapes, modes (static frozen, nonstatic trained), masking, saving."""

import dataclasses
import json
import zipfile

import numpy as np
import pytest

from embedlab.errors import ModelConfigError
from embedlab.models.registry import STATIC_PROJECTION, ModelConfig, build_model, model_names

keras = pytest.importorskip("keras")

VOCAB, DIM, LEN = 40, 8, 12


SIZES = {"vocab_size": VOCAB, "embedding_dim": DIM, "sequence_length": LEN}


def config(model: str, mode: str = "rand", n_classes: int = 2, **kw) -> ModelConfig:
    return ModelConfig(
        model=model,
        mode=mode,
        **SIZES,
        n_classes=n_classes,
        units=6,
        **({"num_filters": 4} if model.startswith("cnn") else {}),
        **kw,
    )


def matrix(seed: int = 0) -> np.ndarray:
    m = np.random.default_rng(seed).normal(size=(VOCAB, DIM)).astype(np.float32)
    m[0] = 0
    return m


def ids(n: int = 16, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).integers(1, VOCAB, size=(n, LEN)).astype(np.int32)
    x[:, 8:] = 0  # post padding
    return x


def test_registry_has_the_issue_models():
    assert {"flatten", "lstm", "gru", "bilstm", "bigru", "cnn", "average"} <= set(model_names())


@pytest.mark.parametrize("name", ["flatten", "average", "lstm", "gru", "bilstm", "bigru", "cnn"])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_every_model_builds_binary_and_multiclass(name, n_classes):
    model = build_model(config(name, n_classes=n_classes))
    out = np.asarray(model.predict(ids(), verbose=0))
    if n_classes == 2:
        assert out.shape == (16, 1) and ((out > 0) & (out < 1)).all()
        assert model.layers[-1].get_config()["activation"] == "sigmoid"
    else:
        assert out.shape == (16, 3)
        np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-5)
        assert model.layers[-1].get_config()["activation"] == "softmax"


def embedding_weights(model, name="embedding"):
    return np.array(model.get_layer(name).get_weights()[0])


def train_briefly(model, n_classes=2):
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
    y = np.random.default_rng(1).integers(0, 2, size=(16, 1)).astype("float32")
    model.fit(ids(), y, epochs=2, verbose=0)


def test_static_embeddings_are_unchanged_by_fit_and_nonstatic_ones_change():
    m = matrix()
    static = build_model(config("cnn", "static"), m)
    np.testing.assert_array_equal(embedding_weights(static), m)
    train_briefly(static)
    np.testing.assert_array_equal(embedding_weights(static), m)

    nonstatic = build_model(config("cnn", "nonstatic"), m)
    np.testing.assert_array_equal(embedding_weights(nonstatic), m)
    train_briefly(nonstatic)
    assert not np.allclose(embedding_weights(nonstatic), m)


def test_multichannel_keeps_one_channel_frozen_and_tunes_the_other():
    m = matrix()
    model = build_model(config("cnn", "multichannel"), m)
    train_briefly(model)
    np.testing.assert_array_equal(embedding_weights(model, "embedding_static"), m)
    assert not np.allclose(embedding_weights(model, "embedding_nonstatic"), m)


def test_pretrained_mode_needs_a_matrix_of_the_right_shape():
    with pytest.raises(ModelConfigError, match="needs pretrained vectors"):
        build_model(config("cnn", "static"))
    with pytest.raises(ModelConfigError, match=r"shape \(40, 8\)"):
        build_model(config("cnn", "static"), np.zeros((VOCAB - 1, DIM), np.float32))
    with pytest.raises(ModelConfigError, match="takes no `embedding_matrix`"):
        build_model(config("cnn", "rand"), matrix())


def test_unknown_model_and_mode_name_the_choices():
    with pytest.raises(ModelConfigError, match="Choose one of: .*cnn"):
        config("transformer")
    with pytest.raises(ModelConfigError, match="rand, static, nonstatic, multichannel"):
        config("cnn", mode="frozen")
    with pytest.raises(ModelConfigError, match="vocab_size"):
        ModelConfig(
            model="cnn", mode="rand", vocab_size=0, embedding_dim=4, sequence_length=5, n_classes=2
        )


@pytest.mark.parametrize("name", ["lstm", "gru", "bilstm", "bigru", "average"])
def test_padding_is_masked_in_recurrent_and_average_models(name):
    """Changing the padding row's vector must not change the prediction."""
    model = build_model(config(name, "nonstatic"), matrix())
    before = np.asarray(model.predict(ids(), verbose=0))
    layer = model.get_layer("embedding")
    w = np.array(layer.get_weights()[0])
    w[0] = 5.0
    layer.set_weights([w])
    after = np.asarray(model.predict(ids(), verbose=0))
    np.testing.assert_allclose(before, after, rtol=1e-5, atol=1e-6)


def defaults(model: str, mode: str, **kw) -> ModelConfig:
    return ModelConfig.with_defaults(model=model, mode=mode, **SIZES, n_classes=2, **kw)


def test_static_mode_learns_a_projection_over_its_frozen_vectors_by_default():
    for name in ("cnn", "average", "lstm", "bigru", "wide_average"):
        assert defaults(name, "static").projection == STATIC_PROJECTION
        for mode in ("rand", "nonstatic", "multichannel"):
            assert defaults(name, mode).projection == 0
    # the seeds' model stays the seeds'; the n-gram tables are as wide as the words
    for name in ("flatten", "ngrams", "cnn_ngrams"):
        assert defaults(name, "static").projection == 0
    assert defaults("cnn", "static", projection=0).projection == 0
    assert defaults("cnn", "rand", projection=7).projection == 7

    model = build_model(config("cnn", "static", projection=5), matrix())
    projection = model.get_layer("projection")
    assert projection.units == 5 and projection.activation.__name__ == "relu"
    before = np.array(projection.get_weights()[0])
    train_briefly(model)
    np.testing.assert_array_equal(embedding_weights(model), matrix())  # still frozen
    assert not np.allclose(projection.get_weights()[0], before)  # learned
    assert model.get_layer("conv_3").input.shape[-1] == 5  # the windows read the projection
    assert "projection" not in [layer.name for layer in build_model(config("cnn")).layers]


@pytest.mark.parametrize("name", ["average", "lstm"])
def test_padding_stays_masked_through_the_projection(name):
    model = build_model(config(name, "static", projection=5), matrix())
    before = np.asarray(model.predict(ids(), verbose=0))
    m = matrix()
    m[0] = 5.0
    model.get_layer("embedding").set_weights([m])
    after = np.asarray(model.predict(ids(), verbose=0))
    np.testing.assert_allclose(before, after, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("value", [-1, True, 2.5])
def test_projection_must_be_a_non_negative_integer(value):
    with pytest.raises(ModelConfigError, match="`projection` must be a non-negative integer"):
        config("cnn", "static", projection=value)


def test_flatten_is_the_seeds_model():
    model = build_model(
        ModelConfig.with_defaults(
            model="flatten",
            mode="rand",
            vocab_size=VOCAB,
            embedding_dim=4,
            sequence_length=4,
            n_classes=2,
        )
    )
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["InputLayer", "Embedding", "Flatten", "Dense"]


def test_average_reads_the_mean_without_dropout_unless_asked():
    def built(**given):
        return build_model(
            ModelConfig.with_defaults(model="average", mode="rand", **SIZES, n_classes=2, **given)
        )

    kinds = [type(layer).__name__ for layer in built().layers]
    assert kinds == ["InputLayer", "Embedding", "MaskedMean", "Dense"]
    assert built(dropout=0.3).get_layer("dropout").rate == 0.3


def test_stacked_rnn_returns_sequences_on_all_but_the_last():
    model = build_model(config("lstm", layers=3))
    lstms = [layer for layer in model.layers if type(layer).__name__ == "LSTM"]
    assert [layer.return_sequences for layer in lstms] == [True, True, False]
    bi = build_model(config("bigru", layers=2))
    wrapped = [
        layer.forward_layer for layer in bi.layers if type(layer).__name__ == "Bidirectional"
    ]
    assert [layer.return_sequences for layer in wrapped] == [True, False]


def test_cnn_is_kims_architecture():
    model = build_model(
        ModelConfig.with_defaults(
            model="cnn",
            mode="rand",
            vocab_size=VOCAB,
            embedding_dim=DIM,
            sequence_length=LEN,
            n_classes=2,
        )
    )
    convs = [layer for layer in model.layers if type(layer).__name__ == "Conv1D"]
    assert [layer.kernel_size[0] for layer in convs] == [3, 4, 5]
    assert all(
        layer.filters == 100 and layer.get_config()["activation"] == "relu" for layer in convs
    )
    assert sum(type(layer).__name__ == "GlobalMaxPooling1D" for layer in model.layers) == 3
    assert model.get_layer("dropout").rate == 0.5
    constraint = model.get_layer("output").kernel_constraint
    assert type(constraint).__name__ == "MaxNorm" and constraint.max_value == 3.0


def test_cnn_window_longer_than_sequence_is_a_clear_error():
    with pytest.raises(ModelConfigError, match="window 5 is longer than the sequence length 4"):
        build_model(dataclasses.replace(config("cnn"), sequence_length=4))


def test_pretrained_matrix_is_saved_as_weights_not_config(tmp_path):
    big = np.random.default_rng(0).normal(size=(5000, 50)).astype(np.float32)
    model = build_model(
        ModelConfig(
            model="cnn",
            mode="static",
            vocab_size=5000,
            embedding_dim=50,
            sequence_length=20,
            n_classes=2,
        ),
        big,
    )
    path = tmp_path / "m.keras"
    model.save(path)
    with zipfile.ZipFile(path) as z:
        config_json = z.read("config.json")
    assert len(config_json) < 50_000  # the 1 MB matrix is not in the config
    assert "Constant" not in json.dumps(json.loads(config_json))
    loaded = keras.saving.load_model(path, compile=False)
    np.testing.assert_array_equal(embedding_weights(loaded), big)


def test_rand_embedding_scale_sets_the_initial_range():
    keras.utils.set_random_seed(0)
    default = build_model(config("cnn")).get_layer("embedding").get_weights()[0]
    kim = build_model(config("cnn", embedding_scale=0.25)).get_layer("embedding").get_weights()[0]
    assert np.abs(default).max() <= 0.05
    assert 0.2 < np.abs(kim).max() <= 0.25  # Kim 2014's U[-0.25, 0.25]
    saved = config("cnn", embedding_scale=0.25).to_dict()
    assert ModelConfig.from_dict(saved).embedding_scale == 0.25
    for bad in (0, -0.1, True, "0.25"):
        with pytest.raises(ModelConfigError, match="`embedding_scale` must be a positive number"):
            config("cnn", embedding_scale=bad)


def test_naive_bayes_is_a_wide_models_option_for_one_label_per_text():
    assert build_model(config("wide", naive_bayes=True)).get_layer("ngram_linear").naive_bayes
    with pytest.raises(ModelConfigError, match="model 'cnn' has no such features"):
        config("cnn", naive_bayes=True)
    # several classes: a scale per bucket and column (one-vs-rest ratios)
    three = build_model(config("wide", n_classes=3, ngram_buckets=64, naive_bayes=True))
    assert tuple(three.get_layer("ngram_linear").scale.shape) == (64, 6)  # 6 units
    with pytest.raises(ModelConfigError, match="a column per class"):
        config("wide", n_classes=7, naive_bayes=True)
    with pytest.raises(ModelConfigError, match="one label per text"):
        config("wide", n_classes=3, multi_label=True, naive_bayes=True)


def test_wide_average_adds_the_mean_word_vector_to_the_wide_logit():
    model = build_model(config("wide_average", mode="nonstatic"), matrix())
    assert model.get_layer("wide_deep").output.shape == (None, 6 + DIM)  # units + dim
    x = ids()
    average = matrix()[x].sum(axis=1) / (x > 0).sum(axis=1, keepdims=True)
    features = keras.Model(model.input, model.get_layer("wide_deep").output)(x)
    np.testing.assert_allclose(np.asarray(features)[:, 6:], average, rtol=1e-5)


@pytest.mark.parametrize(
    "model, n_classes, multi_label, width",
    [("wide", 2, False, 1), ("wide", 6, False, 8), ("wide_average", 20, False, 20)]
    + [("wide", 2, True, 8)],
)
def test_the_wide_tables_are_as_wide_as_the_labels_need(model, n_classes, multi_label, width):
    # one logit for two classes, as logistic regression; otherwise a column per
    # class: Adam updates every column at each step, and 100 whatever the
    # classes made `wide` 16 (TREC) to 70 (MR) times slower to train for no accuracy
    def built(**given):
        return ModelConfig.with_defaults(
            model=model,
            mode="rand",
            **SIZES,
            n_classes=n_classes,
            multi_label=multi_label,
            ngram_buckets=64,
            **given,
        )

    table = build_model(built()).get_layer("ngram_linear")
    assert [tuple(w.shape) for w in table.weights if len(w.shape) == 2] == [(64, width)]
    assert built(units=3).units == 3  # a given width wins
    assert ModelConfig.with_defaults(model="lstm", mode="rand", **SIZES, n_classes=2).units == 100


@pytest.mark.parametrize("edge_padding, windows", [(False, 1), (True, None)])
def test_edge_padding_puts_the_first_word_in_h_windows(edge_padding, windows):
    # Kim 2014 (CNN_sentence's get_idx_from_sent) pads h_max - 1 zero rows at
    # both ends; without that, the first word of a post-padded text is in one
    # window per size only
    sizes = (2, 3, 5)
    model = build_model(config("cnn", filter_sizes=sizes, edge_padding=edge_padding))
    rng = np.random.default_rng(0)
    # positive embeddings and kernels, zero biases: the ReLU passes everything,
    # so a window's output changes exactly when a word in it changes
    model.get_layer("embedding").set_weights([rng.uniform(0.1, 1.0, (VOCAB, DIM))])
    for h in sizes:
        kernel, bias = model.get_layer(f"conv_{h}").get_weights()
        model.get_layer(f"conv_{h}").set_weights(
            [rng.uniform(0.1, 1.0, kernel.shape), np.zeros_like(bias)]
        )
    convs = keras.Model(model.input, [model.get_layer(f"conv_{h}").output for h in sizes])
    x = ids(1)
    other = x.copy()
    other[0, 0] = x[0, 0] % (VOCAB - 1) + 1  # another word first, the rest the same
    pad = max(sizes) - 1 if edge_padding else 0
    outputs = convs.predict(x, verbose=0), convs.predict(other, verbose=0)
    for h, a, b in zip(sizes, *outputs, strict=True):
        assert a.shape == (1, LEN + 2 * pad - h + 1, 4)  # input length grows by 2 (h_max - 1)
        changed = np.flatnonzero(np.abs(a - b)[0].max(axis=-1) > 1e-6)
        assert len(changed) == (windows or h)
        if edge_padding:  # the first windows hold zero rows, then the first word
            assert changed.tolist() == list(range(pad - h + 1, pad + 1))
    if edge_padding:
        padded = keras.Model(model.input, model.get_layer("edge_padding").output).predict(
            x, verbose=0
        )[0]
        assert padded.shape == (LEN + 2 * pad, DIM)
        assert not padded[:pad].any() and not padded[-pad:].any()  # zero vectors at the edges
        assert padded[pad:-pad].all()


def test_edge_padding_config_round_trip_and_refusals():
    assert not config("cnn").edge_padding  # off by default: measured models unchanged
    saved = config("cnn_ngrams", edge_padding=True, ngram_buckets=50).to_dict()
    assert saved["edge_padding"] is True
    assert ModelConfig.from_dict(saved).edge_padding is True
    old = config("cnn").to_dict()
    del old["edge_padding"]  # a config saved before the option existed
    assert ModelConfig.from_dict(old).edge_padding is False
    build_model(ModelConfig.from_dict(saved))  # cnn_ngrams pads its CNN branch
    # Kim's padding makes even a one-word text long enough for window 5
    build_model(dataclasses.replace(config("cnn", edge_padding=True), sequence_length=1))
    for name in ("lstm", "average", "ngrams", "flatten"):
        with pytest.raises(ModelConfigError, match="`edge_padding` pads the convolutions"):
            config(name, edge_padding=True)
    with pytest.raises(ModelConfigError, match="`edge_padding` must be True or False"):
        config("cnn", edge_padding=1)


def test_a_registered_model_declares_its_options_minimum_length_and_fit_step(sentiment):
    """A new model is one registration: TextClassifier follows what it declares."""
    from embedlab.classify.classifier import TextClassifier
    from embedlab.models import registry

    seen = []

    def adapt(model, config, x, y):
        seen.append((model.name, config.sequence_length, x.shape, y.shape))

    @registry.register_model(
        "maxpool_test",
        masking=False,
        description="max over time",
        options=("edge_padding",),
        min_length=30,
        adapt=adapt,
    )
    def _maxpool(x, config):
        return keras.layers.GlobalMaxPooling1D()(x)

    try:
        assert "maxpool_test" in registry.models_with_option("edge_padding")
        texts, labels = sentiment
        clf = TextClassifier("maxpool_test", embedding_dim=4, edge_padding=True)
        clf.fit(texts[:40], labels[:40], epochs=1, verbose=0)
        assert clf.config.sequence_length == 30  # the texts are shorter: raised to min_length
        assert seen == [("maxpool_test_rand", 30, (40, 30), (40,))]
        with pytest.raises(ModelConfigError, match=r"\(cnn, cnn_ngrams, maxpool_test\)"):
            TextClassifier("bilstm", edge_padding=True)
        with pytest.raises(ModelConfigError, match="model 'maxpool_test' has no n-gram table"):
            TextClassifier("maxpool_test", ngrams=3)
    finally:
        registry._REGISTRY.pop("maxpool_test")
    with pytest.raises(ModelConfigError, match="declares unknown options \\['colour'\\]"):
        registry.register_model("x", masking=False, description="x", options=("colour",))


@pytest.mark.parametrize("shape", [(50, 2), (3, 50, 100), (5, 8, 6), (7,)])
def test_numpy_glorot_limit_is_keras_limit(shape):
    from keras.src.initializers.random_initializers import compute_fans

    from embedlab.models.initializers import glorot_limit

    fan_in, fan_out = compute_fans(shape)
    assert glorot_limit(shape) == pytest.approx(np.sqrt(6.0 / (fan_in + fan_out)))


def test_numpy_initializers_draw_keras_distributions_repeatably():
    import keras

    from embedlab.models import initializers

    keras.utils.set_random_seed(5)
    kernel = np.asarray(initializers.glorot_uniform()((3, 50, 100)))
    table = np.asarray(initializers.uniform(-0.25, 0.25)((400, 50)))
    limit = np.sqrt(6.0 / (3 * 50 + 3 * 100))
    assert np.abs(kernel).max() <= limit
    assert kernel.std() == pytest.approx(limit / np.sqrt(3), rel=0.02)  # U[-a, a]: a / sqrt(3)
    assert table.min() >= -0.25 and table.max() <= 0.25 and abs(table.mean()) < 0.01
    keras.utils.set_random_seed(5)
    np.testing.assert_array_equal(np.asarray(initializers.glorot_uniform()((3, 50, 100))), kernel)
