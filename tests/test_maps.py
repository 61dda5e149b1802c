"""`embedlab.inspect.maps` and `embedlab vectors plot`: projections, Projector files, sampling.

References: scikit-learn's PCA for the projection, the csv module for the
Projector's TSV files, and the classifier's own `predict` for class colours.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from embedlab.errors import EmbedlabError
from embedlab.inspect.maps import (
    plot_map,
    plot_moved,
    project,
    sample_rows,
    source_rows,
    word_map,
    write_projector,
)
from embedlab.vectors import Vectors, save_vectors


@pytest.fixture
def vectors_file(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    words = ["good", "great", "bad", "awful", "film", "Movie", "plot", "the"]
    path = tmp_path / "tiny.txt"
    save_vectors(
        Vectors(words, rng.normal(size=(len(words), 6)).astype(np.float32)), path, format="glove"
    )
    return path


def test_pca_matches_scikit_learn() -> None:
    from sklearn.decomposition import PCA

    x = np.random.default_rng(1).normal(size=(40, 7)).astype(np.float32)
    ours = project(x, method="pca")
    theirs = PCA(n_components=2).fit_transform(x)
    for k in range(2):  # components are defined up to their sign
        sign = np.sign(ours[:, k] @ theirs[:, k])
        np.testing.assert_allclose(ours[:, k], sign * theirs[:, k], atol=1e-4)


def test_tsne_places_every_word(tmp_path: Path) -> None:
    x = np.random.default_rng(2).normal(size=(12, 5)).astype(np.float32)
    mapped = word_map([f"w{i}" for i in range(12)], x, method="tsne")
    assert mapped.points.shape == (12, 2) and np.isfinite(mapped.points).all()
    png = plot_map(mapped, tmp_path / "map.png")
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_umap_missing_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "umap", None)  # as if umap-learn were not installed
    with pytest.raises(EmbedlabError, match=r"pip install 'embedlab\[inspect\]'"):
        project(np.eye(4, dtype=np.float32), method="umap")


def test_bad_method_and_too_few_words() -> None:
    with pytest.raises(EmbedlabError, match="`method` must be one of"):
        project(np.eye(4, dtype=np.float32), method="mds")
    with pytest.raises(EmbedlabError, match="at least 3 words"):
        project(np.eye(2, dtype=np.float32))


def test_large_vocabularies_are_sampled_with_a_note() -> None:
    words = [f"w{i}" for i in range(5000)]
    x = np.zeros((5000, 3), dtype=np.float32)
    chosen, rows, _, note = sample_rows(words, x, max_points=100, seed=0)
    assert len(chosen) == 100 == len(rows) and len(set(chosen)) == 100
    assert "5,000 words" in note and "100" in note
    assert chosen == sorted(chosen, key=lambda w: int(w[1:]))  # kept in vocabulary order


def test_projector_files_read_back(tmp_path: Path) -> None:
    words = ["good", "bad\tword", "film"]
    x = np.random.default_rng(3).normal(size=(3, 4)).astype(np.float32)
    vectors_tsv, metadata_tsv = write_projector(tmp_path / "p", words, x, groups=["a", "b", "c"])
    with open(vectors_tsv, newline="") as f:
        rows = [[float(v) for v in row] for row in csv.reader(f, delimiter="\t")]
    np.testing.assert_allclose(rows, x, rtol=1e-5)
    with open(metadata_tsv, newline="") as f:
        meta = list(csv.reader(f, delimiter="\t"))
    assert meta == [["word", "group"], ["good", "a"], ["bad word", "b"], ["film", "c"]]
    write_projector(tmp_path / "q", words, x)  # one column: no header
    assert (tmp_path / "q" / "metadata.tsv").read_text().splitlines() == [
        "good",
        "bad word",
        "film",
    ]


def test_rows_from_a_vector_file_with_groups(vectors_file: Path) -> None:
    rows = source_rows(
        vectors_file, words=["film", "movie", "nope"], groups={"pos": ["good"], "neg": ["bad"]}
    )
    assert rows.words == ["film", "movie", "good", "bad"]
    assert rows.groups == ["", "", "pos", "neg"] and rows.missing == ["nope"]
    top = source_rows(vectors_file, top=3)
    assert top.words == ["good", "great", "bad"] and top.groups is None


def test_class_colours_follow_the_classifier(saved_classifier_dir: Path, tmp_path: Path) -> None:
    from embedlab.classify.classifier import TextClassifier

    rows = source_rows(saved_classifier_dir, top=20, color_by_class=True)
    clf = TextClassifier.load(saved_classifier_dir)
    assert rows.groups == clf.predict(rows.words)
    assert (
        rows.words
        == [w for w, _ in sorted(clf.tokenizer.word_index.items(), key=lambda kv: kv[1])][:20]
    )
    with pytest.raises(EmbedlabError, match="nonstatic or multichannel"):
        source_rows(saved_classifier_dir, top=5, table="before")
    moved = plot_moved(
        rows.words[:5],
        rows.matrix[:5],
        rows.matrix[:5] + 0.1,
        tmp_path / "m.png",
        groups=rows.groups[:5],
    )
    assert moved.read_bytes()[:4] == b"\x89PNG"


def test_cli_plot_lists_unknown_words(vectors_file: Path, tmp_path: Path) -> None:
    env = {**os.environ, "KERAS_BACKEND": os.environ.get("KERAS_BACKEND", "jax")}
    out = tmp_path / "map.png"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "embedlab",
            "vectors",
            "plot",
            str(vectors_file),
            "--words",
            "good,bad,film,plot,xyzzy",
            "--out",
            str(out),
            "--projector",
            str(tmp_path / "proj"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "xyzzy: not in the vocabulary" in result.stderr and "Traceback" not in result.stderr
    assert out.read_bytes()[:4] == b"\x89PNG"
    assert len((tmp_path / "proj" / "vectors.tsv").read_text().splitlines()) == 4
