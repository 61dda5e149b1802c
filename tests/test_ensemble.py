"""The recommended recipe: `TextClassifier()` trains an ensemble, one classifier everywhere."""

import json

import numpy as np
import pytest

from conftest import NEGATIVE, NEUTRAL, POSITIVE, TOPIC_CUES, make_sentiment, make_topics
from embedlab import TextClassifier
from embedlab.classify import saving
from embedlab.classify.recipe import DEFAULT_VECTORS, plan
from embedlab.errors import ModelConfigError
from embedlab.vectors import Vectors, save_vectors
from test_cli import embedlab

WORDS = POSITIVE + NEGATIVE + NEUTRAL + [w for cue in TOPIC_CUES.values() for w in cue]


def tiny_vectors() -> Vectors:
    """Small random vectors for every word of the test data (fast stand-in for GloVe)."""
    rng = np.random.default_rng(0)
    return Vectors(WORDS, rng.normal(size=(len(WORDS), 8)).astype(np.float32))


def test_the_plan_follows_the_classes_and_takes_the_given_vectors():
    texts, labels = make_sentiment(40)
    binary = plan(texts, labels, multi_label=False, params={"seed": 3})
    wide, deep = (member.params for member in binary.members)
    assert (wide["model"], wide["naive_bayes"], wide["seed"]) == ("wide", True, 3)
    assert (deep["model"], deep["mode"], deep["vectors"], deep["seed"]) == (
        "cnn",
        "nonstatic",
        DEFAULT_VECTORS,
        4,
    )
    assert [m.weight for m in binary.members] == [1.0, 1.0] and binary.reasons

    three = plan(texts, [str(i % 3) for i in range(40)], multi_label=False, params={})
    topic_texts, topics = make_topics(40)
    multi = plan(topic_texts, topics, multi_label=True, params={})
    assert three.members[0].params["naive_bayes"]  # one-vs-rest ratios
    assert "naive_bayes" not in multi.members[0].params  # NB needs one label per text

    vectors = tiny_vectors()
    given = plan(texts, labels, multi_label=False, params={"vectors": vectors})
    assert given.members[1].params["vectors"] is vectors


def test_the_recipe_refuses_what_it_decides_and_clones_with_scikit_learn():
    from sklearn.base import clone

    assert TextClassifier().get_params()["model"] is None
    with pytest.raises(ModelConfigError, match="`units`"):
        TextClassifier(units=5)
    with pytest.raises(ModelConfigError, match="`mode`"):
        TextClassifier(mode="static")
    copy = clone(TextClassifier(seed=4, batch_size=20))
    assert (copy.model_name, copy.seed, copy.batch_size) == (None, 4, 20)


@pytest.mark.slow
def test_default_is_one_model_averaging_members_on_one_tokenizer(tmp_path, sentiment):
    texts, labels = sentiment
    clf = TextClassifier(vectors=tiny_vectors(), seed=1).fit(texts[:350], labels[:350], verbose=0)
    assert clf.score(texts[350:], labels[350:]) >= 0.9
    assert len(clf.validation_indices) == 35  # one dev split for every member

    # one Keras model: the weighted mean of its members' outputs
    x = clf._encode(texts[350:])
    members = [layer for layer in clf.keras_model.layers if layer.name.startswith("member_")]
    weights = [m.weight for m in clf.config.members]
    assert len(members) == 2 and weights == [0.5, 0.5]
    mean = sum(w * np.asarray(m(x)) for w, m in zip(weights, members, strict=True))
    np.testing.assert_allclose(clf.keras_model.predict(x, verbose=0), mean, rtol=1e-5)
    member_configs = [m.config for m in clf.config.members]
    assert {c["sequence_length"] for c in member_configs} == {clf.config.sequence_length}
    assert {c["vocab_size"] for c in member_configs} == {clf.tokenizer.vocab_size}

    clf.save(tmp_path / "run")
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    assert config["version"] == saving.FORMAT_VERSION and config["params"]["model"] is None
    assert config["model"]["model"] == "default"
    members = config["ensemble"]["members"]
    listed = [(m["model"], m["mode"], m["seed"], m["weight"]) for m in members]
    assert listed == [("wide", "rand", 1, 0.5), ("cnn", "nonstatic", 2, 0.5)]
    # the linear member trains fixed epochs on every text; the CNN stops early
    assert members[0]["best_epoch"] is None and members[1]["best_epoch"] is not None
    # few texts a class: the CNN is then trained again on every text for its best epochs
    assert not members[0]["refit"] and members[1]["refit"]
    early_epochs = len(clf.history["member_1.val_loss"])
    assert members[1]["epochs_run"] == early_epochs + members[1]["best_epoch"] + 1
    assert config["ensemble"]["reasons"]

    loaded = TextClassifier.load(tmp_path / "run")  # no vector file needed
    assert loaded.config == clf.config and loaded.model_name is None
    np.testing.assert_allclose(
        loaded.predict_proba(texts[350:]), clf.predict_proba(texts[350:]), rtol=1e-6
    )

    # `embedlab inspect` shows the fine-tuned member's table against its pretrained rows
    from embedlab.inspect.neighbours import embedding_tables

    tables = embedding_tables(loaded)
    good = loaded.tokenizer.word_index["good"]
    np.testing.assert_allclose(tables.before[good], tiny_vectors()["good"], rtol=1e-6)
    cnn = next(layer for layer in loaded.keras_model.layers if layer.name.startswith("member_1_"))
    tuned = np.asarray(cnn.get_layer("embedding").embeddings)
    np.testing.assert_allclose(tables.after, tuned)
    assert not np.allclose(tables.after[good], tables.before[good])  # fine-tuning moved it


