"""embedlab.text.tokenizer against the legacy Keras Tokenizer and keras.utils.pad_sequences."""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import json
import random
import subprocess
import sys

import numpy as np
import pytest
from keras.src.legacy.preprocessing.text import Tokenizer as LegacyTokenizer
from keras.src.legacy.preprocessing.text import (
    text_to_word_sequence as legacy_text_to_word_sequence,
)
from keras.utils import pad_sequences as keras_pad

from embedlab.text.tokenizer import DEFAULT_FILTERS, Tokenizer, pad_sequences, text_to_word_sequence

SEED_SENTENCES = [
    "nice great best amazing",
    "stop lies",
    "pitiful nerd",
    "excellent work",
    "supreme quality",
    "bad",
    "highly respectable",
]

WORDS = [
    "the", "The", "THE", "cat", "Cat", "dog", "café", "Café", "naïve", "ÉCOLE",
    "don't", "it's", "a", "b", "c", "x1", "42", "über", "straße", "日本",
]  # fmt: skip
PUNCT = ["", "", "", ",", ".", "!", "?", ";", "(", ")", "-", '"', "\t", "\n", "...", "<", ">"]


def make_texts(n: int = 300, seed: int = 0) -> list[str]:
    """Varied texts: mixed case, punctuation, unicode, repeats, empty strings."""
    rng = random.Random(seed)
    texts = ["", "   ", "!!!"]
    for _ in range(n):
        words = rng.choices(WORDS, k=rng.randint(0, 12))
        pieces = [rng.choice(PUNCT) + w + rng.choice(PUNCT) for w in words]
        sep = rng.choice([" ", "  ", " , "])
        texts.append(sep.join(pieces))
    return texts


TRAIN = make_texts(300, seed=0)
# Held-out texts: unseen words and characters as well as known ones.
TEST = make_texts(80, seed=1) + ["zebra unseen words", "CAT café quux", "€ ¿ ñ", ""]

OPTION_SETS = {
    "default": {},
    "case": {"lower": False},
    "custom": {"filters": "!?.,", "split": ","},
    "char": {"char_level": True},
    "char-case": {"char_level": True, "lower": False},
}


def fitted_pair(num_words, oov_token, options):
    ours = Tokenizer(num_words, oov_token=oov_token, **options).fit_on_texts(TRAIN)
    legacy = LegacyTokenizer(num_words=num_words, oov_token=oov_token, **options)
    legacy.fit_on_texts(TRAIN)
    return ours, legacy


def test_seed_example_sequences_vocab_size_and_padding():
    tokenizer = Tokenizer().fit_on_texts(SEED_SENTENCES)
    sequences = tokenizer.texts_to_sequences(SEED_SENTENCES)

    assert len(tokenizer.word_index) + 1 == 16
    assert tokenizer.vocab_size == 16
    assert sequences == [[1, 2, 3, 4], [5, 6], [7, 8], [9, 10], [11, 12], [13], [14, 15]]
    padded = pad_sequences(sequences, maxlen=4, padding="post")
    expected = [
        [1, 2, 3, 4],
        [5, 6, 0, 0],
        [7, 8, 0, 0],
        [9, 10, 0, 0],
        [11, 12, 0, 0],
        [13, 0, 0, 0],
        [14, 15, 0, 0],
    ]
    np.testing.assert_array_equal(padded, expected)
    assert padded.dtype == np.int32


@pytest.mark.parametrize("text", TRAIN[:40] + ["Hello, World! Hello.", "a\tb\nc", "ÀÉÎ ŒUF"])
@pytest.mark.parametrize(
    "options",
    [{}, {"lower": False}, {"filters": "", "split": " "}, {"filters": "lo", "split": "--"}],
)
def test_text_to_word_sequence_matches_legacy(text, options):
    assert text_to_word_sequence(text, **options) == legacy_text_to_word_sequence(text, **options)


