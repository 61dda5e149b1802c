"""The HTTP service: predictions, /info, bad requests (never a 500), micro-batching, CLI."""

import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("fastapi")
httpx = pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from conftest import make_sentiment  # noqa: E402
from embedlab import pipeline  # noqa: E402
from embedlab.classify.classifier import TextClassifier  # noqa: E402
from embedlab.deploy.serve import ServeLimits, create_app  # noqa: E402
from embedlab.deploy.serve.batcher import MicroBatcher, bucket_sizes, bucketed_predict  # noqa: E402
from embedlab.errors import EmbedlabError  # noqa: E402

MAX_TEXTS = 5
MAX_LENGTH = 40


@pytest.fixture(scope="session")
def saved(tmp_path_factory) -> Path:
    """A tiny CNN trained by `pipeline.train`, as `embedlab train` writes it."""
    root = tmp_path_factory.mktemp("serve")
    texts, labels = make_sentiment(300, seed=5)
    lines = ["text,label"] + [f'"{t}",{y}' for t, y in zip(texts, labels, strict=True)]
    (root / "train.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    options = pipeline.TrainOptions(model="cnn", embedding_dim=16, epochs=8, seed=1)
    pipeline.train([root / "train.csv"], out=root / "run", options=options, verbose=0)
    return root / "run"


@pytest.fixture(scope="session")
def reference(saved) -> TextClassifier:
    """The same classifier loaded directly: the reference for the service's answers."""
    return TextClassifier.load(saved)


@pytest.fixture(scope="module")
def client(saved):
    limits = ServeLimits(max_texts=MAX_TEXTS, max_text_length=MAX_LENGTH, max_wait_ms=1)
    with TestClient(create_app(saved, limits=limits)) as c:
        yield c


def sample_texts(n: int, seed: int = 0) -> list[str]:
    texts, _ = make_sentiment(n, seed=seed)
    return [t[:MAX_LENGTH] for t in texts]


def test_predict_gives_each_text_its_label_and_every_probability(client, reference):
    texts = ["superb wonderful film", "dreadful tedious plot", "", "zebra quantum"]
    response = client.post("/predict", json={"texts": texts})
    assert response.status_code == 200
    predictions = response.json()["predictions"]
    expected = reference.predict_proba(texts)
    assert len(predictions) == len(texts)
    for row, prediction in zip(expected, predictions, strict=True):
        assert list(prediction["probabilities"]) == reference.labels
        got = [prediction["probabilities"][label] for label in reference.labels]
        np.testing.assert_allclose(got, row, rtol=1e-5, atol=1e-6)
        assert prediction["label"] == reference.labels[int(np.argmax(row))]
    assert [p["label"] for p in predictions[:2]] == ["pos", "neg"]


def test_health_info_and_docs(client, saved):
    assert client.get("/health").json() == {"status": "ok"}
    info = client.get("/info").json()
    config = json.loads((saved / "config.json").read_text())
    metrics = json.loads((saved / "metrics.json").read_text())
    assert info["labels"] == config["labels"] == ["neg", "pos"]
    assert (info["model"], info["mode"], info["vectors"]) == ("cnn", "rand", None)
    assert info["model_config"]["embedding_dim"] == 16
    assert info["metrics"] == metrics and info["metrics"]["n_train"] == 270
    assert info["limits"] == {"max_texts": MAX_TEXTS, "max_text_length": MAX_LENGTH}
    assert info["batching"] == {"enabled": True, "max_batch": 64, "max_wait_ms": 1}
    assert client.get("/docs").status_code == 200
    schema = client.get("/openapi.json").json()
    texts = schema["components"]["schemas"]["PredictRequest"]["properties"]["texts"]
    assert (texts["minItems"], texts["maxItems"]) == (1, MAX_TEXTS)
    assert texts["items"]["maxLength"] == MAX_LENGTH


BAD_REQUESTS = [
    ("malformed JSON", b'{"texts": ["a"', "not valid JSON"),
    ("not UTF-8", b'{"texts": ["\xff"]}', "could not be read as JSON"),
    ("nested too deep", b'{"texts": ' + b"[" * 100_000, "could not be read as JSON"),
    ("no body", b"", "must be a JSON object"),
    ("a list, not an object", b'["a"]', "must be a JSON object"),
    ("texts not a list", b'{"texts": "one text"}', "texts: Input should be a valid list"),
    ("a number among texts", b'{"texts": ["a", 3]}', "texts.1: Input should be a valid string"),
    ("null text", b'{"texts": [null]}', "texts.0: Input should be a valid string"),
    ("empty list", b'{"texts": []}', "texts: List should have at least 1 item"),
    ("too many texts", b'{"texts": ["a","b","c","d","e","f"]}', "at most 5 items"),
    ("text too long", json.dumps({"texts": ["x" * 41]}).encode(), "texts.0: String should have"),
    ("unknown field", b'{"texts": ["a"], "top_k": 2}', "top_k: Extra inputs are not permitted"),
    ("misspelt field", b'{"text": ["a"]}', "text: Extra inputs are not permitted"),
]


@pytest.mark.parametrize(
    ("what", "body", "message"), BAD_REQUESTS, ids=[b[0] for b in BAD_REQUESTS]
)
def test_bad_request_is_a_4xx_saying_what_was_wrong(client, what, body, message):
    response = client.post("/predict", content=body, headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500, response.text
    assert message in response.json()["message"]


def test_wrong_method_and_content_type_are_4xx(client):
    assert client.get("/predict").status_code == 405
    form = client.post("/predict", data={"texts": "a"})
    assert form.status_code == 422 and "JSON object" in form.json()["message"]
    assert client.post("/nowhere", json={"texts": ["a"]}).status_code == 404


def test_text_at_the_length_limit_is_accepted(client):
    response = client.post("/predict", json={"texts": ["é" * MAX_LENGTH] * MAX_TEXTS})
    assert response.status_code == 200 and len(response.json()["predictions"]) == MAX_TEXTS


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=12,
)
TEXTS = st.lists(st.text(max_size=MAX_LENGTH + 2) | JSON, max_size=MAX_TEXTS + 1) | st.lists(
    st.text(max_size=MAX_LENGTH + 2), max_size=MAX_TEXTS + 1
)
BODIES = (
    JSON
    | st.fixed_dictionaries({"texts": TEXTS}, optional={"extra": JSON, "texts ": JSON})
    | st.fixed_dictionaries({"texts": TEXTS | JSON})
)


def is_valid(body) -> bool:
    """The request contract, written independently of the app's pydantic model."""
    if not isinstance(body, dict) or set(body) != {"texts"}:
        return False
    texts = body["texts"]
    return (
        isinstance(texts, list)
        and 1 <= len(texts) <= MAX_TEXTS
        and all(isinstance(t, str) and len(t) <= MAX_LENGTH for t in texts)
    )


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=BODIES)
def test_fuzz_json_bodies_never_get_a_5xx(client, body):
    response = client.post(
        "/predict", content=json.dumps(body), headers={"content-type": "application/json"}
    )
    assert response.status_code < 500, response.text
    assert (response.status_code == 200) == is_valid(body), response.text
    if response.status_code == 200:
        assert len(response.json()["predictions"]) == len(body["texts"])
    else:
        assert response.json()["message"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=60))
