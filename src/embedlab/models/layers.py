"""`MaskedMean`: the mean word vector of a text, defined for a text with no word.

Keras' ``GlobalAveragePooling1D`` divides the masked sum by the number of
unmasked steps; for a text with no known word (``""``, ``"!!!"``, or only
words unseen in training) that number is 0 and the mean is ``0 / 0 = NaN``,
which then poisons the probabilities and, on a training set holding such a
text, the loss and every weight. `MaskedMean` divides by ``max(count, 1)``
instead: the mean over no words is the zero vector, so such a text gets the
output layer's bias alone (the prior the model learned), a finite answer, as
the ``ngrams`` and ``wide`` layers already give (``embedlab.models.ngrams``).
"""

from __future__ import annotations

import functools
from typing import Any

from embedlab._keras import import_keras


@functools.cache
def masked_mean_class() -> Any:
    """The `MaskedMean` Keras layer class (defined once, on first use).

    Registered as ``embedlab>MaskedMean`` so a saved model loads back (see
    `embedlab.models.ngrams.custom_objects`).
    """
    keras = import_keras()
    ops = keras.ops

    @keras.saving.register_keras_serializable(package="embedlab")
    class MaskedMean(keras.layers.Layer):  # type: ignore[misc,name-defined]
        """Mean over the unmasked steps of ``(batch, steps, dim)``; zeros where none is.

        Call args:
            inputs: ``(batch, steps, dim)`` vectors.
            mask: ``(batch, steps)`` bool or None (then every step counts).

        Returns:
            ``(batch, dim)``: ``sum(inputs * mask) / max(sum(mask), 1)``.
        """

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.supports_masking = True

        def call(self, inputs: Any, mask: Any = None) -> Any:
            if mask is None:
                return ops.mean(inputs, axis=1)
            weight = ops.expand_dims(ops.cast(mask, inputs.dtype), -1)
            total = ops.sum(inputs * weight, axis=1)
            return total / ops.maximum(ops.sum(weight, axis=1), 1.0)

        def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
            return None  # the steps are gone

        def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
            return (input_shape[0], input_shape[-1])

    return MaskedMean
