"""Facebook's fastText model files (``.bin``): layout, reader, and subword vectors.

The ``fasttext`` tool (``fasttext skipgram|cbow|supervised ... -output m``)
and gensim's ``save_facebook_model`` write the whole model, as
``FastText::saveModel`` does
(https://github.com/facebookresearch/fastText/blob/main/src/fasttext.cc);
all numbers little-endian, no padding:

1. `SIGNATURE`: magic number and version (``FastText::signModel``).
2. `ARGS`: the training arguments (``Args::save``, ``src/args.cc``).
3. `DICTIONARY_HEADER`, then ``size`` `ENTRY` records (words first, then
   labels) and ``pruneidx_size`` `PRUNEIDX_PAIR` records
   (``Dictionary::save``, ``src/dictionary.cc``).
4. `QUANT_FLAG`, then the input matrix: `DENSE_MATRIX_HEADER` and ``m * n``
   float32 (``DenseMatrix::save``, ``src/densematrix.cc``); a quantized
   model (``.ftz``) has a product-quantized matrix here, which is not read.
5. ``qout`` (bool) and the output matrix, which word vectors do not use.

The input matrix has ``nwords`` word rows, then one row per hash bucket of
character n-grams. A word's vector (``FastText::getWordVector``) is the mean
of the rows ``Dictionary::getSubwords`` lists: the word's own row if it is
in the dictionary, plus one row per character n-gram of ``"<" + word + ">"``
(``Dictionary::computeSubwords``: ``minn`` to ``maxn`` UTF-8 characters,
bucket ``hash(ngram) % bucket``, where ``hash`` is 32-bit FNV-1a over the
bytes *sign-extended from int8*, ``Dictionary::hash``). So any word, seen
in training or not, gets a vector. The end-of-sentence word ``</s>`` has
only its own row (``Dictionary::initNgrams``); gensim gives it n-grams too.

The input matrix is memory-mapped, never read whole: loading reads the
dictionary and only the rows of the words kept, so a 7 GB ``cc.en.300.bin``
loads a vocabulary's vectors in a few hundred MB.

Example:
    >>> vectors = load_vectors("cc.en.300.bin", vocab=tokenizer)
    >>> "movie" in vectors  # a word of the (loaded) dictionary
    True
    >>> vectors.subword.vector_for("unmoviely").shape  # any word
    (300,)
"""

from __future__ import annotations

import bz2
import gzip
import mmap
import warnings
import zipfile
from array import array
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from embedlab.errors import VectorFileError
from embedlab.vectors.core import Vectors
from embedlab.vectors.formats import (
    FASTTEXT_MAGIC,
    FASTTEXT_VERSIONS,
    is_fasttext_bin,
    sniff_compression,
)
from embedlab.vectors.rows import SkippedRows

# (name, numpy dtype, meaning) of each field, in file order.
Field = tuple[str, str, str]

SIGNATURE: tuple[Field, ...] = (
    ("magic", "<i4", f"{FASTTEXT_MAGIC} (FASTTEXT_FILEFORMAT_MAGIC_INT32)"),
    ("version", "<i4", "FASTTEXT_VERSION: 12; 11 is read too"),
)
ARGS: tuple[Field, ...] = (
    ("dim", "<i4", "vector size"),
    ("ws", "<i4", "context window"),
    ("epoch", "<i4", "training epochs"),
    ("min_count", "<i4", "minCount"),
    ("neg", "<i4", "negatives sampled"),
    ("word_ngrams", "<i4", "wordNgrams (supervised)"),
    ("loss", "<i4", "loss_name: 1 hs, 2 ns, 3 softmax, 4 ova"),
    ("model", "<i4", "model_name: 1 cbow, 2 sg, 3 sup"),
    ("bucket", "<i4", "number of character n-gram hash buckets"),
    ("minn", "<i4", "shortest character n-gram"),
    ("maxn", "<i4", "longest character n-gram (0: no subwords)"),
    ("lr_update_rate", "<i4", "lrUpdateRate"),
    ("t", "<f8", "sampling threshold"),
)
DICTIONARY_HEADER: tuple[Field, ...] = (
    ("size", "<i4", "entries: nwords words, then nlabels labels"),
    ("nwords", "<i4", "word entries"),
    ("nlabels", "<i4", "label entries"),
    ("ntokens", "<i8", "tokens in the training corpus"),
    ("pruneidx_size", "<i8", "-1: n-grams not pruned; else PRUNEIDX_PAIR records"),
)
ENTRY: tuple[Field, ...] = (
    ("word", "bytes", "the word's bytes, then b'\\0'"),
    ("count", "<i8", "occurrences in training"),
    ("type", "i1", "entry_type: 0 word, 1 label"),
)
PRUNEIDX_PAIR: tuple[Field, ...] = (
    ("bucket", "<i4", "a kept n-gram bucket"),
    ("row", "<i4", "its row, counted after the word rows"),
)
QUANT_FLAG: tuple[Field, ...] = (("quant", "?", "true: a product-quantized matrix follows"),)
DENSE_MATRIX_HEADER: tuple[Field, ...] = (
    ("m", "<i8", "rows: nwords + bucket (or + pruneidx_size when pruned)"),
    ("n", "<i8", "columns: dim"),
)
MATRIX_DTYPE = np.dtype("<f4")  # `real` is float

