"""Data-parallel training over all local accelerators with Keras' distribution API.

`keras.distribution.DataParallel` (JAX backend) replicates the model's
variables on every device and splits each global batch along a ``batch`` mesh
axis, so each device computes the gradients of ``batch_size / n_devices``
examples and JAX all-reduces them. Nothing else changes: the same
`TextClassifier`, the same ``fit`` and the same saved directory (a saved
model loads back on one device).

Each global batch must split evenly over the devices, so
`fit_data_parallel` checks that ``batch_size`` is a multiple of the device
count; `TextClassifier` fills the last training batch with weightless copies
(`embedlab.classify.training.full_batches`), and evaluates a dev split on its
first multiple of the device count (`dev_batches`).

On a CPU, ``XLA_FLAGS=--xla_force_host_platform_device_count=N`` (set before
JAX starts) gives N host devices to try it on.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from embedlab._keras import import_keras
from embedlab.errors import EmbedlabError, ModelConfigError

if TYPE_CHECKING:
    from embedlab.classify.classifier import TextClassifier

logger = logging.getLogger("embedlab")


def local_devices() -> list[Any]:
    """The devices Keras' distribution API sees on this machine (GPUs, TPUs, else CPUs)."""
    keras = import_keras()
    if keras.backend.backend() != "jax":
        raise EmbedlabError(
            "Data-parallel training uses keras.distribution, which embedlab supports on the "
            f"JAX backend only; this process runs {keras.backend.backend()!r}. "
            "Unset KERAS_BACKEND or set KERAS_BACKEND=jax."
        )
    return list(keras.distribution.list_devices())


def used_devices(clf: TextClassifier) -> int:
    """How many devices hold the variables of a trained classifier's model."""
    clf._require_fitted()
    variable = clf.keras_model.trainable_variables[0]
    return len(variable.value.sharding.device_set)


def fit_data_parallel(
    clf: TextClassifier,
    texts: Sequence[str],
    labels: Sequence[Any],
    *,
    devices: int | None = None,
    **fit_kwargs: Any,
) -> TextClassifier:
    """`clf.fit` with each batch split over `devices` local devices (data parallelism).

    Args:
        clf: TextClassifier. An unfitted classifier; its ``batch_size`` is the
            global batch size and must be a multiple of the device count.
        texts: list of str. Training texts.
        labels: list. Their labels.
        devices: int or None. How many local devices to use (the first ones);
            all of them when None.
        **fit_kwargs: passed to `TextClassifier.fit` (``epochs``, ``verbose``...).
            ``validation_data`` is not supported here.

    Returns:
        `clf`, trained. Its variables are replicated on the devices; predict,
        evaluate and save work as usual afterwards.

    Raises:
        ModelConfigError: if `devices` is out of range or ``batch_size`` does
            not split over the devices.

    Example:
        >>> clf = TextClassifier("cnn", batch_size=64)
        >>> fit_data_parallel(clf, texts, labels, epochs=5)
    """
    keras = import_keras()
    available = local_devices()
    n = len(available) if devices is None else devices
    if not 1 <= n <= len(available):
        raise ModelConfigError(
            f"`devices` must be between 1 and the {len(available)} local devices "
            f"({', '.join(str(d) for d in available)}). Received: devices={devices}"
        )
    if clf.batch_size % n:
        raise ModelConfigError(
            f"The global batch size must split evenly over the {n} devices: pass a "
            f"`batch_size` that is a multiple of {n}. "
            f"Received: batch_size={clf.batch_size}"
        )
    if "validation_data" in fit_kwargs:
        raise ModelConfigError("`validation_data` is not supported with data-parallel training.")
    distribution = keras.distribution.DataParallel(devices=available[:n])
    with distribution.scope():
        clf.fit(texts, labels, **fit_kwargs)
    logger.info("data parallel: trained on %d devices", used_devices(clf))
    return clf
