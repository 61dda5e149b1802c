"""Word analyzers: choosing one by name, Korean morphemes, subwords, saving, bad input."""

import json
import sys

import pytest

from embedlab.errors import EmbedlabError
from embedlab.text import Tokenizer, get_analyzer, suggest_analyzer
from embedlab.text import analyzers as analyzers_module
from embedlab.text.analyzers import AnalyzerError, hangul_fraction

KOREAN = [
    "영화가 정말 재밌었어요",
    "영화는 별로였다",
    "이 영화를 추천합니다",
    "배우들 연기가 훌륭해요 ㅋㅋㅋㅋ",
    "지루하고 재미없어요 😴",
    "최악의 movie 돈아까움!!",
]
ODD = [
    "",
    "   ",
    "ㅋㅋㅋㅋㅋㅋㅋㅋㅋㅋ",
    "😀😀🎬",
    "영화 movie 映画 фильм",
    "bad \ud800 surrogate",
    "...",
]


def test_unknown_analyzer_is_a_clear_error_listing_the_choices():
    with pytest.raises(AnalyzerError, match="Unknown analyzer 'mecab'.*whitespace, kiwi, subword"):
        Tokenizer(analyzer="mecab")
    assert issubclass(AnalyzerError, EmbedlabError)


def test_unknown_option_is_refused():
    with pytest.raises(AnalyzerError, match="does not take the options"):
        get_analyzer("whitespace:pos")


def test_kiwi_without_kiwipiepy_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "kiwipiepy", None)  # import now raises ImportError
    analyzers_module._kiwi.cache_clear()
    try:
        with pytest.raises(AnalyzerError, match=r"pip install 'embedlab\[korean\]'"):
            Tokenizer(analyzer="kiwi")
        name, reason = suggest_analyzer(KOREAN)
        assert name == "whitespace" and "kiwipiepy" in reason
    finally:
        analyzers_module._kiwi.cache_clear()


def test_whitespace_analyzer_keeps_the_legacy_config():
    tokenizer = Tokenizer(analyzer="whitespace").fit_on_texts(["a b"])
    assert "analyzer" not in tokenizer.get_config()
    assert tokenizer.get_config() == Tokenizer().fit_on_texts(["a b"]).get_config()


def test_a_tokenizer_json_without_analyzer_loads_as_whitespace():
    data = json.loads(Tokenizer().fit_on_texts(["영화가 좋다"]).to_json())
    assert "analyzer" not in data["config"]  # as files written before analyzers
    loaded = Tokenizer.from_json(json.dumps(data))
    assert loaded.analyzer.name == "whitespace"
    assert loaded.texts_to_sequences(["영화가 좋다"]) == [[1, 2]]


def test_hangul_majority_suggests_kiwi_else_whitespace():
    pytest.importorskip("kiwipiepy")
    assert suggest_analyzer(KOREAN)[0] == "kiwi"
    assert suggest_analyzer(["a fine film", "dull", "영화"])[0] == "whitespace"
    assert suggest_analyzer([])[0] == "whitespace"
    assert hangul_fraction("영화 ab") == 0.5 and hangul_fraction("123 !") == 0.0


# ---------------------------------------------------------------- kiwi
@pytest.fixture
def kiwi():
    kiwipiepy = pytest.importorskip("kiwipiepy")
    return kiwipiepy.Kiwi(num_workers=1)


def test_kiwi_gives_one_stem_for_a_word_with_different_particles(kiwi):
    texts = ["영화가 좋다", "영화는 싫다", "영화를 봤다"]
    tokenizer = Tokenizer(analyzer="kiwi").fit_on_texts(texts)
    sequences = tokenizer.texts_to_sequences(["영화가", "영화는", "영화를"])
    assert sequences[0][0] == sequences[1][0] == sequences[2][0] == tokenizer.word_index["영화"]
    whitespace = Tokenizer().fit_on_texts(texts)
    assert len(whitespace.word_index) == 6  # three different "words" for one noun


