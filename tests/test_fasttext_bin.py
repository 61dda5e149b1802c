"""Tests of embedlab.vectors.fasttext_bin: fastText .bin models and subword vectors.

Golden values come from gensim (``load_facebook_vectors``, ``ft_hash_bytes``,
``compute_ngrams_bytes``) on a tiny model trained here and written by
gensim's ``save_facebook_model``, and from the ``fasttext`` package when it
is installed. Special files (pruned, sparse, invalid UTF-8) are written by
`write_model` below with `struct`, following fastText's ``saveModel``.
"""

from __future__ import annotations

import gzip
import random
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from gensim.models import FastText
from gensim.models.fasttext import (
    compute_ngrams_bytes,
    ft_hash_bytes,
    ft_ngram_hashes,
    load_facebook_vectors,
    save_facebook_model,
)

from embedlab.classify.matrix import Coverage, build_embedding_matrix
from embedlab.errors import VectorFileError
from embedlab.text.tokenizer import Tokenizer
from embedlab.vectors import load_vectors, save_vectors, sniff_format
from embedlab.vectors.fasttext_bin import (
    SubwordVectors,
    fasttext_hash,
    fasttext_hashes,
    ngram_hashes,
)

MINN, MAXN, BUCKET, DIM = 3, 5, 2000, 8
STEMS = "film movie plot actor story café naïve 日本 straße über Zürich ελλάδα".split()
SUFFIXES = ["", "s", "ing", "ed", "er"]
# Not in the dictionary: unicode, and "ÿ" / "ﬁ" whose UTF-8 bytes have the high bit set.
OOV_WORDS = [
    "moviegoers", "cafétéria", "naïveté", "日本語", "ÿÿÿ", "ﬁlm", "Ωmega", "z", "qq", "straßen",
    "ÜBER", "filmmaking", "\u00e9\u0301", "😀film",
]  # fmt: skip


def make_sentences(n: int = 300, seed: int = 0) -> list[list[str]]:
    rng = random.Random(seed)
    return [
        [rng.choice(STEMS) + rng.choice(SUFFIXES) for _ in range(rng.randint(4, 10))]
        for _ in range(n)
    ]


@pytest.fixture(scope="module")
def gensim_model() -> FastText:
    return FastText(
        make_sentences(),
        vector_size=DIM,
        min_count=1,
        epochs=1,
        bucket=BUCKET,
        min_n=MINN,
        max_n=MAXN,
        workers=1,
        seed=0,
    )


