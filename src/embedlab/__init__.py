"""embedlab: text classification with word embeddings on Keras 3.

Text -> ids (`Tokenizer`, `pad_sequences`) -> vectors (`load_vectors`,
`build_embedding_matrix`) -> model (`build_model`, `TextClassifier`).
Importing embedlab does not import Keras; that happens when a model is built.

The rooms: `text` (tokenizer), `data` (labelled texts), `vectors` (pretrained
vectors), `embeddings` (training vectors), `models` (the Keras model
registry), `classify` (`TextClassifier`), `experiments` (comparison grids),
`deploy` (batch prediction, serving, export), `cli` (the command line);
`pipeline` holds the jobs the CLI runs and their options (`TrainOptions`),
`errors` the errors, `atomic` the file writers.
"""

from embedlab.classify import Coverage, TextClassifier, build_embedding_matrix
from embedlab.data import Dataset, kfold_indices, read_dataset, train_test_split
from embedlab.errors import (
    DataError,
    EmbedlabError,
    ModelConfigError,
    OptionError,
    SavedFileError,
    VectorFileError,
)
from embedlab.models import MODES, ModelConfig, build_model, model_names, register_model
from embedlab.text import Tokenizer, pad_sequences, text_to_word_sequence
from embedlab.vectors import Vectors, load_vectors, save_vectors

__version__ = "0.1.0"

__all__ = [
    "MODES",
    "Coverage",
    "DataError",
    "Dataset",
    "EmbedlabError",
    "ModelConfig",
    "ModelConfigError",
    "OptionError",
    "SavedFileError",
    "TextClassifier",
    "Tokenizer",
    "VectorFileError",
    "Vectors",
    "build_embedding_matrix",
    "build_model",
    "kfold_indices",
    "load_vectors",
    "model_names",
    "pad_sequences",
    "read_dataset",
    "register_model",
    "save_vectors",
    "text_to_word_sequence",
    "train_test_split",
]
