"""`embedlab.inspect.explain`: per-token contributions, `predict --explain`, batch and HTTP.

The reference for each contribution is the classifier's own `predict_proba`
on the text written without that word: the explainer works on id sequences,
the reference on strings through the tokenizer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conftest import make_sentiment
from embedlab.classify.classifier import TextClassifier
from embedlab.inspect.explain import explain, ids_predictor, log_odds
from embedlab.models.registry import model_names, ngram_models

TEXTS = [
    "the film was wonderful and the music superb",
    "a dull , tedious plot",
    "",
    "qwerty zzz",  # no word the classifier knows
]


@pytest.fixture(scope="module")
def clf() -> TextClassifier:
    texts, labels = make_sentiment(400, seed=31)
    return TextClassifier("average", embedding_dim=16, learning_rate=0.02, seed=1).fit(
        texts, labels, epochs=6, verbose=0
    )


def _reference(clf: TextClassifier, text: str) -> tuple[str, list[float]]:
    """Label and log-odds drops, by `predict_proba` on the text without each known word."""
    tokens = [t for t in text.replace(",", " ").lower().split() if t in clf.tokenizer.word_index]
    full = clf.predict_proba([text])[0]
    target = int(np.argmax(full))
    without = [" ".join(tokens[:i] + tokens[i + 1 :]) for i in range(len(tokens))]
    proba = clf.predict_proba(without)[:, target] if without else np.zeros(0)
    return clf.labels[target], list(log_odds(full[target]) - log_odds(proba))


def test_contributions_equal_removing_the_word(clf: TextClassifier) -> None:
    for text, explained in zip(TEXTS, explain(clf, TEXTS), strict=True):
        label, drops = _reference(clf, text)
        assert explained.label == label
        known = [t.contribution for t in explained.tokens if t.known]
        np.testing.assert_allclose(known, drops, atol=2e-3)


def test_cue_words_decide(clf: TextClassifier) -> None:
    pos, neg = explain(clf, TEXTS[:2])

    def strongest(e):  # type: ignore[no-untyped-def]
        return max(e.tokens, key=lambda t: t.contribution).token

    assert pos.label == "pos" and strongest(pos) in ("wonderful", "superb")
    assert neg.label == "neg" and strongest(neg) in ("dull", "tedious")


def test_empty_and_unknown_texts_have_no_contributions(clf: TextClassifier) -> None:
    empty, unknown = explain(clf, TEXTS[2:])
    assert empty.tokens == [] and empty.rows == 1
    assert [(t.token, t.known, t.contribution) for t in unknown.tokens] == [
        ("qwerty", False, 0.0),
        ("zzz", False, 0.0),
    ]


def test_one_batched_model_call_for_all_texts(clf: TextClassifier) -> None:
    calls: list[int] = []
    inner = ids_predictor(clf)

    def counting(sequences: Sequence[Sequence[int]]) -> np.ndarray:
        calls.append(len(sequences))
        return inner(sequences)

    explained = explain(clf, TEXTS, predict=counting)
    n_known = [len([t for t in e.tokens if t.known]) for e in explained]
    assert calls == [sum(n + 1 for n in n_known)]
    assert [e.rows for e in explained] == [n + 1 for n in n_known]


@pytest.mark.slow
@pytest.mark.parametrize("model", model_names())
def test_every_registered_model_is_explained(model: str) -> None:
    texts, labels = make_sentiment(80, seed=5)
    kwargs: dict[str, Any] = {}
    if model in ("lstm", "gru", "bilstm", "bigru"):
        kwargs["units"] = 4
    if model.startswith("wide"):
        kwargs["units"] = 1
    if model in ngram_models():
        kwargs["ngram_buckets"] = 1000
    clf = TextClassifier(model, embedding_dim=8, seed=0, **kwargs).fit(
        texts, labels, epochs=1, verbose=0
    )
    text = texts[0]
    (explained,) = explain(clf, [text])
    label, drops = _reference(clf, text)
    assert explained.label == label
    np.testing.assert_allclose([t.contribution for t in explained.tokens], drops, atol=5e-3)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KERAS_BACKEND": os.environ.get("KERAS_BACKEND", "jax")}
    return subprocess.run(
        [sys.executable, "-m", "embedlab", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_predict_explain_cli(saved_classifier_dir: Path, tmp_path: Path) -> None:
    run = str(saved_classifier_dir)
    plain = _run("predict", run, "a wonderful film", "", "--explain")
    assert plain.returncode == 0, plain.stderr
    assert "\x1b[" not in plain.stdout  # piped: no colours
    assert "log-odds:" in plain.stdout and "nothing to explain" in plain.stdout
    as_json = _run("predict", run, "a wonderful film", "--explain", "--json")
    (record,) = [json.loads(line) for line in as_json.stdout.splitlines()]
    tokens = record["explanation"]["tokens"]
    assert [t["token"] for t in tokens] == ["a", "wonderful", "film"]
    clf = TextClassifier.load(saved_classifier_dir)
    _, drops = _reference(clf, "a wonderful film")
    np.testing.assert_allclose([t["contribution"] for t in tokens], drops, atol=2e-3)
    # --file --out: each row gets its explanation
    (tmp_path / "in.txt").write_text("a wonderful film\n\ndull plot\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    batch = _run("predict", run, "--file", str(tmp_path / "in.txt"), "--out", str(out), "--explain")
    assert batch.returncode == 0, batch.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in rows] == [1, 3]
    assert [t["token"] for t in rows[1]["explanation"]["tokens"]] == ["dull", "plot"]


def test_http_explain_and_neighbours(saved_classifier_dir: Path) -> None:
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    from embedlab.deploy.serve.app import create_app

    with TestClient(create_app(saved_classifier_dir)) as client:
        plain = client.post("/predict", json={"texts": ["a wonderful film"]}).json()
        assert "explanation" not in plain["predictions"][0]
        body = client.post(
            "/predict", json={"texts": ["a wonderful film", ""], "explain": True}
        ).json()
        first, empty = (p["explanation"] for p in body["predictions"])
        assert [t["token"] for t in first["tokens"]] == ["a", "wonderful", "film"]
        assert empty["tokens"] == []
        assert client.post("/predict", json={"texts": ["x"], "explain": "yes"}).status_code == 422
        found = client.get("/neighbours", params={"word": "Wonderful", "topn": 3}).json()
        assert found["words"][0]["word"] == "wonderful" and len(found["words"][0]["after"]) == 3
        missing = client.get("/neighbours", params={"word": "<script>"}).json()
        assert missing["missing"] == ["<script>"] and missing["words"] == []
        page = client.get("/")
        assert page.status_code == 200 and "/static/page.js" in page.text
        assert client.get("/static/page.js").status_code == 200