# src/dictionary.h
EOS = b"</s>"
BOW = b"<"
EOW = b">"
ENTRY_WORD = 0
ENTRY_LABEL = 1
MODEL_SUPERVISED = 3
# Dictionary::hash: 32-bit FNV-1a
FNV_OFFSET = 2166136261
FNV_PRIME = 16777619

# Bytes of input-matrix rows gathered at once when averaging.
_GATHER_BYTES = 1 << 25
# Dictionary words decoded per call.
_DECODE_WORDS = 1 << 16


def _dtype(fields: tuple[Field, ...]) -> np.dtype:
    return np.dtype([(name, fmt) for name, fmt, _ in fields])


_HEADER = _dtype(SIGNATURE + ARGS + DICTIONARY_HEADER)
_ENTRY_TRAILER = _dtype(ENTRY[1:])
_PRUNEIDX = _dtype(PRUNEIDX_PAIR)
_QUANT = _dtype(QUANT_FLAG)
_MATRIX_HEADER = _dtype(DENSE_MATRIX_HEADER)
_ENTRY_TYPE_OFFSET = _ENTRY_TRAILER.itemsize - _dtype(ENTRY[2:]).itemsize


def fasttext_hash(data: bytes) -> int:
    """fastText's hash of `data` (``Dictionary::hash``): 32-bit FNV-1a.

    Each byte is XORed in as ``uint32_t(int8_t(c))``, so bytes from 0x80 up
    (every byte of a non-ASCII UTF-8 character) are sign-extended to
    ``0xFFFFFF80``-``0xFFFFFFFF``: not the standard FNV-1a, but the one that
    fastText's n-gram buckets use.

    Example:
        >>> fasttext_hash("<café>".encode())  # standard FNV-1a gives 1000711971
        3312017187
    """
    h = FNV_OFFSET
    for byte in data:
        h = ((h ^ (byte | 0xFFFFFF00 if byte & 0x80 else byte)) * FNV_PRIME) & 0xFFFFFFFF
    return h


def _signed(data: np.ndarray) -> np.ndarray:
    """int8 bytes as ``uint32_t(int8_t(c))``, as `fasttext_hash` XORs them in."""
    return data.astype(np.int32).view(np.uint32)