@pytest.mark.slow
def test_default_with_the_callers_dev_data_trains_nothing_again(sentiment):
    texts, labels = sentiment
    dev = (texts[200:250], labels[200:250])
    clf = TextClassifier(vectors=tiny_vectors(), seed=1)
    clf.fit(texts[:200], labels[:200], validation_data=dev, verbose=0)
    cnn = clf.config.members[1]
    # the dev texts are not training texts: the early-stopped CNN is kept as it is
    assert cnn.best_epoch is not None and not cnn.refit
    assert cnn.epochs_run == len(clf.history["member_1.val_loss"])


@pytest.mark.slow
def test_default_learns_multi_label_sets(tmp_path):
    texts, labels = make_topics(300, seed=1)
    clf = TextClassifier(vectors=tiny_vectors()).fit(texts[:250], labels[:250], verbose=0)
    assert clf.config.multi_label
    assert clf.evaluate(texts[250:], labels[250:])["micro_f1"] >= 0.7  # all labels: 0.57
    clf.save(tmp_path / "run")
    loaded = TextClassifier.load(tmp_path / "run")
    assert loaded.predict(texts[250:]) == clf.predict(texts[250:])


def make_single_topics(n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """One topic per text (its words planted among neutral ones): several classes, one label."""
    rng = np.random.default_rng(seed)
    topics = list(TOPIC_CUES)
    texts, labels = [], []
    for i in range(n):
        topic = topics[i % len(topics)]
        words = list(rng.choice(NEUTRAL, size=rng.integers(4, 10)))
        words += list(rng.choice(TOPIC_CUES[topic], size=rng.integers(1, 3)))
        rng.shuffle(words)
        texts.append(" ".join(words))
        labels.append(topic)
    return texts, labels


@pytest.mark.slow
def test_short_texts_of_several_classes_choose_the_linear_learning_rate_on_the_dev_split(
    tmp_path,
):
    texts, labels = make_single_topics(360, seed=2)
    clf = TextClassifier(vectors=tiny_vectors(), seed=0).fit(texts[:300], labels[:300], verbose=0)
    assert len(set(labels)) > 2 and clf.score(texts[300:], labels[300:]) >= 0.9
    reason = next(r for r in clf.config.reasons if "on the dev split:" in r)
    tried = dict(part.split() for part in reason.split(": ", 1)[1].split(", "))
    assert set(tried) == {"0.01", "0.003"}  # both candidates trained and scored
    chosen = clf.config.members[0].params["learning_rate"]
    scores = {float(value): float(pct.rstrip("%")) for value, pct in tried.items()}
    assert scores[chosen] == max(scores.values())  # the best on the dev split is kept
    clf.save(tmp_path / "run")
    loaded = TextClassifier.load(tmp_path / "run")
    assert loaded.config.reasons == clf.config.reasons
    assert loaded.predict(texts[300:]) == clf.predict(texts[300:])


def make_korean(n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """Short Korean reviews: a subject with a particle, an adverb, a good or bad predicate."""
    rng = np.random.default_rng(seed)
    subjects = ["영화가", "영화는", "배우들 연기가", "스토리는", "이 작품은", "결말이"]
    adverbs = ["정말", "너무", "진짜", "좀", "아주"]
    good = ["재밌었어요", "감동적이다", "훌륭해요", "최고였음", "좋았습니다"]
    bad = ["지루했어요", "실망스럽다", "별로였다", "최악이었음", "아까워요"]
    texts, labels = [], []
    for i in range(n):
        positive = i % 2 == 0
        predicate = rng.choice(good if positive else bad)
        texts.append(f"{rng.choice(subjects)} {rng.choice(adverbs)} {predicate}")
        labels.append("pos" if positive else "neg")
    return texts, labels


@pytest.mark.slow
def test_default_on_korean_is_one_linear_model_of_morphemes(tmp_path, caplog):
    pytest.importorskip("kiwipiepy")
    texts, labels = make_korean(240)
    with caplog.at_level("INFO", logger="embedlab"):
        clf = TextClassifier(seed=0).fit(texts[:200], labels[:200], verbose=0)
    assert "Hangul" in caplog.text and clf.tokenizer.analyzer.name == "kiwi"
    (member,) = clf.config.members  # no English GloVe member
    assert (member.model, member.config["ngrams"], tuple(member.config["char_ngrams"])) == (
        "wide",
        3,
        (1, 3),
    )
    assert clf.score(texts[200:], labels[200:]) >= 0.9
    clf.save(tmp_path / "run")
    loaded = TextClassifier.load(tmp_path / "run")
    probe = texts[200:] + ["ㅋㅋㅋㅋ", "최악의 movie 돈아까움!!"]
    np.testing.assert_allclose(loaded.predict_proba(probe), clf.predict_proba(probe), rtol=1e-6)


def test_a_single_model_is_still_saved_as_version_2_and_read_as_version_3(tmp_path, sentiment):
    texts, labels = sentiment
    clf = TextClassifier("average", embedding_dim=4).fit(texts, labels, epochs=1, verbose=0)
    clf.save(tmp_path / "run")
    path = tmp_path / "run" / "config.json"
    config = json.loads(path.read_text())
    assert config["version"] == 2 and "ensemble" not in config  # older embedlab reads it
    saving.write_json(path, {**config, "version": 3})
    loaded = TextClassifier.load(tmp_path / "run")
    assert loaded.config == clf.config
    np.testing.assert_allclose(loaded.predict_proba(texts[:9]), clf.predict_proba(texts[:9]))


@pytest.mark.slow
def test_train_without_a_model_then_every_reader(tmp_path):
    from fastapi.testclient import TestClient

    from embedlab.deploy.serve import ServeLimits, create_app

    parts = {"train": make_sentiment(300), "test": make_sentiment(60, 1)}
    for name, (texts, labels) in parts.items():
        rows = ["text,label"] + [f"{t},{y}" for t, y in zip(texts, labels, strict=True)]
        (tmp_path / f"{name}.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    save_vectors(tiny_vectors(), tmp_path / "vec.txt")
    run = embedlab(
        "train", "train.csv", "--test", "test.csv", "--vectors", "vec.txt", "--out", "run",
        cwd=tmp_path,
    )  # fmt: skip
    assert "recipe: " in run.stderr
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["accuracy"] >= 0.8  # 0.83-0.92 over seeds 0-2 on this toy set
    assert [m["model"] for m in metrics["members"]] == ["wide", "cnn"]

    evaluated = json.loads(embedlab("evaluate", "run", "test.csv", "--json", cwd=tmp_path).stdout)
    assert evaluated["accuracy"] == pytest.approx(metrics["accuracy"])
    # (a 300-text toy set leaves three-word texts near 0.5: every reader must
    # give the loaded model's answer, whichever it is)
    loaded = TextClassifier.load(tmp_path / "run")
    short = ["superb lovely film", "dull awful plot"]
    words = embedlab("predict", "run", *short, cwd=tmp_path)
    assert words.stdout.split() == loaded.predict(short)
    texts, _ = make_sentiment(60, 1)
    (tmp_path / "texts.txt").write_text("\n".join(texts) + "\n", encoding="utf-8")
    embedlab("predict", "run", "--file", "texts.txt", "--out", "pred.jsonl", cwd=tmp_path)
    streamed = [json.loads(line) for line in (tmp_path / "pred.jsonl").read_text().splitlines()]
    assert [row["label"] for row in streamed] == loaded.predict(texts)

    with TestClient(create_app(tmp_path / "run", limits=ServeLimits())) as client:
        info = client.get("/info").json()
        assert (info["model"], info["mode"]) == ("default", "-")
        assert [m["model"] for m in info["ensemble"]["members"]] == ["wide", "cnn"]
        answer = client.post("/predict", json={"texts": short}).json()
        assert [row["label"] for row in answer["predictions"]] == loaded.predict(short)

    exported = embedlab(
        "export", "run", "--format", "onnx", "--out", "onnx", cwd=tmp_path, check=False
    )
    if exported.returncode != 0:  # the recipe's hashed n-gram members do not export on JAX
        assert exported.returncode == 2 and "n-gram" in exported.stderr
        assert "Traceback" not in exported.stderr and not (tmp_path / "onnx").exists()


@pytest.mark.slow
def test_compare_takes_the_recipe_as_a_model(tmp_path):
    from embedlab.data import Dataset
    from embedlab.experiments.compare import compare
    from embedlab.pipeline import TrainOptions

    train = Dataset(*make_sentiment(200), ["train"])
    test = Dataset(*make_sentiment(40, 1), ["test"])
    rows = compare(
        train,
        models=["default", "average"],
        modes=["rand"],
        test=test,
        out=tmp_path / "cmp",
        options=TrainOptions(epochs=3, embedding_dim=8),  # the recipe decides its own
    )
    assert [(r["model"], r["mode"], r["vectors"]) for r in rows] == [
        ("default", "-", "-"),
        ("average", "rand", "-"),
    ]
    assert rows[0]["mean_accuracy"] >= 0.9
