"""Importing Keras with embedlab's default backend.

Keras reads ``KERAS_BACKEND`` once, at its first import. embedlab defaults to
JAX (lightest install and fastest training on a CPU, see the README) but never
overrides a backend the user chose.
"""

from __future__ import annotations

import os
from types import ModuleType

DEFAULT_BACKEND = "jax"


def import_keras() -> ModuleType:
    """Import and return `keras`, defaulting ``KERAS_BACKEND`` to JAX."""
    os.environ.setdefault("KERAS_BACKEND", DEFAULT_BACKEND)
    import keras

    return keras