def test_fuzz_raw_bytes_never_get_a_5xx(client, raw):
    response = client.post("/predict", content=raw, headers={"content-type": "application/json"})
    assert response.status_code < 500, response.text


async def _post_concurrently(app, bodies: list[dict]) -> tuple[list, dict]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            responses = await asyncio.gather(*(http.post("/predict", json=b) for b in bodies))
            info = (await http.get("/info")).json()
    return responses, info


@pytest.mark.parametrize("batching", [True, False])
def test_concurrent_requests_match_direct_predictions(saved, reference, batching):
    rng = random.Random(3)
    texts = sample_texts(120, seed=9)
    bodies = [{"texts": rng.sample(texts, rng.randint(1, 5))} for _ in range(40)]
    limits = ServeLimits(max_texts=8, batching=batching, max_batch=16, max_wait_ms=50)
    responses, info = asyncio.run(_post_concurrently(create_app(saved, limits=limits), bodies))
    for body, response in zip(bodies, responses, strict=True):
        assert response.status_code == 200
        expected = reference.predict_proba(body["texts"])
        got = [
            [p["probabilities"][k] for k in reference.labels]
            for p in response.json()["predictions"]
        ]
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    stats = info["stats"]
    assert stats["requests"] == 40
    assert stats["texts"] == sum(len(b["texts"]) for b in bodies)
    if batching:  # 40 requests queued at once, gathered into batches of at most 16 texts
        assert stats["largest_batch"] <= 16
        assert stats["batches"] <= stats["texts"] // 8
    else:
        assert stats["batches"] == 40


def test_bucketed_predict_equals_predict_proba_and_uses_few_shapes(reference):
    texts = sample_texts(23, seed=2)
    shapes: list[int] = []

    def recording(batch, *, batch_size):
        shapes.append(len(batch))
        return reference.predict_proba(batch, batch_size=batch_size)

    predict = bucketed_predict(recording, max_batch=8)
    for n in (1, 3, 5, 8, 23):
        np.testing.assert_allclose(
            predict(texts[:n]), reference.predict_proba(texts[:n]), rtol=1e-5, atol=1e-6
        )
    assert set(shapes) <= set(bucket_sizes(8)) == {1, 2, 4, 8}
    assert shapes[-3:] == [8, 8, 8]  # 23 texts: chunks of 8, 8 and 7 padded to 8
    assert bucket_sizes(48) == [1, 2, 4, 8, 16, 32, 48]


