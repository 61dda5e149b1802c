"""TextClassifier as a scikit-learn estimator: clone, tags, cross-validation, grid search,
pipelines; scikit-learn stays an optional dependency."""

import subprocess
import sys

import numpy as np
import pytest

from conftest import make_sentiment
from embedlab.classify.classifier import TextClassifier
from embedlab.errors import ModelConfigError

sklearn = pytest.importorskip("sklearn")

FIT = {"epochs": 3, "verbose": 0}


def small() -> TextClassifier:
    return TextClassifier("average", embedding_dim=8, learning_rate=0.05, batch_size=20)


def test_import_embedlab_does_not_import_sklearn():
    code = (
        "import sys, embedlab\n"
        "clf = embedlab.TextClassifier('average', embedding_dim=4)\n"
        "clf.get_params(); clf.set_params(units=3); clf.get_config()\n"
        "print('sklearn' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_clone_gives_an_unfitted_classifier_with_the_same_arguments():
    from sklearn.base import clone, is_classifier
    from sklearn.utils import get_tags

    texts, labels = make_sentiment(60)
    clf = small().fit(texts, labels, epochs=1, verbose=0)
    copy = clone(clf)
    assert copy.get_params() == clf.get_params()
    assert copy.keras_model is None and copy.labels == []
    assert is_classifier(clf) and get_tags(clf).estimator_type == "classifier"
    np.testing.assert_array_equal(clf.classes_, ["neg", "pos"])


def test_set_params_checks_values_as_the_constructor():
    clf = small()
    assert clf.set_params(units=7, model="cnn") is clf
    assert (clf.units, clf.model_name, clf.get_params()["model"]) == (7, "cnn", "cnn")
    with pytest.raises(ModelConfigError, match="`threshold` must be in"):
        clf.set_params(threshold=1.5)
    assert clf.threshold == 0.5  # a refused value leaves the classifier as it was
    with pytest.raises(ValueError, match="Invalid parameter 'colour'"):
        clf.set_params(colour="red")


def test_score_is_sklearn_accuracy():
    from sklearn.metrics import accuracy_score

    texts, labels = make_sentiment(120)
    clf = small().fit(texts[40:], labels[40:], **FIT)
    predicted = clf.predict(texts[:40])
    assert clf.score(texts[:40], labels[:40]) == pytest.approx(
        accuracy_score(labels[:40], predicted)
    )
    weights = np.arange(40, dtype=float)
    assert clf.score(texts[:40], labels[:40], sample_weight=weights) == pytest.approx(
        accuracy_score(labels[:40], predicted, sample_weight=weights)
    )


@pytest.mark.slow
def test_cross_val_score_and_grid_search_train_and_score_folds():
    from sklearn.model_selection import GridSearchCV, cross_val_score

    texts, labels = make_sentiment(150)
    scores = cross_val_score(small(), texts, labels, cv=3, params=FIT)
    assert len(scores) == 3 and min(scores) >= 0.8
    search = GridSearchCV(small(), {"embedding_dim": [4, 8]}, cv=2)
    search.fit(texts, labels, **FIT)
    assert search.best_params_["embedding_dim"] in (4, 8)
    assert len(search.cv_results_["mean_test_score"]) == 2
    assert search.best_estimator_.score(texts, labels) >= 0.8


def test_pipeline_passes_transformed_texts_to_the_classifier():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    texts, labels = make_sentiment(120)
    # with lower=False the classifier sees only what the pipeline's first step makes
    upper = FunctionTransformer(lambda xs: [x.upper() for x in xs])
    pipe = make_pipeline(upper, TextClassifier("average", embedding_dim=8, lower=False))
    pipe.set_params(textclassifier__learning_rate=0.05)
    pipe.fit(texts, labels, textclassifier__epochs=3, textclassifier__verbose=0)
    clf = pipe[-1]
    assert "SUPERB" in clf.tokenizer.word_index and "superb" not in clf.tokenizer.word_index
    assert pipe.score(texts, labels) >= 0.8
