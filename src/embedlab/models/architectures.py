"""The built-in model bodies, each registered by name in `embedlab.models.registry`.

Each builder takes the embedded sequence ``(batch, length, dim)`` and the
`ModelConfig` (and, with ``uses_ids=True``, the id input) and returns the
features fed to the output layer; its `register_model` call declares the
options, minimum length and fit-time step the model has. A new architecture
is one more function here (or anywhere, decorated the same way).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from embedlab._keras import import_keras
from embedlab.errors import ModelConfigError
from embedlab.models import initializers
from embedlab.models.registry import ModelConfig, register_model

KIM_FILTER_SIZES: tuple[int, ...] = (3, 4, 5)
NGRAM_LINEAR = "ngram_linear"  # the layer of the wide models that naive_bayes scales
LINEAR_MIN_UNITS = 8  # the narrowest table of the wide models for more than two classes


def _recurrent_stack(x: Any, config: ModelConfig, cell: str, bidirectional: bool) -> Any:
    keras = import_keras()
    layer_cls = keras.layers.LSTM if cell == "lstm" else keras.layers.GRU
    for i in range(config.layers):
        last = i == config.layers - 1
        layer = layer_cls(config.units, return_sequences=not last, name=f"{cell}_{i + 1}")
        if bidirectional:
            layer = keras.layers.Bidirectional(layer, name=f"bi{cell}_{i + 1}")
        x = layer(x)
    return x


@register_model(
    "flatten",
    masking=False,
    description="the seeds' Embedding -> Flatten -> Dense",
    defaults={"dropout": 0.0, "projection": 0},
)
def _flatten(x: Any, config: ModelConfig) -> Any:
    return import_keras().layers.Flatten(name="flatten")(x)


# Adam at 3e-3 for `average` (issue 14 item 5): at 1e-3 it was still learning
# after 10 epochs in every mode. Dev accuracy, seed 0, two dev splits each, with
# `compare`'s fit options, 1e-3 -> 3e-3: static MR 74.27 / 74.58 -> 74.38 /
# 75.10, SST-2 75.69 / 76.45 -> 77.29 / 76.59, TREC 64.95 / 66.79 -> 70.83 /
# 72.11; nonstatic MR 73.33 / 76.04 -> 76.56 / 78.65, SST-2 77.41 / 76.16 ->
# 79.70 / 78.76, TREC 70.64 / 74.86 -> 80.18 / 85.50; rand MR 77.60 / 78.13 ->
# 78.12 / 77.29, SST-2 79.70 / 77.17 -> 79.01 / 77.75, TREC 82.20 / 84.77 ->
# 83.30 / 85.50. At 1e-2, static was less steady (SST-2 77.52 / 74.42).
# No dropout on the mean (benchmarks/static_vs_rand.py, `compare`'s options, 2
# seeds x 2 dev splits), MR / SST-2 / TREC, dropout 0.5 -> 0: static 74.64 /
# 77.06 / 71.47 -> 74.82 / 76.82 / 74.22, rand 77.53 / 79.21 / 84.04 -> 77.76 /
# 78.65 / 84.22. The mean already smooths over the words; with frozen vectors
# the dropout kept the model from fitting (TREC, 10 epochs: 72.8% training
# accuracy with it, 82.0% without).
@register_model(
    "average",
    masking=True,
    description="bag of embeddings: masked mean -> Dense",
    defaults={"dropout": 0.0},
    learning_rate=3e-3,
)
def _average(x: Any, config: ModelConfig) -> Any:
    from embedlab.models.layers import masked_mean_class

    return masked_mean_class()(name="average")(x)  # the mean over no words is 0, not NaN


@register_model("lstm", masking=True, description="LSTM (`layers` stacks them)")
def _lstm(x: Any, config: ModelConfig) -> Any:
    return _recurrent_stack(x, config, "lstm", bidirectional=False)


@register_model("gru", masking=True, description="GRU (`layers` stacks them)")
def _gru(x: Any, config: ModelConfig) -> Any:
    return _recurrent_stack(x, config, "gru", bidirectional=False)


@register_model("bilstm", masking=True, description="bidirectional LSTM (`layers` stacks them)")
def _bilstm(x: Any, config: ModelConfig) -> Any:
    return _recurrent_stack(x, config, "lstm", bidirectional=True)


@register_model("bigru", masking=True, description="bidirectional GRU (`layers` stacks them)")
def _bigru(x: Any, config: ModelConfig) -> Any:
    return _recurrent_stack(x, config, "gru", bidirectional=True)


@register_model(
    "cnn",
    masking=False,
    description="Kim 2014: windows 3,4,5 x 100 maps, ReLU, max-over-time pooling, edge padding",
    # Kim's edge padding: better in each of 6 means below (benchmarks/static_vs_rand.py,
    # 2 seeds x 2 dev splits, `compare`'s options), MR / SST-2 / TREC: rand 77.47 /
    # 77.79 / 86.97 -> 77.73 / 78.51 / 88.21, static 76.38 / 79.34 / 86.51 -> 76.72 /
    # 79.87 / 89.13; the recipe's CNN gained on 5 of 6 dev splits with it
    defaults={"max_norm": 3.0, "edge_padding": True},
    options=("edge_padding", "num_filters"),
    min_length=max(KIM_FILTER_SIZES),  # the widest window must fit
)
def _cnn(x: Any, config: ModelConfig) -> Any:
    keras = import_keras()
    length = config.sequence_length
    if config.edge_padding:
        # Kim's get_idx_from_sent: h_max - 1 zero rows before the first word and
        # after the sequence, so each word is in h windows of each size h
        pad = max(config.filter_sizes) - 1
        if pad:
            x = keras.layers.ZeroPadding1D((pad, pad), name="edge_padding")(x)
        length += 2 * pad
    pooled = []
    for size in config.filter_sizes:
        if size > length:
            raise ModelConfigError(
                f"CNN window {size} is longer than the sequence length "
                f"{config.sequence_length}: lower `filter_sizes` or raise `maxlen`."
            )
        conv = keras.layers.Conv1D(
            config.num_filters,
            size,
            activation="relu",
            kernel_initializer=initializers.glorot_uniform(),
            name=f"conv_{size}",
        )(x)
        pooled.append(keras.layers.GlobalMaxPooling1D(name=f"maxpool_{size}")(conv))
    if len(pooled) == 1:
        return pooled[0]
    return keras.layers.Concatenate(name="features")(pooled)


@register_model(
    "ngrams",
    masking=False,
    description="fastText-like: mean of word and hashed word n-gram vectors",
    defaults={"dropout": 0.0, "projection": 0},  # the n-gram rows are as wide as the words
    uses_ids=True,
    options=("ngram_buckets", "ngrams", "char_ngrams"),
)
def _ngrams(x: Any, config: ModelConfig, ids: Any) -> Any:
    from embedlab.models.ngrams import ngram_layer_class

    bag = ngram_layer_class()(
        config.ngram_buckets, max_n=config.ngrams, name="ngram_bag", **_char_args(config)
    )
    return bag([ids, x])


def _char_args(config: ModelConfig) -> dict[str, int]:
    """The n-gram layers' character table arguments (none without `char_ngrams`)."""
    if config.char_ngrams is None:
        return {}
    return {"vocab_size": config.vocab_size, "char_width": config.char_ngram_width}