@pytest.mark.parametrize("options", OPTION_SETS.values(), ids=OPTION_SETS.keys())
@pytest.mark.parametrize("oov_token", [None, "<OOV>"])
@pytest.mark.parametrize("num_words", [None, 5, 50])
def test_tokenizer_matches_legacy(num_words, oov_token, options):
    ours, legacy = fitted_pair(num_words, oov_token, options)

    assert ours.document_count == legacy.document_count
    assert list(ours.word_counts.items()) == list(legacy.word_counts.items())  # order too
    assert ours.word_docs == dict(legacy.word_docs)
    assert list(ours.word_index.items()) == list(legacy.word_index.items())
    assert ours.index_word == legacy.index_word

    sequences = ours.texts_to_sequences(TEST + TRAIN)
    assert sequences == legacy.texts_to_sequences(TEST + TRAIN)
    assert list(ours.texts_to_sequences_generator(TEST)) == sequences[: len(TEST)]
    # Decoding, including ids beyond num_words, unknown ids and padding 0.
    to_decode = sequences + [[0, 1, 2, 3, 4, 5, 6, 60, 999, 10_000]]
    assert ours.sequences_to_texts(to_decode) == legacy.sequences_to_texts(to_decode)
    padded = pad_sequences(sequences, maxlen=7)
    assert ours.sequences_to_texts(padded) == legacy.sequences_to_texts(padded.tolist())


def test_repeated_fits_accumulate_like_legacy():
    ours = Tokenizer(oov_token="<OOV>")
    legacy = LegacyTokenizer(oov_token="<OOV>")
    for chunk in (TRAIN[:100], TRAIN[100:], ["cat cat cat zebra"]):
        ours.fit_on_texts(chunk)
        legacy.fit_on_texts(chunk)
    assert ours.document_count == legacy.document_count
    assert list(ours.word_index.items()) == list(legacy.word_index.items())
    assert ours.word_docs == dict(legacy.word_docs)


def test_ties_are_broken_in_first_seen_order():
    tokenizer = Tokenizer().fit_on_texts(["b a", "c a", "d b c"])
    # a, b, c all occur twice: first-seen order b, a, c; then d.
    assert tokenizer.word_index == {"b": 1, "a": 2, "c": 3, "d": 4}


@pytest.mark.parametrize("options", OPTION_SETS.values(), ids=OPTION_SETS.keys())
@pytest.mark.parametrize("oov_token", [None, "<OOV>"])
@pytest.mark.parametrize("num_words", [None, 2, 3, 5, 50, 10_000])
def test_every_id_is_below_vocab_size(num_words, oov_token, options):
    tokenizer = Tokenizer(num_words, oov_token=oov_token, **options).fit_on_texts(TRAIN)
    vocab_size = tokenizer.vocab_size
    ids = [i for seq in tokenizer.texts_to_sequences(TEST + TRAIN) for i in seq]

    assert ids, "the texts should produce some ids"
    assert 0 < min(ids) and max(ids) < vocab_size
    expected = len(tokenizer.word_index) + 1
    assert vocab_size == (expected if num_words is None else min(num_words, expected))
    vocabulary = tokenizer.vocabulary()
    assert len(vocabulary) == vocab_size - 1
    assert [tokenizer.word_index[w] for w in vocabulary] == list(range(1, vocab_size))
    frequencies = tokenizer.word_frequencies()
    assert list(frequencies) == vocabulary
    assert all(frequencies[w] == tokenizer.word_counts.get(w, 0) for w in vocabulary)


@pytest.mark.parametrize("num_words", [None, 2, 4])
def test_unseen_and_rare_words_map_to_the_oov_id(num_words):
    tokenizer = Tokenizer(num_words, oov_token="<OOV>").fit_on_texts(["a a a b b c"])
    assert tokenizer.word_index == {"<OOV>": 1, "a": 2, "b": 3, "c": 4}
    sequences = tokenizer.texts_to_sequences(["a b c zebra"])
    expected = {None: [[2, 3, 4, 1]], 2: [[1, 1, 1, 1]], 4: [[2, 3, 1, 1]]}[num_words]
    assert sequences == expected
    assert tokenizer.vocab_size == (5 if num_words is None else num_words)


