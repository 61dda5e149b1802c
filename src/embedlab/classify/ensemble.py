"""Ensembles: train a recipe's members on one tokenizer and combine them into one Keras model.

`TextClassifier(model=None)` (the recipe, `embedlab.classify.recipe`) is
fitted by `fit_ensemble`:

1. `embedlab.classify.recipe.plan` chooses the members from the training data;
2. one dev split is carved from the training texts (stratified, seeded by the
   classifier's `seed`; `validation_data` when given), used for the early
   stopping of the members that stop early;
3. one tokenizer and one sequence length are fitted on all the training
   texts, shared by every member;
4. each member is trained as a single-model `TextClassifier` on those ids: a
   member that stops early on the rest, with the dev split watched; one
   trained for a fixed number of epochs on every training text. A member
   with `choices` (`embedlab.classify.recipe.MemberSpec`) first trains each
   candidate on the texts outside the dev split and keeps the one of best
   dev accuracy (`_choose_on_dev`; the figures go into the reasons). A
   member with `refit` that stopped early is then trained again from its
   seed on every training text, dev split included, for the epochs early
   stopping kept (`_refit`; not when the dev data were the caller's own);
5. the members' Keras models are combined (`combine`) into one model,
   ``ids -> each member -> weighted mean of their probabilities``, built of
   serializable Keras layers (``Rescaling`` and ``Add``), so prediction,
   saving, serving, batch and Dask prediction and export use the same code
   as a single model, and loading needs no vector file.

The fitted ``TextClassifier.config`` is then an `EnsembleConfig`: what the
members share (sequence length, classes, multi-label) and one
`MemberRecord` per member.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from embedlab._keras import import_keras
from embedlab.classify.recipe import DEV_FRACTION, RECIPE_NAME, check_recipe, plan
from embedlab.data import Label
from embedlab.models.registry import min_sequence_length

if TYPE_CHECKING:
    from embedlab.classify.classifier import TextClassifier
    from embedlab.classify.training import ClassWeight

logger = logging.getLogger("embedlab")

ENSEMBLE_MODEL_NAME = "ensemble"  # the combined Keras model's name


@dataclass(frozen=True)
class MemberRecord:
    """One trained member of an ensemble, as saved in ``config.json``.

    Attributes:
        model: str. Its registered model name.
        mode: str. Its embedding mode.
        vectors: str or None. What its embeddings started from.
        seed: int. Its seed.
        weight: float. Its weight in the mean (normalised: the weights sum to 1).
        best_epoch: int or None. The epoch (0-based) whose weights it kept,
            with early stopping.
        epochs_run: int. The epochs it trained (both fits', when refit).
        params: dict. Its `TextClassifier` constructor arguments.
        config: dict. Its fitted `ModelConfig` (`ModelConfig.to_dict`).
        coverage: dict or None. Its vectors' coverage of the vocabulary.
        refit: bool. Whether it was trained again on every training text
            (the dev split's too) for ``best_epoch + 1`` epochs after early
            stopping (`embedlab.classify.recipe.MemberSpec.refit`).
    """

    model: str
    mode: str
    vectors: str | None
    seed: int
    weight: float
    best_epoch: int | None
    epochs_run: int
    params: dict[str, Any]
    config: dict[str, Any]
    coverage: dict[str, Any] | None = None
    refit: bool = False


@dataclass(frozen=True)
class EnsembleConfig:
    """The fitted config of an ensemble: what its members share, and the members.

    It answers what the readers of a fitted ``TextClassifier.config`` ask of
    a `ModelConfig` (``model``, ``mode``, ``sequence_length``, ``n_classes``,
    ``multi_label``, ``vocab_size``, ``to_dict``).

    Attributes:
        vocab_size: int. Rows of the shared tokenizer's ids.
        sequence_length: int. The shared padded length.
        n_classes: int. Number of labels.
        multi_label: bool. Several labels per text.
        members: tuple of MemberRecord. The members.
        reasons: tuple of str. Why the recipe chose them.
    """

    vocab_size: int
    sequence_length: int
    n_classes: int
    multi_label: bool
    members: tuple[MemberRecord, ...]
    reasons: tuple[str, ...] = ()

    model = RECIPE_NAME
    mode = "-"

    def to_dict(self) -> dict[str, Any]:
        """The shared part, as saved under ``model`` in ``config.json``."""
        return {
            "model": self.model,
            "mode": self.mode,
            "vocab_size": self.vocab_size,
            "sequence_length": self.sequence_length,
            "n_classes": self.n_classes,
            "multi_label": self.multi_label,
        }

    def ensemble_dict(self) -> dict[str, Any]:
        """The members and reasons, as saved under ``ensemble`` in ``config.json``."""
        return {
            "members": [asdict(member) for member in self.members],
            "reasons": list(self.reasons),
        }

    @classmethod
    def from_dicts(cls, model: dict[str, Any], ensemble: dict[str, Any]) -> EnsembleConfig:
        """Rebuild from the ``model`` and ``ensemble`` entries of ``config.json``."""
        return cls(
            vocab_size=int(model["vocab_size"]),
            sequence_length=int(model["sequence_length"]),
            n_classes=int(model["n_classes"]),
            multi_label=bool(model["multi_label"]),
            members=tuple(MemberRecord(**member) for member in ensemble["members"]),
            reasons=tuple(ensemble.get("reasons", ())),
        )


def combine(models: Sequence[Any], weights: Sequence[float], *, sequence_length: int) -> Any:
    """One Keras model: ``ids`` -> each model -> the weighted mean of their outputs.

    Args:
        models: list of keras.Model. Each maps ids ``(batch, sequence_length)``
            to probabilities of the same shape as the others'.
        weights: list of float. Positive; normalised to sum to 1.
        sequence_length: int. The shared padded length.

    Returns:
        An uncompiled `keras.Model` with one input named ``ids``; the members
        are its sub-models ``member_0_...``, ``member_1_...`` (uncompiled
        models of the layers of `models`, so no optimizer state is saved).
    """
    keras = import_keras()
    total = float(sum(weights))
    ids = keras.Input(shape=(sequence_length,), dtype="int32", name="ids")
    outputs = []
    for i, (model, weight) in enumerate(zip(models, weights, strict=True)):
        # an uncompiled model of the same layers: no optimizer state is saved with it
        member = keras.Model(model.inputs[0], model.outputs[0], name=f"member_{i}_{model.name}")
        scaled = keras.layers.Rescaling(weight / total, name=f"weight_{i}")(member(ids))
        outputs.append(scaled)
    mean = outputs[0] if len(outputs) == 1 else keras.layers.Add(name="mean")(outputs)
    return keras.Model(ids, mean, name=ENSEMBLE_MODEL_NAME)


def fit_ensemble(
    clf: TextClassifier,
    texts: list[str],
    y_labels: list[Label],
    *,
    multi: bool,
    epochs: int | None,
    validation_data: tuple[Sequence[str], Sequence[Any]] | None,
    validation_split: float | None,
    patience: int | None,
    monitor: str,
    class_weight: ClassWeight,
    verbose: int | str,
) -> None:
    """Fit `clf` (``model=None``) as the recipe's ensemble (see the module docstring).

    `epochs` and `patience`, when given (not None), replace every member's
    own; `monitor` goes with `patience`.
    """
    from embedlab.classify.classifier import TextClassifier

    keras = import_keras()
    recipe = plan(texts, y_labels, multi_label=multi, params=clf.get_params())
    check_recipe(recipe)
    for reason in recipe.reasons:
        logger.info("recipe: %s", reason)
    members = [TextClassifier(**spec.params) for spec in recipe.members]
    for member in members:
        member._check_vectors_given()

    if validation_data is None and validation_split is None:
        validation_split = DEV_FRACTION
    all_texts, all_labels = texts, y_labels
    texts, y_labels, validation_data = clf._hold_out_dev(
        texts, y_labels, validation_data, validation_split
    )
    held_out = clf.validation_indices is not None  # the dev split is training texts
    # the vocabulary of every training text (dev ones too: no labels are read)
    tokenizer = clf._fit_tokenizer(all_texts)
    sequences = tokenizer.texts_to_sequences(all_texts)
    sequence_length = clf.maxlen or max(
        clf._default_maxlen(sequences), *(min_sequence_length(m.model_name or "") for m in members)
    )

    explicit: dict[str, Any] = {}
    if epochs is not None:
        explicit["epochs"] = epochs
    if patience is not None:
        explicit.update(patience=patience, monitor=monitor)
    records = []
    reasons = list(recipe.reasons)  # and the dev split's choices, as they are made
    weights = [spec.weight for spec in recipe.members]
    total = float(sum(weights))
    for i, (spec, member) in enumerate(zip(recipe.members, members, strict=True)):
        fit = {"epochs": 10, "patience": None, "monitor": "val_loss", **spec.fit, **explicit}
        early = fit["patience"] is not None  # else it trains on every text, dev ones too
        if spec.choices:
            assert validation_data is not None  # the recipe always holds a dev split out
            chosen, reason = _choose_on_dev(
                spec.params,
                spec.choices,
                clf.labels,
                (texts, y_labels),
                validation_data,
                tokenizer=tokenizer,
                sequence_length=sequence_length,
                multi=multi,
                fit=fit,
                class_weight=class_weight,
            )
            member = members[i] = TextClassifier(**{**spec.params, **chosen})
            reasons.append(reason)
            logger.info("recipe: %s", reason)
        logger.info(
            "member %d/%d: %s %s (seed %d)",
            i + 1,
            len(members),
            member.model_name,
            member.mode,
            member.seed,
        )
        member.labels = clf.labels
        keras.utils.set_random_seed(member.seed)
        member._fit_model(
            texts if early else all_texts,
            y_labels if early else all_labels,
            tokenizer=tokenizer,
            sequence_length=sequence_length,
            multi=multi,
            validation_data=validation_data if early else None,
            class_weight=class_weight,
            verbose=verbose,
            **fit,
        )
        refit = spec.refit and early and held_out and member.best_epoch is not None
        if refit:
            logger.info(
                "member %d/%d: %s trained again on every text, dev split included, %d epochs",
                i + 1,
                len(members),
                member.model_name,
                (member.best_epoch or 0) + 1,
            )
            member = members[i] = _refit(
                member,
                all_texts,
                all_labels,
                tokenizer=tokenizer,
                sequence_length=sequence_length,
                multi=multi,
                fit=fit,
                class_weight=class_weight,
                verbose=verbose,
            )
        records.append(_record(member, spec.weight / total, refit=refit))

    clf.tokenizer = tokenizer
    clf.keras_model = combine(
        [m.keras_model for m in members], weights, sequence_length=sequence_length
    )
    clf.config = EnsembleConfig(
        vocab_size=tokenizer.vocab_size,
        sequence_length=sequence_length,
        n_classes=len(clf.labels),
        multi_label=multi,
        members=tuple(records),
        reasons=tuple(reasons),
    )
    tuned = [m for m in members if m.pretrained_matrix is not None]
    clf.pretrained_matrix = tuned[0].pretrained_matrix if tuned else None  # for `inspect`
    pretrained = [m for m in members if m.coverage is not None]
    clf.coverage = pretrained[0].coverage if pretrained else None
    clf.vectors_name = pretrained[0].vectors_name if pretrained else None
    clf.history = _history(members)
    clf.best_epoch = None  # one per member, in the config's members


def _choose_on_dev(
    params: dict[str, Any],
    choices: dict[str, tuple[Any, ...]],
    labels: list[str],
    train: tuple[list[str], list[Label]],
    dev: tuple[Sequence[str], Sequence[Any]],
    *,
    tokenizer: Any,
    sequence_length: int,
    multi: bool,
    fit: dict[str, Any],
    class_weight: ClassWeight,
) -> tuple[dict[str, Any], str]:
    """The candidate of `choices` with the best dev accuracy (the first on a tie), and why.

    Each candidate (one value per argument; the values of several arguments
    are crossed) is the member `params` with it, trained with the member's
    `fit` options on `train` (the training texts outside the dev split) and
    scored by `TextClassifier.evaluate` on `dev` (subset accuracy, multi-label).
    """
    import itertools

    from embedlab.classify.classifier import TextClassifier

    keras = import_keras()
    names = list(choices)
    scored = []
    for values in itertools.product(*(choices[name] for name in names)):
        candidate = TextClassifier(**{**params, **dict(zip(names, values, strict=True))})
        candidate.labels = labels
        keras.utils.set_random_seed(candidate.seed)
        candidate._fit_model(
            *train,
            tokenizer=tokenizer,
            sequence_length=sequence_length,
            multi=multi,
            validation_data=dev if fit["patience"] is not None else None,
            class_weight=class_weight,
            verbose=0,
            **fit,
        )
        scored.append((float(candidate.evaluate(*dev)["accuracy"]), values))
    best = max(range(len(scored)), key=lambda k: (scored[k][0], -k))
    chosen = dict(zip(names, scored[best][1], strict=True))
    tried = ", ".join(
        f"{'/'.join(map(str, values))} {100 * accuracy:.1f}%" for accuracy, values in scored
    )
    return chosen, f"{params['model']} member's {'/'.join(names)} on the dev split: {tried}"


def _refit(
    kept: TextClassifier,
    texts: list[str],
    y_labels: list[Label],
    *,
    fit: dict[str, Any],
    **shared: Any,
) -> TextClassifier:
    """`kept`'s configuration trained again from its seed on every text, for its best epochs.

    `kept` stopped early on the dev split; the new member trains on `texts`
    (the dev split's too) for ``kept.best_epoch + 1`` epochs, watching
    nothing. It keeps `kept`'s history (its dev curves) and best epoch; its
    ``epoch_seconds`` count both fits.
    """
    from embedlab.classify.classifier import TextClassifier

    assert kept.best_epoch is not None
    member = TextClassifier(**kept.get_params())
    member.labels = kept.labels
    import_keras().utils.set_random_seed(member.seed)
    member._fit_model(
        texts,
        y_labels,
        validation_data=None,
        **shared,
        **{**fit, "epochs": kept.best_epoch + 1, "patience": None},
    )
    seconds = kept.history.get("epoch_seconds", []) + member.history.get("epoch_seconds", [])
    member.history = {**kept.history, "epoch_seconds": seconds}
    member.best_epoch = kept.best_epoch
    return member


def _record(member: TextClassifier, weight: float, *, refit: bool) -> MemberRecord:
    assert member.config is not None
    return MemberRecord(
        model=member.model_name or "",
        mode=member.mode,
        vectors=member.vectors_name,
        seed=member.seed,
        weight=weight,
        best_epoch=member.best_epoch,
        epochs_run=len(member.history.get("epoch_seconds", [])),
        params=member.get_config(),
        config=member.config.to_dict(),
        coverage=None if member.coverage is None else member.coverage.to_dict(),
        refit=refit,
    )


def _history(members: Sequence[TextClassifier]) -> dict[str, list[float]]:
    """The members' histories as one: ``member_0.loss`` ..., and all epochs' seconds."""
    history: dict[str, list[float]] = {}
    for i, member in enumerate(members):
        for key, values in member.history.items():
            history[f"member_{i}.{key}"] = list(values)
    history["epoch_seconds"] = [
        float(s) for member in members for s in member.history.get("epoch_seconds", [])
    ]
    return history
