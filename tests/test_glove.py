"""GloVe: counts against a brute-force count, the loss, planted structure, options."""

import random
from collections import defaultdict

import numpy as np
import pytest

from embedlab.embeddings.glove import (
    GloVeModel,
    build_vocab,
    count_cooccurrences,
    fit_glove,
)

DOCS = [
    "the cat sat on the mat".split(),
    "a dog sat on a log".split(),
    "the cat saw a dog".split(),
    "zebra".split(),  # alone: no pair
    "cat cat cat".split(),  # pairs of a word with itself
    "the quick brown fox jumps over the lazy dog and the cat".split(),
]


def brute_force(docs, word_index, window):
    """The definition, one pair at a time: OOV dropped, windows inside a document."""
    counts = defaultdict(float)
    for doc in docs:
        ids = [word_index[w] for w in doc if w in word_index]
        for right in range(len(ids)):
            for d in range(1, window + 1):
                left = right - d
                if left < 0:
                    break
                counts[ids[left], ids[right]] += 1.0 / d
                counts[ids[right], ids[left]] += 1.0 / d
    return counts


def as_dict(matrix):
    coo = matrix.tocoo()
    return {(int(i), int(j)): float(v) for i, j, v in zip(coo.row, coo.col, coo.data, strict=True)}


@pytest.mark.parametrize("window", [1, 2, 3, 10])
@pytest.mark.parametrize("chunk_tokens", [1, 5, 1 << 20])
def test_counts_equal_brute_force(window, chunk_tokens):
    vocab = build_vocab(DOCS, min_count=2)  # drops rare words, so windows span them
    assert "zebra" not in vocab.word_index and "quick" not in vocab.word_index
    matrix = count_cooccurrences(DOCS, vocab.word_index, window=window, chunk_tokens=chunk_tokens)
    expected = brute_force(DOCS, vocab.word_index, window)
    got = as_dict(matrix)
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, rel=1e-12), key
    assert matrix.shape == (len(vocab), len(vocab))
    assert (matrix != matrix.T).nnz == 0


def test_windows_do_not_cross_documents():
    index = {"a": 0, "b": 1}
    matrix = count_cooccurrences([["a"], ["b"]], index, window=5).toarray()
    assert not matrix.any()
    matrix = count_cooccurrences([["a", "x", "x", "b"]], index, window=3).toarray()
    assert matrix[0, 1] == pytest.approx(1.0)  # OOV dropped first: a and b become neighbours


def test_window_edge():
    index = {w: i for i, w in enumerate("abcd")}
    matrix = count_cooccurrences([list("abcd")], index, window=2).toarray()
    assert matrix[0, 1] == 1.0 and matrix[0, 2] == 0.5
    assert matrix[0, 3] == 0.0  # distance 3 is outside a window of 2


def test_build_vocab_orders_by_count_then_first_seen():
    vocab = build_vocab([["b", "a", "c", "a", "c", "d"]], min_count=1)
    assert vocab.words == ["a", "c", "b", "d"]
    assert vocab.counts.tolist() == [2, 2, 1, 1]
    assert vocab.n_tokens == 6 and vocab.n_documents == 1
    assert build_vocab([["b", "a", "a"]], min_count=1, max_size=1).words == ["a"]


def _planted_corpus(seed=0):
    rng = random.Random(seed)
    groups = [[f"a{i}" for i in range(8)], [f"b{i}" for i in range(8)]]
    docs = [rng.choices(groups[n % 2], k=12) for n in range(400)]
    return groups, docs


def test_loss_falls():
    _, docs = _planted_corpus()
    vocab = build_vocab(docs, min_count=1)
    counts = count_cooccurrences(docs, vocab.word_index, window=4)
    seen = []
    model = fit_glove(counts, dim=8, epochs=20, x_max=10, workers=1, on_epoch=seen.append)
    assert len(model.losses) == 20 and len(seen) == 20 and seen[-1] is model
    assert model.losses[-1] < 0.5 * model.losses[0]
    assert all(b <= a * 1.01 for a, b in zip(model.losses, model.losses[1:], strict=False))


def test_planted_groups_are_recovered():
    groups, docs = _planted_corpus()
    vocab = build_vocab(docs, min_count=1)
    counts = count_cooccurrences(docs, vocab.word_index, window=4)
    vectors = fit_glove(counts, dim=10, epochs=40, x_max=10, workers=1).vectors(vocab.words)
    unit = vectors.unit_matrix
    rows = [[vectors.key_to_index[w] for w in group] for group in groups]
    cos = unit @ unit.T
    within = np.mean([cos[np.ix_(r, r)][~np.eye(len(r), dtype=bool)].mean() for r in rows])
    across = cos[np.ix_(rows[0], rows[1])].mean()
    assert within > across + 0.5, (within, across)
    for word in ("a0", "b3"):
        group = groups[0] if word.startswith("a") else groups[1]
        assert all(other in group for other, _ in vectors.most_similar(word, topn=5))


def test_one_worker_is_reproducible_and_two_workers_train():
    _, docs = _planted_corpus()
    vocab = build_vocab(docs, min_count=1)
    counts = count_cooccurrences(docs, vocab.word_index, window=3)
    first = fit_glove(counts, dim=6, epochs=3, workers=1, seed=3)
    again = fit_glove(counts, dim=6, epochs=3, workers=1, seed=3)
    np.testing.assert_array_equal(first.W, again.W)
    two = fit_glove(counts, dim=6, epochs=3, workers=2, seed=3)
    assert isinstance(two, GloVeModel) and np.isfinite(two.W).all()
    assert two.W.dtype == np.float32 and two.vectors(vocab.words).matrix.dtype == np.float32


@pytest.mark.parametrize(
    ("option", "value"),
    [("dim", 0), ("epochs", -1), ("x_max", 0.0), ("alpha", float("nan")), ("workers", 1.5)],
)
def test_bad_options_say_what_was_received(option, value):
    counts = count_cooccurrences([["a", "b"]], {"a": 0, "b": 1}, window=1)
    with pytest.raises(ValueError, match=f"Received: {option}="):
        fit_glove(counts, **{option: value})


def test_bad_counts_are_rejected():
    import scipy.sparse

    with pytest.raises(ValueError, match="square"):
        fit_glove(scipy.sparse.csr_matrix(np.ones((2, 3))))
    with pytest.raises(ValueError, match="positive, finite"):
        fit_glove(scipy.sparse.csr_matrix(np.array([[1.0, -2.0], [0.0, 1.0]])))
    with pytest.raises(ValueError, match="ids 0..len"):
        count_cooccurrences([["a"]], {"a": 3}, window=2)


def test_output_vectors_sum_or_word():
    counts = count_cooccurrences([["a", "b", "a", "c"]], {"a": 0, "b": 1, "c": 2}, window=2)
    model = fit_glove(counts, dim=4, epochs=2, workers=1)
    words = ["a", "b", "c"]
    np.testing.assert_array_equal(model.vectors(words).matrix, model.W + model.W_tilde)
    np.testing.assert_array_equal(model.vectors(words, output_vectors="word").matrix, model.W)
    with pytest.raises(ValueError, match="Received: output_vectors='both'"):
        model.vectors(words, output_vectors="both")
