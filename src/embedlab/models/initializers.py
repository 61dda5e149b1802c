"""Weight initializers drawn with NumPy: Keras' distributions without a compile per shape.

On the JAX backend every Keras random initializer runs ``jax.random`` under
``jit``, and XLA compiles a new kernel for each weight shape: 0.2-1 s each on
a CPU, about 2.4 s of a 20 s default training on MR (seven shapes: the
embedding table, three convolution kernels, the output layer, ...), paid
again whenever a saved model is loaded. These draw the same distributions
(``uniform``, Glorot uniform) with NumPy instead, in milliseconds.

The values come from NumPy's global generator, which
``keras.utils.set_random_seed`` seeds, so a seeded training is as
reproducible as with Keras' own initializers (the values differ from theirs).
The classes are registered as ``embedlab>NumpyUniform`` and
``embedlab>NumpyGlorotUniform`` so a saved model loads back (see
`embedlab.models.ngrams.custom_objects`).
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from embedlab._keras import import_keras


def glorot_limit(shape: tuple[int, ...]) -> float:
    """``sqrt(6 / (fan_in + fan_out))`` for a kernel of `shape` (Keras' `compute_fans`).

    A dense kernel ``(in, out)`` has fans ``in`` and ``out``; a convolution
    kernel ``(*window, in, out)`` multiplies both by the window's size.
    """
    if len(shape) < 2:
        fan_in = fan_out = shape[0] if shape else 1
    else:
        receptive = math.prod(shape[:-2])
        fan_in, fan_out = shape[-2] * receptive, shape[-1] * receptive
    return math.sqrt(6.0 / max(1.0, (fan_in + fan_out)))


def _draw(shape: tuple[int, ...], limit: float, low: float | None = None) -> np.ndarray:
    rng = np.random.default_rng(np.random.randint(0, 2**31 - 1))
    return rng.uniform(-limit if low is None else low, limit, size=shape).astype(np.float32)


@functools.cache
def initializer_classes() -> dict[str, Any]:
    """The Keras initializer classes, by registered name (defined once, on first use)."""
    keras = import_keras()

    @keras.saving.register_keras_serializable(package="embedlab")
    class NumpyUniform(keras.initializers.Initializer):  # type: ignore[misc,name-defined]
        """``U[minval, maxval]``, like ``keras.initializers.RandomUniform``."""

        def __init__(self, minval: float = -0.05, maxval: float = 0.05) -> None:
            self.minval = float(minval)
            self.maxval = float(maxval)

        def __call__(self, shape: Any, dtype: Any = None) -> Any:
            values = _draw(tuple(shape), self.maxval, self.minval)
            return keras.ops.convert_to_tensor(values, dtype=dtype)

        def get_config(self) -> dict[str, Any]:
            return {"minval": self.minval, "maxval": self.maxval}

    @keras.saving.register_keras_serializable(package="embedlab")
    class NumpyGlorotUniform(keras.initializers.Initializer):  # type: ignore[misc,name-defined]
        """``U[-limit, limit]``, ``limit = sqrt(6 / (fan_in + fan_out))``, like Keras' default."""

        def __call__(self, shape: Any, dtype: Any = None) -> Any:
            values = _draw(tuple(shape), glorot_limit(tuple(shape)))
            return keras.ops.convert_to_tensor(values, dtype=dtype)

        def get_config(self) -> dict[str, Any]:
            return {}

    return {
        "embedlab>NumpyUniform": NumpyUniform,
        "embedlab>NumpyGlorotUniform": NumpyGlorotUniform,
    }


def uniform(minval: float = -0.05, maxval: float = 0.05) -> Any:
    """An initializer drawing ``U[minval, maxval]`` (Keras' ``"uniform"`` by default)."""
    return initializer_classes()["embedlab>NumpyUniform"](minval, maxval)


def glorot_uniform() -> Any:
    """An initializer drawing Glorot uniform values (Keras' default for kernels)."""
    return initializer_classes()["embedlab>NumpyGlorotUniform"]()
