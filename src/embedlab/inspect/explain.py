"""Why a text got its label: each word's contribution, by occlusion.

A word's contribution to label ``y`` is how much the log-odds of ``y`` drop
when the word is removed from the text::

    contribution(word_i) = logit p(y | text) - logit p(y | text without word_i)

with ``logit p = log(p / (1 - p))``: positive when the word supports ``y``,
negative when it speaks against it. Log-odds rather than probabilities,
because a confident model's probabilities saturate (0.99993 against 0.99756
without "dull": a drop of 0.002, but of 3.5 in log-odds); the change of
probability is given too (``probability_change``).
All the texts of one call are scored in **one batched model call** of
``sum(n_words + 1)`` rows (the text, then the text without each word in
turn), whatever the model: the explainer only needs a function from id
sequences to probabilities (`ids_predictor`), so any classifier that maps ids
to probabilities, ensembles included, can be explained.

Why occlusion rather than integrated gradients on the embeddings: measured on
a small CNN (``benchmarks/explain_methods.py``), removing each method's top
words lowered the probability of the label more for occlusion, which also
needs no gradient (the n-gram models' hashed ids have none) and costs one
batched call instead of ~20 gradient passes.

Explanations are per token the classifier's tokenizer produced, lower-cased
when it lower-cases; tokens it does not know are marked (``known`` False) and
contribute 0 unless an `oov_token` stands for them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from embedlab.errors import EmbedlabError

if TYPE_CHECKING:
    from embedlab.classify.classifier import TextClassifier
    from embedlab.data import Label

IdsPredictor = Callable[[Sequence[Sequence[int]]], np.ndarray]
METHOD = "occlusion"
BATCH_ROWS = 256  # rows per forward pass; batches are padded to powers of two up to it
EPSILON = 1e-7  # probabilities are clipped to [EPSILON, 1 - EPSILON] before the logit


def log_odds(p: np.ndarray) -> np.ndarray:
    """``log(p / (1 - p))`` of probabilities clipped away from 0 and 1."""
    p = np.clip(np.asarray(p, dtype=np.float64), EPSILON, 1.0 - EPSILON)
    return np.log(p) - np.log1p(-p)


@dataclass(frozen=True)
class TokenContribution:
    """One token of a text and its contribution to the explained label.

    Attributes:
        token: str. The token as the tokenizer produced it.
        known: bool. Whether the classifier has a row for it.
        contribution: float. Log-odds of the label with the token minus
            without it (0 for tokens the classifier drops).
        probability_change: float. Probability of the label with the token
            minus without it.
    """

    token: str
    known: bool
    contribution: float
    probability_change: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "token": self.token,
            "known": self.known,
            "contribution": self.contribution,
            "probability_change": self.probability_change,
        }


@dataclass(frozen=True)
class Explanation:
    """The contributions of a text's tokens to one label.

    Attributes:
        label: str. The label explained (the most probable one).
        probability: float. Its probability for the whole text.
        tokens: list of TokenContribution. In text order; empty for a text
            without tokens.
        method: str. ``"occlusion"``.
        rows: int. Rows this text added to the batched model call
            (``len(tokens) + 1``).
    """

    label: str
    probability: float
    tokens: list[TokenContribution]
    method: str = METHOD
    rows: int = 1

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "label": self.label,
            "probability": self.probability,
            "method": self.method,
            "model_rows": self.rows,
            "tokens": [t.to_dict() for t in self.tokens],
        }

    def top(self, k: int = 5) -> list[TokenContribution]:
        """The `k` tokens with the largest contributions in absolute value."""
        return sorted(self.tokens, key=lambda t: -abs(t.contribution))[:k]


def _bucket(rows: int) -> int:
    """Rows padded to a power of two up to `BATCH_ROWS`, then to a multiple of it (few shapes)."""
    if rows >= BATCH_ROWS:
        return -(-rows // BATCH_ROWS) * BATCH_ROWS
    return max(8, 1 << (rows - 1).bit_length())


def ids_predictor(clf: TextClassifier) -> IdsPredictor:
    """A function from id sequences to probabilities ``(n, len(clf.labels))`` for `clf`.

    Sequences are padded and truncated as the classifier does (post), and the
    row count is rounded up to few sizes so JAX compiles few shapes.
    """
    from embedlab.text.tokenizer import pad_sequences

    if clf.keras_model is None or clf.config is None:
        raise EmbedlabError("This TextClassifier is not trained yet: call fit() or load().")
    model, length = clf.keras_model, clf.config.sequence_length

    def predict(sequences: Sequence[Sequence[int]]) -> np.ndarray:
        n = len(sequences)
        x = np.zeros((_bucket(n), length), dtype=np.int32)
        x[:n] = pad_sequences(
            [list(s) for s in sequences], maxlen=length, padding="post", truncating="post"
        )
        out = np.asarray(model.predict(x, batch_size=BATCH_ROWS, verbose=0), dtype=np.float32)[:n]
        return np.concatenate([1.0 - out, out], axis=1) if out.shape[1] == 1 else out

    return predict


def _tokens(clf: TextClassifier, text: str) -> tuple[list[str], list[int | None], int | None]:
    """The tokenizer's tokens of `text`, the id of each (None when dropped), and the oov id."""
    from embedlab.text.tokenizer import text_to_word_sequence

    tokenizer = clf.tokenizer
    assert tokenizer is not None
    if tokenizer.char_level:
        tokens = list(text.lower() if tokenizer.lower else text)
    else:
        tokens = text_to_word_sequence(
            text, filters=tokenizer.filters, lower=tokenizer.lower, split=tokenizer.split
        )
    sequences = tokenizer.texts_to_sequences(tokens)  # a token re-tokenizes to itself
    oov = tokenizer.oov_token
    oov_id = None if oov is None else tokenizer.word_index[oov]
    ids = [seq[0] if seq else None for seq in sequences]
    return tokens, ids, oov_id


