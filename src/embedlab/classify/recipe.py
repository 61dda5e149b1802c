"""The default recipe: which models to train, chosen only from what the training data shows.

`TextClassifier()` with no model name and ``embedlab train DATA --out run``
should train a configuration that beats the strong linear baselines (TF-IDF +
logistic regression, NBSVM, fastText) on data nobody tuned for. The rules
live here, in one place, and read nothing but the training texts and labels
(`DataProfile`): no dataset names, no per-dataset tables.

The rules (figures: dev accuracy on splits carved from training data only,
see ``benchmarks/recipe_search.py`` and ``benchmarks/results/recipe_search.json``):

1. Two classes: a naive-Bayes-weighted linear model of hashed word 1-2 grams
   (`wide`, ``naive_bayes=True``, one unit, learning rate 0.01: NBSVM as a
   Keras model, Wang & Manning 2012). It is the strongest single member on
   every binary dev split and trains in seconds.
2. More than two classes (NB ratios are for two): the multi-class `wide`
   model, 16 units.
3. Short texts (a mean under `SHORT_TEXT_TOKENS` tokens: sentences, phrases,
   questions): add Kim's CNN on GloVe 6B 50d, fine-tuned (``nonstatic``).
   Word vectors carry what a few words cannot show a linear model; on long
   documents the n-gram model already sees enough, and a CNN over hundreds of
   tokens costs more than ten times fastText.
4. The members' probabilities are averaged (`RecipeMember` list; the
   coordinator turns them into one saved classifier).

Every member holds out 10% of the training texts (stratified, seeded) for
early stopping with patience 2: anything chosen by data is chosen on dev
data carved from the training data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from embedlab.classify.classifier import TextClassifier

VECTORS = "glove-6B-50d"
SHORT_TEXT_TOKENS = 60
DEV_FRACTION = 0.1
PATIENCE = 2


@dataclass(frozen=True)
class DataProfile:
    """What the recipe may look at: facts of the training data only.

    Attributes:
        n_texts: int. Training texts.
        n_classes: int. Distinct labels.
        mean_tokens: float. Mean whitespace-separated tokens per text.
        multi_label: bool. Whether the labels are lists.
        majority_share: float. The share of the most frequent class (balance).
    """

    n_texts: int
    n_classes: int
    mean_tokens: float
    multi_label: bool
    majority_share: float

    @classmethod
    def of(cls, texts: Sequence[str], labels: Sequence[Any]) -> DataProfile:
        """The profile of `texts` and their `labels` (str, or lists of str)."""
        from collections import Counter

        multi = any(isinstance(label, list) for label in labels)
        counts: Counter[str] = Counter()
        for label in labels:
            counts.update(label if isinstance(label, list) else [str(label)])
        n = len(texts)
        return cls(
            n_texts=n,
            n_classes=len(counts),
            mean_tokens=sum(len(t.split()) for t in texts) / n if n else 0.0,
            multi_label=multi,
            majority_share=max(counts.values()) / max(1, len(labels)) if counts else 0.0,
        )


@dataclass(frozen=True)
class RecipeMember:
    """One model of the recipe: `TextClassifier` options and `fit` options."""

    model: str
    options: dict[str, Any] = field(default_factory=dict)
    fit_options: dict[str, Any] = field(default_factory=dict)

    def classifier(self, *, seed: int = 0) -> TextClassifier:
        """A new, untrained `TextClassifier` of this member."""
        from embedlab.classify.classifier import TextClassifier

        return TextClassifier(self.model, seed=seed, **self.options)


def _fit(epochs: int) -> dict[str, Any]:
    return {"epochs": epochs, "validation_split": DEV_FRACTION, "patience": PATIENCE}


def recipe_members(profile: DataProfile) -> list[RecipeMember]:
    """The recipe's models for data of `profile` (rules 1-3 of the module docstring)."""
    linear: dict[str, Any] = {"ngrams": 2, "ngram_buckets": 2**20, "learning_rate": 0.01}
    if profile.n_classes == 2 and not profile.multi_label:
        members = [RecipeMember("wide", {**linear, "naive_bayes": True, "units": 1}, _fit(8))]
    else:
        members = [RecipeMember("wide", {**linear, "units": 16}, _fit(8))]
    if profile.mean_tokens < SHORT_TEXT_TOKENS:
        cnn = {"mode": "nonstatic", "vectors": VECTORS}
        members.append(RecipeMember("cnn", cnn, _fit(15)))
    return members


def recipe_classifier(train_texts: Sequence[str], train_labels: Sequence[Any]) -> TextClassifier:
    """The recipe's first (main) model for this training data, untrained.

    The full recipe may hold several members (`recipe_members`), whose
    probabilities are averaged; until `TextClassifier` holds an ensemble this
    returns the first.

    Args:
        train_texts: sequence of str. The training texts.
        train_labels: sequence. Their labels (lists of str for multi-label).

    Returns:
        An untrained `TextClassifier`; fit it with
        ``recipe_members(DataProfile.of(...))[0].fit_options``.
    """
    return recipe_members(DataProfile.of(train_texts, train_labels))[0].classifier()