@pytest.fixture(scope="module")
def model_path(gensim_model, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fasttext") / "tiny.bin"
    save_facebook_model(gensim_model, str(path))
    return path


@pytest.fixture(scope="module")
def reference(model_path):
    return load_facebook_vectors(str(model_path))


def write_model(
    path: Path,
    words: list[bytes],
    word_rows: np.ndarray,
    ngram_rows: np.ndarray | None,
    *,
    bucket: int,
    minn: int = MINN,
    maxn: int = MAXN,
    pruneidx: dict[int, int] | None = None,
    version: int = 12,
    quant: bool = False,
) -> Path:
    """Write a fastText model as ``FastText::saveModel`` does.

    `ngram_rows` None leaves the n-gram rows as a hole (a sparse file: zeros).
    """
    dim = word_rows.shape[1]
    n_ngram_rows = bucket if pruneidx is None else len(pruneidx)
    with open(path, "wb") as f:
        f.write(struct.pack("<ii", 793712314, version))
        f.write(struct.pack("<12id", dim, 5, 1, 1, 5, 1, 2, 2, bucket, minn, maxn, 100, 1e-4))
        n = len(words)
        f.write(struct.pack("<iiiqq", n, n, 0, 1000, -1 if pruneidx is None else len(pruneidx)))
        for word in words:
            f.write(word + b"\0" + struct.pack("<qb", 1, 0))
        for key, value in (pruneidx or {}).items():
            f.write(struct.pack("<ii", key, value))
        f.write(struct.pack("<?qq", quant, n + n_ngram_rows, dim))
        f.write(word_rows.astype("<f4").tobytes())
        if ngram_rows is None:
            f.seek(n_ngram_rows * dim * 4, 1)
        else:
            f.write(ngram_rows.astype("<f4").tobytes())
        f.write(struct.pack("<?qq", False, n, dim))
        f.write(np.zeros((n, dim), "<f4").tobytes())
    return path


def reference_rows(
    raw: bytes, word_id: int, *, nwords: int, minn: int, maxn: int, bucket: int
) -> list[int]:
    """``Dictionary::getSubwords`` in plain Python, over bytes, with gensim's hash."""
    rows = [] if word_id < 0 else [word_id]
    if raw == b"</s>":
        return rows
    word = b"<" + raw + b">"
    for i in range(len(word)):
        if word[i] & 0xC0 == 0x80:
            continue
        j, n = i, 1
        while j < len(word) and n <= maxn:
            j += 1
            while j < len(word) and word[j] & 0xC0 == 0x80:
                j += 1
            if n >= minn and not (n == 1 and (i == 0 or j == len(word))):
                rows.append(nwords + ft_hash_bytes(word[i:j]) % bucket)
            n += 1
    return rows


def test_dictionary_vectors_match_gensim(model_path, reference):
    vectors = load_vectors(model_path)
    assert isinstance(vectors, SubwordVectors)
    assert vectors.words == list(reference.index_to_key)
    assert vectors.matrix.dtype == np.float32 and not vectors.matrix.flags.writeable
    np.testing.assert_allclose(vectors.matrix, reference.vectors, rtol=0, atol=1e-5)
    assert {"café", "naïve", "日本", "straße"} <= set(vectors.words)
    header = vectors.subword.header
    assert (header.version, header.nwords, header.args["dim"]) == (12, len(vectors), DIM)
    assert (vectors.subword.minn, vectors.subword.maxn, vectors.subword.bucket) == (3, 5, 2000)


def test_oov_vectors_match_gensim(model_path, reference):
    vectors = load_vectors(model_path)
    for word in OOV_WORDS:
        assert word not in vectors and word not in vectors.subword
        np.testing.assert_allclose(
            vectors.subword.vector_for(word), reference[word], rtol=0, atol=1e-5, err_msg=word
        )
    batch = vectors.subword.vectors_for(OOV_WORDS + ["café"])
    assert batch.shape == (len(OOV_WORDS) + 1, DIM) and batch.dtype == np.float32
    np.testing.assert_allclose(batch[:-1], [reference[w] for w in OOV_WORDS], atol=1e-5)
    np.testing.assert_array_equal(batch[-1], vectors["café"])  # a dictionary word: its vector
    assert "café" in vectors.subword
    with pytest.raises(ValueError, match="sequence of words"):
        vectors.subword.vectors_for("café")


def test_subword_rows_are_gensim_ngram_buckets_in_order(model_path):
    vectors = load_vectors(model_path)
    nwords = len(vectors)
    for word in OOV_WORDS + ["café", "日本", "film"]:
        own = [vectors.key_to_index[word]] if word in vectors else []
        buckets = ft_ngram_hashes(word, MINN, MAXN, BUCKET)
        expected = own + [nwords + b for b in buckets]
        assert vectors.subword.subword_rows(word).tolist() == expected, word


def random_strings(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    alphabet = "abcxyz<>éïßü日本語Ωλ😀\u0301\u00ff\u0080"
    return ["".join(rng.choices(alphabet, k=rng.randint(0, 12))) for _ in range(n)]


def test_hash_matches_gensim_bit_for_bit():
    words = random_strings(2000)
    encoded = [w.encode("utf-8") for w in words]
    rng = np.random.default_rng(0)
    encoded += [rng.integers(0, 256, size=int(rng.integers(0, 20))).astype(np.uint8).tobytes()]
    encoded += [bytes([b]) for b in range(256)]  # every byte alone: the int8 quirk
    expected = [ft_hash_bytes(b) for b in encoded]
    assert [fasttext_hash(b) for b in encoded] == expected
    assert fasttext_hashes(encoded).tolist() == expected
    assert fasttext_hashes(encoded).dtype == np.uint32
    assert fasttext_hash("<café>".encode()) == 3312017187  # not plain FNV-1a (1000711971)


@pytest.mark.parametrize(("minn", "maxn"), [(3, 5), (1, 3), (2, 6), (4, 4), (5, 3), (0, 0)])
def test_ngram_hashes_match_gensim(minn, maxn):
    words = random_strings(300, seed=minn * 10 + maxn)
    owner, hashes = ngram_hashes([w.encode() for w in words], minn, maxn)
    for k, word in enumerate(words):
        expected = [ft_hash_bytes(g) for g in compute_ngrams_bytes(word, minn, maxn)]
        assert hashes[owner == k].tolist() == expected, word


def test_invalid_utf8_bytes_hash_like_fasttext():
    raws = [b"caf\xe9", b"\xff\xfe", b"\x80abc", b"ab\xc3", b"\xe6\x97"]
    owner, hashes = ngram_hashes(raws, 1, 4)
    nwords = 10
    for k, raw in enumerate(raws):
        got = [nwords + h % 97 for h in hashes[owner == k].tolist()]
        assert got == reference_rows(raw, -1, nwords=nwords, minn=1, maxn=4, bucket=97)


def test_vocab_restricts_the_loaded_words_and_keeps_subwords(model_path, reference):
    full = load_vectors(model_path)
    vectors = load_vectors(model_path, vocab=["CAFÉ", "film", "日本", "notthere"])
    assert vectors.words == [w for w in full.words if w.lower() in {"café", "film", "日本"}]
    for word in vectors.words:
        np.testing.assert_array_equal(vectors[word], full[word])
    left_out = next(w for w in full.words if w not in vectors)
    assert left_out not in vectors and left_out in vectors.subword
    np.testing.assert_array_equal(vectors.subword.vector_for(left_out), full[left_out])
    np.testing.assert_allclose(
        vectors.subword.vector_for("cafétéria"), reference["cafétéria"], atol=1e-5
    )
    first = load_vectors(model_path, limit=5)
    assert first.words == full.words[:5]
    np.testing.assert_array_equal(first.matrix, full.matrix[:5])
    tokenizer = Tokenizer().fit_on_texts(["film café"])
    assert sorted(load_vectors(model_path, vocab=tokenizer).words) == ["café", "film"]


def test_input_matrix_is_memory_mapped_and_read_only(model_path):
    vectors = load_vectors(model_path, vocab=["film"])
    matrix = vectors.subword.input_matrix
    assert isinstance(matrix, np.memmap) and matrix.mode == "r"
    assert matrix.shape == (vectors.subword.header.nwords + BUCKET, DIM)
    assert not matrix.flags.writeable
    assert not isinstance(vectors.matrix, np.memmap)


def test_only_the_rows_needed_are_used(gensim_model, tmp_path):
    """Rows of other words and buckets are NaN in the file; the loaded vectors do not see them."""
    wv = gensim_model.wv
    words = list(wv.index_to_key)
    keep = ["film", "café"]
    nwords = len(words)
    needed = set()
    for word in keep:
        needed.update(
            reference_rows(
                word.encode(),
                words.index(word),
                nwords=nwords,
                minn=MINN,
                maxn=MAXN,
                bucket=BUCKET,
            )
        )
    table = np.concatenate([wv.vectors_vocab, wv.vectors_ngrams])
    poisoned = np.full_like(table, np.nan)
    poisoned[sorted(needed)] = table[sorted(needed)]
    path = write_model(
        tmp_path / "poisoned.bin",
        [w.encode() for w in words],
        poisoned[:nwords],
        poisoned[nwords:],
        bucket=BUCKET,
    )
    vectors = load_vectors(path, vocab=keep)
    assert vectors.words == [w for w in words if w in keep]
    assert np.isfinite(vectors.matrix).all()
    for word in keep:
        np.testing.assert_allclose(vectors[word], wv[word], atol=1e-5)


def test_a_huge_sparse_model_loads_in_little_memory(tmp_path):
    """A 4 GB input matrix (a hole in a sparse file) loads without reading it."""
    words = [w.encode() for w in ["film", "movie", "café", "日本", "</s>"]]
    rows = np.arange(len(words) * 100, dtype=np.float32).reshape(len(words), 100) + 1
    path = write_model(tmp_path / "huge.bin", words, rows, None, bucket=10_000_000)
    size = path.stat().st_size
    assert size > 4e9
    if not Path("/proc/self/status").exists():
        pytest.skip("needs /proc to read private memory")
    if path.stat().st_blocks * 512 > 1e8:
        pytest.skip("this file system does not keep sparse files sparse")
    code = (
        "import sys, numpy as np\n"
        "from embedlab.vectors import load_vectors\n"
        "v = load_vectors(sys.argv[1])\n"
        "rows = [len(v.subword.subword_rows(w)) for w in v.words]\n"
        "status = open('/proc/self/status').read().split('RssAnon:')[1]\n"
        "print(int(status.split()[0]) * 1024)  # private memory, not reclaimable file pages\n"
        "np.save(sys.argv[2], v.matrix); print(*rows)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path), str(tmp_path / "m.npy")],
        capture_output=True,
        text=True,
        check=True,
    )
    peak, counts = out.stdout.splitlines()
    assert int(peak) < 400e6  # the input matrix alone is 4 GB
    # Buckets are zeros: each vector is its own row over the number of rows averaged.
    counts_array = np.array(counts.split(), dtype=np.float32)
    np.testing.assert_allclose(np.load(tmp_path / "m.npy"), rows / counts_array[:, None])
    assert counts_array[-1] == 1  # "</s>" has no n-grams (Dictionary::initNgrams)


def test_pruned_buckets_map_through_the_table(gensim_model, tmp_path):
    """``pushHash``: with a pruned table only listed buckets count, at their new rows."""
    wv = gensim_model.wv
    words = [w.encode() for w in wv.index_to_key]
    nwords = len(words)
    kept_buckets = list(range(0, BUCKET, 3))
    pruneidx = {bucket: row for row, bucket in enumerate(reversed(kept_buckets))}
    ngram_rows = np.zeros((len(pruneidx), DIM), np.float32)
    for bucket, row in pruneidx.items():
        ngram_rows[row] = wv.vectors_ngrams[bucket]
    path = write_model(
        tmp_path / "pruned.bin",
        words,
        wv.vectors_vocab,
        ngram_rows,
        bucket=BUCKET,
        pruneidx=pruneidx,
    )
    vectors = load_vectors(path)
    for word in ["cafétéria", "film", "日本語", "ÿÿÿ"]:
        own = [vectors.key_to_index[word]] if word in vectors else []
        unpruned = reference_rows(word.encode(), -1, nwords=0, minn=MINN, maxn=MAXN, bucket=BUCKET)
        expected = own + [nwords + pruneidx[b] for b in unpruned if b in pruneidx]
        assert vectors.subword.subword_rows(word).tolist() == expected
        table = np.concatenate([wv.vectors_vocab, ngram_rows])
        np.testing.assert_allclose(
            vectors.subword.vector_for(word), table[expected].mean(axis=0), atol=1e-6
        )
    empty = write_model(
        tmp_path / "no-ngrams.bin", words, wv.vectors_vocab, None, bucket=BUCKET, pruneidx={}
    )
    vectors = load_vectors(empty)
    np.testing.assert_array_equal(vectors.matrix, wv.vectors_vocab)  # own rows only
    assert not vectors.subword.vector_for("cafétéria").any()


def test_invalid_utf8_words_are_errors_or_skipped(tmp_path):
    words = [b"film", b"caf\xe9", b"movie"]
    rng = np.random.default_rng(0)
    table = rng.normal(size=(len(words) + 50, 4)).astype(np.float32)
    path = write_model(tmp_path / "latin.bin", words, table[:3], table[3:], bucket=50)
    with pytest.raises(VectorFileError, match=r"latin\.bin record 2: the word b'caf\\xe9'"):
        load_vectors(path)
    with pytest.warns(UserWarning, match=r"latin\.bin: skipped 1 word not valid in the encoding"):
        vectors = load_vectors(path, errors="skip")
    assert vectors.words == ["film", "movie"] and vectors.skipped.counts == {"undecodable": 1}
    latin = load_vectors(path, encoding="latin-1")
    assert latin.words == ["film", "café", "movie"]
    rows = reference_rows(b"caf\xe9", 1, nwords=3, minn=MINN, maxn=MAXN, bucket=50)
    np.testing.assert_allclose(latin["café"], table[rows].mean(axis=0), atol=1e-6)
    np.testing.assert_array_equal(latin.subword.vector_for("café"), latin["café"])
    np.testing.assert_array_equal(vectors["movie"], latin["movie"])


def test_float16_storage(model_path):
    full = load_vectors(model_path)
    half = load_vectors(model_path, dtype="float16")
    assert isinstance(half, SubwordVectors) and half.matrix.dtype == np.float16
    np.testing.assert_array_equal(half.matrix, full.matrix.astype(np.float16))
    assert half.subword.vector_for("cafétéria").dtype == np.float32


def test_format_is_told_by_content(model_path, tmp_path):
    data = model_path.read_bytes()
    assert sniff_format(data) == "fasttext-bin"
    renamed = tmp_path / "model.vec"
    renamed.write_bytes(data)
    assert isinstance(load_vectors(renamed), SubwordVectors)
    assert isinstance(load_vectors(renamed, format="fasttext-bin"), SubwordVectors)
    with pytest.raises(ValueError, match="`format` must be one of"):
        save_vectors(load_vectors(renamed), tmp_path / "out.bin", format="fasttext-bin")


def test_damaged_files_are_errors_naming_the_file(model_path, tmp_path):
    data = model_path.read_bytes()
    broken = tmp_path / "broken.bin"
    cases = {
        "the header": data[:40],
        "dictionary entry": data[:200],
        "the input matrix": data[: len(data) // 2],
        "the output matrix": data[:-4],
    }
    for where, content in cases.items():
        broken.write_bytes(content)
        with pytest.raises(VectorFileError, match=rf"broken\.bin: the file ends inside {where}"):
            load_vectors(broken)

    text = tmp_path / "words.txt"
    text.write_text("film 0.1 0.2\n")
    with pytest.raises(VectorFileError, match=r"words\.txt: not a fastText model.*793712314"):
        load_vectors(text, format="fasttext-bin")

    broken.write_bytes(data[:4] + struct.pack("<i", 13) + data[8:])
    with pytest.raises(VectorFileError, match=r"broken\.bin: fastText file format version 13"):
        load_vectors(broken)

    quant_at = data.index(struct.pack("<qq", len(load_vectors(model_path)) + BUCKET, DIM)) - 1
    assert data[quant_at] == 0
    broken.write_bytes(data[:quant_at] + b"\x01" + data[quant_at + 1 :])
    with pytest.raises(VectorFileError, match=r"broken\.bin: a quantized fastText model"):
        load_vectors(broken)

    packed = tmp_path / "model.bin.gz"
    packed.write_bytes(gzip.compress(data))
    with pytest.raises(VectorFileError, match=r"model\.bin\.gz: a gzip-compressed fastText"):
        load_vectors(packed)


def train_fasttext(fasttext: Any, corpus: Path, options: dict[str, Any]) -> Any:
    """Train with the `fasttext` package; its 0.9.2 wheels sometimes end a run on a tiny
    corpus in 'Encountered NaN' (facebookresearch/fastText#1278), so try a few times."""
    for attempt in range(5):
        try:
            return fasttext.train_unsupervised(
                str(corpus),
                dim=DIM,
                minCount=1,
                epoch=1,
                bucket=BUCKET,
                thread=1,
                verbose=0,
                lr=0.01 / (attempt + 1),
                **options,
            )
        except RuntimeError as exc:
            if "NaN" not in str(exc):
                raise
    pytest.skip("the fasttext package diverged on every attempt")


def test_fasttext_package_agrees(tmp_path):
    fasttext = pytest.importorskip("fasttext")
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(" ".join(s) for s in make_sentences(300)), encoding="utf-8")
    for options in ({"model": "skipgram"}, {"model": "cbow", "minn": 1, "maxn": 3}):
        model = train_fasttext(fasttext, corpus, options)
        path = tmp_path / "ft.bin"
        model.save_model(str(path))
        vectors = load_vectors(path)
        assert vectors.words == model.words and "</s>" in vectors
        for word in vectors.words:
            np.testing.assert_allclose(
                vectors[word], model.get_word_vector(word), rtol=1e-5, atol=1e-5
            )
        for word in OOV_WORDS + ["</s>"]:
            expected_rows = model.get_subwords(word)[1].tolist()
            assert vectors.subword.subword_rows(word).tolist() == expected_rows, word
            np.testing.assert_allclose(
                vectors.subword.vector_for(word), model.get_word_vector(word), rtol=1e-5, atol=1e-5
            )


# The embedding matrix gives words the vectors lack their subword vector.

TEXTS = [
    "the film was a moviegoers delight",
    "cafétéria and films and café",
    "naïveté of the plot",
    "日本語 films",
]


def test_embedding_matrix_gives_missing_words_their_subword_vectors(model_path, reference):
    tokenizer = Tokenizer(oov_token="<OOV>").fit_on_texts(TEXTS)
    vectors = load_vectors(model_path, vocab=tokenizer)
    matrix, coverage = build_embedding_matrix(tokenizer, vectors, oov="zeros")
    subword_words = [w for w in tokenizer.word_index if w not in vectors and w != "<OOV>"]
    assert set(subword_words) >= {"moviegoers", "cafétéria", "naïveté", "日本語"}
    for word in subword_words:
        np.testing.assert_allclose(
            matrix[tokenizer.word_index[word]], reference[word], atol=1e-5, err_msg=word
        )
    for word in ("film", "café", "films"):
        np.testing.assert_array_equal(matrix[tokenizer.word_index[word]], vectors[word])
    assert not matrix[tokenizer.word_index["<OOV>"]].any()  # the OOV token: an `oov` row
    counts = tokenizer.word_counts
    assert coverage.subword_types == len(subword_words)
    assert coverage.subword_tokens == sum(counts[w] for w in subword_words)
    assert coverage.covered_types == len(tokenizer.word_index) - 1 - len(subword_words)
    assert coverage.vocab_tokens == sum(counts.values())
    assert coverage.missing == []
    assert any(line.startswith("built from subwords") for line in coverage.lines())
    assert Coverage.from_dict(coverage.to_dict()) == coverage

    off, off_coverage = build_embedding_matrix(tokenizer, vectors, oov="zeros", subwords=False)
    assert off_coverage.subword_types == 0 and len(off_coverage.missing) == len(subword_words)
    assert not off[[tokenizer.word_index[w] for w in subword_words]].any()
    assert not any(line.startswith("built from subwords") for line in off_coverage.lines())


def test_words_without_any_row_still_get_oov_rows(gensim_model, tmp_path):
    wv = gensim_model.wv
    words = [w.encode() for w in wv.index_to_key]
    path = write_model(
        tmp_path / "no-ngrams.bin", words, wv.vectors_vocab, None, bucket=BUCKET, pruneidx={}
    )
    tokenizer = Tokenizer().fit_on_texts(TEXTS)
    vectors = load_vectors(path, vocab=tokenizer)
    matrix, coverage = build_embedding_matrix(tokenizer, vectors, oov="random", seed=1)
    assert coverage.subword_types == 0
    missing = {w for w, _ in coverage.missing}
    assert "moviegoers" in missing
    assert matrix[tokenizer.word_index["moviegoers"]].any()  # random, as before
    old = Coverage.from_dict({k: v for k, v in coverage.to_dict().items() if "subword" not in k})
    assert old == coverage
