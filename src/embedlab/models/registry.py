"""Keras classifiers chosen by name from one small registry.

A model is ``Input(ids) -> embedding (by mode) -> body (by name) -> Dense``.
The embedding modes are Kim (2014)'s:

- ``rand``: learned from scratch with the task;
- ``static``: pretrained and frozen (``trainable=False``, as the seeds do);
- ``nonstatic``: pretrained and fine-tuned;
- ``multichannel``: a static and a non-static channel side by side.

A pretrained matrix goes in as the layer's weights (``weights=[matrix]``),
never as a ``Constant`` initializer, which would copy the whole matrix into
the saved model's config JSON.

A new architecture is one builder function decorated with
``@register_model("name", masking=...)``: it takes the embedded sequence and
the `ModelConfig` and returns the features fed to the output layer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from embedlab._keras import import_keras
from embedlab.errors import ModelConfigError

MODES: tuple[str, ...] = ("rand", "static", "nonstatic", "multichannel")
WIDE_MODELS: tuple[str, ...] = ("wide", "wide_average")  # hold the `ngram_linear` layer
PRETRAINED_MODES: tuple[str, ...] = ("static", "nonstatic", "multichannel")
# the models whose convolutions `ModelConfig.edge_padding` pads
EDGE_PADDING_MODELS: tuple[str, ...] = ("cnn", "cnn_ngrams")

Builder = Callable[..., Any]


@dataclass(frozen=True)
class _Entry:
    build: Builder
    masking: bool
    description: str
    defaults: dict[str, Any]
    uses_ids: bool = False


_REGISTRY: dict[str, _Entry] = {}


def register_model(
    name: str,
    *,
    masking: bool,
    description: str,
    defaults: dict[str, Any] | None = None,
    uses_ids: bool = False,
) -> Callable[[Builder], Builder]:
    """Register a model body under `name`.

    Args:
        name: str. The name users pass (`--model NAME`).
        masking: bool. Whether the body honours the padding mask
            (``mask_zero=True`` is then set on the embedding).
        description: str. One line for `embedlab models` and errors.
        defaults: dict or None. `ModelConfig` fields this model defaults
            differently (Kim's CNN: ``max_norm=3``).
        uses_ids: bool. The builder also takes the id input as a third
            argument (``build(embedded, config, ids)``), e.g. to hash n-grams.
    """

    def decorator(build: Builder) -> Builder:
        _REGISTRY[name] = _Entry(build, masking, description, dict(defaults or {}), uses_ids)
        return build

    return decorator


def model_names() -> list[str]:
    """Names of the registered models."""
    return list(_REGISTRY)


def ngram_models() -> list[str]:
    """Names of the registered models that hash word n-grams from the ids
    (the ones that `ngram_buckets` and `ngrams` configure)."""
    return [name for name, entry in _REGISTRY.items() if entry.uses_ids]


def check_model_options(model: str, *, naive_bayes: bool, edge_padding: bool) -> None:
    """Refuse an option that `model` has nothing for (it would silently do nothing).

    Raises:
        ModelConfigError: naming the option and the models that use it.
    """
    if edge_padding and model not in EDGE_PADDING_MODELS:
        raise ModelConfigError(
            f"`edge_padding` pads the convolutions of {', '.join(EDGE_PADDING_MODELS)}; "
            f"model {model!r} has none. Leave it out."
        )
    if naive_bayes and model not in WIDE_MODELS:
        raise ModelConfigError(
            "`naive_bayes` weights the n-grams of the `wide` models "
            f"({', '.join(WIDE_MODELS)}); model {model!r} has no such features. "
            "Use one of those or leave `naive_bayes` out."
        )


def model_defaults(name: str) -> dict[str, Any]:
    """The `ModelConfig` fields that model `name` sets differently by default."""
    if name not in _REGISTRY:
        raise ModelConfigError(f"Unknown model {name!r}. Choose one of: {', '.join(_REGISTRY)}.")
    return dict(_REGISTRY[name].defaults)


def describe_models() -> dict[str, str]:
    """Each registered model's one-line description."""
    return {name: entry.description for name, entry in _REGISTRY.items()}


@dataclass(frozen=True)
class ModelConfig:
    """Everything needed to rebuild a classifier's Keras model.

    Attributes:
        model: str. A registered name (see `model_names()`).
        mode: str. One of ``rand``, ``static``, ``nonstatic``, ``multichannel``.
        vocab_size: int. Embedding rows (the tokenizer's ``vocab_size``).
        embedding_dim: int. Embedding columns.
        sequence_length: int. Padded length of the id sequences.
        n_classes: int. 2 gives one sigmoid unit, more a softmax.
        units: int. Hidden units of recurrent layers.
        layers: int. Stacked recurrent layers.
        dropout: float. Dropout before the output layer.
        filter_sizes: tuple of int. CNN window sizes (Kim: 3, 4, 5).
        num_filters: int. CNN feature maps per window size (Kim: 100).
        max_norm: float or None. Max-norm of the output weights (Kim: 3).
        multi_label: bool. One sigmoid per class (a set of labels per text)
            instead of one softmax (or one sigmoid for two classes).
        ngram_buckets: int. Rows of the hashed n-gram table (``ngrams``,
            ``cnn_ngrams``).
        ngrams: int. Longest word n-gram of those models (2: bigrams).
        embedding_scale: float or None. ``rand`` only: the embeddings start
            drawn from ``U[-embedding_scale, embedding_scale]`` (Kim 2014:
            0.25); None keeps Keras' default ``U[-0.05, 0.05]``.
        naive_bayes: bool. ``wide`` and ``wide_average`` only, two classes: scale each n-gram by
            its naive-Bayes log-count ratio in the training data (NBSVM).
        edge_padding: bool. ``cnn`` and ``cnn_ngrams`` only: Kim (2014)'s
            padding, ``max(filter_sizes) - 1`` zero vectors at both ends of the
            embedded sequence before the convolutions, so every word (the
            first one too) falls in ``h`` windows of each size ``h``. False
            (the default) convolves the post-padded sequence as it is.
        char_ngrams: (int, int) or None. The n-gram models only: also hash each
            word's character n-grams of these lengths into the n-gram table.
        char_ngram_width: int. Character n-grams kept per word (the width of
            the layer's ``char_table``); set with `char_ngrams`.
    """

    model: str
    mode: str
    vocab_size: int
    embedding_dim: int
    sequence_length: int
    n_classes: int
    units: int = 100
    layers: int = 1
    dropout: float = 0.5
    filter_sizes: tuple[int, ...] = (3, 4, 5)
    num_filters: int = 100
    max_norm: float | None = None
    multi_label: bool = False
    ngram_buckets: int = 200_000
    ngrams: int = 2
    embedding_scale: float | None = None
    naive_bayes: bool = False
    edge_padding: bool = False
    char_ngrams: tuple[int, int] | None = None
    char_ngram_width: int = 0

    def __post_init__(self) -> None:
        if self.model not in _REGISTRY:
            raise ModelConfigError(
                f"Unknown model {self.model!r}. Choose one of: {', '.join(_REGISTRY)}."
            )
        if self.mode not in MODES:
            raise ModelConfigError(
                f"Unknown embedding mode {self.mode!r}. Choose one of: {', '.join(MODES)}."
            )
        for name in (
            "vocab_size",
            "embedding_dim",
            "sequence_length",
            "units",
            "layers",
            "ngram_buckets",
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ModelConfigError(
                    f"`{name}` must be a positive integer. Received: {name}={value!r}"
                )
        if self.char_ngrams is not None and (
            self.model not in ngram_models() or self.char_ngram_width < 1
        ):
            raise ModelConfigError(
                f"`char_ngrams` joins the n-gram table of {', '.join(ngram_models())} and "
                "needs `char_ngram_width` >= 1. "
                f"Received: model={self.model!r}, char_ngram_width={self.char_ngram_width}"
            )
        if self.n_classes < 2:
            raise ModelConfigError(
                f"`n_classes` must be at least 2. Received: n_classes={self.n_classes}"
            )
        scale = self.embedding_scale
        if scale is not None and (
            isinstance(scale, bool) or not isinstance(scale, int | float) or not scale > 0
        ):
            raise ModelConfigError(
                "`embedding_scale` must be a positive number or None. "
                f"Received: embedding_scale={scale!r}"
            )
        if not isinstance(self.edge_padding, bool):
            raise ModelConfigError(
                "`edge_padding` must be True or False. "
                f"Received: edge_padding={self.edge_padding!r}"
            )
        check_model_options(
            self.model, naive_bayes=self.naive_bayes, edge_padding=self.edge_padding
        )
        if not 0.0 <= self.dropout < 1.0:
            raise ModelConfigError(f"`dropout` must be in [0, 1). Received: dropout={self.dropout}")
        if self.naive_bayes and (self.n_classes != 2 or self.multi_label):
            raise ModelConfigError(
                "`naive_bayes` needs two classes and one label per text (its ratios compare "
                f"a positive and a negative class). Received: n_classes={self.n_classes}, "
                f"multi_label={self.multi_label}"
            )

    @classmethod
    def with_defaults(cls, **fields: Any) -> ModelConfig:
        """A config whose fields left out or None take the model's defaults.

        Example:
            >>> ModelConfig.with_defaults(model="cnn", mode="rand", vocab_size=100,
            ...     embedding_dim=50, sequence_length=40, n_classes=2).max_norm
            3.0
        """
        given = {k: v for k, v in fields.items() if v is not None}
        return cls(**{**model_defaults(given.get("model", "")), **given})

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["filter_sizes"] = list(self.filter_sizes)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelConfig:
        data = dict(data)
        data["filter_sizes"] = tuple(data.get("filter_sizes", (3, 4, 5)))
        if data.get("char_ngrams") is not None:
            data["char_ngrams"] = tuple(data["char_ngrams"])
        return cls(**data)


def build_model(config: ModelConfig, embedding_matrix: np.ndarray | None = None) -> Any:
    """Build (uncompiled) the Keras model that `config` describes.

    Args:
        config: ModelConfig. Architecture, mode and sizes.
        embedding_matrix: np.ndarray or None. ``(vocab_size, embedding_dim)``
            pretrained weights; required by the pretrained modes, ignored
            (and must be None) for ``rand``.

    Returns:
        A `keras.Model` mapping int ids ``(batch, sequence_length)`` to
        probabilities ``(batch, 1)`` (binary) or ``(batch, n_classes)``
        (softmax, or one independent sigmoid per class when `multi_label`).

    Raises:
        ModelConfigError: if the matrix is missing, unexpected or misshaped.
    """
    keras = import_keras()
    entry = _REGISTRY[config.model]
    if config.mode in PRETRAINED_MODES:
        if embedding_matrix is None:
            raise ModelConfigError(
                f"Mode {config.mode!r} needs pretrained vectors: pass `vectors` "
                "(CLI: --vectors NAME_OR_PATH), or use mode 'rand'."
            )
        expected = (config.vocab_size, config.embedding_dim)
        if embedding_matrix.shape != expected:
            raise ModelConfigError(
                f"`embedding_matrix` must have shape {expected} (vocab_size, embedding_dim). "
                f"Received: shape={embedding_matrix.shape}"
            )
    elif embedding_matrix is not None:
        raise ModelConfigError(
            "Mode 'rand' learns its embeddings; it takes no `embedding_matrix`. "
            "Use mode 'static' or 'nonstatic' to start from pretrained vectors."
        )

    ids = keras.Input(shape=(config.sequence_length,), dtype="int32", name="ids")

    def embedding(name: str, trainable: bool, weights: np.ndarray | None) -> Any:
        scale = config.embedding_scale
        initializer = (
            "uniform"  # Keras' default, U[-0.05, 0.05]
            if weights is not None or scale is None
            else keras.initializers.RandomUniform(-scale, scale)
        )
        return keras.layers.Embedding(
            config.vocab_size,
            config.embedding_dim,
            embeddings_initializer=initializer,
            mask_zero=entry.masking,
            trainable=trainable,
            weights=None if weights is None else [weights],
            name=name,
        )(ids)

    if config.mode == "rand":
        embedded = embedding("embedding", True, None)
    elif config.mode == "static":
        embedded = embedding("embedding", False, embedding_matrix)
    elif config.mode == "nonstatic":
        embedded = embedding("embedding", True, embedding_matrix)
    else:
        embedded = keras.layers.Concatenate(axis=-1, name="channels")(
            [
                embedding("embedding_static", False, embedding_matrix),
                embedding("embedding_nonstatic", True, embedding_matrix),
            ]
        )

    features = (
        entry.build(embedded, config, ids) if entry.uses_ids else entry.build(embedded, config)
    )
    if config.dropout:
        features = keras.layers.Dropout(config.dropout, name="dropout")(features)
    constraint = keras.constraints.MaxNorm(config.max_norm) if config.max_norm else None
    if config.multi_label:
        output = keras.layers.Dense(
            config.n_classes, activation="sigmoid", kernel_constraint=constraint, name="output"
        )(features)
    elif config.n_classes == 2:
        output = keras.layers.Dense(
            1, activation="sigmoid", kernel_constraint=constraint, name="output"
        )(features)
    else:
        output = keras.layers.Dense(
            config.n_classes, activation="softmax", kernel_constraint=constraint, name="output"
        )(features)
    return keras.Model(ids, output, name=f"{config.model}_{config.mode}")


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
    defaults={"dropout": 0.0},
)
def _flatten(x: Any, config: ModelConfig) -> Any:
    return import_keras().layers.Flatten(name="flatten")(x)


@register_model("average", masking=True, description="bag of embeddings: masked mean -> Dense")
def _average(x: Any, config: ModelConfig) -> Any:
    return import_keras().layers.GlobalAveragePooling1D(name="average")(x)


@register_model("lstm", masking=True, description="LSTM (--layers N stacks them)")
def _lstm(x: Any, config: ModelConfig) -> Any:
    return _recurrent_stack(x, config, "lstm", bidirectional=False)


@register_model("gru", masking=True, description="GRU (--layers N stacks them)")
def _gru(x: Any, config: ModelConfig) -> Any:
    return _recurrent_stack(x, config, "gru", bidirectional=False)


@register_model("bilstm", masking=True, description="bidirectional LSTM (--layers N)")
def _bilstm(x: Any, config: ModelConfig) -> Any:
    return _recurrent_stack(x, config, "lstm", bidirectional=True)


@register_model("bigru", masking=True, description="bidirectional GRU (--layers N)")
def _bigru(x: Any, config: ModelConfig) -> Any:
    return _recurrent_stack(x, config, "gru", bidirectional=True)


@register_model(
    "cnn",
    masking=False,
    description="Kim 2014: windows 3,4,5 x 100 maps, ReLU, max-over-time pooling",
    defaults={"max_norm": 3.0},
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
            config.num_filters, size, activation="relu", name=f"conv_{size}"
        )(x)
        pooled.append(keras.layers.GlobalMaxPooling1D(name=f"maxpool_{size}")(conv))
    if len(pooled) == 1:
        return pooled[0]
    return keras.layers.Concatenate(name="features")(pooled)


def _char_args(config: ModelConfig) -> dict[str, int]:
    if config.char_ngrams is None:
        return {}
    return {"vocab_size": config.vocab_size, "char_width": config.char_ngram_width}


@register_model(
    "ngrams",
    masking=False,
    description="fastText-like: mean of word and hashed word n-gram vectors",
    defaults={"dropout": 0.0},
    uses_ids=True,
)
def _ngrams(x: Any, config: ModelConfig, ids: Any) -> Any:
    from embedlab.models.ngrams import ngram_layer_class

    bag = ngram_layer_class()(
        config.ngram_buckets, max_n=config.ngrams, name="ngram_bag", **_char_args(config)
    )
    return bag([ids, x])


@register_model(
    "cnn_ngrams",
    masking=False,
    description="wide & deep: Kim's CNN features beside the fastText-like n-gram mean",
    defaults={"max_norm": 3.0},
    uses_ids=True,
)
def _cnn_ngrams(x: Any, config: ModelConfig, ids: Any) -> Any:
    keras = import_keras()
    return keras.layers.Concatenate(name="wide_deep")([_cnn(x, config), _ngrams(x, config, ids)])


@register_model(
    "wide",
    masking=False,
    description="linear model of hashed word 1..n-grams (sqrt-normalised binary bag)",
    defaults={"dropout": 0.0},
    uses_ids=True,
)
def _wide(x: Any, config: ModelConfig, ids: Any) -> Any:
    from embedlab.models.ngrams import linear_layer_class

    layer = linear_layer_class()(
        config.ngram_buckets,
        config.units,
        max_n=config.ngrams,
        naive_bayes=config.naive_bayes,
        name="ngram_linear",
        **_char_args(config),
    )
    return layer(ids)


@register_model(
    "wide_average",
    masking=True,
    description="wide & deep: the `wide` linear n-gram model beside the mean word vector",
    defaults={"dropout": 0.0},
    uses_ids=True,
)
def _wide_average(x: Any, config: ModelConfig, ids: Any) -> Any:
    keras = import_keras()
    return keras.layers.Concatenate(name="wide_deep")([_wide(x, config, ids), _average(x, config)])
