"""Options shared by several commands: data reading, the model and training options, logs.

The model and training options (`ModelOpt` ... `EdgePaddingOpt`) are those of
`embedlab.pipeline.TrainOptions`, one alias per field, used by both `train`
and `compare`, so the two commands offer the same options with the same help;
`train_options` builds the `TrainOptions` from a command's arguments by field
name. tests/test_options.py checks that every field has an option in both.
"""

from __future__ import annotations

import dataclasses
import logging
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from embedlab.classify.matrix import STATIC_PRETRAINED_VOCAB
from embedlab.models.registry import STATIC_PROJECTION, model_names

if TYPE_CHECKING:
    from embedlab.pipeline import TrainOptions

DataArg = Annotated[
    list[str],
    typer.Argument(
        help="A file or folder of labelled texts, or LABEL=PATH pairs (one text a line per class)."
    ),
]
FormatOpt = Annotated[
    Optional[str],  # noqa: UP045 - typer needs Optional on Python 3.10
    typer.Option(help="csv|tsv|jsonl|folder|lines|label-text; sniffed from the content if absent."),
]
EncodingOpt = Annotated[str, typer.Option(help="Text encoding of the data files (e.g. latin-1).")]
TextColOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--text-column", help="Text column of CSV/TSV/JSONL; guessed if absent."),
]
LabelColOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--label-column", help="Label column of CSV/TSV/JSONL; guessed if absent."),
]
LabelSepOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--label-separator",
        help="Multi-label: split each label on this string (a|b). JSONL arrays need none.",
    ),
]
StrictOpt = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Stop at a row with an empty text (or a label with no text) instead of "
        "skipping it with a warning.",
    ),
]
ThresholdOpt = Annotated[
    Optional[float],  # noqa: UP045
    typer.Option(help="Multi-label: probability from which a label is predicted (0.5)."),
]
CharNgramsOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--char-ngrams",
        metavar="MIN,MAX",
        help="ngrams/cnn_ngrams/wide/wide_average: also hash each word's character "
        "n-grams of these lengths (e.g. 2,4).",
    ),
]
TokenizerOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--tokenizer",
        help="Word analyzer: whitespace|kiwi|subword, options after ':' (kiwi:pos, "
        "kiwi:content, subword:vocab=8000); default: kiwi if most texts are Hangul.",
    ),
]

_OptionalStr = Optional[str]  # noqa: UP045 - typer needs Optional on Python 3.10
_OptionalInt = Optional[int]  # noqa: UP045
_OptionalFloat = Optional[float]  # noqa: UP045
_OptionalBool = Optional[bool]  # noqa: UP045