def test_unseen_words_are_dropped_without_oov_token():
    tokenizer = Tokenizer(3).fit_on_texts(["a a a b b c"])
    assert tokenizer.texts_to_sequences(["a b c zebra", "zebra"]) == [[1, 2], []]
    assert tokenizer.vocab_size == 3
    assert tokenizer.vocabulary() == ["a", "b"]


def test_oov_token_that_is_also_a_word_keeps_id_1():
    # Deliberate difference: legacy Keras gives "oov" a second, later id and
    # leaves id 1 unused, so len(word_index) + 1 embedding rows are too few.
    texts = ["x oov oov y", "x"]
    legacy = LegacyTokenizer(oov_token="oov")
    legacy.fit_on_texts(texts)
    assert 1 not in legacy.index_word  # the legacy bug
    tokenizer = Tokenizer(oov_token="oov").fit_on_texts(texts)
    assert tokenizer.word_index == {"oov": 1, "x": 2, "y": 3}
    assert tokenizer.texts_to_sequences(["oov x z"]) == [[1, 2, 1]]
    assert tokenizer.vocab_size == 4


def test_num_words_may_be_changed_after_fitting():
    tokenizer = Tokenizer().fit_on_texts(SEED_SENTENCES)
    tokenizer.num_words = 5
    assert tokenizer.vocab_size == 5
    assert tokenizer.texts_to_sequences(SEED_SENTENCES[:2]) == [[1, 2, 3, 4], []]
    with pytest.raises(ValueError, match="Received: num_words=0"):
        tokenizer.num_words = 0


def test_fit_returns_self_and_input_may_be_any_iterable():
    tokenizer = Tokenizer()
    assert tokenizer.fit_on_texts(t for t in SEED_SENTENCES) is tokenizer
    assert tokenizer.texts_to_sequences(np.array(SEED_SENTENCES[:2])) == [[1, 2, 3, 4], [5, 6]]


def test_json_round_trip(tmp_path):
    tokenizer = Tokenizer(50, oov_token="<OOV>", lower=False).fit_on_texts(TRAIN)
    path = tmp_path / "tokenizer.json"
    tokenizer.save(path)
    assert [p.name for p in tmp_path.iterdir()] == ["tokenizer.json"]  # no temp file left

    loaded = Tokenizer.load(path)
    assert loaded.get_config() == tokenizer.get_config()
    assert list(loaded.word_counts.items()) == list(tokenizer.word_counts.items())
    assert loaded.word_docs == tokenizer.word_docs
    assert loaded.word_index == tokenizer.word_index
    assert loaded.index_word == tokenizer.index_word
    assert loaded.document_count == tokenizer.document_count
    assert loaded.texts_to_sequences(TEST) == tokenizer.texts_to_sequences(TEST)
    assert loaded.vocab_size == tokenizer.vocab_size

    data = json.loads(tokenizer.to_json())
    assert data["format"] == "embedlab.tokenizer"
    assert data["version"] == 1
    assert set(data) == {
        "format", "version", "config", "word_counts", "word_docs", "document_count", "word_index",
        "extra_words",
    }  # fmt: skip
    assert Tokenizer.from_json(tokenizer.to_json(indent=2)).word_index == tokenizer.word_index


def test_save_overwrites_atomically(tmp_path):
    path = tmp_path / "tokenizer.json"
    path.write_text("old", encoding="utf-8")
    Tokenizer().fit_on_texts(["café au lait"]).save(str(path))
    assert Tokenizer.load(path).word_index == {"café": 1, "au": 2, "lait": 3}


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object, found list"),
        ('{"format": "other"}', "expected format 'embedlab.tokenizer', found format='other'"),
        ('{"format": "embedlab.tokenizer", "version": 2}', "unsupported version 2"),
        ('{"format": "embedlab.tokenizer", "version": 1}', "missing field 'config'"),
    ],
)
def test_from_json_rejects_other_documents(text, match):
    with pytest.raises(ValueError, match=match):
        Tokenizer.from_json(text)


def test_from_json_rejects_legacy_keras_json_with_a_hint():
    legacy = LegacyTokenizer()
    legacy.fit_on_texts(SEED_SENTENCES)
    with pytest.raises(ValueError, match="legacy Keras"):
        Tokenizer.from_json(legacy.to_json())


