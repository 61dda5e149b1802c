"""Strict JSON everywhere, and one answer everywhere: API, CLI (--json, --file, --out), HTTP."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_sentiment_csv
from embedlab.classify.answers import predict_records
from embedlab.classify.classifier import TextClassifier


def strict(text: str):
    """`json.loads` that rejects NaN, Infinity and -Infinity, as strict parsers do."""

    def refuse(token: str):
        raise ValueError(f"not JSON: {token}")

    return json.loads(text, parse_constant=refuse)


def strict_lines(text: str) -> list:
    return [strict(line) for line in text.splitlines() if line.strip()]


def embedlab(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "KERAS_BACKEND": os.environ.get("KERAS_BACKEND", "jax")}
    result = subprocess.run(
        [sys.executable, "-m", "embedlab", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result


TEXTS = ["a good film", "zzz qqq", "!!!", "dull, bad plot"]


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    """A classifier trained by the CLI, and the files to predict, in one folder."""
    root = tmp_path_factory.mktemp("strict")
    write_sentiment_csv(root / "train.csv", 200, seed=7)
    printed = embedlab(
        "train", "train.csv", "--model", "average", "--epochs", "3", "--embedding-dim", "8",
        "--learning-rate", "0.02", "--validation-split", "0.2", "--patience", "1", "--out", "run",
        cwd=root,
    )  # fmt: skip
    strict(printed.stdout.strip().splitlines()[-1])
    (root / "p.csv").write_text("text,id\n" + "".join(f'"{t}",{i}\n' for i, t in enumerate(TEXTS)))
    (root / "p.jsonl").write_text("".join(json.dumps({"text": t}) + "\n" for t in TEXTS))
    return root


@pytest.mark.slow
def test_saved_json_files_are_strict_json(run):
    metrics = strict((run / "run" / "metrics.json").read_text())
    history = strict((run / "run" / "history.json").read_text())
    strict((run / "run" / "config.json").read_text())
    assert 0 <= metrics["accuracy"] <= 1 and len(history["loss"]) == metrics["epochs_run"]


@pytest.mark.slow
def test_cli_json_is_strict_and_says_when_no_word_is_known(run):
    rows = strict_lines(embedlab("predict", "run", *TEXTS, "--json", cwd=run).stdout)
    assert [row["known_words"] for row in rows] == [3, 0, 0, 3]  # words of make_sentiment
    for row in rows:
        assert abs(sum(row["probabilities"].values()) - 1) < 1e-5
    strict(embedlab("evaluate", "run", "train.csv", "--json", cwd=run).stdout)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["p.csv", "p.jsonl"])
def test_predict_file_parses_the_same_with_or_without_out(run, name):
    printed = strict_lines(embedlab("predict", "run", "--file", name, "--json", cwd=run).stdout)
    out = f"{name}.pred.jsonl"
    embedlab("predict", "run", "--file", name, "--out", out, cwd=run)
    written = strict_lines((run / out).read_text())
    assert printed == written
    assert [row["text"] for row in printed] == TEXTS  # no header row, no raw JSON line


@pytest.mark.slow
def test_api_cli_and_http_give_the_same_keys_and_values(run):
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    from embedlab.deploy.serve import create_app

    api = predict_records(TextClassifier.load(run / "run"), TEXTS)
    cli = strict_lines(embedlab("predict", "run", *TEXTS, "--json", cwd=run).stdout)
    with TestClient(create_app(run / "run")) as client:
        reply = client.post("/predict", json={"texts": TEXTS})
    assert reply.status_code == 200
    http = strict(reply.text)["predictions"]
    for a, c, h in zip(api, cli, http, strict=True):
        assert list(a) == list(c) == list(h) == ["text", "label", "probabilities", "known_words"]
        for key in ("text", "label", "known_words"):
            assert a[key] == c[key] == h[key]
        for label, p in a["probabilities"].items():
            assert c["probabilities"][label] == pytest.approx(p, rel=1e-6)
            assert h["probabilities"][label] == pytest.approx(p, rel=1e-6)


@pytest.mark.slow
def test_compare_results_are_strict_json(tmp_path):
    from embedlab.experiments import compare
    from embedlab.pipeline import TrainOptions

    write_sentiment_csv(tmp_path / "d.csv", 60, seed=8)
    options = TrainOptions(epochs=1, embedding_dim=4)
    compare(
        [tmp_path / "d.csv"], models=["average"], modes=["rand"], folds=2,
        out=tmp_path / "cmp", options=options,
    )  # fmt: skip
    rows = strict((tmp_path / "cmp" / "results.json").read_text())
    assert rows and all(0 <= row["mean_accuracy"] <= 1 for row in rows)
    for cell in (tmp_path / "cmp").rglob("*.json"):
        strict(cell.read_text())
