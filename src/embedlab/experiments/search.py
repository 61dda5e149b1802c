"""Search within a time budget: try configurations on a dev split, keep the best.

`search` carves one dev split from the training texts (stratified, seeded),
then trains candidate configurations on the rest, in order, while the budget
lasts: the recipe first (`embedlab.classify.recipe`), then its members alone,
then variations (learning rates, longer n-grams, Kim's CNN and the mean of
word vectors on pretrained vectors, ...; `candidates`). Every trial stops
early on the dev split (best weights kept) and is scored by its accuracy on
it (subset accuracy for multi-label data). A trial is not started when its
estimated time (the last trial of the same models, else the slowest so far)
would end more than `OVERRUN` past the budget; it is recorded as skipped.

The best trial's fitted classifier is kept as it is (trained on the texts
outside the dev split). Its dev accuracy was also what chose it, so it is an
optimistic estimate: judge the result on a test set. The record of the
search (`SearchResult.to_dict`) is written as ``search.json`` beside the
saved classifier (`embedlab.classify.saving.write_search`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from embedlab.classify.classifier import TextClassifier
from embedlab.classify.labels import normalise_labels
from embedlab.classify.recipe import DEFAULT_VECTORS, DEV_FRACTION, RECIPE_NAME, plan
from embedlab.classify.training import dev_split
from embedlab.errors import EmbedlabError, ModelConfigError

logger = logging.getLogger("embedlab")

OVERRUN = 0.2
"""How far past the budget a trial may be expected to end (a fraction of the budget)."""

FORMAT_NAME = "embedlab.search"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Candidate:
    """A configuration to try: `TextClassifier` arguments and `fit` options.

    Attributes:
        name: str. A short description for the table.
        params: dict. Constructor arguments (``model`` None: the recipe).
        fit: dict. `TextClassifier.fit` options (``epochs``, ``patience``).
    """

    name: str
    params: dict[str, Any]
    fit: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Trial:
    """What one candidate gave.

    Attributes:
        name: str. The candidate's name.
        params: dict. Its constructor arguments, JSON-ready.
        fit: dict. Its fit options.
        status: str. ``done``, ``skipped`` (over budget) or ``failed``.
        dev_accuracy: float or None. Accuracy on the dev split.
        seconds: float. Wall time of its training (the estimate, if skipped;
            shown ``~`` in the table).
        epochs_run: int. Epochs trained (summed over an ensemble's members).
        error: str or None. Why it failed.
        models: int. Models trained (an ensemble's members; else 1).
    """

    name: str
    params: dict[str, Any]
    fit: dict[str, Any]
    status: str
    dev_accuracy: float | None = None
    seconds: float = 0.0
    epochs_run: int = 0
    error: str | None = None
    models: int = 1


@dataclass
class SearchResult:
    """The outcome of `search`.

    Attributes:
        classifier: TextClassifier. The best trial's fitted classifier.
        best: int. Index of the best trial in `trials`.
        trials: list of Trial. Every candidate, tried or skipped, in order.
        budget_seconds: float. The budget.
        seconds: float. The search's wall time.
        n_train: int. Texts the trials were trained on.
        n_dev: int. Texts of the dev split.
        seed: int. Seed of the dev split and of the trials.
    """

    classifier: TextClassifier
    best: int
    trials: list[Trial]
    budget_seconds: float
    seconds: float
    n_train: int
    n_dev: int
    seed: int

    def to_dict(self) -> dict[str, Any]:
        """The JSON record written as ``search.json``."""
        return {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "budget_seconds": self.budget_seconds,
            "seconds": self.seconds,
            "n_train": self.n_train,
            "n_dev": self.n_dev,
            "seed": self.seed,
            "best": self.best,
            "trials": [_json_trial(trial) for trial in self.trials],
        }

    def table(self) -> str:
        """The trials as an aligned text table, the best marked ``*``."""
        return format_trials(self.trials, best=self.best)


def candidates(
    texts: Sequence[str], labels: Sequence[Any], *, multi_label: bool, params: dict[str, Any]
) -> list[Candidate]:
    """The configurations `search` tries, in order.

    The recipe, its members alone, then variations of them and other
    architectures. `params` are base constructor arguments (``seed``,
    ``vectors``, ``batch_size``, ...) that every candidate keeps.
    """
    base = {k: v for k, v in params.items() if k in ("seed", "batch_size", "lower")}
    vectors = params.get("vectors")
    recipe = plan(texts, labels, multi_label=multi_label, params={**base, "vectors": vectors})
    out = [Candidate(RECIPE_NAME, {**base, "model": None, "vectors": vectors})]
    stop = {"epochs": 20, "patience": 2}
    for member in recipe.members:
        member_params = {k: v for k, v in member.params.items() if k != "seed"}
        out.append(Candidate(_name(member_params), {**base, **member_params}, dict(member.fit)))
    wide = next((m.params for m in recipe.members if m.params.get("model") == "wide"), None)
    if wide is not None:
        for rate in (0.003, 0.03):
            varied = {k: v for k, v in wide.items() if k != "seed"} | {"learning_rate": rate}
            out.append(Candidate(_name(varied), {**base, **varied}, stop))
    pretrained = {"mode": "nonstatic", "vectors": vectors or DEFAULT_VECTORS}
    for extra in (
        {"model": "ngrams", "ngrams": 3, **pretrained},
        {"model": "cnn", **pretrained},
        {"model": "average", **pretrained},
        {"model": "cnn", "mode": "rand"},
        {"model": "bilstm", **pretrained},
    ):
        out.append(Candidate(_name(extra), {**base, **extra}, stop))
    return out


def _name(params: dict[str, Any]) -> str:
    words = [str(params["model"]), str(params.get("mode", "rand"))]
    for key in ("ngrams", "naive_bayes", "learning_rate"):
        if params.get(key) not in (None, False):
            words.append(f"{key}={params[key]}")
    return " ".join(words)


def search(
    texts: Sequence[str],
    labels: Sequence[Any],
    *,
    budget_seconds: float,
    seed: int = 0,
    params: dict[str, Any] | None = None,
    dev_fraction: float = DEV_FRACTION,
    configurations: Sequence[Candidate] | None = None,
) -> SearchResult:
    """Try configurations on a dev split for at most `budget_seconds`; keep the best.

    Args:
        texts: list of str. The training texts.
        labels: list. Their labels (lists of labels for multi-label data).
        budget_seconds: float. The time budget (positive). The first
            candidate always runs; a later one only if its estimated end is
            within ``(1 + OVERRUN) * budget_seconds``.
        seed: int. Seed of the dev split and of every trial.
        params: dict or None. Constructor arguments every candidate keeps
            (``vectors`` replaces the pretrained vectors, ``batch_size``, ...).
        dev_fraction: float. Share of `texts` held out as the dev split.
        configurations: list of Candidate or None. What to try, in order;
            default `candidates`.

    Returns:
        A `SearchResult`: the best fitted classifier, and every trial.

    Raises:
        EmbedlabError: if the budget is not positive or every trial failed.

    Example:
        >>> result = search(texts, labels, budget_seconds=300)
        >>> print(result.table())
        >>> result.classifier.predict(["a gripping film"])
    """
    if isinstance(budget_seconds, bool) or not budget_seconds > 0:
        raise ModelConfigError(
            f"`budget_seconds` must be a positive number. Received: {budget_seconds!r}"
        )
    start = time.perf_counter()
    texts = list(texts)
    multi = any(isinstance(label, list | tuple) for label in labels)
    y = normalise_labels(labels, multi_label=multi)
    train_idx, dev_idx = dev_split(texts, y, fraction=dev_fraction, seed=seed)
    train = ([texts[i] for i in train_idx], [y[i] for i in train_idx])
    dev = ([texts[i] for i in dev_idx], [y[i] for i in dev_idx])
    base = {**(params or {}), "seed": seed}
    todo = [
        Candidate(c.name, {"seed": seed, **c.params}, c.fit)
        for c in configurations or candidates(*train, multi_label=multi, params=base)
    ]
    logger.info(
        "search: up to %d configurations in %.0f s; %d training texts, %d dev texts",
        len(todo),
        budget_seconds,
        len(train[0]),
        len(dev[0]),
    )
    trials: list[Trial] = []
    best: tuple[int, TextClassifier] | None = None
    for i, candidate in enumerate(todo):
        elapsed = time.perf_counter() - start
        estimate = _estimate(candidate, trials)
        if trials and elapsed + estimate > (1 + OVERRUN) * budget_seconds:
            trials.append(_skipped(candidate, estimate))
            logger.info("search %d/%d %s: skipped (about %.0f s)", i + 1, len(todo),
                        candidate.name, estimate)  # fmt: skip
            continue
        trial, clf = _run(candidate, train, dev, multi=multi)
        trials.append(trial)
        if clf is not None and (best is None or _accuracy(trial) > _accuracy(trials[best[0]])):
            best = (i, clf)  # a tie keeps the earlier
        logger.info(
            "search %d/%d %s: %s, %.1f s (%.0f of %.0f s)",
            i + 1,
            len(todo),
            candidate.name,
            "failed: " + str(trial.error)
            if trial.dev_accuracy is None
            else f"dev accuracy {trial.dev_accuracy:.4f}",
            trial.seconds,
            time.perf_counter() - start,
            budget_seconds,
        )
    if best is None:
        raise EmbedlabError(
            "Every configuration of the search failed: "
            + "; ".join(f"{t.name}: {t.error}" for t in trials if t.error)
        )
    result = SearchResult(
        classifier=best[1],
        best=best[0],
        trials=trials,
        budget_seconds=float(budget_seconds),
        seconds=time.perf_counter() - start,
        n_train=len(train[0]),
        n_dev=len(dev[0]),
        seed=seed,
    )
    logger.info("search: best %s\n%s", trials[best[0]].name, result.table())
    return result


def _accuracy(trial: Trial) -> float:
    return -1.0 if trial.dev_accuracy is None else trial.dev_accuracy


def _run(
    candidate: Candidate,
    train: tuple[list[str], list[Any]],
    dev: tuple[list[str], list[Any]],
    *,
    multi: bool,
) -> tuple[Trial, TextClassifier | None]:
    started = time.perf_counter()
    try:
        clf = TextClassifier(**candidate.params)
        clf.fit(*train, validation_data=dev, verbose=0, **candidate.fit)
        accuracy = clf.score(*dev)
    except EmbedlabError as e:
        trial = Trial(candidate.name, candidate.params, candidate.fit, "failed", error=str(e))
        return _timed(trial, started), None
    epochs = len(clf.history.get("epoch_seconds", []))
    models = len(getattr(clf.config, "members", ())) or 1
    trial = Trial(
        candidate.name, candidate.params, candidate.fit, "done", accuracy, 0.0, epochs, None, models
    )
    return _timed(trial, started), clf


def _timed(trial: Trial, started: float) -> Trial:
    return Trial(**{**asdict(trial), "seconds": time.perf_counter() - started})


def _skipped(candidate: Candidate, estimate: float) -> Trial:
    return Trial(candidate.name, candidate.params, candidate.fit, "skipped", seconds=estimate)


def _estimate(candidate: Candidate, trials: list[Trial]) -> float:
    """Seconds `candidate` should take.

    The last run of its model (the recipe: of the recipe), else the slowest
    so far per model trained (an ensemble's time shared among its members).
    """
    done = [t for t in trials if t.status != "skipped"]
    if not done:
        return 0.0
    model = candidate.params.get("model")
    same = [t for t in done if t.params.get("model") == model]
    if same:
        return same[-1].seconds
    return max(t.seconds / t.models for t in done)


def _json_trial(trial: Trial) -> dict[str, Any]:
    data = asdict(trial)
    vectors = data["params"].get("vectors")
    if vectors is not None and not isinstance(vectors, str):
        data["params"] = {**data["params"], "vectors": "in-memory"}
    return data


def format_trials(trials: Sequence[Trial], *, best: int | None = None) -> str:
    """An aligned table of trials: configuration, dev accuracy, epochs, seconds, status."""
    head = ("", "configuration", "dev accuracy %", "epochs", "seconds", "status")
    rows = [
        (
            "*" if i == best else "",
            trial.name,
            "-" if trial.dev_accuracy is None else f"{100 * trial.dev_accuracy:.2f}",
            str(trial.epochs_run) if trial.status == "done" else "-",
            f"{trial.seconds:.1f}" if trial.status != "skipped" else f"~{trial.seconds:.0f}",
            trial.status,
        )
        for i, trial in enumerate(trials)
    ]
    widths = [max(len(row[c]) for row in [head, *rows]) for c in range(len(head))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [head, *rows]
    )