def test_from_json_rejects_inconsistent_word_index():
    data = json.loads(Tokenizer().fit_on_texts(["a b"]).to_json())
    data["word_index"] = {"a": 1, "b": 3}
    with pytest.raises(ValueError, match=r"ids must be exactly 1\.\.2"):
        Tokenizer.from_json(json.dumps(data))


def test_load_error_names_the_file(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ValueError, match="broken.json: not valid JSON"):
        Tokenizer.load(path)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"{", "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8 text"),
        (b'{"format": "embedlab.tokenizer", "version": 1}', "missing field 'config'"),
        (
            b'{"format": "embedlab.tokenizer", "version": 1, "config": {"num_words": "ten"}}',
            "bad config: `num_words` must be a positive integer",
        ),
        (
            b'{"format": "embedlab.tokenizer", "version": 1, "config": {}, "word_counts": []}',
            "field 'word_counts' must be a dict, found list",
        ),
        (None, "cannot be read"),
    ],
)
def test_a_corrupt_or_missing_file_is_an_embedlab_error_naming_it(tmp_path, content, match):
    from embedlab.errors import EmbedlabError

    path = tmp_path / "tokenizer.json"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(EmbedlabError, match=f"tokenizer.json: {match}") as caught:
        Tokenizer.load(path)
    assert isinstance(caught.value, ValueError)  # still a ValueError for existing callers
    assert str(path) in str(caught.value)


def test_fit_on_texts_rejects_a_single_string():
    with pytest.raises(TypeError, match=r"list of texts.*pass \[text\]"):
        Tokenizer().fit_on_texts("just one text")


def test_fit_on_texts_names_the_bad_item_and_changes_nothing():
    tokenizer = Tokenizer()
    with pytest.raises(TypeError, match=r"`texts\[2\]` must be a str. Received: NoneType"):
        tokenizer.fit_on_texts(["a", "b", None])
    assert tokenizer.document_count == 0 and not tokenizer.word_counts


def test_use_before_fit_raises():
    tokenizer = Tokenizer()
    with pytest.raises(RuntimeError, match="not been fitted.*before `texts_to_sequences`"):
        tokenizer.texts_to_sequences(["a"])
    with pytest.raises(RuntimeError, match="not been fitted"):
        tokenizer.sequences_to_texts([[1]])
    with pytest.raises(RuntimeError, match="not been fitted"):
        _ = tokenizer.vocab_size


def test_texts_to_sequences_rejects_bad_input():
    tokenizer = Tokenizer().fit_on_texts(SEED_SENTENCES)
    with pytest.raises(TypeError, match="list of texts"):
        tokenizer.texts_to_sequences("nice great")
    with pytest.raises(TypeError, match=r"`texts\[1\]` must be a str. Received: int"):
        tokenizer.texts_to_sequences(["nice", 3])
    with pytest.raises(TypeError, match=r"pass \[sequence\]"):
        tokenizer.sequences_to_texts([1, 2, 3])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"num_words": 0}, ValueError, "Received: num_words=0"),
        ({"num_words": -3}, ValueError, "Received: num_words=-3"),
        ({"num_words": 2.5}, ValueError, "Received: num_words=2.5"),
        ({"num_words": True}, ValueError, "Received: num_words=True"),
        ({"num_words": 1, "oov_token": "<OOV>"}, ValueError, "at least 2 when `oov_token`"),
        ({"oov_token": ""}, ValueError, "Received: oov_token=''"),
        ({"split": ""}, ValueError, "Received: split=''"),
        ({"filters": None}, TypeError, "Received: filters=None"),
        ({"lower": "yes"}, TypeError, "Received: lower='yes'"),
    ],
)
def test_tokenizer_rejects_bad_options(kwargs, error, match):
    with pytest.raises(error, match=match):
        Tokenizer(**kwargs)


def test_text_to_word_sequence_rejects_bad_arguments():
    with pytest.raises(TypeError, match="`text` must be a str"):
        text_to_word_sequence(["a list"])
    with pytest.raises(ValueError, match="`split` must be a non-empty str"):
        text_to_word_sequence("a b", split="")
    assert DEFAULT_FILTERS == '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'


