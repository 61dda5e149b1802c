"""Training hygiene shared by every classifier: class weights, a dev split, epoch timing.

- Class weights follow scikit-learn's ``compute_class_weight``: ``"balanced"``
  gives class ``c`` the weight ``n / (k * count(c))`` (``n`` samples, ``k``
  classes), so every class carries the same total weight; a dict gives the
  listed classes their weight and the others 1.
- The dev split is stratified and seeded (`embedlab.data.train_test_split`),
  unlike Keras' ``validation_split``, which takes the last rows unshuffled.
- Batches all have one shape (`full_batches`, `dev_batches`): on the JAX
  backend each new batch shape compiles the training (or evaluation) step
  again, 0.8-1.9 s on a CPU, so a last partial batch cost a second compile
  per model.
- `compile_model` and `train_model` compile and train a classifier's Keras
  model with all of these (and `stop_on_nonfinite`, `early_stopping`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from embedlab._keras import import_keras
from embedlab.data import Dataset, Label, train_test_split
from embedlab.errors import ModelConfigError

logger = logging.getLogger("embedlab")

ClassWeight = str | Mapping[str, float] | None
"""``"balanced"``, a dict label -> weight, or None (every class weighs 1)."""


def compute_class_weight(
    class_weight: ClassWeight, classes: Sequence[str], labels: Sequence[str]
) -> np.ndarray:
    """The weight of each class, as scikit-learn's ``compute_class_weight``.

    Args:
        class_weight: ``"balanced"``, a dict label -> weight, or None.
        classes: sequence of str. The classes, in the order of the result.
        labels: sequence of str. The training labels (counted for
            ``"balanced"``).

    Returns:
        A float64 array, one weight per class of `classes`.

    Raises:
        ModelConfigError: for an unknown string, a dict naming a label that
            is not a class, a weight that is not a positive number, or a
            class absent from `labels` with ``"balanced"``.

    Example:
        >>> compute_class_weight("balanced", ["neg", "pos"], ["neg"] * 3 + ["pos"])
        array([0.66666667, 2.        ])
    """
    if class_weight is None:
        return np.ones(len(classes))
    if isinstance(class_weight, str):
        if class_weight != "balanced":
            raise ModelConfigError(
                "`class_weight` must be 'balanced', a dict label -> weight, or None. "
                f"Received: class_weight={class_weight!r}"
            )
        index = {label: i for i, label in enumerate(classes)}
        counts = np.bincount([index[label] for label in labels], minlength=len(classes))
        if (counts == 0).any():
            missing = [c for c, n in zip(classes, counts, strict=True) if n == 0]
            raise ModelConfigError(
                f"class_weight='balanced' needs every class in the training labels; "
                f"{missing} have none. Give a dict of weights instead."
            )
        return len(labels) / (len(classes) * counts.astype(np.float64))
    unknown = sorted(set(map(str, class_weight)) - set(classes))
    if unknown:
        raise ModelConfigError(
            f"`class_weight` names labels that are not classes: {unknown}. "
            f"The classes are {list(classes)}."
        )
    weights = np.ones(len(classes))
    for i, label in enumerate(classes):
        value = class_weight.get(label, 1.0)
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            raise ModelConfigError(
                f"Class weights must be positive numbers. Received: {label!r}: {value!r}"
            )
        weights[i] = float(value)
    return weights


def sample_weights(
    class_weight: ClassWeight, classes: Sequence[str], labels: Sequence[Label], y: np.ndarray
) -> np.ndarray | None:
    """Each training text's weight under `class_weight` (logged), or None without one.

    Args:
        class_weight: ``"balanced"``, a dict label -> weight, or None.
        classes: sequence of str. The classes; ``y`` holds their positions.
        labels: the training labels (single-label: one str per text).
        y: int array. The class id of each text.
    """
    if class_weight is None:
        return None
    weights = compute_class_weight(class_weight, classes, [str(v) for v in labels])
    logger.info(
        "class weights: %s",
        ", ".join(f"{c}={w:.3g}" for c, w in zip(classes, weights, strict=True)),
    )
    return np.asarray(weights[y], dtype=np.float32)


def dev_split(
    texts: Sequence[str], labels: Sequence[Label], *, fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Positions of a stratified, seeded train part and dev part.

    Args:
        texts: sequence of str. The training texts.
        labels: sequence of labels (str, or lists of str for multi-label).
        fraction: float. The share held out as dev data, in (0, 1).
        seed: int. Seed of the shuffle.

    Returns:
        ``(train_indices, dev_indices)``, sorted int64 arrays.

    Raises:
        ModelConfigError: if `fraction` is not in (0, 1) or leaves no dev data.
    """
    if isinstance(fraction, bool) or not isinstance(fraction, int | float) or not 0 < fraction < 1:
        raise ModelConfigError(
            f"`validation_split` must be a fraction in (0, 1). Received: {fraction!r}"
        )
    positions = Dataset([str(i) for i in range(len(texts))], list(labels), [])
    train, dev = train_test_split(positions, test_size=float(fraction), seed=seed)
    if not dev.texts or not train.texts:
        raise ModelConfigError(
            f"validation_split={fraction} of {len(texts)} texts leaves an empty part; "
            "give more data or another fraction."
        )
    return (
        np.array([int(i) for i in train.texts], dtype=np.int64),
        np.array([int(i) for i in dev.texts], dtype=np.int64),
    )


