"""Labelled texts: read them in the shapes datasets ship in, split them, fold them.

One module per concept:

- `embedlab.data.dataset`: `Dataset`, texts with their labels (one label each,
  or a list of labels each for multi-label data);
- `embedlab.data.textio`: decoding text files, `read_texts`;
- `embedlab.data.sniff`: `FORMATS` and `sniff_format`;
- `embedlab.data.readers`: `read_dataset` for every layout of `FORMATS`;
- `embedlab.data.splits`: seeded, stratified `train_test_split` and
  `kfold_indices`.

Every public name is importable from `embedlab.data`.
"""

from embedlab.data.dataset import Dataset, Label, label_set
from embedlab.data.readers import SkippedRowsWarning, read_dataset
from embedlab.data.sniff import FORMATS, LABEL_COLUMNS, TEXT_COLUMNS, sniff_format
from embedlab.data.splits import kfold_indices, stratify_keys, train_test_split
from embedlab.data.textio import read_texts

__all__ = [
    "FORMATS",
    "LABEL_COLUMNS",
    "TEXT_COLUMNS",
    "Dataset",
    "Label",
    "SkippedRowsWarning",
    "kfold_indices",
    "label_set",
    "read_dataset",
    "read_texts",
    "sniff_format",
    "stratify_keys",
    "train_test_split",
]
