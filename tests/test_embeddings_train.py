"""Training vectors: the corpus stream, word2vec / fastText / GloVe output, the CLI."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from conftest import make_sentiment
from embedlab.cli import app
from embedlab.embeddings import Corpus, train_vectors
from embedlab.errors import DataError
from embedlab.vectors import load_vectors


@pytest.fixture
def corpus_file(tmp_path):
    texts, _ = make_sentiment(300)
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(texts) + "\n\n", encoding="utf-8")
    return path


class Reporter:
    def __init__(self):
        self.phases = []

    def phase(self, description, total):
        self.phases.append([description, total, 0])

    def advance(self, amount):
        self.phases[-1][2] += amount


def test_text_corpus_streams_documents_with_tokenizer_rules(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes(b"The Film, was GREAT!\r\n\n  \nA plot-twist.\n")
    corpus = Corpus(path)
    assert corpus.is_text
    assert list(corpus) == [["the", "film", "was", "great"], ["a", "plot", "twist"]]
    assert list(corpus) == list(corpus)  # restartable
    kept = Corpus(path, filters="")
    assert list(kept) == [["the", "film,", "was", "great!"], ["a", "plot-twist."]]
    read = []
    list(corpus.documents(progress=read.append))
    assert sum(read) == corpus.total_units() == path.stat().st_size


def test_corpus_from_labelled_data(tmp_path):
    path = tmp_path / "reviews.tsv"
    path.write_text("label\ttext\npos\tGood film\nneg\tDull plot\n", encoding="utf-8")
    corpus = Corpus(path)
    assert not corpus.is_text
    assert list(corpus) == [["good", "film"], ["dull", "plot"]]
    assert corpus.total_units() == 2


def test_corpus_errors_name_file_and_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"fine\nbad \xff byte\n")
    with pytest.raises(DataError, match=r"bad.txt line 2: byte 0xff"):
        list(Corpus(path))
    assert list(Corpus(path, encoding="latin-1"))[1] == ["bad", "ÿ", "byte"]
    with pytest.raises(DataError, match="no such file"):
        Corpus(tmp_path / "missing.txt", format="text")
    with pytest.raises(DataError, match="Received: format='xml'"):
        Corpus(path, format="xml")


def test_word2vec_writes_word2vec_text(corpus_file, tmp_path):
    reporter = Reporter()
    out = tmp_path / "w2v.txt"
    result = train_vectors(
        Corpus(corpus_file), out, algo="word2vec", dim=16, epochs=2, workers=1, progress=reporter
    )
    assert result.paths == [out]
    assert out.read_text(encoding="utf-8").split("\n", 1)[0] == f"{len(result.vectors)} 16"
    loaded = load_vectors(out)
    assert loaded.words == result.vectors.words and "film" in loaded
    np.testing.assert_allclose(loaded.matrix, result.vectors.matrix, rtol=1e-6)
    assert [p[0] for p in reporter.phases] == ["vocabulary", "training"]
    assert reporter.phases[1][1] == reporter.phases[1][2] == 2 * corpus_file.stat().st_size
    with pytest.raises(ValueError, match="already exists"):
        train_vectors(Corpus(corpus_file), out, algo="word2vec")


def test_fasttext_writes_vec_and_subword_bin(corpus_file, tmp_path):
    from gensim.models.fasttext import load_facebook_model

    result = train_vectors(
        Corpus(corpus_file), tmp_path / "ft.vec", algo="fasttext", dim=16, epochs=2, workers=1
    )
    vec, binary = result.paths
    assert (vec.name, binary.name) == ("ft.vec", "ft.bin")
    assert load_vectors(vec).words == result.vectors.words
    model = load_facebook_model(str(binary))
    assert "wonderfulness" not in model.wv.key_to_index
    oov = model.wv["wonderfulness"]  # from its character n-grams
    assert oov.shape == (16,) and np.abs(oov).sum() > 0
    np.testing.assert_allclose(model.wv["film"], result.vectors["film"], rtol=1e-5, atol=1e-6)
    assert not list(tmp_path.glob(".*.tmp"))


def test_glove_writes_glove_text(corpus_file, tmp_path):
    reporter = Reporter()
    out = tmp_path / "glove.txt"
    result = train_vectors(
        Corpus(corpus_file),
        out,
        algo="glove",
        dim=8,
        epochs=5,
        x_max=5,
        workers=1,
        progress=reporter,
    )
    first = out.read_text(encoding="utf-8").split("\n", 1)[0].split(" ")
    assert len(first) == 9  # no header: word and 8 numbers
    loaded = load_vectors(out)
    assert loaded.words == result.vectors.words
    assert len(result.losses) == 5 and result.losses[-1] < result.losses[0]
    assert [p[0] for p in reporter.phases] == ["vocabulary", "co-occurrences", "AdaGrad epochs"]
    assert all(total == done for _, total, done in reporter.phases)


def test_options_are_checked(corpus_file, tmp_path):
    with pytest.raises(ValueError, match="x_max applies to GloVe only"):
        train_vectors(Corpus(corpus_file), tmp_path / "o.txt", algo="word2vec", x_max=10)
    with pytest.raises(ValueError, match="Received: algo='bert'"):
        train_vectors(Corpus(corpus_file), tmp_path / "o.txt", algo="bert")
    with pytest.raises(ValueError, match="does not exist"):
        train_vectors(Corpus(corpus_file), tmp_path / "no" / "o.txt", algo="glove")
    with pytest.raises(DataError, match="lower `min_count`"):
        train_vectors(Corpus(corpus_file), tmp_path / "o.txt", algo="glove", min_count=10**6)


def test_cli_embed_train_and_evaluate(corpus_file, tmp_path):
    runner = CliRunner()
    out = tmp_path / "g.txt"
    args = ["embed", "train", str(corpus_file), "--algo", "glove", "--out", str(out)]
    result = runner.invoke(app, [*args, "--dim", "8", "--epochs", "3", "--x-max", "5"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["algo"] == "glove" and summary["dim"] == 8 and summary["paths"] == [str(out)]

    questions = tmp_path / "q.txt"
    questions.write_text(": s\ngood great bad awful\nfilm movie good bad\n", encoding="utf-8")
    pairs = tmp_path / "ws.tsv"
    pairs.write_text("good\tgreat\t9\ngood\tbad\t2\nfilm\tmovie\t8\n", encoding="utf-8")
    args = ["vectors", "evaluate", str(out), "--analogies", str(questions)]
    result = runner.invoke(app, [*args, "--similarity", str(pairs), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["analogy"]["total"]["n"] == 2
    assert report["similarity"]["ws.tsv"]["covered"] == 3
    result = runner.invoke(app, args)
    assert result.exit_code == 0 and "total" in result.stdout


@pytest.mark.slow
def test_trained_vectors_feed_a_static_cnn(corpus_file, tmp_path):
    from embedlab.classify.classifier import TextClassifier

    out = tmp_path / "w2v.txt"
    train_vectors(Corpus(corpus_file), out, algo="word2vec", dim=16, epochs=3, workers=1)
    texts, labels = make_sentiment(200, seed=1)
    clf = TextClassifier("cnn", mode="static", vectors=str(out), seed=0)
    clf.fit(texts, labels, epochs=2, verbose=0)
    assert len(clf.predict(texts[:3])) == 3