VALIDATION_BATCH_TOKENS = 2**18
"""A dev set of at most this many padded tokens is evaluated as one batch."""


def full_batches(
    x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None, batch_size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """`x`, `y`, `sample_weight` filled up to a whole number of batches of `batch_size`.

    The filling rows are copies of random training rows (NumPy's global
    generator, so seeded) with weight 0: they change no gradient and no
    weighted metric, and every batch has the same shape, so the training
    step compiles once. With `sample_weight` None and nothing to fill, the
    arrays come back as they are.

    Args:
        x: array. Inputs, one row per example.
        y: array. Targets, one row per example.
        sample_weight: array or None. Per-example weights (None: all 1).
        batch_size: int. The training batch size.

    Returns:
        ``(x, y, sample_weight)``; the weights are float32 when filled.
    """
    n = len(x)
    missing = -n % batch_size
    if not missing or n == 0:
        return x, y, sample_weight
    extra = np.random.randint(0, n, size=missing)
    weights = np.ones(n, dtype=np.float32) if sample_weight is None else sample_weight
    return (
        np.concatenate([x, x[extra]]),
        np.concatenate([y, y[extra]]),
        np.concatenate([weights.astype(np.float32), np.zeros(missing, dtype=np.float32)]),
    )


def shard_count() -> int:
    """How many devices each batch is split over: 1 unless a Keras distribution is active.

    Under ``keras.distribution.DataParallel`` (`embedlab.deploy.distribute`)
    every batch, the dev set's too, must split evenly over the devices.
    """
    keras = import_keras()
    distribution = keras.distribution.distribution()
    mesh = getattr(distribution, "device_mesh", None)
    return 1 if mesh is None else int(np.asarray(mesh.devices).size)


def one_batch(n_texts: int, sequence_length: int = 1) -> int | None:
    """The validation batch size: the whole dev set when it is small, else Keras' default.

    One batch means one evaluation step compiled (and exact dev metrics, no
    filling rows); a dev set over `VALIDATION_BATCH_TOKENS` padded tokens
    keeps Keras' batches, to bound memory.
    """
    if n_texts and n_texts * sequence_length <= VALIDATION_BATCH_TOKENS:
        return n_texts
    return None


def dev_batches(x: np.ndarray, y: np.ndarray) -> tuple[tuple[np.ndarray, np.ndarray], int | None]:
    """The dev set as Keras should evaluate it, and its batch size (`one_batch`).

    Under a Keras distribution (`shard_count` > 1) every batch must split
    evenly over the devices, so the dev set keeps its first multiple of the
    device count (logged).
    """
    shards = shard_count()
    if shards > 1 and len(x) % shards:
        keep = len(x) - len(x) % shards
        logger.info("data parallel: the dev set keeps %d of %d texts", keep, len(x))
        x, y = x[:keep], y[:keep]
    return (x, y), one_batch(*x.shape)


def epoch_timer() -> Any:
    """A Keras callback that records each epoch's wall time in ``.seconds``."""
    keras = import_keras()

    class EpochTimer(keras.callbacks.Callback):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.seconds: list[float] = []
            self._start = 0.0

        def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            self.seconds.append(time.perf_counter() - self._start)

    return EpochTimer()


MONITORS: tuple[str, ...] = ("val_loss", "val_accuracy")
"""What early stopping may watch: the dev loss (lower is better) or accuracy (higher)."""


def early_stopping(patience: int, monitor: str = "val_loss") -> Any:
    """Stop after `patience` epochs without a better `monitor`; restore the best weights.

    `monitor` is ``"val_loss"`` (lower is better) or ``"val_accuracy"``
    (higher is better; Kim 2014 keeps the epoch of best dev accuracy). On a
    tie the earlier epoch is kept. Keras 3's
    ``EarlyStopping(restore_best_weights=True)`` restores them at the end of
    training whether or not it stopped early, so the model returned is the
    best epoch's.
    """
    if isinstance(patience, bool) or not isinstance(patience, int) or patience < 0:
        raise ModelConfigError(
            f"`patience` must be a non-negative integer. Received: patience={patience!r}"
        )
    if monitor not in MONITORS:
        raise ModelConfigError(
            f"`monitor` must be one of {MONITORS}. Received: monitor={monitor!r}"
        )
    keras = import_keras()
    return keras.callbacks.EarlyStopping(
        monitor=monitor,
        mode="min" if monitor == "val_loss" else "max",
        patience=patience,
        restore_best_weights=True,
    )


def parse_class_weight(text: str | None) -> ClassWeight:
    """The CLI's ``--class-weight``: ``balanced`` or ``LABEL=WEIGHT,LABEL=WEIGHT``.

    Raises:
        ModelConfigError: for a pair without ``=`` or a weight that is not a number.

    Example:
        >>> parse_class_weight("neg=1,pos=4.5")
        {'neg': 1.0, 'pos': 4.5}
    """
    if text is None or text == "balanced":
        return text
    weights: dict[str, float] = {}
    for pair in text.split(","):
        label, sep, value = pair.rpartition("=")
        try:
            weight = float(value)
        except ValueError:
            weight = float("nan")
        if not sep or not label.strip() or not weight > 0:
            raise ModelConfigError(
                "`class_weight` takes 'balanced' or LABEL=WEIGHT pairs joined by commas "
                f"(weights positive), e.g. neg=1,pos=4. Received: {text!r}"
            )
        weights[label.strip()] = weight
    return weights


class TrainingDivergedError(ModelConfigError):
    """Training reached a loss that is not a finite number (NaN or infinite)."""


def diverged_message(name: str, value: float, epoch: int, *, hints: Sequence[str] = ()) -> str:
    """The message of a `TrainingDivergedError`: what went non-finite, when, and likely causes."""
    causes = [
        "a learning rate too high for this optimizer (try the default: leave "
        "`learning_rate` out, or 10 times lower)",
        *hints,
        "texts or labels the model cannot use (check the data file)",
    ]
    return (
        f"Training diverged: {name} is {value} in epoch {epoch + 1}; nothing was saved. "
        f"Likely causes: {'; '.join(causes)}."
    )


def stop_on_nonfinite(hints: Sequence[str] = ()) -> Any:
    """A Keras callback that raises `TrainingDivergedError` on a non-finite loss.

    The training loss is checked after each batch and the dev loss after
    each epoch, before early stopping sees it, so a NaN epoch is never
    recorded as the best one and a diverged model never reaches `save`.
    The batch check runs in Keras' callback thread (``async_safe``), so the
    training loop never waits for it; its error surfaces a batch or two
    later, and at the latest when the epoch ends.

    Args:
        hints: sequence of str. More likely causes to name, specific to the
            options in use (e.g. ``naive_bayes``).
    """
    keras = import_keras()

    class StopOnNonFinite(keras.callbacks.Callback):  # type: ignore[misc,name-defined]
        # in the training loop, the check waited for each batch to finish before
        # the next was dispatched: the recipe's CNN took 1.35 s an epoch on an MR
        # fold against 1.05 s in Keras' callback thread. The thread costs tiny
        # models a little (tests/test_nan.py 42 -> 48 s), as it does Keras' own
        # callbacks, which it uses whenever none checks each batch in the loop
        async_safe = True

        def __init__(self) -> None:
            super().__init__()
            self.epoch = 0

        def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
            self.epoch = epoch

        def _check(self, logs: Any, keys: Sequence[str]) -> None:
            for key in keys:
                value = (logs or {}).get(key)
                if value is not None and not np.isfinite(float(value)):
                    raise TrainingDivergedError(
                        diverged_message(key, float(value), self.epoch, hints=hints)
                    )

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            self._check(logs, ("loss",))

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            self._check(logs, ("loss", "val_loss"))

    return StopOnNonFinite()


def divergence_hints(config: Any) -> list[str]:
    """Likely causes of a diverged training specific to `config` (a `ModelConfig`)."""
    if getattr(config, "naive_bayes", False):
        return ["`naive_bayes` ratios on this data (try without `naive_bayes`)"]
    return []


OPTIMIZERS: tuple[str, ...] = ("adam", "adadelta", "rmsprop", "sgd")


def compile_model(
    keras_model: Any,
    *,
    optimizer: str,
    learning_rate: float | None,
    n_classes: int,
    multi_label: bool,
) -> None:
    """Compile a classifier's Keras model: its optimizer, loss and accuracy metric.

    Args:
        keras_model: keras.Model. The model to compile.
        optimizer: str. One of `OPTIMIZERS`.
        learning_rate: float or None. The optimizer's default when None;
            Adadelta's then is Kim (2014)'s (1.0, rho 0.95, epsilon 1e-6).
        n_classes: int. Two (one sigmoid) or more (softmax).
        multi_label: bool. One sigmoid per label.
    """
    keras = import_keras()
    kwargs = {} if learning_rate is None else {"learning_rate": learning_rate}
    optimizer_class = {
        "adam": keras.optimizers.Adam,
        "adadelta": keras.optimizers.Adadelta,
        "rmsprop": keras.optimizers.RMSprop,
        "sgd": keras.optimizers.SGD,
    }[optimizer]
    if optimizer == "adadelta" and not kwargs:
        kwargs = {"learning_rate": 1.0, "rho": 0.95, "epsilon": 1e-6}  # Kim 2014
    loss = (
        "binary_crossentropy"
        if n_classes == 2 or multi_label
        else "sparse_categorical_crossentropy"
    )
    keras_model.compile(optimizer=optimizer_class(**kwargs), loss=loss, metrics=["accuracy"])


def train_model(
    keras_model: Any,
    x: np.ndarray,
    y: np.ndarray,
    *,
    sample_weight: np.ndarray | None,
    validation: tuple[np.ndarray, np.ndarray] | None,
    epochs: int,
    batch_size: int,
    patience: int | None,
    monitor: str,
    hints: Sequence[str] = (),
    verbose: int | str = "auto",
) -> tuple[dict[str, list[float]], int | None]:
    """Train a compiled Keras model on whole batches; its history and best epoch.

    Args:
        keras_model: keras.Model. Compiled (`compile_model`).
        x: array. Padded ids. y: array. Targets. sample_weight: array or None.
        validation: (x, y) or None. Encoded dev data, scored after each epoch
            (`dev_batches`).
        epochs: int. Passes over the data (at most, with `patience`).
        batch_size: int. Training batch size (`full_batches`).
        patience: int or None. `early_stopping`'s, watching `monitor`.
        hints: sequence of str. `stop_on_nonfinite`'s (`divergence_hints`).
        verbose: int or "auto". Keras' progress display.

    Returns:
        The per-epoch figures (Keras' history, plus ``epoch_seconds``) and
        the best epoch (0-based; None without `patience`).

    Raises:
        TrainingDivergedError: on a loss that is not finite.
    """
    timer = epoch_timer()
    callbacks: list[Any] = [timer, stop_on_nonfinite(hints)]
    stopper = early_stopping(patience, monitor) if patience is not None else None
    if stopper is not None:
        callbacks.append(stopper)
    x, y, sample_weight = full_batches(x, y, sample_weight, batch_size)
    validation_batch_size = None
    if validation is not None:
        validation, validation_batch_size = dev_batches(*validation)
    fitted = keras_model.fit(
        x,
        y,
        sample_weight=sample_weight,
        epochs=epochs,
        batch_size=batch_size,
        validation_data=validation,
        validation_batch_size=validation_batch_size,
        callbacks=callbacks,
        verbose=verbose,
    )
    history = {k: [float(v) for v in vals] for k, vals in fitted.history.items()}
    history["epoch_seconds"] = timer.seconds
    return history, None if stopper is None else int(stopper.best_epoch)
