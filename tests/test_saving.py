"""The saved classifier format: every constructor argument round-trips, versions are checked,
version 1 directories (embedlab before the config contract) still load."""

import inspect
import json

import numpy as np
import pytest

from conftest import make_sentiment
from embedlab.classify import saving
from embedlab.classify.classifier import TextClassifier
from embedlab.errors import EmbedlabError
from embedlab.pipeline import describe
from embedlab.vectors import Vectors, save_vectors

VECTORS = "VECTORS"  # replaced by the path of a small vector file the test writes

# Each case sets some constructor arguments away from their defaults; together
# they cover every argument (test_the_cases_cover_every_constructor_argument).
CASES = {
    "cnn_static": dict(
        model="cnn",
        mode="static",
        vectors=VECTORS,
        download_vectors=True,
        maxlen=14,
        lower=False,
        oov_token="<unk>",
        oov_init="zeros",
        pretrained_vocab=3,
        projection=5,
        dropout=0.25,
        max_norm=2.0,
        optimizer="rmsprop",
        learning_rate=0.01,
        batch_size=16,
        seed=3,
        multi_label=False,
        edge_padding=True,
        num_filters=7,
    ),
    "wide_naive_bayes": dict(
        model="wide",
        embedding_dim=4,
        num_words=40,
        units=1,
        ngram_buckets=101,
        ngrams=3,
        naive_bayes=True,
        learning_rate=0.05,
        analyzer="whitespace",
        char_ngrams=(2, 3),
    ),
    "gru_rand": dict(
        model="gru",
        embedding_dim=6,
        embedding_scale=0.1,
        units=4,
        layers=2,
        multi_label=True,  # a threshold does something only for multi-label data
        threshold=0.4,
    ),
}


@pytest.fixture
def vector_file(tmp_path):
    rng = np.random.default_rng(0)
    words = "good bad film the superb awful marvellous".split()
    path = tmp_path / "vectors.txt"
    save_vectors(Vectors(words, rng.normal(size=(len(words), 8)).astype(np.float32)), path)
    return str(path)


def arguments(case: str, vector_file: str) -> dict:
    return {k: vector_file if v == VECTORS else v for k, v in CASES[case].items()}


def test_the_cases_cover_every_constructor_argument():
    signature = inspect.signature(TextClassifier.__init__).parameters
    names = [name for name in signature if name != "self"]
    assert TextClassifier._param_names() == names
    changed = {
        name
        for case in CASES.values()
        for name, value in case.items()
        if value != signature[name].default
    }
    assert changed == set(names), f"give these arguments a case: {set(names) - changed}"


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES))
def test_saved_and_loaded_classifier_keeps_every_argument_and_trains_the_same_model(
    case, tmp_path, vector_file
):
    texts, labels = make_sentiment(120)
    given = arguments(case, vector_file)
    clf = TextClassifier(**given)
    expected = {**clf.get_params(), **given}
    assert clf.get_params() == expected
    assert TextClassifier.from_config(clf.get_config()).get_params() == expected
    clf.fit(texts, labels, epochs=2, verbose=0)
    assert clf.get_params() == expected  # fit never changes an argument

    loaded = TextClassifier.load(clf.save(tmp_path / "run"))
    assert loaded.get_params() == expected
    for name, value in expected.items():
        assert getattr(loaded, "model_name" if name == "model" else name) == value, name
    assert loaded.config == clf.config
    np.testing.assert_allclose(loaded.predict_proba(texts[:20]), clf.predict_proba(texts[:20]))

    loaded.fit(texts, labels, epochs=2, verbose=0)  # refit: the same model as the saved one
    assert loaded.config == clf.config
    np.testing.assert_allclose(
        loaded.predict_proba(texts[:20]), clf.predict_proba(texts[:20]), rtol=1e-5, atol=1e-6
    )


