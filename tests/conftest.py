"""Shared test setup: JAX as the Keras backend unless the environment chose one."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

POSITIVE = "good great superb lovely wonderful excellent charming delightful brilliant fine".split()
NEGATIVE = "bad awful dreadful poor terrible boring dull tedious clumsy weak".split()
NEUTRAL = "the film plot actors story movie ending music scenes script it was and a of".split()


def make_sentiment(n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """Texts of neutral words with sentiment words planted; label by the planted words."""
    import random

    rng = random.Random(seed)
    texts, labels = [], []
    for i in range(n):
        label = "pos" if i % 2 == 0 else "neg"
        cue = POSITIVE if label == "pos" else NEGATIVE
        words = rng.choices(NEUTRAL, k=rng.randint(4, 12)) + rng.choices(cue, k=rng.randint(1, 3))
        rng.shuffle(words)
        texts.append(" ".join(words))
        labels.append(label)
    return texts, labels


def write_sentiment_csv(path: Path, n: int, seed: int = 0) -> Path:
    """A ``text,label`` CSV of `make_sentiment(n, seed)` at `path`."""
    texts, labels = make_sentiment(n, seed=seed)
    lines = ["text,label"] + [f'"{t}",{y}' for t, y in zip(texts, labels, strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def isolated_embedlab_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test gets its own EMBEDLAB_HOME (parse cache, downloads), never the real one."""
    home = tmp_path_factory.mktemp("embedlab_home")
    monkeypatch.setenv("EMBEDLAB_HOME", str(home))
    return home


@pytest.fixture
def sentiment() -> tuple[list[str], list[str]]:
    return make_sentiment(400)


TOPIC_CUES = {
    "food": "pasta bread soup".split(),
    "music": "guitar song band".split(),
    "sport": "goal match team".split(),
}


def make_topics(n: int, seed: int = 0) -> tuple[list[str], list[list[str]]]:
    """Multi-label texts: each topic applies with probability 0.4 and plants its words."""
    import random

    rng = random.Random(seed)
    texts, labels = [], []
    for _ in range(n):
        topics = [topic for topic in TOPIC_CUES if rng.random() < 0.4]
        words = rng.choices(NEUTRAL, k=rng.randint(4, 10))
        for topic in topics:
            words += rng.choices(TOPIC_CUES[topic], k=rng.randint(1, 2))
        rng.shuffle(words)
        texts.append(" ".join(words))
        labels.append(topics)
    return texts, labels


@pytest.fixture(scope="session")
def saved_classifier_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small trained classifier saved as `embedlab train` saves it (batch, cluster, export)."""
    from embedlab.classify.classifier import TextClassifier

    texts, labels = make_sentiment(400, seed=11)
    clf = TextClassifier("cnn", embedding_dim=8, seed=2).fit(texts, labels, epochs=3, verbose=0)
    return clf.save(tmp_path_factory.mktemp("saved") / "clf")