PAD_INPUTS = {
    "ragged": [[1], [2, 3], [4, 5, 6], [7, 8, 9, 10, 11]],
    "with-empty": [[], [1, 2, 3], [], [4]],
    "arrays": [np.arange(5), np.arange(2, dtype=np.int64), np.array([9])],
    "random": [list(range(i, i + random.Random(i).randint(0, 9))) for i in range(1, 60)],
}


@pytest.mark.parametrize("sequences", PAD_INPUTS.values(), ids=PAD_INPUTS.keys())
@pytest.mark.parametrize("maxlen", [None, 1, 2, 4, 20])
@pytest.mark.parametrize("padding", ["pre", "post"])
@pytest.mark.parametrize("truncating", ["pre", "post"])
@pytest.mark.parametrize("value", [0, -1])
def test_pad_sequences_matches_keras(sequences, maxlen, padding, truncating, value):
    ours = pad_sequences(sequences, maxlen, padding=padding, truncating=truncating, value=value)
    expected = keras_pad(sequences, maxlen, padding=padding, truncating=truncating, value=value)
    assert ours.dtype == expected.dtype
    np.testing.assert_array_equal(ours, expected)


@pytest.mark.parametrize("dtype", ["int64", "float32", np.uint8])
def test_pad_sequences_dtype_matches_keras(dtype):
    sequences = [[1, 2], [3.7, 4, 5]]
    ours = pad_sequences(sequences, dtype=dtype, value=7)
    expected = keras_pad(sequences, dtype=dtype, value=7)
    assert ours.dtype == expected.dtype
    np.testing.assert_array_equal(ours, expected)


def test_pad_sequences_empty_inputs():
    np.testing.assert_array_equal(
        pad_sequences([[], []], padding="post"), keras_pad([[], []], padding="post")
    )
    assert pad_sequences([[], []]).shape == (2, 0)
    assert pad_sequences([], maxlen=3).shape == (0, 3)
    assert pad_sequences([]).shape == (0, 0)  # keras raises on this


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"padding": "middle"}, "Received: padding='middle'"),
        ({"truncating": "both"}, "Received: truncating='both'"),
        ({"maxlen": 0}, "Received: maxlen=0"),
        ({"maxlen": 2.0}, "Received: maxlen=2.0"),
        ({"value": "x"}, "Received: value='x'"),
    ],
)
def test_pad_sequences_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        pad_sequences([[1, 2]], **kwargs)


def test_pad_sequences_rejects_non_sequences():
    with pytest.raises(ValueError, match=r"`sequences\[1\]` must be a sequence"):
        pad_sequences([[1], 2])
    with pytest.raises(ValueError, match="1-D sequences"):
        pad_sequences([[[1, 2]], [[3, 4]]])


def test_text_module_does_not_import_keras():
    code = "import sys, embedlab.text.tokenizer; print(sorted(m for m in sys.modules if m in ('keras', 'jax', 'tensorflow')))"  # noqa: E501
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_extend_vocabulary_appends_ids_that_survive_refit_and_json(tmp_path):
    tok = Tokenizer().fit_on_texts(["the cat sat", "the dog"])
    legacy = LegacyTokenizer()
    legacy.fit_on_texts(["the cat sat", "the dog"])
    assert tok.extend_vocabulary(["cat", "zebra", "yak", "zebra"]) == 2
    assert {w: i for w, i in tok.word_index.items() if i <= 4} == legacy.word_index
    assert tok.word_index["zebra"] == 5 and tok.word_index["yak"] == 6
    assert tok.vocab_size == 7
    assert tok.texts_to_sequences(["zebra the"]) == [[5, 1]]
    tok.save(tmp_path / "t.json")
    again = Tokenizer.load(tmp_path / "t.json")
    assert again.word_index == tok.word_index
    again.fit_on_texts(["cat cat cat"])
    assert again.word_index["cat"] == 1 and again.word_index["yak"] == 6
    with pytest.raises(ValueError, match="num_words=None"):
        Tokenizer(num_words=3).fit_on_texts(["a b"]).extend_vocabulary(["c"])
