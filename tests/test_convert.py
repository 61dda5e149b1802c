"""`embedlab vectors convert` and the .npy pair, checked by reading the outputs with gensim."""

import gc
import itertools
import warnings

import numpy as np
import pytest
from gensim.models import KeyedVectors
from typer.testing import CliRunner

from embedlab.cli import app
from embedlab.errors import EmbedlabError, VectorFileError
from embedlab.vectors import load_vectors
from embedlab.vectors.npy import read_npy_pair, vocab_path, write_npy_pair

FORMATS = ("glove", "word2vec", "word2vec-bin", "npy")
SUFFIX = {"glove": ".txt", "word2vec": ".w2v.txt", "word2vec-bin": ".bin", "npy": ".npy"}


@pytest.fixture
def kv():
    """Reference vectors: gensim's own object, with non-ASCII and cased words."""
    rng = np.random.default_rng(7)
    words = ["the", "movie", "Film", "café", "naïve", "東京", "ünïcode", "x"] + [
        f"w{i}" for i in range(40)
    ]
    kv = KeyedVectors(12, count=0, dtype=np.float32)
    kv.add_vectors(words, rng.standard_normal((len(words), 12)).astype(np.float32) * 3)
    return kv


def write_with_gensim_or_numpy(kv, path, fmt):
    """The source file, written by gensim (or by NumPy for the npy pair), not by embedlab."""
    if fmt == "npy":
        np.save(path, kv.vectors)
        vocab_path(path).write_text("".join(f"{w}\n" for w in kv.index_to_key), encoding="utf-8")
    else:
        kv.save_word2vec_format(
            str(path), binary=fmt == "word2vec-bin", write_header=fmt != "glove"
        )
    return path


def read_independently(path, fmt):
    """(words, matrix) of a converted file, read by gensim (or NumPy for npy)."""
    if fmt == "npy":
        words = vocab_path(path).read_text(encoding="utf-8").split("\n")[:-1]
        return words, np.load(path, allow_pickle=False)
    with warnings.catch_warnings():
        # gensim 4.4 leaves a file open when no_header=True
        warnings.simplefilter("ignore", ResourceWarning)
        other = KeyedVectors.load_word2vec_format(
            str(path), binary=fmt == "word2vec-bin", no_header=fmt == "glove"
        )
        gc.collect()
    return list(other.index_to_key), other.vectors


def convert(*args):
    result = CliRunner().invoke(app, ["vectors", "convert", *map(str, args)])
    return result


@pytest.mark.parametrize(("src_fmt", "dst_fmt"), list(itertools.product(FORMATS, FORMATS)))
def test_convert_between_all_formats_matches_gensim(kv, tmp_path, src_fmt, dst_fmt):
    src = write_with_gensim_or_numpy(kv, tmp_path / f"src{SUFFIX[src_fmt]}", src_fmt)
    out = tmp_path / f"out{SUFFIX[dst_fmt]}"
    result = convert(src, out, "--to", dst_fmt)
    assert result.exit_code == 0, result.output
    assert f"{len(kv):,} words x 12 -> {out}" in result.output
    words, matrix = read_independently(out, dst_fmt)
    assert words == list(kv.index_to_key)
    assert matrix.dtype == np.float32
    np.testing.assert_array_equal(matrix, kv.vectors)


def test_chain_through_every_format_is_lossless(kv, tmp_path):
    path = write_with_gensim_or_numpy(kv, tmp_path / "v0.txt", "glove")
    for i, fmt in enumerate(["word2vec", "word2vec-bin", "npy", "glove"], start=1):
        out = tmp_path / f"v{i}{SUFFIX[fmt]}"
        assert convert(path, out, "--to", fmt).exit_code == 0
        path = out
    assert path.read_bytes() == (tmp_path / "v0.txt").read_bytes()


def test_gzip_output_and_forced_input_format(kv, tmp_path):
    src = write_with_gensim_or_numpy(kv, tmp_path / "src.bin", "word2vec-bin")
    out = tmp_path / "out.txt.gz"
    assert convert(src, out, "--to", "word2vec", "--from", "word2vec-bin").exit_code == 0
    words, matrix = read_independently(out, "word2vec")
    assert words == list(kv.index_to_key)
    np.testing.assert_array_equal(matrix, kv.vectors)


def test_bad_target_is_a_usage_error(kv, tmp_path):
    src = write_with_gensim_or_numpy(kv, tmp_path / "src.txt", "glove")
    result = convert(src, tmp_path / "out.x", "--to", "parquet")
    assert result.exit_code == 2
    assert "glove, word2vec, word2vec-bin, npy" in result.output
    result = convert(src, tmp_path / "out.txt", "--to", "npy")
    assert isinstance(result.exception, EmbedlabError)  # the CLI's `error:`, exit 2
    assert "ends in .npy" in str(result.exception)
    assert list(tmp_path.iterdir()) == [src]


def test_load_vectors_reads_the_npy_pair_with_vocab_and_limit(kv, tmp_path):
    path = write_with_gensim_or_numpy(kv, tmp_path / "v.npy", "npy")
    vectors = load_vectors(path)
    assert vectors.words == list(kv.index_to_key)
    np.testing.assert_array_equal(vectors.matrix, kv.vectors)
    vectors = load_vectors(path, vocab=["film", "CAFÉ", "w3"], limit=20)
    assert vectors.words == ["Film", "café", "w3"]
    np.testing.assert_array_equal(vectors["café"], kv["café"])


def test_npy_pair_errors_name_the_files(kv, tmp_path):
    path = write_npy_pair(
        load_vectors(write_with_gensim_or_numpy(kv, tmp_path / "a.txt", "glove")),
        tmp_path / "a.npy",
    )
    words_file = vocab_path(path)
    words_file.write_text("one\ntwo\n", encoding="utf-8")
    with pytest.raises(VectorFileError, match=r"a\.vocab\.txt: lists 2 words but a\.npy has 48"):
        read_npy_pair(path)
    words_file.write_bytes(b"one\n\xff\n")
    with pytest.raises(VectorFileError, match=r"a\.vocab\.txt line 2: not valid UTF-8"):
        read_npy_pair(path)
    words_file.unlink()
    with pytest.raises(VectorFileError, match=r"words file .*a\.vocab\.txt is missing"):
        load_vectors(path)
    np.save(tmp_path / "ints.npy", np.arange(6).reshape(2, 3))
    with pytest.raises(VectorFileError, match="expected a 2-D float matrix"):
        read_npy_pair(tmp_path / "ints.npy")