def test_config_json_holds_the_contract(tmp_path):
    texts, labels = make_sentiment(60)
    clf = TextClassifier("average", embedding_dim=4).fit(texts, labels, epochs=1, verbose=0)
    clf.data_info = {"label_separator": "|"}
    clf.save(tmp_path / "run")
    data = json.loads((tmp_path / "run" / "config.json").read_text())
    assert (data["format"], data["version"]) == ("embedlab.classifier", 2)
    assert data["params"] == clf.get_config()
    assert data["data_info"] == {"label_separator": "|"}
    assert TextClassifier.load(tmp_path / "run").data_info == {"label_separator": "|"}


def v1_config(clf: TextClassifier) -> dict:
    """config.json as embedlab wrote it before the config contract (format version 1)."""
    return {
        "format": "embedlab.classifier",
        "version": 1,
        "labels": clf.labels,
        "model": clf.config.to_dict(),
        "vectors": clf.vectors_name,
        "options": {
            "lower": clf.lower,
            "oov_token": clf.oov_token,
            "num_words": clf.num_words,
            "oov_init": clf.oov_init,
            "pretrained_vocab": clf.pretrained_vocab,
            "optimizer": clf.optimizer,
            "learning_rate": clf.learning_rate,
            "batch_size": clf.batch_size,
            "seed": clf.seed,
            "threshold": clf.threshold,
        },
        "coverage": None,
        "keras_backend": "jax",
    }


def test_a_version_1_directory_still_loads_and_refits_the_same_model(tmp_path):
    texts, labels = make_sentiment(120)
    clf = TextClassifier(
        "wide", units=1, naive_bayes=True, ngram_buckets=101, ngrams=3, learning_rate=0.05
    )
    clf.fit(texts, labels, epochs=2, verbose=0)
    clf.save(tmp_path / "run")
    saving.write_json(tmp_path / "run" / "config.json", v1_config(clf))

    loaded = TextClassifier.load(tmp_path / "run")
    assert (loaded.naive_bayes, loaded.ngram_buckets, loaded.ngrams) == (True, 101, 3)
    assert loaded.labels == clf.labels and loaded.config == clf.config
    np.testing.assert_allclose(loaded.predict_proba(texts[:20]), clf.predict_proba(texts[:20]))
    loaded.fit(texts, labels, epochs=2, verbose=0)
    np.testing.assert_allclose(
        loaded.predict_proba(texts[:20]), clf.predict_proba(texts[:20]), rtol=1e-5, atol=1e-6
    )
    info = describe(tmp_path / "run")  # read in the current layout
    assert info["version"] == 2 and info["params"]["naive_bayes"] is True


@pytest.mark.parametrize(
    "version,match",
    [
        (4, r"version 4, newer than this embedlab reads \(versions 1 to 3\)\. Upgrade embedlab"),
        (0, r"version 0, older than this embedlab reads \(versions 1 to 3\)\. Re-train"),
        (None, r"no valid format version"),
    ],
)
def test_an_unreadable_version_is_refused_by_every_reader(tmp_path, version, match):
    directory = tmp_path / "run"
    directory.mkdir()
    config = {"format": "embedlab.classifier", "params": {}, "labels": [], "model": {}}
    if version is not None:
        config["version"] = version
    saving.write_json(directory / "config.json", config)
    from embedlab.deploy.export import export_classifier

    readers = [
        TextClassifier.load,
        describe,
        lambda d: export_classifier(d, format="onnx", out=tmp_path / "out"),
    ]
    for read in readers:
        with pytest.raises(EmbedlabError, match=match) as error:
            read(directory)
        assert str(directory / "config.json") in str(error.value)


def test_a_directory_without_config_is_not_a_classifier(tmp_path):
    with pytest.raises(EmbedlabError, match="not a saved embedlab classifier"):
        saving.read_config(tmp_path)
    (tmp_path / "config.json").write_text('{"format": "something.else", "version": 1}')
    with pytest.raises(EmbedlabError, match="not an embedlab classifier config"):
        saving.read_config(tmp_path)
