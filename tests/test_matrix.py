"""The embedding matrix: row 0 padding, found rows, OOV strategies, case fallback, coverage."""

from collections import Counter

import numpy as np
import pytest

from embedlab.classify.matrix import build_embedding_matrix
from embedlab.text.tokenizer import Tokenizer
from embedlab.vectors import Vectors

TEXTS = [
    "the cat sat on the mat",
    "the dog ate my homework",
    "Paris is lovely in spring the cat said",
    "zyxx qwerty the the dog",
]


def vectors(words, dim=6, seed=0):
    rng = np.random.default_rng(seed)
    return Vectors(list(words), rng.normal(0, 0.7, size=(len(words), dim)).astype(np.float32))


def test_rows_hold_the_vectors_of_their_words_and_row_0_is_padding():
    tok = Tokenizer().fit_on_texts(TEXTS)
    vecs = vectors(["cat", "the", "dog", "mat", "unused"])
    matrix, _ = build_embedding_matrix(tok, vecs, oov="zeros")
    assert matrix.shape == (tok.vocab_size, 6) and matrix.dtype == np.float32
    np.testing.assert_array_equal(matrix[0], 0)
    for word in ("cat", "the", "dog", "mat"):
        np.testing.assert_array_equal(matrix[tok.word_index[word]], vecs[word])
    np.testing.assert_array_equal(matrix[tok.word_index["homework"]], 0)


def test_random_oov_rows_are_seeded_and_match_the_vectors_spread():
    tok = Tokenizer().fit_on_texts(TEXTS)
    vecs = vectors(["cat", "the"], dim=400)
    m1, _ = build_embedding_matrix(tok, vecs, oov="random", seed=3)
    m2, _ = build_embedding_matrix(tok, vecs, oov="random", seed=3)
    m3, _ = build_embedding_matrix(tok, vecs, oov="random", seed=4)
    np.testing.assert_array_equal(m1, m2)
    assert not np.array_equal(m1, m3)
    np.testing.assert_array_equal(m1[0], 0)
    missing = [i for w, i in tok.word_index.items() if w not in ("cat", "the")]
    noise = m1[missing]
    a = np.sqrt(3 * np.var(vecs.matrix))
    assert np.abs(noise).max() <= a
    assert np.var(noise) == pytest.approx(np.var(vecs.matrix), rel=0.1)  # Kim 2014


def test_case_fallback_finds_other_casings():
    tok = Tokenizer().fit_on_texts(TEXTS)  # lower-cases: "paris"
    vecs = vectors(["Paris", "CAT"])
    matrix, coverage = build_embedding_matrix(tok, vecs, oov="zeros")
    np.testing.assert_array_equal(matrix[tok.word_index["paris"]], vecs["Paris"])
    np.testing.assert_array_equal(matrix[tok.word_index["cat"]], vecs["CAT"])
    assert coverage.case_fallback_types == 2
    off, cov_off = build_embedding_matrix(tok, vecs, oov="zeros", case_fallback=False)
    assert cov_off.covered_types == 0 and not off.any()


def test_coverage_counts_types_and_tokens_like_a_brute_force_count():
    tok = Tokenizer().fit_on_texts(TEXTS)
    known = {"the", "cat", "dog", "sat"}
    _, coverage = build_embedding_matrix(tok, vectors(sorted(known)))
    tokens = Counter(w for t in TEXTS for w in t.lower().split())
    assert coverage.vocab_types == len(tokens)
    assert coverage.covered_types == len(known)
    assert coverage.vocab_tokens == sum(tokens.values())
    assert coverage.covered_tokens == sum(tokens[w] for w in known)
    missing = [(w, c) for w, c in tokens.most_common() if w not in known]
    assert [c for _, c in coverage.missing] == sorted((c for _, c in missing), reverse=True)[:20]
    text = "\n".join(coverage.lines())
    assert "word types covered: 4 / " in text and "tokens covered:" in text


def test_missing_words_that_would_print_as_nothing_are_shown_escaped():
    texts = ["a film \x96 a dull \x96 one"]  # cp1252's en dash read as Latin-1
    _, coverage = build_embedding_matrix(Tokenizer().fit_on_texts(texts), vectors(["film"]))
    line = coverage.lines()[-1]
    assert line.startswith("most frequent missing: ")
    assert "'\\x96' (2)" in line and "\x96" not in line and "dull (1)" in line


def test_num_words_limits_the_rows():
    tok = Tokenizer(num_words=4).fit_on_texts(TEXTS)
    matrix, coverage = build_embedding_matrix(tok, vectors(["the", "cat", "dog"]))
    assert matrix.shape[0] == 4 == tok.vocab_size
    assert coverage.vocab_types == 3


def test_unknown_strategy_is_rejected():
    tok = Tokenizer().fit_on_texts(TEXTS)
    with pytest.raises(ValueError, match="`oov` must be one of"):
        build_embedding_matrix(tok, vectors(["the"]), oov="mean")


def test_a_word_with_a_clitic_gets_the_mean_of_its_parts_as_glove_tokenised_it():
    # GloVe 6B's text was Penn-Treebank tokenised: "don't" -> "do" "n't", "hotel's" -> "hotel" "'s"
    texts = ["i don't like the hotel's food", "we can't go", "the film's end, isn't it"]
    tok = Tokenizer().fit_on_texts(texts)
    words = ["do", "n't", "hotel", "'s", "ca", "the", "film", "like"]  # no "is"
    vecs = vectors(words)
    matrix, coverage = build_embedding_matrix(tok, vecs, oov="zeros")
    for word, parts in {"don't": ("do", "n't"), "hotel's": ("hotel", "'s")}.items():
        expected = (vecs[parts[0]] + vecs[parts[1]]) / 2
        np.testing.assert_allclose(matrix[tok.word_index[word]], expected, rtol=1e-6)
    np.testing.assert_allclose(
        matrix[tok.word_index["can't"]], (vecs["ca"] + vecs["n't"]) / 2, rtol=1e-6
    )
    np.testing.assert_array_equal(matrix[tok.word_index["isn't"]], 0)  # "is" has no vector
    assert coverage.clitic_types == 4  # don't, hotel's, can't, film's
    assert ("isn't", 1) in coverage.missing
    off, cov_off = build_embedding_matrix(tok, vecs, oov="zeros", clitics=False)
    assert not off[tok.word_index["don't"]].any()
    assert coverage.covered_types == cov_off.covered_types + 4


def test_vocabulary_with_clitics_adds_the_parts_a_restricted_load_needs():
    from embedlab.classify.matrix import vocabulary_with_clitics

    assert vocabulary_with_clitics(["don't", "film", "i\u2019ve", "'s"]) == [
        "don't",
        "film",
        "i\u2019ve",
        "'s",
        "'ve",
        "do",
        "i",
        "n't",
    ]
    # a plural possessive and an opening quote, as the treebank split them
    assert vocabulary_with_clitics(["characters'", "'the"]) == [
        "characters'",
        "'the",
        "'",
        "characters",
        "the",
    ]
