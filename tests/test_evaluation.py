"""Intrinsic evaluation against gensim's evaluators and a brute-force 3CosMul."""

import json

import numpy as np
import pytest

from embedlab.errors import DataError
from embedlab.vectors import Vectors
from embedlab.vectors.evaluation import (
    evaluate,
    evaluate_analogies,
    evaluate_similarity,
    read_analogies,
    read_word_pairs,
)


def random_vectors(n=300, dim=12, seed=0, words=None):
    rng = np.random.default_rng(seed)
    words = words or [f"w{i}" for i in range(n)]
    return Vectors(words, rng.standard_normal((len(words), dim)).astype(np.float32))


def planted(n=300, dim=12, seed=0, n_per_section=60, noise=0.6):
    """Vectors where d = b - a + c + noise for each question: some right, some wrong."""
    rng = np.random.default_rng(seed)
    matrix = rng.standard_normal((n, dim)).astype(np.float32)
    words = [f"w{i}" for i in range(n)]
    free = list(rng.permutation(n))
    lines = []
    for section in ("capital-common", "gram1-adjective"):
        lines.append(f": {section}")
        for _ in range(n_per_section):
            d = free.pop()
            a, b, c = rng.choice([i for i in range(n) if i != d], size=3, replace=False)
            matrix[d] = matrix[b] - matrix[a] + matrix[c] + noise * rng.standard_normal(dim)
            lines.append(" ".join(words[i] for i in (a, b, c, d)))
    return Vectors(words, matrix), lines


def write_questions(path, lines, extra_lines=()):
    path.write_text("\n".join([*lines, *extra_lines]) + "\n", encoding="utf-8")
    return path


def gensim_counts(kv, path, restrict):
    _, sections = kv.evaluate_word_analogies(str(path), restrict_vocab=restrict)
    return {
        s["section"]: (len(s["correct"]), len(s["correct"]) + len(s["incorrect"])) for s in sections
    }


@pytest.mark.parametrize("restrict", [300_000, 150])
def test_3cosadd_equals_gensim(tmp_path, restrict):
    vectors, lines = planted()
    # questions with words past `restrict` and unknown words are OOV for both
    path = write_questions(
        tmp_path / "q.txt", lines, extra_lines=[": oov", "w1 w2 w3 nosuchword", "W4 w5 w6 W7"]
    )
    result = evaluate_analogies(vectors, path, restrict_vocab=restrict)
    expected = gensim_counts(vectors.to_keyed_vectors(), path, restrict)
    total_correct, total_n = expected.pop("Total accuracy")
    assert (result.total.correct_3cosadd, result.total.n) == (total_correct, total_n)
    for name, (correct, n) in expected.items():
        assert (result.sections[name].correct_3cosadd, result.sections[name].n) == (correct, n)
    n_questions = 2 * 60 + 2
    assert result.total.n + result.total.oov == n_questions
    assert 0.2 * result.total.n < result.total.correct_3cosadd < result.total.n


def test_3cosmul_equals_brute_force(tmp_path):
    vectors, lines = planted(n=120, dim=6, seed=1, n_per_section=40)
    path = write_questions(tmp_path / "q.txt", lines)
    result = evaluate_analogies(vectors, path)
    unit = vectors.unit_matrix.astype(np.float64)
    index = vectors.key_to_index
    correct = 0
    for a, b, c, d in read_analogies(path).words:
        best, best_word = -np.inf, None
        for word, row in index.items():
            if word in (a, b, c):
                continue
            cos = [(unit[row] @ unit[index[w]] + 1) / 2 for w in (a, b, c)]
            score = cos[1] * cos[2] / (cos[0] + 1e-3)
            if score > best:
                best, best_word = score, word
        correct += best_word == d
    assert 0 < correct < 80
    assert result.total.correct_3cosmul == correct
    assert result.total.accuracy_3cosmul == pytest.approx(correct / 80)