@pytest.mark.parametrize("spec", ["kiwi", "kiwi:content", "kiwi:pos", "kiwi:content,pos"])
def test_kiwi_tokens_are_kiwipiepys_morphemes(kiwi, spec):
    analyzer = get_analyzer(spec)
    content, pos = "content" in spec, "pos" in spec
    text = "배우들 연기가 훌륭해요 ㅋㅋㅋㅋ"
    expected = [
        f"{t.form}/{t.tag}" if pos else t.form
        for t in kiwi.tokenize(text)
        if not content or t.tag in analyzers_module.CONTENT_TAGS
    ]
    assert Tokenizer(analyzer=analyzer).fit_on_texts([text]).tokenize([text]) == [expected]
    if content:  # particles (J*) and endings (E*) are gone
        dropped = {t.form for t in kiwi.tokenize(text) if t.tag.startswith(("J", "E"))}
        assert dropped and not dropped & {token.split("/")[0] for token in expected}


@pytest.mark.parametrize("spec", ["kiwi", "kiwi:pos", "subword:vocab=100"])
def test_analyzer_survives_saving_and_odd_input(kiwi, spec, tmp_path):
    pytest.importorskip("sentencepiece")
    tokenizer = Tokenizer(analyzer=spec, oov_token="<OOV>").fit_on_texts(KOREAN * 3 + ODD)
    path = tmp_path / "tokenizer.json"
    tokenizer.save(path)
    loaded = Tokenizer.load(path)
    assert loaded.analyzer.spec() == tokenizer.analyzer.spec()
    texts = KOREAN + ODD + ["처음 보는 단어들"]
    assert loaded.texts_to_sequences(texts) == tokenizer.texts_to_sequences(texts)
    assert all(i < loaded.vocab_size for seq in loaded.texts_to_sequences(texts) for i in seq)
    assert tokenizer.texts_to_sequences([""]) == [[]]


def test_kiwi_keeps_laughter_and_emoji(kiwi):
    tokenizer = Tokenizer(analyzer="kiwi").fit_on_texts(["재밌다 ㅋㅋㅋㅋ 😀"])
    tokens = tokenizer.tokenize(["ㅋㅋㅋㅋ 😀"])
    assert tokens == [["ㅋㅋㅋㅋ", "😀"]]


def test_kiwi_multi_word_names_become_one_token_without_spaces(kiwi):
    # kiwipiepy's multi-word dictionary gives "모건 프리먼" as one noun; a space
    # inside a token would break vector files (word, then numbers, on one line)
    names = [t.form for t in kiwi.tokenize("모건 프리먼의 연기") if " " in t.form]
    assert names == ["모건 프리먼"]
    tokens = (
        Tokenizer(analyzer="kiwi").fit_on_texts(["모건 프리먼의 연기"]).tokenize(["모건 프리먼"])
    )
    assert not any(" " in token for token in tokens[0])
    assert [name.replace(" ", "_") for name in names] == [t for t in tokens[0] if "_" in t]


def test_char_level_cannot_be_combined_with_another_analyzer(kiwi):
    with pytest.raises(ValueError, match="char_level"):
        Tokenizer(char_level=True, analyzer="kiwi")


# ------------------------------------------------------------- subword
def test_subword_splits_unseen_words_into_known_pieces():
    pytest.importorskip("sentencepiece")
    texts = ["the unbelievable film", "believable acting", "an unwatchable mess"] * 30
    tokenizer = Tokenizer(analyzer="subword:vocab=100").fit_on_texts(texts)
    pieces = tokenizer.tokenize(["watchable believable"])[0]  # "watchable" is unseen
    assert "".join(pieces).replace("\u2581", "") == "watchablebelievable"
    assert "watchable" not in tokenizer.word_index and "\u2581watchable" not in tokenizer.word_index
    assert all(piece in tokenizer.word_index for piece in pieces)  # known pieces: no OOV


def test_subword_must_be_fitted_and_its_saved_model_checked():
    pytest.importorskip("sentencepiece")
    with pytest.raises(RuntimeError, match="fitted"):
        Tokenizer(analyzer="subword").tokenize(["a"])
    data = json.loads(Tokenizer(analyzer="subword:vocab=100").fit_on_texts(["a b c"] * 9).to_json())
    data["analyzer_state"] = "bm90IGEgbW9kZWw="  # base64 of "not a model"
    with pytest.raises(AnalyzerError, match="tokenizer JSON: bad `subword` model"):
        Tokenizer.from_json(json.dumps(data))


