"""Data-parallel training on two forced host devices gives what one device gives."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

SCRIPT = textwrap.dedent(
    """
    import json, sys
    import jax
    import numpy as np
    from conftest import make_sentiment
    from embedlab.classify.classifier import TextClassifier
    from embedlab.deploy.distribute import fit_data_parallel, used_devices

    texts, labels = make_sentiment(480, seed=3)
    train, test = (texts[80:], labels[80:]), (texts[:80], labels[:80])
    def classifier():
        return TextClassifier("cnn", embedding_dim=16, batch_size=50, seed=1)
    one = classifier().fit(*train, epochs=6, verbose=0)
    two = fit_data_parallel(classifier(), *train, epochs=6, verbose=0)
    print(json.dumps({
        "jax_devices": len(jax.devices()),
        "devices": [used_devices(one), used_devices(two)],
        "accuracy": [c.evaluate(*test)["accuracy"] for c in (one, two)],
        "max_proba_diff": float(np.abs(one.predict_proba(test[0]) - two.predict_proba(test[0]))
                                .max()),
    }))
    """
)


def run_with_two_host_devices(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "KERAS_BACKEND": "jax",
        "XLA_FLAGS": "--xla_force_host_platform_device_count=2",
        "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.mark.slow
def test_two_devices_reach_the_accuracy_of_one(tmp_path):
    out = run_with_two_host_devices("-c", SCRIPT, cwd=tmp_path)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["jax_devices"] == 2
    assert report["devices"] == [1, 2]  # the data-parallel variables live on both devices
    one, two = report["accuracy"]
    assert one >= 0.9 and two == one
    # Same seed, same batches: only the order of floating-point sums differs
    # (each device reduces half a batch, then the halves are all-reduced), so
    # the weights are not bit-identical but close (measured: 6e-8).
    assert report["max_proba_diff"] < 1e-4


@pytest.mark.slow
def test_cli_train_data_parallel_records_the_devices(tmp_path):
    from conftest import make_sentiment

    texts, labels = make_sentiment(300, seed=4)
    rows = "".join(f"{y}\t{t}\n" for t, y in zip(texts, labels, strict=True))
    (tmp_path / "train.tsv").write_text("label\ttext\n" + rows, encoding="utf-8")
    args = ["-m", "embedlab", "train", "train.tsv", "--model", "average", "--epochs", "2"]
    run_with_two_host_devices(*args, "--data-parallel", "--out", "run", cwd=tmp_path)
    assert json.loads((tmp_path / "run" / "metrics.json").read_text())["devices"] == 2

    odd = subprocess.run(
        [sys.executable, *args, "--data-parallel", "--batch-size", "25", "--out", "odd"],
        cwd=tmp_path,
        env={**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=2"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert odd.returncode == 2 and "Traceback" not in odd.stderr
    assert "multiple of 2. Received: batch_size=25" in odd.stderr


DEV_SCRIPT = textwrap.dedent(
    """
    import json
    from conftest import make_sentiment
    from embedlab.classify.classifier import TextClassifier
    from embedlab.deploy.distribute import fit_data_parallel

    texts, labels = make_sentiment(313)  # 312 kept for 2 devices: a dev split of 31
    clf = TextClassifier("average", embedding_dim=8, batch_size=16, seed=0)
    fit_data_parallel(clf, texts, labels, epochs=3, validation_split=0.1, patience=1, verbose=0)
    print(json.dumps({"dev": len(clf.validation_indices), "val_loss": clf.history["val_loss"]}))
    """
)


@pytest.mark.slow
def test_data_parallel_with_a_dev_split_that_does_not_split_over_the_devices(tmp_path):
    out = run_with_two_host_devices("-c", DEV_SCRIPT, cwd=tmp_path)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["dev"] % 2 == 1  # odd: the dev batch is trimmed to 30, not refused
    assert report["val_loss"] and all(v == v for v in report["val_loss"])  # finite losses