@register_model(
    "cnn_ngrams",
    masking=False,
    description="wide & deep: Kim's CNN features beside the fastText-like n-gram mean",
    defaults={"max_norm": 3.0, "projection": 0},  # as `ngrams`
    uses_ids=True,
    options=("ngram_buckets", "ngrams", "edge_padding", "num_filters", "char_ngrams"),
    min_length=max(KIM_FILTER_SIZES),
)
def _cnn_ngrams(x: Any, config: ModelConfig, ids: Any) -> Any:
    keras = import_keras()
    return keras.layers.Concatenate(name="wide_deep")([_cnn(x, config), _ngrams(x, config, ids)])


def _naive_bayes_ratios(
    keras_model: Any, config: ModelConfig, x: np.ndarray, y: np.ndarray
) -> None:
    """Fit-time step of the wide models: fill the n-gram scale with NBSVM ratios."""
    if not config.naive_bayes:
        return
    from embedlab.models.ngrams import naive_bayes_ratios

    layer = keras_model.get_layer(NGRAM_LINEAR)
    char_table = None  # filled from the vocabulary before this step, when `char_ngrams`
    if getattr(layer, "char_table", None) is not None:
        char_table = np.asarray(layer.char_table.numpy())
    ratios = naive_bayes_ratios(
        x,
        y,
        config.ngram_buckets,
        config.ngrams,
        n_classes=config.n_classes,
        char_table=char_table,
        hash_version=layer.hash_version,
    )
    if layer.per_class:  # class c's one-vs-rest ratios in column c, further columns plain
        scale = np.ones((config.ngram_buckets, config.units), dtype=np.float32)
        scale[:, : config.n_classes] = ratios
        ratios = scale
    layer.scale.assign(ratios)


