"""Keras classifiers chosen by name from one small registry.

A model is ``Input(ids) -> embedding (by mode) -> body (by name) -> Dense``.
The embedding modes are Kim (2014)'s:

- ``rand``: learned from scratch with the task;
- ``static``: pretrained and frozen (``trainable=False``, as the seeds do);
- ``nonstatic``: pretrained and fine-tuned;
- ``multichannel``: a static and a non-static channel side by side.

Frozen vectors cannot move toward the task, so a ``static`` model learns one
token-wise ReLU layer over them by default (`ModelConfig.projection`,
`STATIC_PROJECTION` units): each word keeps its pretrained vector, words
never seen in training included, and the model learns what to read from it.

A pretrained matrix goes in as the layer's weights (``weights=[matrix]``),
never as a ``Constant`` initializer, which would copy the whole matrix into
the saved model's config JSON.

A new architecture is one builder function decorated with
``@register_model("name", masking=...)`` (the built-in ones are in
`embedlab.models.architectures`): it takes the embedded sequence and the
`ModelConfig` and returns the features fed to the output layer. The
decorator also declares what the rest of embedlab needs to know about the
model, so that no model name is tested anywhere else:

- ``options``: the model-specific `ModelConfig` fields it reads (see
  `MODEL_OPTIONS`); giving one to a model that does not declare it is an
  error naming the models that do;
- ``min_length``: the shortest sequence it can take (a CNN's widest window);
- ``adapt``: a fit-time step run on the built model with the encoded
  training data before training (``adapt(keras_model, config, x, y)``), as
  the wide models' naive-Bayes ratios.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

from embedlab._keras import import_keras
from embedlab.errors import ModelConfigError
from embedlab.models import initializers

MODES: tuple[str, ...] = ("rand", "static", "nonstatic", "multichannel")
PRETRAINED_MODES: tuple[str, ...] = ("static", "nonstatic", "multichannel")

# Issue 14 item 5: `cnn` static on GloVe 6B 50d with `compare`'s fit options,
# mean dev accuracy of 2 seeds x 2 dev splits (benchmarks/static_vs_rand.py),
# MR / SST-2 / TREC: no projection 73.7 / 76.4 / 77.9, 100 units 75.7 / 77.4 /
# 84.5, 300 units 76.3 / 79.0 / 85.0 (rand: 77.5 / 77.8 / 87.0). A dropout of
# 0.5 after the layer: no gain on MR (76.35 against 76.55, two runs).
STATIC_PROJECTION = 300
# `ModelConfig` fields that an embedding mode sets differently by default
MODE_DEFAULTS: dict[str, dict[str, Any]] = {"static": {"projection": STATIC_PROJECTION}}

Builder = Callable[..., Any]
DataDefault = Callable[[int, bool], Any]
"""A default that depends on the data: ``(n_classes, multi_label) -> value``."""
Adapt = Callable[[Any, "ModelConfig", np.ndarray, np.ndarray], None]


@dataclass(frozen=True)
class ModelOption:
    """A `ModelConfig` field that only some models read.

    Attributes:
        name: str. The field (and `TextClassifier` argument).
        does: str. What it does, completed by the models that declare it:
            "`naive_bayes` weights the n-grams of the models ...".
        lacks: str. What a model that does not declare it lacks.
    """

    name: str
    does: str
    lacks: str


# The model-specific options; a model declares which it reads (`register_model`).
MODEL_OPTIONS: dict[str, ModelOption] = {
    option.name: option
    for option in (
        ModelOption("ngram_buckets", "sizes the hashed n-gram table of", "has no n-gram table"),
        ModelOption("ngrams", "sets the longest hashed n-gram of", "has no n-gram table"),
        ModelOption("naive_bayes", "weights the n-grams of", "has no such features"),
        ModelOption("edge_padding", "pads the convolutions of", "has none"),
        ModelOption("num_filters", "sets the feature maps per window of", "has no convolutions"),
        ModelOption(
            "char_ngrams",
            "hashes words' character n-grams into the table of",
            "has no n-gram table",
        ),
    )
}


@dataclass(frozen=True)
class _Entry:
    build: Builder
    masking: bool
    description: str
    defaults: dict[str, Any]
    uses_ids: bool
    options: tuple[str, ...]
    min_length: int
    adapt: Adapt | None
    learning_rate: float | None


_REGISTRY: dict[str, _Entry] = {}


def register_model(
    name: str,
    *,
    masking: bool,
    description: str,
    defaults: dict[str, Any] | None = None,
    uses_ids: bool = False,
    options: tuple[str, ...] = (),
    min_length: int = 1,
    adapt: Adapt | None = None,
    learning_rate: float | None = None,
) -> Callable[[Builder], Builder]:
    """Register a model body under `name`.

    Args:
        name: str. The name users pass (`--model NAME`).
        masking: bool. Whether the body honours the padding mask
            (``mask_zero=True`` is then set on the embedding).
        description: str. One line for `embedlab models` and errors.
        defaults: dict or None. `ModelConfig` fields this model defaults
            differently (Kim's CNN: ``max_norm=3``). A value may be a
            `DataDefault`, called with the config's ``n_classes`` and
            ``multi_label`` (the width of the `wide` models' table).
        uses_ids: bool. The builder also takes the id input as a third
            argument (``build(embedded, config, ids)``), e.g. to hash n-grams.
        options: tuple of str. The `MODEL_OPTIONS` this model reads; the
            others are refused for it.
        min_length: int. The shortest padded sequence the model takes; the
            default `maxlen` is raised to it.
        adapt: callable or None. ``adapt(keras_model, config, x, y)``, run by
            `TextClassifier.fit` after building the model and before training,
            with the padded training ids ``x`` and targets ``y``.
        learning_rate: float or None. Adam's learning rate for this model
            when the user gives none (`model_learning_rate`); None keeps
            Adam's 1e-3.

    Raises:
        ModelConfigError: for an option not in `MODEL_OPTIONS`.

    Example:
        >>> @register_model("maxpool", masking=False, description="max over time")
        ... def _maxpool(x, config):
        ...     return keras.layers.GlobalMaxPooling1D()(x)
    """
    unknown = sorted(set(options) - MODEL_OPTIONS.keys())
    if unknown:
        raise ModelConfigError(
            f"Model {name!r} declares unknown options {unknown}; the model-specific options "
            f"are {', '.join(MODEL_OPTIONS)}."
        )

    def decorator(build: Builder) -> Builder:
        _REGISTRY[name] = _Entry(
            build,
            masking,
            description,
            dict(defaults or {}),
            uses_ids,
            tuple(options),
            min_length,
            adapt,
            learning_rate,
        )
        return build

    return decorator


def _entry(name: str) -> _Entry:
    if name not in _REGISTRY:
        raise ModelConfigError(f"Unknown model {name!r}. Choose one of: {', '.join(_REGISTRY)}.")
    return _REGISTRY[name]


def model_names() -> list[str]:
    """Names of the registered models."""
    return list(_REGISTRY)


def models_with_option(option: str) -> list[str]:
    """Names of the registered models that declare `option` (see `MODEL_OPTIONS`)."""
    return [name for name, entry in _REGISTRY.items() if option in entry.options]


def ngram_models() -> list[str]:
    """Names of the registered models that hash word n-grams from the ids
    (the ones that `ngram_buckets` and `ngrams` configure)."""
    return models_with_option("ngrams")


def check_model_options(model: str, **options: Any) -> None:
    """Refuse an option that `model` does not declare (it would silently do nothing).

    Args:
        model: str. A registered model name.
        **options: `MODEL_OPTIONS` by name; None and False count as not given.

    Raises:
        ModelConfigError: naming the option and the models that declare it.

    Example:
        >>> check_model_options("bilstm", edge_padding=True)
        Traceback (most recent call last):
        ModelConfigError: `edge_padding` pads the convolutions of ...
    """
    declared = _entry(model).options
    for name, value in options.items():
        if value is None or value is False or name in declared:
            continue
        option = MODEL_OPTIONS[name]
        raise ModelConfigError(
            f"`{name}` {option.does} the models that declare it "
            f"({', '.join(models_with_option(name))}); model {model!r} {option.lacks}. "
            f"Leave `{name}` out or choose one of those models."
        )


def model_defaults(name: str) -> dict[str, Any]:
    """The `ModelConfig` fields that model `name` sets differently by default."""
    return dict(_entry(name).defaults)


def model_learning_rate(name: str, optimizer: str) -> float | None:
    """The learning rate model `name` trains with by default under `optimizer`.

    A model may declare its own for Adam (`register_model`'s
    ``learning_rate``); otherwise, and for the other optimizers, None: the
    optimizer's default.
    """
    return _entry(name).learning_rate if optimizer == "adam" else None


def min_sequence_length(name: str) -> int:
    """The shortest padded sequence model `name` takes (a CNN's widest window)."""
    return _entry(name).min_length


def adapt_model(keras_model: Any, config: ModelConfig, x: np.ndarray, y: np.ndarray) -> None:
    """Run the fit-time step model `config.model` declares (if any) on the built model.

    Args:
        keras_model: keras.Model. Built by `build_model(config)`.
        config: ModelConfig. Its config.
        x: int array ``(texts, sequence_length)``. The padded training ids.
        y: array. The training targets (class ids, or a 0/1 matrix).
    """
    adapt = _entry(config.model).adapt
    if adapt is not None:
        adapt(keras_model, config, x, y)


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
        units: int. Hidden units of recurrent layers; the width of the
            `wide` models' n-gram table (their default: `linear_units`).
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
        naive_bayes: bool. ``wide`` and ``wide_average`` only, one label per text: scale each
            n-gram by its naive-Bayes log-count ratio in the training data (NBSVM); with
            more than two classes, column c of the table by class c's one-vs-rest ratio.
        edge_padding: bool. ``cnn`` and ``cnn_ngrams`` only: Kim (2014)'s
            padding, ``max(filter_sizes) - 1`` zero vectors at both ends of the
            embedded sequence before the convolutions, so every word (the
            first one too) falls in ``h`` windows of each size ``h``. False
            convolves the post-padded sequence as it is (the field's default,
            as configs saved before the option had; `with_defaults` gives
            ``cnn`` True).
        char_ngrams: (int, int) or None. The n-gram models only: also hash each
            word's character n-grams of these lengths into the n-gram table.
        char_ngram_width: int. Character n-grams kept per word (the width of
            the layer's ``char_table``); set with `char_ngrams`.
        projection: int. Units of a learned token-wise ReLU layer between the
            embedding and the body (0: none). `with_defaults` gives mode
            ``static`` `STATIC_PROJECTION`, the other modes 0.
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
    projection: int = 0

    def __post_init__(self) -> None:
        _entry(self.model)  # raises on an unknown name, listing the choices
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
        projection = self.projection
        if isinstance(projection, bool) or not isinstance(projection, int) or projection < 0:
            raise ModelConfigError(
                "`projection` must be a non-negative integer (0: none). "
                f"Received: projection={self.projection!r}"
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
        defaults = {f.name: f.default for f in fields(self)}
        check_model_options(
            self.model,
            **{
                name: getattr(self, name)
                for name in MODEL_OPTIONS
                if getattr(self, name) != defaults[name]
            },
        )
        if not 0.0 <= self.dropout < 1.0:
            raise ModelConfigError(f"`dropout` must be in [0, 1). Received: dropout={self.dropout}")
        if self.naive_bayes and self.multi_label:
            raise ModelConfigError(
                "`naive_bayes` needs one label per text (its ratios compare a class with "
                f"the others). Received: multi_label={self.multi_label}"
            )
        if self.naive_bayes and self.n_classes > 2 and self.units < self.n_classes:
            raise ModelConfigError(
                "`naive_bayes` with more than two classes needs a column per class: `units` "
                f"at least {self.n_classes}. Received: units={self.units}"
            )

    @classmethod
    def with_defaults(cls, **fields: Any) -> ModelConfig:
        """A config whose fields left out or None take the model's and the mode's defaults.

        A model's own defaults win over its mode's (`flatten` keeps the seeds'
        ``Embedding -> Flatten -> Dense`` in mode ``static`` too).

        Example:
            >>> ModelConfig.with_defaults(model="cnn", mode="rand", vocab_size=100,
            ...     embedding_dim=50, sequence_length=40, n_classes=2).max_norm
            3.0
        """
        given = {k: v for k, v in fields.items() if v is not None}
        mode_defaults = MODE_DEFAULTS.get(given.get("mode", ""), {})
        defaults = {**mode_defaults, **model_defaults(given.get("model", ""))}
        data = (given.get("n_classes", 2), bool(given.get("multi_label", False)))
        resolved = {k: v(*data) if callable(v) else v for k, v in defaults.items()}
        return cls(**{**resolved, **given})

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
                f"Mode {config.mode!r} needs pretrained vectors: pass `vectors` (a name "
                "or a path), or use mode 'rand'."
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
            initializers.uniform()  # Keras' default, U[-0.05, 0.05]
            if weights is not None or scale is None
            else initializers.uniform(-scale, scale)
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

    if config.projection:
        embedded = keras.layers.Dense(  # keeps the padding mask
            config.projection,
            activation="relu",
            kernel_initializer=initializers.glorot_uniform(),
            name="projection",
        )(embedded)
    features = (
        entry.build(embedded, config, ids) if entry.uses_ids else entry.build(embedded, config)
    )
    if config.dropout:
        features = keras.layers.Dropout(config.dropout, name="dropout")(features)
    constraint = keras.constraints.MaxNorm(config.max_norm) if config.max_norm else None
    if config.multi_label:
        output = keras.layers.Dense(
            config.n_classes,
            activation="sigmoid",
            kernel_initializer=initializers.glorot_uniform(),
            kernel_constraint=constraint,
            name="output",
        )(features)
    elif config.n_classes == 2:
        output = keras.layers.Dense(
            1,
            activation="sigmoid",
            kernel_initializer=initializers.glorot_uniform(),
            kernel_constraint=constraint,
            name="output",
        )(features)
    else:
        output = keras.layers.Dense(
            config.n_classes,
            activation="softmax",
            kernel_initializer=initializers.glorot_uniform(),
            kernel_constraint=constraint,
            name="output",
        )(features)
    return keras.Model(ids, output, name=f"{config.model}_{config.mode}")


# the built-in architectures register themselves on import
from embedlab.models import architectures as _architectures  # noqa: E402, F401
