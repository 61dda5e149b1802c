"""Keras classifiers chosen by name from one registry.

- `embedlab.models.registry`: `register_model`, `ModelConfig`, `build_model`,
  the embedding `MODES` and what each registered model declares (its
  options, minimum length and fit-time step);
- `embedlab.models.architectures`: the built-in model bodies;
- `embedlab.models.ngrams`: the hashed word n-gram layers computed inside the
  graph (`HashedNgramBag`, `HashedNgramLinear`) and the naive-Bayes ratios.

Importing this package does not import Keras; building a model does.
"""

from embedlab.models.registry import (
    MODES,
    PRETRAINED_MODES,
    ModelConfig,
    build_model,
    describe_models,
    model_defaults,
    model_names,
    register_model,
)

__all__ = [
    "MODES",
    "PRETRAINED_MODES",
    "ModelConfig",
    "build_model",
    "describe_models",
    "model_defaults",
    "model_names",
    "register_model",
]
