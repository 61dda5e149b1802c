"""Big-file batch prediction: chunked reading, batched predict, atomic JSONL output."""

import csv
import json
import os
import subprocess
import sys

import pytest

from conftest import make_sentiment
from embedlab import pipeline
from embedlab.deploy.batch import iter_text_chunks, predict_file
from embedlab.errors import DataError, EmbedlabError


@pytest.fixture(scope="module")
def texts():
    # A text holding a comma, a quote and a line break exercises CSV quoting.
    return [*make_sentiment(57, seed=5)[0], 'a superb, "lovely"\nfilm']


def read_rows(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def assert_rows_match_predict(rows, directory, texts):
    labels, probabilities = pipeline.predict(directory, texts)
    assert [row["text"] for row in rows] == texts  # every text, in input order
    assert [row["label"] for row in rows] == labels
    for row, proba in zip(rows, probabilities, strict=True):
        assert row["probabilities"] == pytest.approx(proba, rel=1e-5, abs=1e-6)


def write_input(tmp_path, texts, format):
    if format == "lines":
        path = tmp_path / "in.txt"
        path.write_text("".join(f"{t}\n\n" for t in texts if "\n" not in t), encoding="utf-8")
        return path, [t for t in texts if "\n" not in t]
    if format == "jsonl":
        path = tmp_path / "in.jsonl"
        rows = [json.dumps({"id": i, "text": t}) for i, t in enumerate(texts)]
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
        return path, texts
    if format == "tsv":
        path = tmp_path / "in.tsv"
        kept = [t for t in texts if "\n" not in t]
        path.write_text("id\treview\n" + "".join(f"{i}\t{t}\n" for i, t in enumerate(kept)))
        return path, kept
    path = tmp_path / "in.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["label", "sentence"])
        writer.writerows(["?", t] for t in texts)
    return path, texts


@pytest.mark.parametrize("format", ["lines", "jsonl", "csv", "tsv"])
def test_rows_match_predict_in_order_across_chunks(tmp_path, saved_classifier_dir, texts, format):
    path, expected = write_input(tmp_path, texts, format)
    result = predict_file(
        saved_classifier_dir,
        path,
        out=tmp_path / "out.jsonl",
        chunk_size=7,
        batch_size=5,
        progress=False,
    )
    rows = read_rows(tmp_path / "out.jsonl")
    assert result.rows == len(rows) == len(expected)
    assert_rows_match_predict(rows, saved_classifier_dir, expected)


def test_line_numbers_point_at_the_input(tmp_path, saved_classifier_dir, texts):
    path, _ = write_input(tmp_path, texts, "csv")
    predict_file(saved_classifier_dir, path, out=tmp_path / "o.jsonl", progress=False)
    rows = read_rows(tmp_path / "o.jsonl")
    assert [row["line"] for row in rows[:3]] == [2, 3, 4]  # the header is line 1
    assert rows[-1]["line"] == len(texts) + 1  # the quoted record starts there ...
    physical = path.read_text(encoding="utf-8").splitlines()
    assert physical[rows[-1]["line"] - 1].startswith('?,"a superb')  # ... and spans two lines


def test_chunks_are_bounded(tmp_path, texts):
    path, expected = write_input(tmp_path, texts, "jsonl")
    chunks = list(iter_text_chunks(path, chunk_size=10))
    assert [len(c) for c in chunks] == [10] * 5 + [8]
    assert [text for chunk in chunks for _, text in chunk] == expected


@pytest.mark.parametrize(
    ("content", "line", "problem"),
    [
        ('{"text": "good"}\n{"text": "bad"}\n\n{"text": oops}\n', 4, "invalid JSON"),
        ('{"text": "good"}\n{"txt": "bad"}\n', 2, "no 'text' key"),
        ('{"text": "good"}\n{"text": 3}\n', 2, "a number, not a string"),
    ],
)
def test_a_bad_line_names_file_and_line_and_writes_nothing(
    tmp_path, saved_classifier_dir, content, line, problem
):
    path = tmp_path / "in.jsonl"
    path.write_text(content, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    with pytest.raises(DataError, match=rf"in\.jsonl line {line}: .*{problem}"):
        predict_file(saved_classifier_dir, path, out=out, chunk_size=1, progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]  # no out, no temp file


def test_a_failure_late_in_a_big_file_keeps_the_old_output(tmp_path, saved_classifier_dir):
    good, _ = make_sentiment(300, seed=8)
    rows = [json.dumps({"text": t}) for t in good] + ["[1, 2]"]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    previous = '{"line": 1, "label": "pos", "probabilities": {"neg": 0.1, "pos": 0.9}}\n'
    out.write_text(previous, encoding="utf-8")  # earlier predictions: overwrite may replace them
    with pytest.raises(DataError, match=r"line 301: expected a JSON object"):
        predict_file(
            saved_classifier_dir, path, out=out, chunk_size=16, overwrite=True, progress=False
        )
    assert out.read_text(encoding="utf-8") == previous  # chunks were written, then
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]  # dropped


def test_refuses_to_overwrite_unless_asked(tmp_path, saved_classifier_dir):
    path = tmp_path / "in.txt"
    path.write_text("good film\n", encoding="utf-8")
    (tmp_path / "out.jsonl").write_text("keep\n")
    with pytest.raises(EmbedlabError, match="already exists"):
        predict_file(saved_classifier_dir, path, out=tmp_path / "out.jsonl", progress=False)


def test_a_csv_without_a_text_column_asks_for_one(tmp_path, saved_classifier_dir):
    path = tmp_path / "in.csv"
    path.write_text("a,b\nx,y\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"columns are \['a', 'b'\].*`text_column`"):
        predict_file(saved_classifier_dir, path, out=tmp_path / "o.jsonl", progress=False)


@pytest.mark.slow
def test_cli_writes_the_file_and_reports_bad_lines_without_traceback(
    tmp_path, saved_classifier_dir
):
    texts, _ = make_sentiment(40, seed=9)
    (tmp_path / "in.jsonl").write_text("".join(json.dumps({"text": t}) + "\n" for t in texts))
    (tmp_path / "bad.jsonl").write_text('{"text": "good"}\nnot json\n')
    env = {**os.environ, "KERAS_BACKEND": os.environ.get("KERAS_BACKEND", "jax")}

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "embedlab", "predict", str(saved_classifier_dir), *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    ok = run("--file", "in.jsonl", "--out", "out.jsonl", "--batch-size", "16")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["rows"] == 40
    assert "40/40" in ok.stderr  # the progress bar went to stderr
    assert_rows_match_predict(read_rows(tmp_path / "out.jsonl"), saved_classifier_dir, texts)

    bad = run("--file", "bad.jsonl", "--out", "bad-out.jsonl")
    assert bad.returncode == 2
    assert "bad.jsonl line 2: invalid JSON" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "bad-out.jsonl").exists()


def test_multi_label_rows_hold_the_labels_over_the_threshold(tmp_path):
    from conftest import make_topics
    from embedlab import TextClassifier

    texts, labels = make_topics(200, seed=3)
    clf = TextClassifier("average", embedding_dim=8, learning_rate=0.05, seed=0)
    directory = clf.fit(texts, labels, epochs=5, verbose=0).save(tmp_path / "topics")
    path = tmp_path / "in.txt"
    path.write_text("\n".join(texts[:40]) + "\n", encoding="utf-8")
    predict_file(directory, path, out=tmp_path / "out.jsonl", chunk_size=16, progress=False)
    rows = read_rows(tmp_path / "out.jsonl")
    expected = TextClassifier.load(directory).predict(texts[:40])
    assert [row["labels"] for row in rows] == expected
    assert all("label" not in row for row in rows)
    assert any(len(row["labels"]) > 1 for row in rows)


def test_rows_say_how_many_words_the_model_knows(tmp_path, saved_classifier_dir):
    from embedlab.classify.classifier import TextClassifier

    path = tmp_path / "in.txt"
    path.write_text("good film\nzzz qqq\n!!!\n", encoding="utf-8")
    predict_file(saved_classifier_dir, path, out=tmp_path / "out.jsonl", progress=False)
    rows = read_rows(tmp_path / "out.jsonl")
    tokenizer = TextClassifier.load(saved_classifier_dir).tokenizer
    assert [row["known_words"] for row in rows] == [
        sum(w in tokenizer.word_index for w in text.split()) for text in ("good film", "", "")
    ]
    assert rows[1]["known_words"] == rows[2]["known_words"] == 0


def test_a_header_naming_the_text_column_twice_is_refused(tmp_path, saved_classifier_dir):
    path = tmp_path / "in.csv"
    path.write_text("text,text\ngood film,bad film\n", encoding="utf-8")
    with pytest.raises(DataError, match="'text' 2 times"):
        predict_file(saved_classifier_dir, path, out=tmp_path / "out.jsonl", progress=False)