# ------------------------------------------------ TrainOptions, one per field
ModelOpt = Annotated[
    _OptionalStr,
    typer.Option(
        help="default (the recommended recipe, chosen from the data)|" + "|".join(model_names())
    ),
]
ModeOpt = Annotated[str, typer.Option(help="rand|static|nonstatic|multichannel")]
VectorsOpt = Annotated[
    _OptionalStr,
    typer.Option(help="Pretrained vectors: a name (glove-6B-50d) or a file path."),
]
DownloadOpt = Annotated[
    bool,
    typer.Option(
        "--download/--no-download", help="Download --vectors NAME if it is not in the cache yet."
    ),
]
EpochsOpt = Annotated[
    _OptionalInt,
    typer.Option(min=1, help="Most passes over the training data (10; the recipe: its own)."),
]
SeedOpt = Annotated[int, typer.Option(help="Seed: the same seed gives the same metrics.")]
MaxlenOpt = Annotated[
    _OptionalInt, typer.Option(min=1, help="Padded length; default covers 99% of texts.")
]
NumWordsOpt = Annotated[
    _OptionalInt, typer.Option(min=2, help="Keep the num_words-1 most frequent words.")
]
LowerOpt = Annotated[
    bool, typer.Option("--lower/--no-lower", help="Lower-case texts before tokenizing.")
]
OOVTokenOpt = Annotated[
    _OptionalStr, typer.Option(help="Token for words unseen in training (e.g. '<OOV>').")
]
EmbeddingDimOpt = Annotated[
    _OptionalInt,
    typer.Option(min=1, help="Embedding size in mode rand (the vectors' size, else 100)."),
]
EmbeddingScaleOpt = Annotated[
    _OptionalFloat,
    typer.Option(
        min=0.0, help="Mode rand: start embeddings from U[-a, a] (Kim: 0.25); Keras' 0.05."
    ),
]
ProjectionOpt = Annotated[
    _OptionalInt,
    typer.Option(
        min=0,
        help="Units of a learned ReLU layer over each word's vector; 0: none "
        f"(default: {STATIC_PROJECTION} in mode static, else 0).",
    ),
]
UnitsOpt = Annotated[
    _OptionalInt,
    typer.Option(
        min=1,
        help="Recurrent units (default 100); for wide/wide_average the n-gram table's width "
        "(default: 1 for two classes, else one per class and at least 8).",
    ),
]
LayersOpt = Annotated[int, typer.Option(min=1, help="Stacked recurrent layers.")]
DropoutOpt = Annotated[
    _OptionalFloat,
    typer.Option(min=0.0, max=0.99, help="Dropout before the output; the model's default."),
]
MaxNormOpt = Annotated[
    _OptionalFloat,
    typer.Option(min=0.0, help="Max-norm of the output weights; the model's (cnn: 3)."),
]
OptimizerOpt = Annotated[str, typer.Option(help="adam|adadelta|rmsprop|sgd")]
LearningRateOpt = Annotated[
    _OptionalFloat,
    typer.Option(
        min=0.0,
        help="If absent: the model's own rate for Adam if it declares one, else the "
        "optimizer's default.",
    ),
]
BatchSizeOpt = Annotated[int, typer.Option(min=1, help="Mini-batch size (Kim: 50).")]
OOVInitOpt = Annotated[str, typer.Option(help="random|zeros: the rows of words the vectors lack.")]
PretrainedVocabOpt = Annotated[
    _OptionalInt,
    typer.Option(
        min=0,
        help="Also give ids to the vectors' N most frequent words unseen in training "
        f"(default: {STATIC_PRETRAINED_VOCAB} in mode static, else 0).",
    ),
]
ValidationSplitOpt = Annotated[
    _OptionalFloat,
    typer.Option(help="Hold out this fraction of the training data as dev data (e.g. 0.1)."),
]
PatienceOpt = Annotated[
    _OptionalInt,
    typer.Option(
        min=0, help="Stop after N epochs without a better dev score; keep the best weights."
    ),
]
MonitorOpt = Annotated[
    str, typer.Option(help="What --patience watches: val_loss or val_accuracy (Kim).")
]
ClassWeightOpt = Annotated[
    _OptionalStr,
    typer.Option(help="'balanced' (n/(k*count)) or LABEL=W pairs: neg=1,pos=4."),
]
DataParallelOpt = Annotated[
    bool,
    typer.Option(
        help="Split each batch over all local accelerators (keras.distribution.DataParallel"
        ", JAX); --batch-size must be a multiple of the device count."
    ),
]
NgramBucketsOpt = Annotated[
    _OptionalInt,
    typer.Option(min=1, help="ngrams/cnn_ngrams/wide: rows of the hashed n-gram table."),
]
NgramsOpt = Annotated[
    _OptionalInt,
    typer.Option(min=2, help="ngrams/cnn_ngrams/wide: longest word n-gram (2: bigrams)."),
]
NaiveBayesOpt = Annotated[
    bool,
    typer.Option(
        help="wide/wide_average, one label per text: scale n-grams by naive-Bayes ratios "
        "(NBSVM; one-vs-rest beyond two classes)."
    ),
]
EdgePaddingOpt = Annotated[
    _OptionalBool,
    typer.Option(
        "--edge-padding/--no-edge-padding",
        help="cnn/cnn_ngrams: Kim's zero padding at both ends of each text "
        "(default: on for cnn, off for cnn_ngrams).",
    ),
]

NumFiltersOpt = Annotated[
    int | None,
    typer.Option(help="cnn/cnn_ngrams: feature maps per window size (default: 100, Kim's)."),
]


def train_options(arguments: Mapping[str, Any], **overrides: Any) -> TrainOptions:
    """The `TrainOptions` whose fields take the command's arguments of the same name.

    Args:
        arguments: mapping. The command's arguments (its ``locals()``).
        **overrides: fields to set otherwise (parsed or per-command values).
    """
    from embedlab.classify.training import parse_class_weight
    from embedlab.pipeline import TrainOptions

    fields = {field.name for field in dataclasses.fields(TrainOptions)}
    values = {name: value for name, value in arguments.items() if name in fields}
    if "class_weight" in values:
        values["class_weight"] = parse_class_weight(values["class_weight"])
    if isinstance(values.get("char_ngrams"), str):
        values["char_ngrams"] = parse_char_ngrams(values["char_ngrams"])
    if values.get("threshold", 0) is None:
        del values["threshold"]  # the CLI's None: the classifier's default
    return TrainOptions(**{**values, **overrides})


def parse_char_ngrams(text: str) -> tuple[int, int]:
    """``"2,4"`` as ``(2, 4)``; a clear error for anything else."""
    from embedlab.errors import OptionError

    parts = text.replace(" ", "").split(",")
    if len(parts) != 2 or not all(part.isdigit() for part in parts):
        raise OptionError(f"--char-ngrams takes MIN,MAX (e.g. 2,4). Received: {text!r}")
    low, high = (int(part) for part in parts)
    return low, high


def setup_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log = logging.getLogger("embedlab")
    log.handlers[:] = [handler]
    log.setLevel(logging.INFO)
    log.propagate = False
