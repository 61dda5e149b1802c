"""embedlab.classify.recipe: the default recipe reads only the training data."""

from __future__ import annotations

import dataclasses

import pytest

from embedlab import TextClassifier
from embedlab.classify.recipe import DataProfile, check_recipe, plan
from embedlab.errors import ModelConfigError

SHORT = ["a good film", "dull", "a fine cast and plot", "bad"] * 5
LONG = [" ".join(["word"] * 150), " ".join(["other"] * 120)] * 5


def models(recipe):
    return [member.params["model"] for member in recipe.members]


def test_profile_counts_what_the_training_data_shows():
    profile = DataProfile.of(SHORT[:4], ["pos", "neg", "pos", "pos"])
    assert profile.n_texts == 4 and profile.n_classes == 2 and not profile.multi_label
    assert profile.mean_tokens == (3 + 1 + 5 + 1) / 4
    assert profile.majority_share == 0.75 and not profile.hangul
    multi = DataProfile.of(SHORT[:4], [["a", "b"], ["b"], [], ["c"]])
    assert multi.multi_label and multi.n_classes == 3
    assert DataProfile.of(["영화가 정말 좋았다", "별로"], ["a", "b"]).hangul


def test_two_classes_get_naive_bayes_weights_and_more_classes_one_vs_rest_ones():
    binary = plan(SHORT, ["pos", "neg"] * 10, multi_label=False, params={"seed": 3})
    assert models(binary) == ["wide", "cnn"]
    wide, cnn = (member.params for member in binary.members)
    assert wide["naive_bayes"] is True and wide["seed"] == 3
    assert "units" not in wide  # the model's own width: one logit for two classes
    assert cnn["mode"] == "nonstatic" and cnn["seed"] == 4
    assert cnn["edge_padding"] is True  # Kim's: the first and last words in every window size
    assert "patience" not in binary.members[0].fit  # fixed epochs on every text
    six = plan(SHORT, [str(i % 6) for i in range(20)], multi_label=False, params={})
    # two classes and enough data: the CNN's dev loss never recovered after a worse
    # epoch, so it stops sooner; a small dev split is too noisy for that
    many = plan(SHORT * 250, ["pos", "neg"] * 2500, multi_label=False, params={})
    assert 1 <= many.members[1].fit["patience"] < binary.members[1].fit["patience"]
    assert binary.members[1].fit["patience"] == six.members[1].fit["patience"]
    assert any("after 1 epoch without progress" in reason for reason in many.reasons)
    assert six.members[0].params["naive_bayes"] and "units" not in six.members[0].params
    assert six.members[0].params["ngram_buckets"] < binary.members[0].params["ngram_buckets"]
    for recipe in (binary, six):
        check_recipe(recipe)
        for member in recipe.members:
            TextClassifier(**member.params)  # a valid configuration: checked here


def test_the_cnn_is_trained_again_on_every_text_where_texts_a_class_are_few():
    def refits(n_texts: int, n_classes: int) -> list[bool]:
        labels = [str(i % n_classes) for i in range(n_texts)]
        texts = (SHORT * n_texts)[:n_texts]
        return [
            member.refit for member in plan(texts, labels, multi_label=False, params={}).members
        ]

    assert refits(20, 2) == [False, True]  # the linear model trains on every text anyway
    assert refits(5000, 3) == [False, True]  # 1,667 a class
    assert refits(5000, 2) == [False, False]  # 2,500 a class
    assert refits(200, 20) == [False, True]


def test_long_documents_and_hangul_get_the_linear_model_alone():
    long = plan(LONG, ["pos", "neg"] * 5, multi_label=False, params={})
    assert models(long) == ["wide"]
    korean = plan(
        ["영화가 정말 좋았다", "지루한 영화"] * 5, ["p", "n"] * 5, multi_label=False, params={}
    )
    assert models(korean) == ["wide"] and korean.members[0].params["char_ngrams"] == (1, 3)
    assert any("Hangul" in reason for reason in korean.reasons)
    # morphemes are shorter than words: 1-3 grams of them, learnt more slowly than English words
    english = plan(SHORT, ["pos", "neg"] * 10, multi_label=False, params={})
    wide, english_wide = korean.members[0].params, english.members[0].params
    assert wide["ngrams"] == 3 and english_wide["ngrams"] == 2
    assert wide["learning_rate"] < english_wide["learning_rate"]
    assert korean.members[0].fit == english.members[0].fit  # fixed epochs on every text
    TextClassifier(**wide)  # a valid configuration: checked here


def test_long_documents_of_several_classes_get_a_larger_table_learnt_more_slowly():
    labels = [str(i % 3) for i in range(10)]
    long = plan(LONG, labels, multi_label=False, params={}).members[0].params
    short = plan(SHORT, [str(i % 3) for i in range(20)], multi_label=False, params={})
    assert long["ngram_buckets"] > short.members[0].params["ngram_buckets"]
    assert long["learning_rate"] < short.members[0].params["learning_rate"]
    binary_long = plan(LONG, ["pos", "neg"] * 5, multi_label=False, params={}).members[0].params
    assert (
        binary_long["naive_bayes"]
        and binary_long["learning_rate"] == short.members[0].params["learning_rate"]
    )
    TextClassifier(**long)  # a valid configuration: checked here


def test_short_texts_of_several_classes_leave_the_linear_learning_rate_to_the_dev_split():
    six = plan(SHORT, [str(i % 6) for i in range(20)], multi_label=False, params={})
    assert six.members[0].choices == {"learning_rate": (0.01, 0.003)}
    assert not six.members[1].choices
    binary = plan(SHORT, ["pos", "neg"] * 10, multi_label=False, params={})
    long = plan(LONG, [str(i % 3) for i in range(10)], multi_label=False, params={})
    tags = plan(SHORT, [["a"], ["b"], ["a", "b"], ["c"]] * 5, multi_label=True, params={})
    assert not any(m.choices for r in (binary, long, tags) for m in r.members)
    bad = dataclasses.replace(six.members[0], choices={"seed": (1, 2)})
    with pytest.raises(ModelConfigError, match="choices"):
        check_recipe(dataclasses.replace(six, members=[bad]))


def test_multi_label_stops_early_on_the_dev_split():
    recipe = plan(SHORT, [["a"], ["b"], ["a", "b"], ["c"]] * 5, multi_label=True, params={})
    assert recipe.members[0].fit["patience"] >= 1
