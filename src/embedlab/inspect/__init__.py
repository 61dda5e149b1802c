"""Seeing inside a classifier: what fine-tuning moved, maps of the vector space, why a label.

- `embedlab.inspect.neighbours`: Kim (2014) Table 3, nearest neighbours in the
  pretrained and the fine-tuned table, and the words that moved most;
- `embedlab.inspect.explain`: each word's contribution to a prediction
  (occlusion);
- `embedlab.inspect.maps`: 2-D maps (PCA, t-SNE, UMAP) and the TensorBoard
  Projector's files.

The submodules import numpy only at import time; Keras, scikit-learn, UMAP
and matplotlib are imported by the functions that need them.
"""

from __future__ import annotations
