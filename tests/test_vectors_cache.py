"""The parse cache and float16 storage of `load_vectors`; values checked against gensim."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pytest
from gensim.models import KeyedVectors

from embedlab.vectors import load_vectors
from embedlab.vectors.cache import MATRIX_FILE, cache_dir

DIM = 5
# No word with a space: the word2vec binary format ends a word at the first space.
WORDS = ["the", "Movie", "movie", "film", "Paris", "café", *[f"w{i}" for i in range(40)]]


@pytest.fixture
def kv() -> KeyedVectors:
    matrix = np.random.default_rng(0).standard_normal((len(WORDS), DIM)).astype(np.float32)
    kv = KeyedVectors(DIM, count=0, dtype=np.float32)
    kv.add_vectors(WORDS, matrix)
    return kv


def write(kv: KeyedVectors, path: Path, *, binary: bool = False) -> Path:
    """Write `kv` with gensim's writer (GloVe text without a header, or word2vec binary)."""
    kv.save_word2vec_format(str(path), binary=binary, write_header=binary)
    return path


def entries() -> list[Path]:
    folder = cache_dir()
    return (
        sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.exists() else []
    )


def is_memory_map(array: np.ndarray) -> bool:
    while array is not None:
        if isinstance(array, np.memmap):
            return True
        array = array.base
    return False


@pytest.mark.parametrize("binary", [False, True])
def test_second_load_maps_the_cache_with_same_values(kv, tmp_path, binary):
    path = write(kv, tmp_path / ("v.bin" if binary else "v.txt"), binary=binary)
    first = load_vectors(path)
    assert len(entries()) == 1 and not is_memory_map(first.matrix)
    second = load_vectors(path)
    assert is_memory_map(second.matrix) and not second.matrix.flags.writeable
    assert second.words == first.words == list(kv.index_to_key)
    np.testing.assert_array_equal(second.matrix, kv.vectors)
    assert second["Paris"].tolist() == kv["Paris"].tolist()
    assert second.most_similar("film", topn=3) == first.most_similar("film", topn=3)


def test_vocab_and_limit_from_the_cache_equal_a_fresh_parse(kv, tmp_path):
    path = write(kv, tmp_path / "v.txt")
    load_vectors(path)  # fills the cache
    vocab = ["movie", "paris", "café", "w3", "absent"]
    cached = load_vectors(path, vocab=vocab)
    parsed = load_vectors(path, vocab=vocab, cache=False)
    assert cached.words == parsed.words == ["Movie", "movie", "Paris", "café", "w3"]
    np.testing.assert_array_equal(cached.matrix, parsed.matrix)
    limited = load_vectors(path, limit=4)
    assert limited.words == WORDS[:4]
    np.testing.assert_array_equal(limited.matrix, kv.vectors[:4])


def test_changed_file_is_parsed_again(kv, tmp_path):
    path = write(kv, tmp_path / "v.txt")
    load_vectors(path)
    kv.vectors[0] += 1.0  # same words, new numbers: new size or mtime
    write(kv, path)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    reloaded = load_vectors(path)
    np.testing.assert_array_equal(reloaded.matrix, kv.vectors)
    assert len(entries()) == 1  # the entry was replaced, not added to


def test_cache_false_neither_reads_nor_writes(kv, tmp_path):
    path = write(kv, tmp_path / "v.txt")
    load_vectors(path, cache=False)
    assert entries() == []
    load_vectors(path)
    entry = entries()[0]
    stale = np.load(entry / MATRIX_FILE)
    stale_copy = stale + 7.0  # plant different numbers in the entry
    np.save(entry / MATRIX_FILE, stale_copy)
    assert load_vectors(path)["the"][0] == pytest.approx(kv["the"][0] + 7.0)  # read from it
    np.testing.assert_array_equal(load_vectors(path, cache=False).matrix, kv.vectors)


def test_damaged_entry_falls_back_to_parsing(kv, tmp_path):
    path = write(kv, tmp_path / "v.txt")
    load_vectors(path)
    matrix_file = entries()[0] / MATRIX_FILE
    matrix_file.write_bytes(matrix_file.read_bytes()[:40])
    vectors = load_vectors(path)
    np.testing.assert_array_equal(vectors.matrix, kv.vectors)


def test_partial_loads_do_not_fill_the_cache(kv, tmp_path):
    path = write(kv, tmp_path / "v.txt")
    load_vectors(path, vocab=["the"])
    load_vectors(path, limit=3)
    assert entries() == []


def test_warnings_of_the_first_load_are_given_again(tmp_path):
    path = tmp_path / "dup.txt"
    path.write_text("the 1 2\nfilm 3 4\nthe 5 6\n")
    for _ in range(2):
        with pytest.warns(UserWarning, match=r"1 repeated word\(s\).*'the' on line 3"):
            vectors = load_vectors(path)
        assert vectors.words == ["the", "film"] and vectors.skipped.counts == {"duplicate": 1}
    assert len(entries()) == 1


def test_unwritable_cache_warns_and_still_loads(kv, tmp_path, monkeypatch):
    blocker = tmp_path / "home-is-a-file"
    blocker.write_text("")
    monkeypatch.setenv("EMBEDLAB_HOME", str(blocker))
    path = write(kv, tmp_path / "v.txt")
    with pytest.warns(UserWarning, match="could not write the parse cache.*EMBEDLAB_HOME"):
        vectors = load_vectors(path)
    np.testing.assert_array_equal(vectors.matrix, kv.vectors)


@pytest.mark.parametrize("binary", [False, True])
def test_float16_storage_halves_the_matrix(kv, tmp_path, binary):
    path = write(kv, tmp_path / ("v.bin" if binary else "v.txt"), binary=binary)
    half = load_vectors(path, dtype="float16")
    assert half.matrix.dtype == np.float16 and half.matrix.nbytes == kv.vectors.nbytes // 2
    np.testing.assert_array_equal(half.matrix, kv.vectors.astype(np.float16))
    cached = load_vectors(path, dtype="float16")
    assert is_memory_map(cached.matrix) and cached.matrix.dtype == np.float16
    assert load_vectors(path).matrix.dtype == np.float32  # a float32 entry of its own
    assert len(entries()) == 2
    ours = half.most_similar("film", topn=5)
    theirs = kv.most_similar("film", topn=5)
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], atol=2e-3)


def test_cache_entry_survives_a_concurrent_reader(kv, tmp_path):
    """Replacing an entry (the file changed) keeps an earlier load's memory map valid."""
    path = write(kv, tmp_path / "v.txt")
    load_vectors(path)
    mapped = load_vectors(path)
    kv.vectors[:] = 0.5
    write(kv, path)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fresh = load_vectors(path)
    assert fresh.matrix[0, 0] == np.float32(0.5)
    assert mapped.matrix[0, 0] != np.float32(0.5)  # still the old, complete entry
