"""`search`: configurations tried on a dev split within a time budget; the best is kept."""

import json

import pytest

from conftest import make_sentiment
from embedlab.classify.training import dev_split
from embedlab.errors import ModelConfigError
from embedlab.experiments.search import Candidate, candidates, search
from embedlab.vectors import save_vectors
from test_ensemble import embedlab, tiny_vectors

SMALL = [
    Candidate("average 4", {"model": "average", "embedding_dim": 4}, {"epochs": 1}),
    Candidate("average 8", {"model": "average", "embedding_dim": 8, "learning_rate": 0.02}),
    Candidate("flatten 4", {"model": "flatten", "embedding_dim": 4}, {"epochs": 2}),
]


@pytest.mark.slow
def test_search_keeps_the_best_on_its_dev_split():
    texts, labels = make_sentiment(200)
    result = search(texts, labels, budget_seconds=600, seed=3, configurations=SMALL)
    assert [t.status for t in result.trials] == ["done"] * 3
    accuracies = [t.dev_accuracy for t in result.trials]
    assert result.best == accuracies.index(max(accuracies))  # the first of equals

    # the dev split is the stratified, seeded one; the kept classifier scores as recorded
    _, dev = dev_split(texts, labels, fraction=0.1, seed=3)
    assert (result.n_dev, result.n_train) == (len(dev), 200 - len(dev))
    predicted = result.classifier.predict([texts[i] for i in dev])
    hits = sum(p == labels[i] for p, i in zip(predicted, dev, strict=True))
    assert hits / len(dev) == pytest.approx(max(accuracies))

    record = json.loads(json.dumps(result.to_dict()))
    assert [t["name"] for t in record["trials"]] == [c.name for c in SMALL]
    table = result.table().splitlines()
    assert len(table) == 4 and table[1 + result.best].startswith("*")


def test_search_starts_no_trial_that_would_overrun_the_budget():
    texts, labels = make_sentiment(100)
    result = search(texts, labels, budget_seconds=0.01, configurations=SMALL)
    assert [t.status for t in result.trials] == ["done", "skipped", "skipped"]
    assert result.best == 0
    with pytest.raises(ModelConfigError, match="budget_seconds"):
        search(texts, labels, budget_seconds=0, configurations=SMALL)


def test_candidates_start_with_the_recipe_then_its_members():
    texts, labels = make_sentiment(40)
    vectors = tiny_vectors()
    tried = candidates(texts, labels, multi_label=False, params={"seed": 1, "vectors": vectors})
    assert tried[0].params["model"] is None and tried[0].params["vectors"] is vectors
    assert [c.params["model"] for c in tried[1:3]] == ["wide", "cnn"]
    assert all(c.params["seed"] == 1 for c in tried)


@pytest.mark.slow
def test_train_search_records_what_it_tried(tmp_path):
    texts, labels = make_sentiment(200)
    rows = ["text,label"] + [f"{t},{y}" for t, y in zip(texts, labels, strict=True)]
    (tmp_path / "train.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    save_vectors(tiny_vectors(), tmp_path / "vec.txt")
    run = embedlab(
        "train", "train.csv", "--vectors", "vec.txt", "--search", "5", "--out", "run",
        cwd=tmp_path,
    )  # fmt: skip
    record = json.loads((tmp_path / "run" / "search.json").read_text())
    assert record["trials"][0]["name"] == "default" and record["trials"][0]["status"] == "done"
    assert {t["status"] for t in record["trials"][1:]} <= {"done", "skipped"}
    assert "configuration" in run.stderr and "dev accuracy" in run.stderr
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["n_validation"] == record["n_dev"]

    bad = embedlab(
        "train", "train.csv", "--search", "5", "--model", "cnn", "--out", "x", cwd=tmp_path,
        check=False,
    )  # fmt: skip
    assert bad.returncode == 2 and "model" in bad.stderr and "Traceback" not in bad.stderr
