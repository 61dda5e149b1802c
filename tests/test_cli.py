"""The `embedlab` command line, run as a user runs it: in a subprocess."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import make_sentiment


def embedlab(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "KERAS_BACKEND": os.environ.get("KERAS_BACKEND", "jax")}
    result = subprocess.run(
        [sys.executable, "-m", "embedlab", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture
def csv_data(tmp_path):
    texts, labels = make_sentiment(300, seed=3)
    lines = ["text,label"] + [f'"{t}",{y}' for t, y in zip(texts, labels, strict=True)]
    (tmp_path / "train.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    test_texts, test_labels = make_sentiment(60, seed=4)
    lines = ["text,label"] + [f'"{t}",{y}' for t, y in zip(test_texts, test_labels, strict=True)]
    (tmp_path / "test.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


@pytest.mark.slow
def test_train_evaluate_predict_round_trip(csv_data):
    run = embedlab(
        "train",
        "train.csv",
        "--test",
        "test.csv",
        "--model",
        "cnn",
        "--epochs",
        "8",
        "--embedding-dim",
        "16",
        "--out",
        "run",
        cwd=csv_data,
    )
    printed = json.loads(run.stdout.strip().splitlines()[-1])
    metrics = json.loads((csv_data / "run" / "metrics.json").read_text())
    assert metrics["n_test"] == 60 and printed["n_test"] == 60
    assert metrics["accuracy"] == printed["accuracy"] >= 0.85
    assert "Epoch 1/8" in run.stderr  # Keras' progress is shown

    ev = embedlab("evaluate", "run", "test.csv", "--json", cwd=csv_data)
    again = json.loads(ev.stdout)
    assert again["accuracy"] == pytest.approx(metrics["accuracy"]) and again["n_test"] == 60

    pred = embedlab(
        "predict", "run", "superb wonderful film", "dreadful tedious plot", cwd=csv_data
    )
    assert pred.stdout.split() == ["pos", "neg"]
    pred = embedlab("predict", "run", "superb wonderful film", "--json", cwd=csv_data)
    row = json.loads(pred.stdout)
    assert row["label"] == "pos" and set(row["probabilities"]) == {"neg", "pos"}
    assert sum(row["probabilities"].values()) == pytest.approx(1.0, abs=1e-5)


def test_label_path_pairs_and_test_split(tmp_path):
    texts, labels = make_sentiment(200, seed=5)
    for label in ("pos", "neg"):
        chosen = [t for t, y in zip(texts, labels, strict=True) if y == label]
        (tmp_path / f"{label}.txt").write_text("\n".join(chosen) + "\n", encoding="latin-1")
    embedlab(
        "train",
        "pos=pos.txt",
        "neg=neg.txt",
        "--encoding",
        "latin-1",
        "--model",
        "average",
        "--epochs",
        "1",
        "--embedding-dim",
        "4",
        "--test-split",
        "0.25",
        "--out",
        "run",
        cwd=tmp_path,
    )
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["n_test"] == 50 and 0.0 <= metrics["accuracy"] <= 1.0


def test_a_failed_run_names_the_problem_and_leaves_no_output(tmp_path):
    (tmp_path / "one.csv").write_text("text,label\nfine film,pos\ngood plot,pos\n")
    result = embedlab(
        "train", "one.csv", "--out", "run", "--epochs", "1", cwd=tmp_path, check=False
    )
    assert result.returncode == 2
    assert "one.csv" in result.stderr and "pos" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.csv"]


def test_unknown_model_is_a_clear_error(tmp_path):
    texts, labels = make_sentiment(40)
    (tmp_path / "d.tsv").write_text(
        "text\tlabel\n" + "".join(f"{t}\t{y}\n" for t, y in zip(texts, labels, strict=True))
    )
    result = embedlab(
        "train", "d.tsv", "--model", "resnet", "--out", "run", cwd=tmp_path, check=False
    )
    assert result.returncode == 2
    assert "Unknown model 'resnet'" in result.stderr and "cnn" in result.stderr
    assert not (tmp_path / "run").exists()


def test_help_lists_the_commands(tmp_path):
    result = embedlab("--help", cwd=tmp_path)
    for command in ("train", "evaluate", "predict", "vectors", "demo"):
        assert command in result.stdout


def test_train_help_shows_the_mode_and_model_dependent_defaults(tmp_path):
    from embedlab.classify.matrix import STATIC_PRETRAINED_VOCAB
    from embedlab.models.registry import STATIC_PROJECTION

    env_width = {"COLUMNS": "300"}
    result = subprocess.run(
        [sys.executable, "-m", "embedlab", "train", "--help"],
        cwd=tmp_path,
        env={**os.environ, **env_width},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    text = " ".join(result.stdout.split())  # the help is wrapped in a box
    assert f"(default: {STATIC_PROJECTION} in mode static, else 0)" in text
    assert f"(default: {STATIC_PRETRAINED_VOCAB} in mode static, else 0)" in text
    assert "(default: on for cnn, off for cnn_ngrams)" in text


@pytest.fixture
def glove_file(tmp_path):
    import numpy as np

    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(60)] + ["king", "queen", "man", "woman"]
    matrix = rng.normal(size=(len(words), 5)).astype(np.float32)
    lines = [
        w + " " + " ".join(f"{x:.5f}" for x in row) for w, row in zip(words, matrix, strict=True)
    ]
    path = tmp_path / "vecs.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def gensim_vectors(path):
    import warnings

    from gensim.models import KeyedVectors

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)  # gensim 4.4 leaves the file open
        return KeyedVectors.load_word2vec_format(str(path), binary=False, no_header=True)


def test_vectors_info_neighbors_analogy_agree_with_gensim(glove_file):
    kv = gensim_vectors(glove_file)
    info = embedlab("vectors", "info", str(glove_file), cwd=glove_file.parent)
    assert "words:   64" in info.stdout and "dim:     5" in info.stdout

    out = embedlab(
        "vectors", "neighbors", str(glove_file), "king", "--topn", "4", cwd=glove_file.parent
    )
    listed = [line.split()[0] for line in out.stdout.splitlines()[1:]]
    assert listed == [w for w, _ in kv.most_similar("king", topn=4)]

    out = embedlab(
        "vectors",
        "analogy",
        str(glove_file),
        "man",
        "king",
        "woman",
        "--topn",
        "3",
        cwd=glove_file.parent,
    )
    listed = [line.split()[0] for line in out.stdout.splitlines()[1:]]
    expected = kv.most_similar(positive=["king", "woman"], negative=["man"], topn=3)
    assert listed == [w for w, _ in expected]

    missing = embedlab(
        "vectors", "neighbors", str(glove_file), "zebra", cwd=glove_file.parent, check=False
    )
    assert missing.returncode == 2 and "'zebra' is not in" in missing.stderr


@pytest.mark.slow
def test_demo_prints_the_three_modes(tmp_path):
    result = embedlab("demo", "--epochs", "2", cwd=tmp_path)
    for mode in ("rand", "static", "nonstatic"):
        assert mode in result.stdout
    assert "%" in result.stdout


@pytest.mark.slow
def test_train_with_dev_split_early_stopping_and_class_weights(csv_data):
    texts, labels = make_sentiment(300, seed=3)
    noisy = [("neg" if y == "pos" else "pos") if i % 3 == 0 else y for i, y in enumerate(labels)]
    lines = ["text,label"] + [f'"{t}",{y}' for t, y in zip(texts, noisy, strict=True)]
    (csv_data / "noisy.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = embedlab(
        "train", "noisy.csv", "--test", "test.csv", "--model", "average", "--epochs", "30",
        "--embedding-dim", "8", "--learning-rate", "0.05", "--validation-split", "0.2",
        "--patience", "1", "--class-weight", "pos=2.5", "--out", "run", cwd=csv_data,
    )  # fmt: skip
    metrics = json.loads((csv_data / "run" / "metrics.json").read_text())
    history = json.loads((csv_data / "run" / "history.json").read_text())
    assert metrics["n_validation"] == 60 and metrics["n_train"] == 240
    assert metrics["epochs_run"] == len(history["val_loss"]) < 30  # stopped early
    best = min(range(len(history["val_loss"])), key=history["val_loss"].__getitem__)
    assert metrics["best_epoch"] == best + 1
    assert json.loads(run.stdout.strip().splitlines()[-1])["best_epoch"] == best + 1
    assert "class weights: neg=1, pos=2.5" in run.stderr

    bad = embedlab("train", "train.csv", "--patience", "2", "--out", "x", cwd=csv_data, check=False)
    assert bad.returncode == 2 and "--validation-split" in bad.stderr
    assert "Traceback" not in bad.stderr
    bad = embedlab(
        "train", "train.csv", "--class-weight", "pos:3", "--out", "x", cwd=csv_data, check=False
    )
    assert bad.returncode == 2 and "LABEL=WEIGHT" in bad.stderr


@pytest.mark.slow
def test_multi_label_train_evaluate_predict(tmp_path):
    from conftest import make_topics

    for name, n, seed in (("train.jsonl", 320, 0), ("test.jsonl", 80, 1)):
        texts, labels = make_topics(n, seed=seed)
        rows = [json.dumps({"text": t, "labels": y}) for t, y in zip(texts, labels, strict=True)]
        (tmp_path / name).write_text("\n".join(rows) + "\n", encoding="utf-8")
    texts, labels = make_topics(80, seed=1)
    lines = ["text\tlabel"] + [f"{t}\t{'|'.join(y)}" for t, y in zip(texts, labels, strict=True)]
    (tmp_path / "test.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = embedlab(
        "train", "train.jsonl", "--test", "test.jsonl", "--model", "average", "--epochs", "5",
        "--embedding-dim", "16", "--learning-rate", "0.05", "--out", "run", cwd=tmp_path,
    )  # fmt: skip
    printed = json.loads(run.stdout.strip().splitlines()[-1])
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["multi_label"] and printed["micro_f1"] == metrics["micro_f1"] >= 0.85
    assert set(metrics["per_class"]) == {"food", "music", "sport"}

    ev = embedlab("evaluate", "run", "test.tsv", "--label-separator", "|", cwd=tmp_path)
    assert f"micro F1  {metrics['micro_f1']:.4f}" in ev.stdout  # the same texts, as a TSV
    assert f"Hamming loss  {metrics['hamming_loss']:.4f}" in ev.stdout

    pred = embedlab("predict", "run", "goal team guitar song", "the day of it", cwd=tmp_path)
    assert pred.stdout.splitlines() == ["music|sport", ""]
    pred = embedlab("predict", "run", "goal team", "--json", "--threshold", "0.999", cwd=tmp_path)
    row = json.loads(pred.stdout)
    assert set(row["probabilities"]) == {"food", "music", "sport"}
    assert row["labels"] == [k for k, p in row["probabilities"].items() if p >= 0.999]


def test_train_sets_the_ngram_table_of_ngram_models(csv_data):
    embedlab(
        "train", "train.csv", "--test", "test.csv", "--model", "ngrams", "--epochs", "2",
        "--embedding-dim", "8", "--ngram-buckets", "500", "--ngrams", "3", "--out", "run",
        cwd=csv_data,
    )  # fmt: skip
    config = json.loads((csv_data / "run" / "config.json").read_text())
    assert (config["model"]["ngram_buckets"], config["model"]["ngrams"]) == (500, 3)
    embedlab(
        "train", "train.csv", "--test", "test.csv", "--model", "wide", "--units", "1",
        "--naive-bayes", "--ngram-buckets", "500", "--learning-rate", "0.05", "--epochs", "3",
        "--out", "nb", cwd=csv_data,
    )  # fmt: skip
    config = json.loads((csv_data / "nb" / "config.json").read_text())
    assert config["model"]["naive_bayes"] is True and config["model"]["units"] == 1
    metrics = json.loads((csv_data / "nb" / "metrics.json").read_text())
    assert metrics["accuracy"] >= 0.8  # NBSVM-like separates the synthetic sentiment
    bad = embedlab(
        "train", "train.csv", "--model", "cnn", "--ngram-buckets", "500", "--out", "x",
        cwd=csv_data, check=False,
    )  # fmt: skip
    assert bad.returncode != 0 and "has no n-gram table" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_evaluate_reads_labels_as_training_read_them(tmp_path):
    from conftest import make_topics

    for name, n, seed in (("train.tsv", 200, 0), ("test.tsv", 60, 1)):
        texts, labels = make_topics(n, seed=seed)
        lines = ["text\tlabel"] + [
            f"{t}\t{'|'.join(y)}" for t, y in zip(texts, labels, strict=True)
        ]
        (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    embedlab(
        "train", "train.tsv", "--test", "test.tsv", "--label-separator", "|", "--model", "average",
        "--epochs", "2", "--embedding-dim", "8", "--out", "run", cwd=tmp_path,
    )  # fmt: skip
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    ev = embedlab("evaluate", "run", "test.tsv", "--json", cwd=tmp_path)  # no --label-separator
    assert json.loads(ev.stdout)["micro_f1"] == metrics["micro_f1"]


def test_test_labels_unseen_in_training_fail_before_training(csv_data):
    (csv_data / "odd.csv").write_text("text,label\ngood film,pos\nso so,meh\nfair,meh\n")
    run = embedlab(
        "train", "train.csv", "--test", "odd.csv", "--out", "x", cwd=csv_data, check=False
    )
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "'meh' (2 texts)" in run.stderr and "Epoch" not in run.stderr
    assert not (csv_data / "x").exists()


@pytest.mark.parametrize(
    "args,words",
    [
        (("--learning-rate", "1e30"), "--learning-rate must be"),
        (("--learning-rate", "nan"), "--learning-rate"),  # refused by the option's range
        (("--learning-rate", "-1"), "--learning-rate"),
        (("--threshold", "0.3"), "--threshold applies to multi-label"),
    ],
)
def test_options_out_of_range_or_doing_nothing_are_refused(csv_data, args, words):
    run = embedlab("train", "train.csv", *args, "--out", "x", cwd=csv_data, check=False)
    assert run.returncode == 2 and words in run.stderr and "Traceback" not in run.stderr
    assert not (csv_data / "x").exists()


def test_compare_refuses_a_class_with_fewer_texts_than_folds(csv_data):
    lines = (csv_data / "train.csv").read_text().splitlines()[:41] + ["rare one,rare"]
    (csv_data / "rare.csv").write_text("\n".join(lines) + "\n")
    run = embedlab(
        "compare", "rare.csv", "--models", "average", "--modes", "rand", "--folds", "5",
        "--out", "cmp", cwd=csv_data, check=False,
    )  # fmt: skip
    assert run.returncode == 2 and "'rare' has 1" in run.stderr and "Traceback" not in run.stderr


def test_a_header_naming_the_label_column_twice_is_refused(csv_data):
    (csv_data / "dup.csv").write_text("text,label,label\ngood film,pos,neg\nbad film,neg,pos\n")
    run = embedlab("train", "dup.csv", "--out", "x", cwd=csv_data, check=False)
    assert run.returncode == 2 and "'label' 2 times" in run.stderr


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A tiny saved classifier, and a folder for broken copies of it."""
    from embedlab import TextClassifier

    root = tmp_path_factory.mktemp("saved")
    texts, labels = make_sentiment(60, seed=1)
    TextClassifier("average", embedding_dim=4).fit(texts, labels, epochs=1, verbose=0).save(
        root / "good"
    )
    lines = ["text,label"] + [f'"{t}",{y}' for t, y in zip(texts, labels, strict=True)]
    (root / "data.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


TOKENIZER = "tokenizer.json"
BROKEN_FILES = {
    "tokenizer, bad JSON": (TOKENIZER, "{not json", "tokenizer.json: not valid JSON"),
    "tokenizer, wrong type": (
        TOKENIZER,
        '{"format": "embedlab.tokenizer", "version": 1, "config": [], "word_counts": {}}',
        "tokenizer.json: field 'config' must be a dict",
    ),
    "tokenizer, missing key": (
        TOKENIZER,
        '{"format": "embedlab.tokenizer", "version": 1}',
        "tokenizer.json: missing field 'config'",
    ),
    "tokenizer, not UTF-8": (TOKENIZER, b"\xff\xfe{}", "tokenizer.json: not UTF-8"),
    "config, bad JSON": ("config.json", "{", "config.json line 1: invalid JSON"),
    "config, missing key": (
        "config.json",
        '{"format": "embedlab.classifier", "version": 2, "labels": ["neg", "pos"], "params": {}}',
        "config.json: missing or invalid field 'model'",
    ),
    "config, other format": ("config.json", "[1, 2]", "not an embedlab classifier config"),
    "config, wrong type": (
        "config.json",
        lambda config: {**config, "params": {**config["params"], "batch_size": "fifty"}},
        "config.json: its `params` do not make a classifier",
    ),
}


def assert_clean_error(result: subprocess.CompletedProcess, *expected: str) -> None:
    """Exit code 2, one ``error:`` line naming what is wrong, no traceback."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert result.stderr.startswith("error: ") or "\nerror: " in result.stderr, result.stderr
    for text in expected:
        assert text in result.stderr, (text, result.stderr)


@pytest.mark.parametrize("case", sorted(BROKEN_FILES))
def test_a_corrupt_saved_classifier_is_a_clean_error(saved, tmp_path, case):
    import shutil

    name, content, message = BROKEN_FILES[case]
    broken = tmp_path / "broken"
    shutil.copytree(saved / "good", broken)
    if callable(content):  # a change to the saved file
        saved_json = json.loads((broken / name).read_text(encoding="utf-8"))
        (broken / name).write_text(json.dumps(content(saved_json)), encoding="utf-8")
    elif isinstance(content, bytes):
        (broken / name).write_bytes(content)
    else:
        (broken / name).write_text(content, encoding="utf-8")
    command = ["predict", str(broken), "a fine film"]
    if case.startswith("config"):  # evaluate reads the config the same way
        command = ["evaluate", str(broken), str(saved / "data.csv")]
    assert_clean_error(embedlab(*command, cwd=tmp_path, check=False), message)


@pytest.mark.parametrize(
    "args, expected",
    [
        (["predict", "{dir}", "a film"], ["not a saved embedlab classifier"]),
        (["predict", "{good}", "--file", "none.txt"], ["none.txt"]),
        (["evaluate", "{good}", "none.csv"], ["none.csv"]),
        (["predict", "{good}", "a film", "--threshold", "0.3"], ["Leave --threshold out"]),
        (["train", "none.csv", "--out", "run"], ["none.csv"]),
        (["train", "{data}", "--out", "run", "--optimizer", "adamw"], ["optimizer", "adamw"]),
        (["train", "{data}", "--out", "run", "--monitor", "val_f1"], ["--monitor", "val_f1"]),
        (["train", "{data}", "--out", "run", "--model", "cnn", "--mode", "static"], ["--vectors"]),
        (
            [
                "compare",
                "{data}",
                "--out",
                "cmp",
                "--modes",
                "rand",
                "--validation-split",
                "0",
                "--patience",
                "2",
            ],
            ["--patience needs a dev split", "--validation-split"],
        ),  # fmt: skip
        (["compare", "{data}", "--out", "cmp", "--modes", "static"], ["--vectors", "--modes"]),
    ],
)
def test_bad_input_is_a_clean_error_in_the_words_of_the_cli(saved, tmp_path, args, expected):
    (tmp_path / "dir").mkdir()
    paths = {"dir": tmp_path / "dir", "good": saved / "good", "data": saved / "data.csv"}
    args = [a.format(**paths) for a in args]
    result = embedlab(*args, cwd=tmp_path, check=False)
    assert_clean_error(result, *expected)
    from embedlab.cli import command_flags

    said = re.findall(r"`(\w+)`", result.stderr)  # arguments left as the library named them
    assert not set(said) & set(command_flags(args[:2])), said
    assert not (tmp_path / "run").exists() and not (tmp_path / "cmp").exists()