def linear_units(n_classes: int, multi_label: bool) -> int:
    """The width of the `wide` models' n-gram table by default.

    One column for two classes with one label each (one logit, as in logistic
    regression), otherwise a column per class and at least `LINEAR_MIN_UNITS`:
    narrower caps the rank of a many-class model, wider only adds weights that
    Adam updates at every step.
    """
    return 1 if n_classes == 2 and not multi_label else max(LINEAR_MIN_UNITS, n_classes)


# `wide`'s own width and learning rate (benchmarks/static_vs_rand.py --model wide
# --fit train --seeds 1 --datasets MR,SST-2,TREC,TREC-fine: 10 epochs, two dev
# splits each): 100 units at Adam's 1e-3 (before) 77.81 / 78.28 / 87.61 / 77.89
# in 88 s a run on average (131-144 s on MR); `linear_units` at 1e-3 75.00 /
# 77.69 / 84.31 / 76.61 (under-fitted); at 0.01 77.97 / 78.27 / 87.52 / 78.35
# in 2-5 s (29-35 s for TREC's 50 fine labels).
@register_model(
    "wide",
    masking=False,
    description="linear model of hashed word 1..n-grams (sqrt-normalised binary bag)",
    defaults={"dropout": 0.0, "units": linear_units},
    learning_rate=0.01,
    uses_ids=True,
    options=("ngram_buckets", "ngrams", "naive_bayes", "char_ngrams"),
    adapt=_naive_bayes_ratios,
)
def _wide(x: Any, config: ModelConfig, ids: Any) -> Any:
    from embedlab.models.ngrams import linear_layer_class

    layer = linear_layer_class()(
        config.ngram_buckets,
        config.units,
        max_n=config.ngrams,
        naive_bayes=config.naive_bayes,
        per_class=config.naive_bayes and config.n_classes > 2,
        name=NGRAM_LINEAR,
        **_char_args(config),
    )
    return layer(ids)


@register_model(
    "wide_average",
    masking=True,
    description="wide & deep: the `wide` linear n-gram model beside the mean word vector",
    defaults={"dropout": 0.0, "units": linear_units},
    uses_ids=True,
    options=("ngram_buckets", "ngrams", "naive_bayes", "char_ngrams"),
    adapt=_naive_bayes_ratios,
)
def _wide_average(x: Any, config: ModelConfig, ids: Any) -> Any:
    keras = import_keras()
    return keras.layers.Concatenate(name="wide_deep")([_wide(x, config, ids), _average(x, config)])