def occlusion(
    sequences: Sequence[Sequence[int]], predict: IdsPredictor
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Probabilities of each sequence and of each sequence without each of its ids in turn.

    One call of `predict` on ``sum(len(s) + 1)`` rows.

    Returns:
        ``(full, dropped)``: ``full`` is ``(len(sequences), n_labels)``;
        ``dropped[i][j]`` the probabilities of sequence ``i`` without position ``j``.
    """
    rows: list[list[int]] = []
    for seq in sequences:
        seq = list(seq)
        rows.append(seq)
        rows.extend(seq[:j] + seq[j + 1 :] for j in range(len(seq)))
    proba = predict(rows)
    full, dropped, at = [], [], 0
    for seq in sequences:
        full.append(proba[at])
        dropped.append(proba[at + 1 : at + 1 + len(seq)])
        at += len(seq) + 1
    return np.asarray(full).reshape(len(sequences), -1), dropped


def explain(
    clf: TextClassifier, texts: Sequence[str], *, predict: IdsPredictor | None = None
) -> list[Explanation]:
    """Each token's contribution to the most probable label of each text, by occlusion.

    Args:
        clf: TextClassifier. Trained or loaded; its tokenizer and labels are used.
        texts: list of str. Texts to explain; an empty text gets no tokens.
        predict: callable or None. Id sequences -> probabilities; defaults
            to `ids_predictor(clf)` (pass another for a model of your own
            over the same tokenizer, an ensemble for instance).

    Returns:
        One `Explanation` per text, from one batched model call in all.

    Example:
        >>> [e.top(1)[0].token for e in explain(clf, ["a dull, boring film"])]
        ['boring']
    """
    if isinstance(texts, str):
        raise TypeError("`texts` must be a list of strings, not one string. Wrap it: [texts].")
    if clf.tokenizer is None:
        raise EmbedlabError("This TextClassifier is not trained yet: call fit() or load().")
    predict = predict or ids_predictor(clf)
    parsed = [_tokens(clf, text) for text in texts]
    sequences = [[i for i in ids if i is not None] for _, ids, _ in parsed]
    full, dropped = occlusion(sequences, predict)
    out = []
    for (tokens, ids, oov_id), probs, without in zip(parsed, full, dropped, strict=True):
        target = int(np.argmax(probs))
        changes = log_odds(probs[target]) - log_odds(without[:, target])
        drops = probs[target] - without[:, target]
        contributions, at = [], 0
        for token, token_id in zip(tokens, ids, strict=True):
            if token_id is None:
                contributions.append(TokenContribution(token, False, 0.0))
                continue
            known = token_id != oov_id
            contributions.append(
                TokenContribution(token, known, float(changes[at]), float(drops[at]))
            )
            at += 1
        out.append(
            Explanation(
                label=clf.labels[target],
                probability=float(probs[target]),
                tokens=contributions,
                rows=len([i for i in ids if i is not None]) + 1,
            )
        )
    return out


__all__ = [
    "Explanation",
    "IdsPredictor",
    "log_odds",
    "TokenContribution",
    "explain",
    "ids_predictor",
    "occlusion",
    "predict_explained",
]


def predict_explained(
    directory: str | os.PathLike[str], texts: Sequence[str], *, threshold: float | None = None
) -> tuple[list[Label], list[dict[str, float]], list[Explanation]]:
    """Labels, per-label probabilities and explanations of `texts` by a saved classifier.

    The classifier is loaded once; see `explain` for the explanations.
    """
    from embedlab.classify.classifier import TextClassifier

    clf = TextClassifier.load(directory)
    proba = clf.predict_proba(list(texts))
    labels = clf.labels_of(proba, threshold=threshold)
    probabilities = [
        {label: float(p) for label, p in zip(clf.labels, row, strict=True)} for row in proba
    ]
    return labels, probabilities, explain(clf, texts)