def test_case_insensitive_uses_most_frequent_spelling(tmp_path):
    words = ["Paris", "france", "paris", "berlin", "germany", "rome", "italy", "x", "y"]
    vectors = random_vectors(words=words, dim=8, seed=2)
    path = write_questions(
        tmp_path / "q.txt", [": s", "PARIS France Berlin Germany", "rome italy paris france"]
    )
    result = evaluate_analogies(vectors, path)
    expected = gensim_counts(vectors.to_keyed_vectors(), path, 300_000)
    assert result.total.n == 2 and result.total.correct_3cosadd == expected["Total accuracy"][0]


def test_similarity_equals_gensim(tmp_path):
    vectors = random_vectors(n=80, seed=3)
    rng = np.random.default_rng(3)
    lines = ["# a comment", "# word1\tword2\tscore"]
    for _ in range(40):
        a, b = rng.choice(vectors.words, size=2, replace=False)
        lines.append(f"{a}\t{b}\t{rng.uniform(0, 10):.2f}")
    lines.append("w1\tunknown\t3.0")
    path = tmp_path / "pairs.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = evaluate_similarity(vectors, path)
    _, spearman, oov_ratio = vectors.to_keyed_vectors().evaluate_word_pairs(str(path))
    assert result.spearman == pytest.approx(spearman.statistic, abs=1e-6)
    assert (result.pairs, result.covered) == (41, 40)
    assert oov_ratio == pytest.approx(100 / 41)


def test_space_separated_pairs_and_extra_columns(tmp_path):
    path = tmp_path / "pairs.txt"
    path.write_text("# c\nW1 w2 1.5 noun\nw3  w4 2\n\nw5 w6 7\n", encoding="utf-8")
    pairs, scores = read_word_pairs(path)
    assert pairs == [("w1", "w2"), ("w3", "w4"), ("w5", "w6")]
    assert scores.tolist() == [1.5, 2.0, 7.0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a b c d\n", "q.txt line 1: a question before any ': section'"),
        (": s\na b c\n", "q.txt line 2: expected 4 words"),
    ],
)
def test_bad_analogy_lines_name_file_and_line(tmp_path, text, message):
    path = tmp_path / "q.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=message):
        evaluate_analogies(random_vectors(), path)


def test_bad_pair_lines_name_file_and_line(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text("# c\na b 1\na b high\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"p.txt line 3: the score 'high'"):
        read_word_pairs(path)
    path.write_text("a b\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"p.txt line 1: expected 'word1 word2 score'"):
        read_word_pairs(path)


def test_evaluate_json_layout(tmp_path):
    vectors, lines = planted()
    questions = write_questions(tmp_path / "q.txt", lines)
    pairs = tmp_path / "ws.tsv"
    pairs.write_text("w1\tw2\t1\nw3\tw4\t2\nw5\tw9\t3\n", encoding="utf-8")
    result = json.loads(json.dumps(evaluate(vectors, analogies=questions, similarity=[pairs])))
    assert set(result) == {"analogy", "similarity"}
    assert set(result["analogy"]["total"]) == {"3cosadd", "3cosmul", "n", "oov"}
    assert list(result["analogy"]["sections"]) == ["capital-common", "gram1-adjective"]
    assert 0 <= result["analogy"]["total"]["3cosadd"] <= 1
    assert result["similarity"]["ws.tsv"]["pairs"] == 3
    assert set(result["similarity"]["ws.tsv"]) == {"spearman", "pairs", "covered"}
    with pytest.raises(ValueError, match="Received: neither"):
        evaluate(vectors)
    with pytest.raises(ValueError, match="restrict_vocab=0"):
        evaluate_analogies(vectors, questions, restrict_vocab=0)


def test_empty_section_has_no_accuracy(tmp_path):
    path = tmp_path / "q.txt"
    path.write_text(": empty\n: s\nw1 w2 w3 w4\n", encoding="utf-8")
    result = evaluate_analogies(random_vectors(), path)
    assert result.sections["empty"].accuracy_3cosadd is None
    assert result.sections["s"].n == 1
