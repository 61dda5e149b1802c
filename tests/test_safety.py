"""`--overwrite` replaces only what embedlab wrote; never an input, a data file or `.`/`..`."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import make_sentiment, write_sentiment_csv
from embedlab import TextClassifier
from embedlab.errors import EmbedlabError
from embedlab.ownership import check_output, check_replaceable


def embedlab(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "KERAS_BACKEND": os.environ.get("KERAS_BACKEND", "jax")}
    return subprocess.run(
        [sys.executable, "-m", "embedlab", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def refused(result: subprocess.CompletedProcess, words: str) -> bool:
    return (
        result.returncode == 2
        and result.stderr.strip().splitlines()[-1].startswith("error: ")
        and words in result.stderr
        and "Traceback" not in result.stderr
    )


def write_csv(path: Path) -> Path:
    return write_sentiment_csv(path, 40, seed=5)


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    texts, labels = make_sentiment(40)
    clf = TextClassifier("average", embedding_dim=4, seed=0).fit(texts, labels, epochs=1, verbose=0)
    return clf.save(tmp_path_factory.mktemp("saved") / "clf")


def test_train_refuses_an_out_folder_holding_its_data(tmp_path):
    (tmp_path / "dd").mkdir()
    data = write_csv(tmp_path / "dd" / "bin.csv")
    (tmp_path / "dd" / "notes.txt").write_text("mine")
    run = embedlab("train", "dd/bin.csv", "--out", "dd", "--overwrite", cwd=tmp_path)
    assert refused(run, "holds the input dd/bin.csv")
    assert data.is_file() and (tmp_path / "dd" / "notes.txt").read_text() == "mine"


def test_train_refuses_to_write_over_its_data_file(tmp_path):
    data = write_csv(tmp_path / "bin2.csv")
    before = data.read_bytes()
    run = embedlab("train", "bin2.csv", "--out", "bin2.csv", "--overwrite", cwd=tmp_path)
    assert refused(run, "is also an input")
    assert data.read_bytes() == before


@pytest.mark.parametrize("out", [".", ".."])
def test_train_refuses_the_working_directory_and_its_parents(tmp_path, out):
    work = tmp_path / "work"
    work.mkdir()
    write_csv(work / "train.csv")
    run = embedlab("train", "train.csv", "--out", out, "--overwrite", cwd=work)
    assert refused(run, "embedlab never writes over it")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work"]
    assert sorted(p.name for p in work.iterdir()) == ["train.csv"]


def test_predict_refuses_to_write_over_its_input(tmp_path, saved):
    same = tmp_path / "same.txt"
    same.write_text("good film\nbad film\n")
    run = embedlab(
        "predict", str(saved), "--file", "same.txt", "--out", "same.txt", "--overwrite",
        cwd=tmp_path,
    )  # fmt: skip
    assert refused(run, "is also an input")
    assert same.read_text() == "good film\nbad film\n"
    run = embedlab("predict", str(saved), "--file", "same.txt", "--out", str(saved), cwd=tmp_path)
    assert refused(run, "is also an input")


def test_predict_replaces_its_own_predictions_but_not_a_data_file(tmp_path, saved):
    (tmp_path / "in.txt").write_text("good film\nbad film\n")
    args = ("predict", str(saved), "--file", "in.txt", "--out")
    assert embedlab(*args, "pred.jsonl", cwd=tmp_path).returncode == 0
    assert refused(embedlab(*args, "pred.jsonl", cwd=tmp_path), "already exists")
    assert embedlab(*args, "pred.jsonl", "--overwrite", cwd=tmp_path).returncode == 0
    rows = [json.loads(line) for line in (tmp_path / "pred.jsonl").read_text().splitlines()]
    assert len(rows) == 2
    data = write_csv(tmp_path / "data.csv")
    before = data.read_bytes()
    assert refused(embedlab(*args, "data.csv", "--overwrite", cwd=tmp_path), "did not write")
    assert data.read_bytes() == before


def test_save_replaces_a_saved_classifier_only_without_foreign_files(tmp_path, saved):
    clf = TextClassifier.load(saved)
    out = clf.save(tmp_path / "clf")
    clf.save(out, overwrite=True)  # its own layout: replaced
    (out / "notes.txt").write_text("mine")
    with pytest.raises(EmbedlabError, match=r"also holds files embedlab did not write \(notes.txt"):
        clf.save(out, overwrite=True)
    assert (out / "notes.txt").read_text() == "mine"
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.txt").write_text("a")
    with pytest.raises(EmbedlabError, match="folder embedlab did not write"):
        clf.save(folder, overwrite=True)
    assert (folder / "a.txt").read_text() == "a"


def test_export_refuses_to_write_over_the_classifier_it_reads(saved):
    from embedlab.deploy.export import export_classifier

    with pytest.raises(EmbedlabError, match="is also an input"):
        export_classifier(saved, format="onnx", out=saved, overwrite=True)
    assert TextClassifier.load(saved).labels == ["neg", "pos"]


def test_embed_train_refuses_to_write_over_its_corpus(tmp_path):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("the cat sat on the mat\n" * 20)
    run = embedlab(
        "embed", "train", "corpus.txt", "--out", "corpus.txt", "--overwrite", "--min-count", "1",
        cwd=tmp_path,
    )  # fmt: skip
    assert refused(run, "is also an input")
    assert corpus.read_text() == "the cat sat on the mat\n" * 20


def test_compare_refuses_an_out_that_is_or_holds_its_data(tmp_path):
    write_csv(tmp_path / "data.csv")
    base = ("compare", "data.csv", "--models", "average", "--modes", "rand", "--out")
    assert refused(embedlab(*base, "data.csv", cwd=tmp_path), "is also an input")
    assert refused(embedlab(*base, ".", cwd=tmp_path), "embedlab never writes over it")


def test_vectors_convert_needs_overwrite_and_replaces_only_vector_files(tmp_path):
    (tmp_path / "v.txt").write_text("cat 0.1 0.2\ndog 0.3 0.4\n")
    (tmp_path / "out.txt").write_text("old 1.0 2.0\n")
    args = ("vectors", "convert", "v.txt")
    assert refused(embedlab(*args, "out.txt", "--to", "glove", cwd=tmp_path), "already exists")
    assert (tmp_path / "out.txt").read_text() == "old 1.0 2.0\n"
    ok = embedlab(*args, "out.txt", "--to", "word2vec", "--overwrite", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "out.txt").read_text().splitlines()[0] == "2 2"
    data = write_csv(tmp_path / "data.csv")
    before = data.read_bytes()
    run = embedlab(*args, "data.csv", "--to", "glove", "--overwrite", cwd=tmp_path)
    assert refused(run, "did not write") and data.read_bytes() == before
    assert refused(embedlab(*args, "v.txt", "--to", "glove", "--overwrite", cwd=tmp_path), "input")
    assert refused(embedlab(*args, "out", "--to", "npy", cwd=tmp_path), "ends in .npy")


def test_the_rules_as_a_library(tmp_path):
    data = write_csv(tmp_path / "d.csv")
    with pytest.raises(EmbedlabError, match="holds the input"):
        check_output(tmp_path, kind="classifier", inputs=[f"pos={data}"], overwrite=True)
    assert check_output(tmp_path / "new", kind="classifier", inputs=[data]) == tmp_path / "new"
    with pytest.raises(EmbedlabError, match="a folder above the working directory"):
        check_replaceable(Path.cwd().parent)
