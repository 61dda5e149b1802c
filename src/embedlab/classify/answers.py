"""One answer everywhere: the prediction record of a text, and strict JSON.

The Python API (`predict_records`), the CLI (``predict --json``, ``predict
--file``, ``predict --file --out``) and ``POST /predict`` all build their
rows here, so the same model gives the same keys and values everywhere::

    {"text": "a fine film", "label": "pos",
     "probabilities": {"neg": 0.12, "pos": 0.88}, "known_words": 2}

A multi-label classifier answers ``"labels": [...]`` instead of ``"label"``;
rows read from a file start with their 1-based ``"line"``. ``known_words``
counts the words of the text that the model saw with an id of its own (not
the OOV token, within `maxlen`): 0 says the answer is the model's prior
alone, as for ``""`` or ``"!!!"``.

JSON is written with `dumps` (``allow_nan=False``): a NaN or an infinity
is an error here, never a ``NaN`` token that strict parsers reject.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from embedlab.data import Label
from embedlab.errors import EmbedlabError

if TYPE_CHECKING:
    from embedlab.classify.classifier import TextClassifier


def dumps(data: Any, **kwargs: Any) -> str:
    """`json.dumps` that refuses NaN and infinities (strict JSON), UTF-8 kept as is."""
    kwargs.setdefault("ensure_ascii", False)
    return json.dumps(data, allow_nan=False, **kwargs)


def known_words(clf: TextClassifier, texts: Sequence[str]) -> list[int]:
    """How many words of each text the model sees with an id of its own.

    Words unseen in training (or beyond `num_words`, or mapped to the OOV
    token) and words past the model's `maxlen` do not count.
    """
    assert clf.tokenizer is not None and clf.config is not None
    oov = clf.tokenizer.word_index.get(clf.tokenizer.oov_token) if clf.tokenizer.oov_token else None
    length = clf.config.sequence_length
    return [
        sum(1 for i in ids[:length] if i != oov) for ids in clf.tokenizer.texts_to_sequences(texts)
    ]


def prediction_record(
    classes: Sequence[str],
    text: str,
    proba: Sequence[float],
    predicted: Label,
    known: int | None,
    *,
    line: int | None = None,
    with_text: bool = True,
    explanation: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The record of one text (see the module docstring for its keys).

    Args:
        classes: the classifier's labels, in the order of `proba`.
        text: str. The text. proba: its probabilities.
        predicted: its label, or (multi-label) its list of labels.
        known: int or None. Its `known_words` (left out when None).
        line: int or None. Its line in the input file.
        with_text: bool. Include the text.
        explanation: dict or None. Its per-token contributions
            (`embedlab.inspect.explain`), written as ``explanation``.

    Raises:
        EmbedlabError: if a probability is NaN or infinite (a damaged model,
            or one saved before embedlab refused NaN training): never a
            silent ``NaN`` or ``null`` in an answer.
    """
    values = np.asarray(proba, dtype=np.float64).tolist()
    if not all(math.isfinite(p) for p in values):
        raise EmbedlabError(
            f"The model gave non-finite probabilities {values} for {text!r}; it is damaged "
            "or was trained before embedlab refused NaN training. Train it again."
        )
    record: dict[str, Any] = {} if line is None else {"line": line}
    if with_text:
        record["text"] = text
    record["labels" if isinstance(predicted, list) else "label"] = predicted
    record["probabilities"] = dict(zip(classes, values, strict=True))
    if known is not None:
        record["known_words"] = known
    if explanation is not None:
        record["explanation"] = explanation
    return record


def records(
    clf: TextClassifier,
    texts: Sequence[str],
    proba: np.ndarray,
    *,
    threshold: float | None = None,
    lines: Sequence[int | None] | None = None,
    with_text: bool = True,
    explanations: Sequence[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """The records of `texts`, whose probabilities `proba` come from `clf.predict_proba`
    (with each text's explanation when `explanations` are given)."""
    predicted = clf.labels_of(proba, threshold=threshold)
    known = known_words(clf, texts)
    numbers: Sequence[int | None] = [None] * len(texts) if lines is None else lines
    notes: Sequence[dict[str, Any] | None] = (
        [None] * len(texts) if explanations is None else explanations
    )
    return [
        prediction_record(
            clf.labels, text, row, label, n, line=number, with_text=with_text, explanation=note
        )
        for text, row, label, n, number, note in zip(
            texts, proba, predicted, known, numbers, notes, strict=True
        )
    ]


def predict_records(
    clf: TextClassifier, texts: Sequence[str], *, threshold: float | None = None
) -> list[dict[str, Any]]:
    """Predict `texts` and return one record each, as the CLI and HTTP answer.

    Example:
        >>> predict_records(clf, ["a fine film", "!!!"])[1]["known_words"]
        0
    """
    return records(clf, texts, clf.predict_proba(texts), threshold=threshold)