# ------------------------------------------------------- the classifier
@pytest.mark.slow
def test_classifier_picks_kiwi_for_korean_and_keeps_it_when_saved(kiwi, tmp_path, caplog):
    from embedlab import TextClassifier

    texts = KOREAN * 10
    labels = ["pos", "neg", "pos", "pos", "neg", "neg"] * 10
    clf = TextClassifier("wide", units=1, char_ngrams=(1, 3), ngram_buckets=500, seed=0)
    with caplog.at_level("INFO", logger="embedlab"):
        clf.fit(texts, labels, epochs=2, verbose=0)
    assert "analyzer: kiwi" in caplog.text
    assert clf.tokenizer is not None and clf.tokenizer.analyzer.name == "kiwi"
    clf.save(tmp_path / "clf")
    loaded = TextClassifier.load(tmp_path / "clf")
    assert loaded.analyzer is None  # the argument as given; the tokenizer keeps the choice
    assert loaded.tokenizer.analyzer.name == "kiwi" and loaded.config.char_ngrams == (1, 3)
    probe = ["영화를 추천합니다", "ㅋㅋㅋㅋ", ""]
    assert (loaded.predict_proba(probe) == clf.predict_proba(probe)).all()


# ------------------------------------------------------ vector corpora
def test_vector_corpus_gives_the_classifiers_morphemes(kiwi, tmp_path):
    from embedlab.embeddings import Corpus

    path = tmp_path / "reviews.tsv"
    path.write_text("label\ttext\n" + "".join(f"pos\t{t}\n" for t in KOREAN), encoding="utf-8")
    corpus = Corpus(path, analyzer="kiwi")
    expected = Tokenizer(analyzer="kiwi").tokenize(KOREAN)
    assert list(corpus) == expected
    assert list(corpus) == expected  # a second pass (as trainers make) gives the same
    lines = tmp_path / "reviews.txt"
    lines.write_text("\n".join(KOREAN) + "\n", encoding="utf-8")
    assert list(Corpus(lines, analyzer="kiwi")) == expected
    with pytest.raises(AnalyzerError, match="whitespace` or `kiwi"):
        Corpus(path, analyzer="subword")


# ---------------------------------------------------------------- CLI
def run_cli(*args, cwd):
    import os
    import subprocess

    return subprocess.run(
        [sys.executable, "-m", "embedlab", *args],
        cwd=cwd,
        env={**os.environ, "KERAS_BACKEND": os.environ.get("KERAS_BACKEND", "jax")},
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_cli_trains_with_a_named_analyzer_and_predict_reuses_it(kiwi, tmp_path):
    lines = [f"{label},{text}" for label, text in zip(["pos", "neg"] * 3, KOREAN, strict=True)]
    (tmp_path / "ko.csv").write_text("label,text\n" + "\n".join(lines * 10) + "\n", "utf-8")
    result = run_cli(
        "train", "ko.csv", "--out", "run", "--model", "wide", "--units", "1",
        "--epochs", "1", "--tokenizer", "kiwi:pos", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    saved = json.loads((tmp_path / "run" / "tokenizer.json").read_text("utf-8"))
    assert saved["config"]["analyzer"] == {
        "name": "kiwi",
        "options": {"content": False, "pos": True},
    }
    assert "영화/NNG" in saved["word_index"]
    predicted = run_cli("predict", "run", "영화가 정말 재밌었어요", cwd=tmp_path)
    assert predicted.returncode == 0 and predicted.stdout.strip().split()[0] in ("pos", "neg")
    bad = run_cli("train", "ko.csv", "--out", "bad", "--tokenizer", "mecab", cwd=tmp_path)
    assert (
        bad.returncode == 2 and "error: " in bad.stderr and "Unknown analyzer 'mecab'" in bad.stderr
    )
    assert "Traceback" not in bad.stderr
