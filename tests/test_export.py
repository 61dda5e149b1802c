"""Exported models give the original's predictions: ONNX via onnxruntime, SavedModel via TF."""

import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from conftest import make_sentiment
from embedlab import Tokenizer, pad_sequences
from embedlab.classify.classifier import TextClassifier
from embedlab.deploy.export import check_export_support, export_classifier
from embedlab.errors import EmbedlabError


def ids_from_bundle(directory, texts):
    """Padded ids made only from what the export directory ships (no embedlab model code)."""
    spec = json.loads((directory / "export.json").read_text())["input"]
    tokenizer = Tokenizer.load(directory / spec["tokenizer"])
    return pad_sequences(
        tokenizer.texts_to_sequences(texts),
        maxlen=spec["shape"][1],
        padding=spec["padding"],
        truncating=spec["truncating"],
    ).astype(spec["dtype"])


@pytest.mark.slow
def test_onnx_export_gives_the_same_predictions(tmp_path, saved_classifier_dir):
    ort = pytest.importorskip("onnxruntime")
    out = tmp_path / "onnx"
    env = {**os.environ, "KERAS_BACKEND": os.environ.get("KERAS_BACKEND", "jax")}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "embedlab",
            "export",
            str(saved_classifier_dir),
            "--format",
            "onnx",
            "--out",
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in out.iterdir()) == ["export.json", "model.onnx", "tokenizer.json"]

    texts = make_sentiment(64, seed=31)[0] + ["words never seen in training", ""]
    clf = TextClassifier.load(saved_classifier_dir)
    session = ort.InferenceSession(str(out / "model.onnx"))
    assert [i.name for i in session.get_inputs()] == ["ids"]
    p_pos = session.run(None, {"ids": ids_from_bundle(out, texts)})[0]
    expected = clf.predict_proba(texts)
    np.testing.assert_allclose(p_pos[:, 0], expected[:, 1], rtol=1e-5, atol=1e-6)
    labels = json.loads((out / "export.json").read_text())["labels"]
    assert [labels[int(p > 0.5)] for p in p_pos[:, 0]] == clf.predict(texts)


@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is not None, reason="TF installed")
def test_savedmodel_without_tensorflow_names_the_package(tmp_path, saved_classifier_dir):
    with pytest.raises(
        EmbedlabError, match=r"needs the 'tensorflow' package.*embedlab\[tensorflow\]"
    ):
        export_classifier(saved_classifier_dir, format="savedmodel", out=tmp_path / "sm")
    assert not (tmp_path / "sm").exists()


def test_savedmodel_export_gives_the_same_predictions(tmp_path, saved_classifier_dir):
    tf = pytest.importorskip("tensorflow")  # the [tensorflow] extra, ~1.4 GB: not in [test]
    out = export_classifier(saved_classifier_dir, format="savedmodel", out=tmp_path / "sm")
    texts = make_sentiment(32, seed=32)[0]
    loaded = tf.saved_model.load(str(out / "saved_model"))  # keep it: it owns the variables
    served = loaded.serve(tf.constant(ids_from_bundle(out, texts)))
    expected = TextClassifier.load(saved_classifier_dir).predict_proba(texts)
    np.testing.assert_allclose(np.asarray(served)[:, 0], expected[:, 1], rtol=1e-5, atol=1e-6)


def test_unsupported_format_or_backend_says_what_does(tmp_path, saved_classifier_dir):
    with pytest.raises(EmbedlabError, match="use one of: onnx, savedmodel"):
        export_classifier(saved_classifier_dir, format="tflite", out=tmp_path / "x")
    with pytest.raises(EmbedlabError, match="not supported on the Keras 'torch' backend.*jax"):
        check_export_support("savedmodel", "torch")