def _hash_segments(data: np.ndarray, begins: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """`fasttext_hash` of each ``data[begins[i] : begins[i] + lengths[i]]`` (int8), vectorised."""
    hashes = np.full(len(lengths), FNV_OFFSET, np.uint32)
    order = np.argsort(-lengths, kind="stable")
    negative_sorted = -lengths[order]
    for k in range(int(-negative_sorted[0]) if len(order) else 0):
        active = order[: np.searchsorted(negative_sorted, -k, side="left")]  # lengths > k
        byte = _signed(data[begins[active] + k])
        hashes[active] = (hashes[active] ^ byte) * np.uint32(FNV_PRIME)
    return hashes


def fasttext_hashes(words: Sequence[bytes]) -> np.ndarray:
    """`fasttext_hash` of each of `words`, as one uint32 array."""
    lengths = np.fromiter(map(len, words), np.int64, count=len(words))
    data = np.frombuffer(b"".join(words), np.int8)
    return _hash_segments(data, np.cumsum(lengths) - lengths, lengths)


def ngram_hashes(words: Sequence[bytes], minn: int, maxn: int) -> tuple[np.ndarray, np.ndarray]:
    """The character n-grams of ``b"<" + word + b">"`` for each word, hashed.

    Follows ``Dictionary::computeSubwords``: an n-gram starts at each byte
    that is not a UTF-8 continuation byte (``(c & 0xC0) != 0x80``) and spans
    `minn` to `maxn` characters; the one-character n-grams "<" and ">" are
    left out. Repeated n-grams are kept, as fastText keeps them.

    Args:
        words: sequence of bytes. Encoded words, without "<" and ">".
        minn: int. Shortest n-gram, in characters.
        maxn: int. Longest n-gram, in characters.

    Returns:
        ``(owner, hashes)``: for each n-gram the index of its word in `words`
        (int64) and its `fasttext_hash` (uint32), in fastText's order (by
        word, then start, then length).
    """
    empty = (np.empty(0, np.int64), np.empty(0, np.uint32))
    if not words or maxn < 1 or minn > maxn:
        return empty
    wrapped = [BOW + word + EOW for word in words]
    lengths = np.fromiter(map(len, wrapped), np.int64, count=len(wrapped))
    joined = b"".join(wrapped)
    data = np.frombuffer(joined, np.uint8)
    signed = _signed(np.frombuffer(joined, np.int8))
    ends = np.cumsum(lengths)
    owner_of = np.repeat(np.arange(len(words), dtype=np.int64), lengths)
    end_of = np.repeat(ends, lengths)
    is_char_start = (data & 0xC0) != 0x80
    # A character ends at byte p when byte p + 1 starts one or the word ends.
    char_ends_at = np.append(is_char_start[1:], True)
    char_ends_at[ends - 1] = True
    # One running hash per character start i; step k adds byte i + k.
    pos = np.flatnonzero(is_char_start)
    origin = pos
    first = pos == (ends - lengths)[owner_of[pos]]
    hashes = np.full(len(pos), FNV_OFFSET, np.uint32)
    n_chars = np.zeros(len(pos), np.int64)
    owners, found, origins, steps = [], [], [], []
    step = 0
    while pos.size:
        hashes = (hashes ^ signed[pos]) * np.uint32(FNV_PRIME)
        char_done = char_ends_at[pos]
        n_chars += char_done
        at_end = pos + 1 == end_of[pos]
        emit = char_done & (n_chars >= minn) & (n_chars <= maxn)
        emit &= ~((n_chars == 1) & (first | at_end))
        owners.append(owner_of[pos[emit]])
        found.append(hashes[emit])
        origins.append(origin[emit])
        steps.append(np.full(int(emit.sum()), step))
        alive = ~at_end & ~(char_done & (n_chars >= maxn))
        pos, origin, hashes = pos[alive] + 1, origin[alive], hashes[alive]
        n_chars, first = n_chars[alive], first[alive]
        step += 1
    # Byte positions grow with the word, so (start, length) order is fastText's.
    order = np.lexsort((np.concatenate(steps), np.concatenate(origins)))
    return np.concatenate(owners)[order], np.concatenate(found)[order]


@dataclass(frozen=True)
class FastTextHeader:
    """What a fastText model file says about itself.

    Attributes:
        version: int. File format version (11 or 12).
        args: dict. The `ARGS` fields by name (``dim``, ``minn``, ``maxn``,
            ``bucket``, ``model``, ...), as used to read the file.
        nwords: int. Words in the dictionary.
        nlabels: int. Labels (supervised models).
        ntokens: int. Tokens in the training corpus.
        pruneidx_size: int. -1 if the n-gram buckets were not pruned.
    """

    version: int
    args: dict[str, int | float]
    nwords: int
    nlabels: int
    ntokens: int
    pruneidx_size: int


class _WordTable:
    """The dictionary's words in one bytes blob, found by their fastText hash.

    Much smaller than a dict of millions of str: the blob, the offsets and
    a sorted hash array, ~20 bytes a word plus the words' bytes.
    """

    def __init__(self, blob: bytes, starts: np.ndarray) -> None:
        # Word i is blob[starts[i] : starts[i + 1] - 1]; each ends with b"\0".
        self._blob = blob
        self._starts = starts
        lengths = np.diff(starts) - 1
        hashes = _hash_segments(np.frombuffer(blob, np.int8), starts[:-1], lengths)
        self._order = np.argsort(hashes, kind="stable")
        self._sorted = hashes[self._order]

    def __len__(self) -> int:
        return len(self._starts) - 1

    def words(self, ids: np.ndarray) -> list[bytes]:
        blob, starts = self._blob, self._starts
        return [blob[starts[i] : starts[i + 1] - 1] for i in ids.tolist()]

    def chunk(self, start: int, stop: int) -> bytes:
        """Words ``start:stop``, each followed by b"\\0"."""
        return self._blob[self._starts[start] : self._starts[stop]]

    def find(self, words: Sequence[bytes]) -> np.ndarray:
        """The id of each word (int64), -1 for a word not in the dictionary."""
        ids = np.full(len(words), -1, np.int64)
        hashes = fasttext_hashes(words)
        lo = np.searchsorted(self._sorted, hashes, side="left")
        hi = np.searchsorted(self._sorted, hashes, side="right")
        blob, starts = self._blob, self._starts
        for k in np.flatnonzero(hi > lo).tolist():
            for candidate in self._order[lo[k] : hi[k]].tolist():
                if blob[starts[candidate] : starts[candidate + 1] - 1] == words[k]:
                    ids[k] = candidate
                    break
        return ids


class SubwordModel:
    """A fastText model's word vectors for any word, from its memory-mapped input matrix.

    Made by `load_vectors` for a fastText ``.bin``; reach it as
    ``vectors.subword``. The vector of a word is fastText's
    ``get_word_vector``: the mean of its own row (for a dictionary word) and
    the rows of its character n-grams; a word with neither gets zeros.

    Example:
        >>> vectors = load_vectors("cc.en.300.bin", vocab=["movie"])
        >>> vectors.subword.vector_for("moviegoer").shape
        (300,)
        >>> vectors.subword.vectors_for(["movie", "moviegoers"]).shape
        (2, 300)
    """

    def __init__(
        self,
        input_matrix: np.ndarray,
        words: _WordTable,
        header: FastTextHeader,
        *,
        bucket_rows: np.ndarray | None,
        encoding: str,
        name: str,
    ) -> None:
        self._matrix = input_matrix
        self._words = words
        self._header = header
        self._bucket_rows = bucket_rows
        self._encoding = encoding
        self._name = name
        self._nwords = header.nwords
        self._minn = int(header.args["minn"])
        self._maxn = int(header.args["maxn"])
        self._bucket = int(header.args["bucket"])
        dim = int(input_matrix.shape[1])
        rows_per_word = 1 + 8 * max(0, self._maxn - self._minn + 1)
        self._words_per_chunk = max(1, _GATHER_BYTES // (4 * dim * rows_per_word))

    @property
    def input_matrix(self) -> np.ndarray:
        """The read-only, memory-mapped ``(nwords + buckets, dim)`` float32 input matrix."""
        return self._matrix

    @property
    def header(self) -> FastTextHeader:
        """The file's version, training arguments and dictionary sizes."""
        return self._header

    @property
    def dim(self) -> int:
        return int(self._matrix.shape[1])

    @property
    def minn(self) -> int:
        return self._minn

    @property
    def maxn(self) -> int:
        return self._maxn

    @property
    def bucket(self) -> int:
        return self._bucket

    def __contains__(self, word: object) -> bool:
        """Whether `word` is in the model's whole dictionary (any `vocab` or `limit` aside)."""
        if not isinstance(word, str):
            return False
        return bool(self._words.find([word.encode(self._encoding)])[0] >= 0)

    def __repr__(self) -> str:
        return (
            f"SubwordModel({self._nwords:,} words + {self._bucket:,} buckets x {self.dim} dims, "
            f"n-grams of {self._minn}-{self._maxn} characters, {self._name})"
        )

    def subword_rows(self, word: str) -> np.ndarray:
        """Rows of the input matrix whose mean is `word`'s vector (``getSubwords``).

        The word's own row first if it is in the dictionary, then its
        n-grams' rows (repeats included).
        """
        raw = word.encode(self._encoding)
        _, rows = self._rows([raw], self._words.find([raw]))
        return rows

    def vector_for(self, word: str) -> np.ndarray:
        """The vector of any `word`, as fastText's ``get_word_vector`` gives it.

        For a dictionary word, the same vector `load_vectors` gives it.
        """
        return self.vectors_for([word])[0]

    def vectors_for(self, words: Sequence[str]) -> np.ndarray:
        """The ``(len(words), dim)`` float32 vectors of any `words` (see `vector_for`)."""
        return self.lookup(words)[0]

    def lookup(self, words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """The vectors of `words` and how many rows each averages.

        Returns:
            The ``(len(words), dim)`` float32 vectors, and the number of
            input rows behind each (int64): 0 for a word with no row (not in
            the dictionary and no n-gram, e.g. shorter than `minn`), whose
            vector is zeros.
        """
        if isinstance(words, str):
            raise ValueError(
                f"`words` must be a sequence of words, not one str. Received: {words!r}; "
                "use vector_for for one word."
            )
        raw = [word.encode(self._encoding) for word in words]
        return self._mean_rows(raw, self._words.find(raw))

    def dictionary_vectors(self, ids: np.ndarray) -> np.ndarray:
        """The vectors of the dictionary words numbered `ids`."""
        return self._mean_rows(self._words.words(ids), ids)[0]

    def _mean_rows(self, raw: Sequence[bytes], ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Average each word's rows, a chunk of words at a time (bounded memory)."""
        dim = self.dim
        out = np.zeros((len(raw), dim), np.float32)
        n_rows = np.zeros(len(raw), np.int64)
        matrix = np.asarray(self._matrix)  # the mapping itself; indexing reads only those rows
        step = self._words_per_chunk
        for start in range(0, len(raw), step):
            chunk = raw[start : start + step]
            owner, rows = self._rows(chunk, ids[start : start + step])
            if not rows.size:
                continue
            counts = np.bincount(owner, minlength=len(chunk))
            offsets = np.cumsum(counts) - counts
            # Add the k-th row of every word that has one, k = 0, 1, ...: the
            # words sorted by row count make those a prefix, and each word's
            # rows are summed in getSubwords order, as fastText sums them.
            by_count = np.argsort(-counts, kind="stable")
            negative_counts = -counts[by_count]
            sums = np.zeros((len(chunk), dim), np.float32)
            for k in range(int(-negative_counts[0])):
                n = int(np.searchsorted(negative_counts, -k, side="left"))  # counts > k
                sums[:n] += matrix[rows[offsets[by_count[:n]] + k]]
            sums /= np.maximum(counts[by_count], 1)[:, None].astype(np.float32)
            out[start + by_count] = sums
            n_rows[start : start + len(chunk)] = counts
        return out, n_rows

    def _rows(self, raw: Sequence[bytes], ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(owner, rows)`` sorted by owner: the input rows of each of `raw`."""
        own = np.flatnonzero(ids >= 0)
        owners = [own]
        rows = [ids[own]]
        if self._bucket > 0:
            hashed = [i for i, word in enumerate(raw) if word != EOS]  # initNgrams
            owner, hashes = ngram_hashes([raw[i] for i in hashed], self._minn, self._maxn)
            buckets = hashes.astype(np.int64) % self._bucket
            if self._bucket_rows is None:
                ngram_rows = self._nwords + buckets
            else:  # pruned: only the buckets in the table have rows (pushHash)
                ngram_rows = self._bucket_rows[buckets]
                owner, ngram_rows = owner[ngram_rows >= 0], ngram_rows[ngram_rows >= 0]
            owners.append(np.asarray(hashed, np.int64)[owner])
            rows.append(ngram_rows)
        owner = np.concatenate(owners)
        order = np.argsort(owner, kind="stable")
        return owner[order], np.concatenate(rows)[order]


class SubwordVectors(Vectors):
    """`Vectors` of a fastText model's dictionary words, with its `SubwordModel`.

    ``word in vectors`` and ``vectors[word]`` cover the loaded dictionary
    words (all of them, or those `vocab` and `limit` kept), as for any
    `Vectors`. Any other word gets its vector from character n-grams with
    ``vectors.subword.vector_for(word)`` (or ``vectors_for(words)``);
    `embedlab.classify.matrix.build_embedding_matrix` does this for words the
    vectors lack.

    Args:
        words: list of str. The loaded dictionary words.
        matrix: np.ndarray. Their vectors.
        subword: SubwordModel. The model, for every other word.
        skipped: SkippedRows or None. Dictionary words the load left out
            (not valid in the encoding, with ``errors="skip"``).
    """

    def __init__(
        self,
        words: Sequence[str],
        matrix: np.ndarray,
        subword: SubwordModel,
        *,
        skipped: SkippedRows | None = None,
    ) -> None:
        super().__init__(words, matrix, skipped=skipped)
        self._subword = subword

    @property
    def subword(self) -> SubwordModel:
        """The subword model: ``subword.vector_for(word)`` gives any word a vector."""
        return self._subword

    def __repr__(self) -> str:
        return f"SubwordVectors({len(self):,} words x {self.dim} dims, {self._subword!r})"


def sniff_fasttext_bin(path: Path) -> bool:
    """Whether `path` is a plain fastText model file (told by its first bytes).

    Raises:
        VectorFileError: if it is a compressed fastText model, which must be
            decompressed first to be memory-mapped.
    """
    try:
        with open(path, "rb") as f:
            head = f.read(4)
    except OSError:
        return False  # the ordinary readers report it
    if is_fasttext_bin(head):
        return True
    compression = sniff_compression(head)
    if compression is None:
        return False
    try:
        if compression.name == "gzip":
            with gzip.open(path, "rb") as f:
                inner = f.read(4)
        elif compression.name == "bz2":
            with bz2.open(path, "rb") as f:
                inner = f.read(4)
        else:
            inner = b""
            with zipfile.ZipFile(path) as archive:
                for info in archive.infolist():
                    if not info.is_dir():
                        with archive.open(info) as f:
                            inner = f.read(4)
                        if is_fasttext_bin(inner):
                            break
    except (OSError, EOFError, zipfile.BadZipFile):
        return False  # the ordinary readers report the damage
    if is_fasttext_bin(inner):
        raise VectorFileError(
            f"{path}: a {compression.name}-compressed fastText model. Decompress it first "
            f"(e.g. `gunzip -k {path}`): the model is memory-mapped so that only the rows "
            "needed are read, which a compressed file does not allow."
        )
    return False


@dataclass
class _ModelFile:
    header: FastTextHeader
    words: _WordTable
    bucket_rows: np.ndarray | None
    matrix_offset: int
    matrix_shape: tuple[int, int]


def _truncated(name: str, where: str, needed: int, size: int) -> VectorFileError:
    return VectorFileError(
        f"{name}: the file ends inside {where} (it has {size:,} bytes, {needed:,} needed). "
        "It is truncated: download it again."
    )


def _record(mm: mmap.mmap, pos: int, dtype: np.dtype, name: str, where: str) -> np.void:
    """The `dtype` record at byte `pos`, or a truncation error saying `where`."""
    end = pos + dtype.itemsize
    if end > len(mm):
        raise _truncated(name, where, end, len(mm))
    return np.frombuffer(mm[pos:end], dtype)[0]


def _parse(mm: mmap.mmap, name: str) -> _ModelFile:
    """Read everything but the matrices' values; check the sizes against the file's."""
    header = _read_header(mm, name)
    pos, blob, starts = _read_dictionary(mm, _HEADER.itemsize, header, name)
    words = _WordTable(blob, starts)  # once the dictionary's temporary arrays are freed
    pos, bucket_rows, n_ngram_rows = _read_pruneidx(mm, pos, header, name)
    if _record(mm, pos, _QUANT, name, "the input matrix header")["quant"]:
        raise VectorFileError(
            f"{name}: a quantized fastText model (made by `fasttext quantize`, often .ftz); its "
            "input matrix is product-quantized, which embedlab does not read. Use the "
            "unquantized .bin it was made from."
        )
    pos += _QUANT.itemsize
    shape = _record(mm, pos, _MATRIX_HEADER, name, "the input matrix header")
    rows, cols = int(shape["m"]), int(shape["n"])
    nwords, dim = header.nwords, int(header.args["dim"])
    if cols != dim or rows != nwords + n_ngram_rows:
        raise VectorFileError(
            f"{name}: the input matrix is {rows:,} x {cols:,}; the header says "
            f"{nwords:,} words + {n_ngram_rows:,} n-gram rows x {dim} dims."
        )
    offset = pos + _MATRIX_HEADER.itemsize
    end = offset + rows * cols * MATRIX_DTYPE.itemsize
    if end > len(mm):
        raise _truncated(name, "the input matrix", end, len(mm))
    _check_output_matrix(mm, end, name)
    return _ModelFile(header, words, bucket_rows, offset, (rows, cols))


def _read_header(mm: mmap.mmap, name: str) -> FastTextHeader:
    magic = int.from_bytes(mm[:4].ljust(4, b"\0"), "little", signed=True)
    if magic != FASTTEXT_MAGIC:
        compression = sniff_compression(mm[:4])
        hint = (
            f" It is {compression.name}-compressed: decompress it first."
            if compression
            else " Word-vector text (.vec, .txt) and word2vec .bin files load with format=None."
        )
        raise VectorFileError(
            f"{name}: not a fastText model: the file must start with the magic number "
            f"{FASTTEXT_MAGIC}, found {magic} ({mm[:4]!r}).{hint}"
        )
    head = _record(mm, 0, _HEADER, name, "the header")
    version = int(head["version"])
    if version not in FASTTEXT_VERSIONS:
        raise VectorFileError(
            f"{name}: fastText file format version {version}; versions "
            f"{', '.join(map(str, FASTTEXT_VERSIONS))} can be read."
        )
    args: dict[str, int | float] = {field: head[field].item() for field, _, _ in ARGS}
    if version == 11 and args["model"] == MODEL_SUPERVISED:
        args["maxn"] = 0  # FastText::loadModel: old supervised models have no char n-grams
    n_entries, nwords, nlabels = int(head["size"]), int(head["nwords"]), int(head["nlabels"])
    if not (0 < nwords <= n_entries and nlabels == n_entries - nwords) or (
        int(args["dim"]) < 1 or int(args["bucket"]) < 0
    ):
        raise VectorFileError(
            f"{name}: a damaged fastText header: {n_entries} entries, {nwords} words, "
            f"{nlabels} labels, dim {args['dim']}, {args['bucket']} buckets."
        )
    return FastTextHeader(
        version, args, nwords, nlabels, int(head["ntokens"]), int(head["pruneidx_size"])
    )


def _read_dictionary(
    mm: mmap.mmap, first: int, header: FastTextHeader, name: str
) -> tuple[int, bytes, np.ndarray]:
    """Walk the `ENTRY` records from byte `first`.

    Returns:
        The end of the records, the words' bytes each followed by b"\\0",
        and where each word starts in them (plus the end).
    """
    n_entries, nwords, size = header.nwords + header.nlabels, header.nwords, len(mm)
    ends = array("q")  # the b"\0" of each entry
    pos = first
    find = mm.find
    for i in range(n_entries):
        end = find(b"\0", pos)
        if end < 0:
            raise _truncated(name, f"dictionary entry {i + 1:,} of {n_entries:,}", size + 1, size)
        ends.append(end)
        pos = end + 1 + _ENTRY_TRAILER.itemsize
    if pos > size:
        raise _truncated(name, "dictionary entry", pos, size)
    region = np.frombuffer(mm[first:pos], np.uint8)
    trailers = np.frombuffer(ends, np.int64) - first + 1
    types = region[trailers + _ENTRY_TYPE_OFFSET].view(np.int8)
    expected = np.repeat(np.array([ENTRY_WORD, ENTRY_LABEL], np.int8), [nwords, header.nlabels])
    if (bad := np.flatnonzero(types != expected)).size:
        raise VectorFileError(
            f"{name}: dictionary entry {bad[0] + 1:,} has type {types[bad[0]]}; expected "
            f"{nwords:,} words (type {ENTRY_WORD}) then {header.nlabels:,} labels "
            f"(type {ENTRY_LABEL})."
        )
    # The words' bytes, each still followed by its b"\0", without the trailers:
    # +1 where a trailer starts, -1 where it ends, summed up: 1 inside trailers.
    words_end = int(trailers[nwords - 1])
    marks = np.zeros(words_end + _ENTRY_TRAILER.itemsize, np.int8)
    marks[trailers[: nwords - 1]] = 1
    marks[trailers[: nwords - 1] + _ENTRY_TRAILER.itemsize] = -1
    in_trailer = np.cumsum(marks[:words_end], dtype=np.int8).view(bool)
    blob = region[:words_end][~in_trailer].tobytes()
    entry_starts = np.append(0, trailers[: nwords - 1] + _ENTRY_TRAILER.itemsize)
    starts = np.append(0, np.cumsum(trailers[:nwords] - entry_starts))
    return pos, blob, starts


def _read_pruneidx(
    mm: mmap.mmap, pos: int, header: FastTextHeader, name: str
) -> tuple[int, np.ndarray | None, int]:
    """The `PRUNEIDX_PAIR` table as bucket -> input row (-1: no row), or None if not pruned.

    Returns:
        The end of the table, the map, and the number of n-gram rows.
    """
    bucket = int(header.args["bucket"])
    if header.pruneidx_size < 0:
        return pos, None, bucket
    end = pos + header.pruneidx_size * _PRUNEIDX.itemsize
    if end > len(mm):
        raise _truncated(name, "the pruned n-gram table", end, len(mm))
    pairs = np.frombuffer(mm[pos:end], _PRUNEIDX)
    ok = (pairs["bucket"] >= 0) & (pairs["bucket"] < bucket)
    ok &= (pairs["row"] >= 0) & (pairs["row"] < header.pruneidx_size)
    if not ok.all():
        raise VectorFileError(f"{name}: the pruned n-gram table has entries out of range.")
    bucket_rows = np.full(bucket, -1, np.int64)  # Dictionary::pushHash drops the others
    bucket_rows[pairs["bucket"]] = header.nwords + pairs["row"].astype(np.int64)
    return end, bucket_rows, header.pruneidx_size


def _check_output_matrix(mm: mmap.mmap, pos: int, name: str) -> None:
    """Check that the (unused) output matrix is all there, so a truncated file is told."""
    if _record(mm, pos, _QUANT, name, "the output matrix")["quant"]:
        return  # a quantized output matrix: its size is not checked
    pos += _QUANT.itemsize
    shape = _record(mm, pos, _MATRIX_HEADER, name, "the output matrix")
    end = pos + _MATRIX_HEADER.itemsize + int(shape["m"]) * int(shape["n"]) * MATRIX_DTYPE.itemsize
    if end > len(mm):
        raise _truncated(name, "the output matrix", end, len(mm))


def _select(
    words: _WordTable,
    stop: int,
    *,
    vocab: Collection[str] | None,
    encoding: str,
    errors: str,
    name: str,
) -> tuple[list[str], np.ndarray, SkippedRows]:
    """Decode the first `stop` words; keep those whose lower case is in `vocab` (all if None).

    A word not valid in `encoding` raises (``errors="strict"``) or is left
    out and counted (``errors="skip"``).
    """
    kept: list[str] = []
    ids: list[int] = []
    skipped = SkippedRows(name, "record")
    for start in range(0, stop, _DECODE_WORDS):
        end = min(stop, start + _DECODE_WORDS)
        chunk = words.chunk(start, end)
        try:
            decoded: list[str | None] = list(chunk.decode(encoding).split("\0")[:-1])
        except UnicodeDecodeError:
            decoded = []
            for i, raw in enumerate(chunk.split(b"\0")[:-1], start=start):
                try:
                    decoded.append(raw.decode(encoding))
                except UnicodeDecodeError as exc:
                    if errors == "strict":
                        raise VectorFileError(
                            f"{name} record {i + 1}: the word {raw!r} is not valid {encoding} "
                            f"({exc.reason}). Pass the file's encoding, e.g. "
                            "encoding='latin-1', or errors='skip' to leave such words out."
                        ) from exc
                    skipped.add("undecodable", i + 1)
                    decoded.append(None)
        for i, word in enumerate(decoded, start=start):
            if word is not None and (vocab is None or word.lower() in vocab):
                kept.append(word)
                ids.append(i)
    return kept, np.asarray(ids, np.int64), skipped


def read_fasttext_bin(
    path: Path,
    *,
    vocab: Collection[str] | None = None,
    encoding: str = "utf-8",
    limit: int | None = None,
    errors: str = "strict",
    dtype: np.dtype[Any] | type[np.floating[Any]] = np.float32,
) -> SubwordVectors:
    """Load the word vectors of a fastText model file, with its subword model.

    `load_vectors` calls this for a fastText ``.bin``; the arguments are its own.

    Args:
        path: Path. The (uncompressed) ``.bin`` file.
        vocab: collection of str, or None. Lower-cased words: only dictionary
            words whose lower case is in it are loaded (their rows read).
        encoding: str. Encoding of the words (fastText writes UTF-8).
        limit: int or None. Consider only the first `limit` dictionary words.
        errors: str. A word not valid in `encoding`: "strict" raises,
            "skip" leaves it out (warning with the count; see
            ``vectors.skipped``).
        dtype: numpy dtype. float32, or float16 to store the loaded matrix
            in half the memory (the subword model computes in float32).

    Returns:
        The dictionary words, in file order (most frequent first), with the
        vectors fastText's ``get_word_vector`` gives them, and the
        `SubwordModel` for any other word.

    Raises:
        VectorFileError: if the file is not a fastText model, is truncated,
            is quantized, or (with ``errors="strict"``) has a word not valid
            in `encoding`; the message names the file.
    """
    name = str(path)
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        model = _parse(mm, name)
    matrix = np.memmap(
        path, dtype=MATRIX_DTYPE, mode="r", offset=model.matrix_offset, shape=model.matrix_shape
    )
    subword = SubwordModel(
        matrix,
        model.words,
        model.header,
        bucket_rows=model.bucket_rows,
        encoding=encoding,
        name=name,
    )
    stop = model.header.nwords if limit is None else min(limit, model.header.nwords)
    words, ids, skipped = _select(
        model.words, stop, vocab=vocab, encoding=encoding, errors=errors, name=name
    )
    if skipped:
        warnings.warn(
            f"{skipped.message()} (errors='skip'; see vectors.skipped)", UserWarning, stacklevel=3
        )
    vectors = subword.dictionary_vectors(ids).astype(dtype, copy=False)
    return SubwordVectors(words, vectors, subword, skipped=skipped)
