"""Tests of embedlab.classify.recipe: the default recipe reads only the training data."""

from __future__ import annotations

from embedlab.classify.recipe import DataProfile, recipe_classifier, recipe_members


def test_profile_counts_what_the_training_data_shows():
    texts = ["a good film", "dull", "a fine cast and plot", "bad"]
    profile = DataProfile.of(texts, ["pos", "neg", "pos", "pos"])
    assert profile.n_texts == 4 and profile.n_classes == 2 and not profile.multi_label
    assert profile.mean_tokens == (3 + 1 + 5 + 1) / 4
    assert profile.majority_share == 0.75
    multi = DataProfile.of(texts, [["a", "b"], ["b"], [], ["c"]])
    assert multi.multi_label and multi.n_classes == 3


def test_two_classes_get_naive_bayes_weights_and_more_classes_do_not():
    binary = recipe_members(DataProfile(1000, 2, 20.0, False, 0.5))
    assert [m.model for m in binary] == ["wide", "cnn"]
    assert binary[0].options["naive_bayes"] is True and binary[0].options["units"] == 1
    for profile in (DataProfile(1000, 6, 10.0, False, 0.3), DataProfile(1000, 2, 10.0, True, 0.5)):
        linear = recipe_members(profile)[0]
        assert not linear.options.get("naive_bayes") and linear.options["units"] > 1
        linear.classifier()  # a valid configuration: the options are checked here


def test_long_documents_get_the_linear_model_alone():
    short = recipe_members(DataProfile(1000, 2, 20.0, False, 0.5))
    long = recipe_members(DataProfile(1000, 2, 230.0, False, 0.5))
    assert [m.model for m in long] == ["wide"]
    assert short[1].options["mode"] == "nonstatic" and short[1].fit_options["patience"] >= 1


def test_recipe_classifier_is_the_first_member_untrained():
    clf = recipe_classifier(["good", "bad", "fine", "dull"], ["pos", "neg", "pos", "neg"])
    assert clf.model_name == "wide" and clf.naive_bayes
    assert clf.keras_model is None and not clf.labels
