"""Metrics against scikit-learn's: multi-class and multi-label F1, subset accuracy, Hamming loss."""

import numpy as np
import pytest
from sklearn import metrics as skm

from embedlab.classify.metrics import classification_report, multilabel_report


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_multilabel_figures_match_sklearn(seed):
    rng = np.random.default_rng(seed)
    truth = rng.random((60, 5)) < 0.3
    pred = np.where(rng.random((60, 5)) < 0.8, truth, ~truth)
    pred[:, 4] = False  # a label never predicted: 0/0 precision counts as 0
    labels = ["a", "b", "c", "d", "e"]
    report = multilabel_report(truth, pred, labels)
    kw = {"zero_division": 0}
    assert report["micro_f1"] == pytest.approx(skm.f1_score(truth, pred, average="micro", **kw))
    assert report["macro_f1"] == pytest.approx(skm.f1_score(truth, pred, average="macro", **kw))
    assert report["micro_precision"] == pytest.approx(
        skm.precision_score(truth, pred, average="micro", **kw)
    )
    assert report["micro_recall"] == pytest.approx(
        skm.recall_score(truth, pred, average="micro", **kw)
    )
    assert (
        report["accuracy"]
        == report["subset_accuracy"]
        == pytest.approx(skm.accuracy_score(truth, pred))
    )
    assert report["hamming_loss"] == pytest.approx(skm.hamming_loss(truth, pred))
    p, r, f, s = skm.precision_recall_fscore_support(truth, pred, **kw)
    for i, label in enumerate(labels):
        row = report["per_class"][label]
        assert row["precision"] == pytest.approx(p[i])
        assert row["recall"] == pytest.approx(r[i])
        assert row["f1"] == pytest.approx(f[i])
        assert row["support"] == s[i]
    assert report["n_test"] == 60 and report["multi_label"] is True


def test_multilabel_shapes_are_checked():
    with pytest.raises(ValueError, match=r"must both be \(n, 2\)"):
        multilabel_report(np.zeros((3, 2)), np.zeros((3, 3)), ["a", "b"])


def test_multiclass_macro_f1_and_per_class_match_sklearn():
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 4, 200)
    pred = np.where(rng.random(200) < 0.7, truth, rng.integers(0, 4, 200))
    report = classification_report(truth, pred, ["w", "x", "y", "z"])
    assert report["accuracy"] == pytest.approx(skm.accuracy_score(truth, pred))
    assert report["macro_f1"] == pytest.approx(skm.f1_score(truth, pred, average="macro"))
    np.testing.assert_array_equal(report["confusion_matrix"], skm.confusion_matrix(truth, pred))
    f1 = skm.f1_score(truth, pred, average=None)
    assert [report["per_class"][c]["f1"] for c in "wxyz"] == pytest.approx(list(f1))
