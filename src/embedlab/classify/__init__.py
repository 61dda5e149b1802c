"""The classifier: embedding matrix, `TextClassifier`, training hygiene, saving, metrics.

- `embedlab.classify.matrix`: `build_embedding_matrix` and its `Coverage` report;
- `embedlab.classify.classifier`: `TextClassifier` (fit, predict, evaluate,
  save, load);
- `embedlab.classify.labels`: single- and multi-label labels, targets and
  the threshold's decisions;
- `embedlab.classify.checks`: the checks of arguments and data where they enter;
- `embedlab.classify.estimator`: the config contract (`get_params`,
  `get_config`, `from_config`) and the scikit-learn estimator API;
- `embedlab.classify.training`: dev splits, class weights, early stopping;
- `embedlab.classify.saving`: the saved classifier format (layout, version,
  `read_config`), read and written only there;
- `embedlab.classify.metrics`: accuracy, F1 and confusion matrices.
"""

from embedlab.classify.classifier import DEFAULT_THRESHOLD, TextClassifier
from embedlab.classify.matrix import Coverage, build_embedding_matrix
from embedlab.classify.metrics import classification_report, multilabel_report

__all__ = [
    "DEFAULT_THRESHOLD",
    "Coverage",
    "TextClassifier",
    "build_embedding_matrix",
    "classification_report",
    "multilabel_report",
]