def test_micro_batcher_respects_max_batch_and_keeps_request_order():
    calls: list[list[str]] = []

    def echo(texts):
        calls.append(list(texts))
        return np.array([[float(t)] for t in texts])

    async def run():
        batcher = MicroBatcher(echo, max_batch=4, max_wait_ms=20)
        await batcher.start()
        requests = [[str(i)] * (1 + i % 3) for i in range(12)]
        try:
            results = await asyncio.gather(*(batcher.predict(r) for r in requests))
        finally:
            await batcher.close()
        return requests, results, batcher.stats

    requests, results, stats = asyncio.run(run())
    for request, result in zip(requests, results, strict=True):
        assert result[:, 0].tolist() == [float(t) for t in request]
    assert all(len(c) <= 4 for c in calls)
    assert [t for c in calls for t in c] == [t for r in requests for t in r]  # first come first
    assert stats.batches == len(calls) < len(requests)


def test_micro_batcher_passes_a_model_failure_to_each_request():
    def broken(texts):
        raise RuntimeError("model exploded")

    async def run():
        batcher = MicroBatcher(broken, max_batch=4, max_wait_ms=5)
        await batcher.start()
        try:
            return await asyncio.gather(
                batcher.predict(["a"]), batcher.predict(["b"]), return_exceptions=True
            )
        finally:
            await batcher.close()

    assert [str(e) for e in asyncio.run(run())] == ["model exploded"] * 2


def test_limits_are_checked_and_a_wrong_directory_is_a_clear_error(tmp_path):
    with pytest.raises(EmbedlabError, match="`max_texts` must be a positive integer"):
        ServeLimits(max_texts=0)
    with pytest.raises(EmbedlabError, match="`max_wait_ms` must be >= 0"):
        ServeLimits(max_wait_ms=-1)
    with pytest.raises(EmbedlabError, match="not a saved embedlab classifier"):
        create_app(tmp_path)


def test_importing_the_cli_and_serve_loads_no_web_framework():
    code = (
        "import sys, embedlab, embedlab.cli, embedlab.deploy.serve\n"
        "print(','.join(m for m in ('fastapi', 'uvicorn', 'starlette', 'keras') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_cli_serve_answers_over_http(saved, reference, tmp_path):
    port = _free_port()
    env = {**os.environ, "KERAS_BACKEND": os.environ.get("KERAS_BACKEND", "jax")}
    args = ["--port", str(port), "--max-texts", "3", "--max-wait-ms", "2", "--log-level", "warning"]
    server = subprocess.Popen(
        [sys.executable, "-m", "embedlab", "serve", str(saved), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, server.communicate()[1]
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start in 120 s"
            time.sleep(0.3)
        texts = ["superb wonderful film", "dreadful tedious plot"]
        predictions = httpx.post(f"{base}/predict", json={"texts": texts}).json()["predictions"]
        assert [p["label"] for p in predictions] == reference.predict(texts)
        assert httpx.get(f"{base}/info").json()["limits"]["max_texts"] == 3
        too_many = httpx.post(f"{base}/predict", json={"texts": ["a"] * 4})
        assert too_many.status_code == 422 and "at most 3 items" in too_many.json()["message"]
    finally:
        server.terminate()
        server.communicate(timeout=30)


@pytest.mark.slow
def test_cli_serve_of_a_wrong_directory_exits_2_with_a_message(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "embedlab", "serve", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "not a saved embedlab classifier" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_app_can_be_started_again_after_shutdown(saved, reference):
    app = create_app(saved, limits=ServeLimits(max_wait_ms=1))
    for _ in range(2):
        with TestClient(app) as client:
            reply = client.post("/predict", json={"texts": ["superb film"]}).json()
            assert reply["predictions"][0]["label"] == reference.predict(["superb film"])[0]


def test_multi_label_predictions_list_the_labels_over_the_threshold(tmp_path):
    from conftest import make_topics

    texts, labels = make_topics(200, seed=3)
    clf = TextClassifier("average", embedding_dim=8, learning_rate=0.05, seed=0)
    directory = clf.fit(texts, labels, epochs=5, verbose=0).save(tmp_path / "topics")
    expected = TextClassifier.load(directory).predict(texts[:20])
    with TestClient(create_app(directory)) as client:
        reply = client.post("/predict", json={"texts": texts[:20]})
    assert reply.status_code == 200
    assert [p["labels"] for p in reply.json()["predictions"]] == expected  # as the CLI says
    assert any(len(p["labels"]) > 1 for p in reply.json()["predictions"])


def test_a_text_with_no_known_word_gets_finite_probabilities_and_says_so(saved, reference):
    with TestClient(create_app(saved)) as client:
        reply = client.post("/predict", json={"texts": ["", "!!!", "zzz qqq", "superb film"]})
    assert reply.status_code == 200
    predictions = json.loads(reply.text, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))[
        "predictions"
    ]
    assert [p["known_words"] for p in predictions[:3]] == [0, 0, 0]
    assert predictions[3]["known_words"] == 2
    for p in predictions:
        assert np.isfinite(list(p["probabilities"].values())).all()
        assert p["label"] == max(p["probabilities"], key=p["probabilities"].get)
