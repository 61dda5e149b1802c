"""`embedlab.inspect.neighbours` and `embedlab inspect`: Kim's Table 3 for a saved classifier.

References: gensim's `KeyedVectors.most_similar` over the same rows (the
pretrained vectors given to `fit`, the Keras layer's weights after), and
scipy's cosine distance for how far words moved.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from gensim.models import KeyedVectors
from scipy.spatial.distance import cosine

from conftest import make_sentiment
from embedlab.classify.classifier import TextClassifier
from embedlab.inspect.neighbours import embedding_tables, format_inspection, table_neighbours
from embedlab.vectors import Vectors

QUERIES = ["good", "bad", "film"]


def _vectors(texts: list[str], dim: int = 12, seed: int = 0) -> Vectors:
    """Random "pretrained" vectors for every word of `texts`, plus words the texts lack."""
    words = sorted({w for t in texts for w in t.split()}) + ["zebra", "quartz"]
    rng = np.random.default_rng(seed)
    return Vectors(words, rng.normal(size=(len(words), dim)).astype(np.float32))


@pytest.fixture(scope="module")
def data() -> tuple[list[str], list[str], Vectors]:
    texts, labels = make_sentiment(200, seed=21)
    return texts, labels, _vectors(texts)


def _saved(tmp_path_factory: pytest.TempPathFactory, data, mode: str) -> Path:  # type: ignore[no-untyped-def]
    texts, labels, vectors = data
    kwargs = {"vectors": vectors} if mode != "rand" else {"embedding_dim": 12}
    clf = TextClassifier("average", mode=mode, learning_rate=0.05, seed=3, **kwargs)
    clf.fit(texts, labels, epochs=3, verbose=0)
    return clf.save(tmp_path_factory.mktemp(mode) / "run")


@pytest.fixture(scope="module")
def nonstatic_dir(tmp_path_factory: pytest.TempPathFactory, data) -> Path:  # type: ignore[no-untyped-def]
    return _saved(tmp_path_factory, data, "nonstatic")


def _gensim_neighbours(words: list[str], rows: np.ndarray, query: str, topn: int) -> list[str]:
    kv = KeyedVectors(rows.shape[1])
    kv.add_vectors(words, rows)
    return [w for w, _ in kv.most_similar(query, topn=topn)]


def test_nonstatic_before_is_the_pretrained_table_and_after_the_tuned_one(
    nonstatic_dir: Path, data
) -> None:  # type: ignore[no-untyped-def]
    _, _, vectors = data
    clf = TextClassifier.load(nonstatic_dir)  # no vectors passed: pretrained.npy is read back
    found = table_neighbours(clf, QUERIES, topn=4, moved=5)
    vocab = [w for w, _ in sorted(clf.tokenizer.word_index.items(), key=lambda kv: kv[1])]
    pretrained = np.stack([vectors[w] for w in vocab])
    tuned = np.asarray(clf.keras_model.get_layer("embedding").embeddings)[1 : len(vocab) + 1]
    assert [e.word for e in found.words] == QUERIES and found.missing == []
    for entry in found.words:
        assert [w for w, _ in entry.before] == _gensim_neighbours(vocab, pretrained, entry.word, 4)
        assert [w for w, _ in entry.after] == _gensim_neighbours(vocab, tuned, entry.word, 4)
    # fine-tuning moved the rows, and "moved most" ranks them by cosine distance
    assert not np.allclose(pretrained, tuned)
    distances = {w: cosine(vectors[w], tuned[i]) for i, w in enumerate(vocab)}
    expected = sorted(distances, key=lambda w: -distances[w])[:5]
    assert [w for w, _ in found.moved] == expected
    for word, distance in found.moved:
        assert distance == pytest.approx(distances[word], abs=1e-5)


def test_unknown_words_are_listed_not_raised(nonstatic_dir: Path) -> None:
    found = table_neighbours(TextClassifier.load(nonstatic_dir), ["GOOD", "xyzzy", "!"], topn=2)
    assert [e.word for e in found.words] == ["good"]  # lower-cased as the tokenizer does
    assert found.missing == ["xyzzy", "!"]
    text = format_inspection(found)
    assert "xyzzy: not in the vocabulary" in text and "!: not in the vocabulary" in text


def test_multichannel_compares_its_frozen_channel(tmp_path_factory, data) -> None:  # type: ignore[no-untyped-def]
    _, _, vectors = data
    run = _saved(tmp_path_factory, data, "multichannel")
    clf = TextClassifier.load(run)
    tables = embedding_tables(clf)
    good = tables.index["good"]
    np.testing.assert_allclose(tables.before[good], vectors["good"], rtol=1e-6)
    assert not (run / "pretrained.npy").exists()  # the frozen channel holds the rows
    assert table_neighbours(clf, ["good"]).words[0].before is not None


def test_rand_has_one_table_and_nothing_moved(tmp_path_factory, data) -> None:  # type: ignore[no-untyped-def]
    run = _saved(tmp_path_factory, data, "rand")
    found = table_neighbours(TextClassifier.load(run), ["good"], topn=3)
    assert found.words[0].before is None and len(found.words[0].after) == 3
    assert found.moved == [] and found.before_name == ""
    assert not (run / "pretrained.npy").exists()


def test_static_compares_its_frozen_table_with_what_the_projection_reads(
    tmp_path_factory, data
) -> None:  # type: ignore[no-untyped-def]
    import keras

    texts, labels, vectors = data
    clf = TextClassifier("average", mode="static", vectors=vectors, projection=6, seed=3)
    clf.fit(texts, labels, epochs=2, verbose=0)
    clf = TextClassifier.load(clf.save(tmp_path_factory.mktemp("static") / "run"))
    tables = embedding_tables(clf)
    good = tables.index["good"]
    np.testing.assert_allclose(tables.before[good], vectors["good"], rtol=1e-6)
    # the projected rows are what the Keras layer outputs for those ids
    model = clf.keras_model
    reads = keras.Model(model.inputs, model.get_layer("projection").output)
    ids = np.zeros((1, model.inputs[0].shape[1]), dtype="int32")
    ids[0, :3] = [good, tables.index["bad"], tables.index["film"]]
    keras_rows = np.asarray(reads.predict(ids, verbose=0))[0, :3]
    np.testing.assert_allclose(tables.after[ids[0, :3]], keras_rows, rtol=1e-5, atol=1e-6)
    found = table_neighbours(clf, ["good"], topn=3)
    assert found.before_name.startswith("static") and found.after_name == (
        "read through the projection"
    )
    assert found.words[0].before is not None and found.moved == []  # other widths: no "moved"
    assert "read through the projection" in format_inspection(found)

    # as wide as the vectors: still two spaces, not a table trained further
    square = TextClassifier("average", mode="static", vectors=vectors, projection=vectors.dim)
    square.fit(texts, labels, epochs=1, verbose=0)
    assert table_neighbours(square, ["good"]).moved == []

    plain = TextClassifier("average", mode="static", vectors=vectors, projection=0)
    plain.fit(texts, labels, epochs=1, verbose=0)
    assert table_neighbours(plain, ["good"]).words[0].before is None  # one table


def test_cli_prints_table_and_json(nonstatic_dir: Path, tmp_path: Path) -> None:
    env = {**os.environ, "KERAS_BACKEND": os.environ.get("KERAS_BACKEND", "jax")}
    args = [sys.executable, "-m", "embedlab", "inspect", str(nonstatic_dir)]
    words = ["--words", "good,bad,n't,!", "--topn", "3"]
    shown = tmp_path / "moved.png"
    plain = subprocess.run(
        [*args, *words, "--map", str(shown)], capture_output=True, text=True, env=env, timeout=300
    )
    assert plain.returncode == 0, plain.stderr
    assert "Traceback" not in plain.stderr
    assert "n't: not in the vocabulary" in plain.stdout
    assert "fine-tuned" in plain.stdout and "moved most" in plain.stdout
    assert shown.read_bytes()[:4] == b"\x89PNG"
    as_json = subprocess.run(
        [*args, *words, "--json"], capture_output=True, text=True, env=env, timeout=300
    )
    result = json.loads(as_json.stdout)
    assert result["missing"] == ["n't", "!"] and [w["word"] for w in result["words"]] == [
        "good",
        "bad",
    ]
    assert all(len(w["after"]) == 3 for w in result["words"])


def test_compare_report_shows_table3_and_moved_words(tmp_path: Path) -> None:
    from embedlab.experiments.compare import CELLS_DIR, compare
    from embedlab.pipeline import TrainOptions
    from test_compare import write_csv, write_glove

    texts, labels = make_sentiment(160, seed=8)
    csv = write_csv(tmp_path / "data.csv", texts, labels)
    glove = write_glove(tmp_path / "tiny-glove.txt")
    options = TrainOptions(epochs=3, batch_size=32, learning_rate=0.05)
    compare(
        [csv],
        models=["average"],
        modes=["nonstatic"],
        vectors=[str(glove)],
        folds=2,
        out=tmp_path / "out",
        options=options,
    )
    cells = {
        json.loads(p.read_text())["fold"]: json.loads(p.read_text())
        for p in (tmp_path / "out" / CELLS_DIR).glob("*.json")
    }
    assert cells[1]["inspection"] is None  # kept for the first fold and seed only
    table3 = cells[0]["inspection"]["table3"]
    assert table3["missing"] == ["n't", "!"]
    parts = [line.split() for line in glove.read_text(encoding="utf-8").splitlines()]
    rows = np.array([[float(v) for v in p[1:]] for p in parts], dtype=np.float32)
    good = next(w for w in table3["words"] if w["word"] == "good")
    expected = _gensim_neighbours([p[0] for p in parts], rows, "good", 4)
    assert [w for w, _ in good["before"]] == expected
    report = (tmp_path / "out" / "report.md").read_text()
    assert "## What fine-tuning moved (average nonstatic" in report
    assert "| good | " + ", ".join(w for w, _ in good["before"]) in report
    assert "](moved_words.png)" in report
    assert (tmp_path / "out" / "moved_words.png").read_bytes()[:4] == b"\x89PNG"
