"""The embedding matrix for a tokenizer's vocabulary, and its coverage report.

Row ``i`` of the matrix is the vector of the word whose id is ``i``; row 0 is
padding and stays zero. Words the vectors lack get zeros or, as Kim (2014)
does, seeded uniform noise ``U[-a, a]`` whose variance equals the pretrained
vectors' own (``a = sqrt(3 * var)``). With fastText model vectors (a
`SubwordVectors`, loaded from a ``.bin``), a word they lack gets its vector
from its character n-grams first, as fastText gives unseen words one.

Vectors trained on Penn-Treebank-tokenised text (GloVe 6B: Wikipedia and
Gigaword) have no row for ``don't`` or ``hotel's``: there they were ``do`` +
``n't`` and ``hotel`` + ``'s``. Such a word (a `CLITICS` ending) gets the
mean of its two parts' vectors; `vocabulary_with_clitics` names the parts, so
that a vocabulary-restricted load keeps their rows.

`resolve_vectors` gives a classifier's fit the vectors its matrix is built
from: in-memory vectors as they are, a name or path loaded restricted to the
tokenizer's words and their clitic parts; `vectors_dim` reads only the size.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

if TYPE_CHECKING:
    from embedlab.text.tokenizer import Tokenizer
    from embedlab.vectors import Vectors

OOVInit = Literal["random", "zeros"]
OOV_INITS: tuple[str, ...] = ("random", "zeros")
N_MISSING_SHOWN = 20
# Penn Treebank clitics, split off the word before them (``can't`` -> ``ca`` ``n't``);
# a last "'" is a plural possessive (``characters'``)
CLITICS: tuple[str, ...] = ("n't", "'s", "'ve", "'re", "'ll", "'d", "'m", "'")


@dataclass(frozen=True)
class Coverage:
    """How much of a vocabulary a set of vectors covers.

    Attributes:
        vocab_types: int. Word types in the vocabulary (padding excluded).
        covered_types: int. Types found in the vectors (exactly or by case).
        case_fallback_types: int. Of those, types found only under another case.
        vocab_tokens: int. Training tokens whose word is in the vocabulary.
        covered_tokens: int. Those tokens whose word has a vector.
        missing: list of (word, count). The most frequent words with no vector.
        added_types: int. Words given ids from the vectors that training lacks.
        subword_types: int. Types not found, given their fastText subword
            vector instead (not counted as covered, nor as missing).
        subword_tokens: int. Tokens of those types.
        clitic_types: int. Types found as word + clitic (``do`` ``n't``),
            given the mean of the two vectors; counted as covered.
    """

    vocab_types: int
    covered_types: int
    case_fallback_types: int
    vocab_tokens: int
    covered_tokens: int
    missing: list[tuple[str, int]] = field(default_factory=list)
    added_types: int = 0
    subword_types: int = 0
    subword_tokens: int = 0
    clitic_types: int = 0

    @property
    def type_ratio(self) -> float:
        return self.covered_types / self.vocab_types if self.vocab_types else 0.0

    @property
    def token_ratio(self) -> float:
        return self.covered_tokens / self.vocab_tokens if self.vocab_tokens else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "vocab_types": self.vocab_types,
            "covered_types": self.covered_types,
            "case_fallback_types": self.case_fallback_types,
            "type_coverage": round(self.type_ratio, 6),
            "vocab_tokens": self.vocab_tokens,
            "covered_tokens": self.covered_tokens,
            "token_coverage": round(self.token_ratio, 6),
            "missing": [[word, count] for word, count in self.missing],
            "added_types": self.added_types,
            "subword_types": self.subword_types,
            "subword_tokens": self.subword_tokens,
            "clitic_types": self.clitic_types,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Coverage:
        return cls(
            vocab_types=int(data["vocab_types"]),
            covered_types=int(data["covered_types"]),
            case_fallback_types=int(data["case_fallback_types"]),
            vocab_tokens=int(data["vocab_tokens"]),
            covered_tokens=int(data["covered_tokens"]),
            missing=[(str(w), int(c)) for w, c in data.get("missing", [])],
            added_types=int(data.get("added_types", 0)),
            subword_types=int(data.get("subword_types", 0)),
            subword_tokens=int(data.get("subword_tokens", 0)),
            clitic_types=int(data.get("clitic_types", 0)),
        )

    def lines(self) -> list[str]:
        """The report as short human-readable lines (the CLI prints them)."""
        out = [
            f"word types covered: {self.covered_types:,} / {self.vocab_types:,} "
            f"({100 * self.type_ratio:.1f}%)",
            f"tokens covered:     {self.covered_tokens:,} / {self.vocab_tokens:,} "
            f"({100 * self.token_ratio:.1f}%)",
        ]
        if self.case_fallback_types:
            out.append(f"found under another case: {self.case_fallback_types:,} types")
        if self.clitic_types:
            out.append(f"built from word + clitic (do + n't): {self.clitic_types:,} types")
        if self.subword_types:
            out.append(
                f"built from subwords (fastText n-grams): {self.subword_types:,} types, "
                f"{self.subword_tokens:,} tokens"
            )
        if self.added_types:
            out.append(f"words added from the vectors (unseen in training): {self.added_types:,}")
        if self.missing:
            # a control character (cp1252's dashes read as Latin-1: "\x96") prints as
            # nothing: such words are shown escaped
            shown = ", ".join(f"{w if w.isprintable() else repr(w)} ({c})" for w, c in self.missing)
            out.append(f"most frequent missing: {shown}")
        return out


def _case_variants(word: str) -> tuple[str, ...]:
    return (word.lower(), word.capitalize(), word.upper())


def clitic_parts(word: str) -> tuple[str, str] | None:
    """``"don't"`` -> ``("do", "n't")``, as Penn Treebank tokenisation splits it.

    Args:
        word: str. A word; a typographic apostrophe (U+2019) counts as ``'``.

    Returns:
        The word before the clitic, lower-cased, and the clitic (one of
        `CLITICS`), or for a word after an opening quote (``'the``) the word
        and ``'``; None if `word` has none of them or is only a clitic.
    """
    word = word.lower().replace("\u2019", "'")
    for clitic in CLITICS:
        if word.endswith(clitic) and len(word) > len(clitic):
            return word[: -len(clitic)], clitic
    if word.startswith("'") and len(word) > 1 and word not in CLITICS:
        return word[1:], "'"
    return None


def vocabulary_with_clitics(words: Iterable[str]) -> list[str]:
    """`words` and the parts of those that end in a clitic, for a restricted load.

    Example:
        >>> vocabulary_with_clitics(["don't", "film"])
        ["don't", 'film', 'do', "n't"]
    """
    out = list(words)
    parts = {part for word in out if (split := clitic_parts(word)) for part in split}
    return out + sorted(parts.difference(out))


def _clitic_row(word: str, vectors: Vectors) -> np.ndarray | None:
    """The mean of the vectors of `word`'s two parts, if it has a clitic and both have one."""
    parts = clitic_parts(word)
    if parts is None:
        return None
    index = vectors.key_to_index
    rows = [index.get(part) for part in parts]
    if rows[0] is None or rows[1] is None:
        return None
    return np.asarray(vectors.matrix[np.asarray(rows)].mean(axis=0), dtype=np.float32)


def build_embedding_matrix(
    tokenizer: Tokenizer,
    vectors: Vectors,
    *,
    oov: OOVInit = "random",
    seed: int = 0,
    case_fallback: bool = True,
    subwords: bool = True,
    clitics: bool = True,
) -> tuple[np.ndarray, Coverage]:
    """Build the ``(tokenizer.vocab_size, vectors.dim)`` embedding matrix.

    Args:
        tokenizer: Tokenizer. A fitted tokenizer; its ids index the rows.
        vectors: Vectors. Pretrained vectors (a restricted load is enough).
        oov: str. Rows of words without a vector: ``"random"`` draws
            ``U[-a, a]`` with the vectors' variance (Kim 2014), ``"zeros"``.
        seed: int. Seed of the random rows.
        case_fallback: bool. Look a word up as lower-case, Capitalised and
            UPPER-case when its own form has no vector.
        subwords: bool. When `vectors` has a subword model (a fastText
            ``.bin``), give a word still without a vector the mean of its
            character n-grams' vectors (``vectors.subword.vector_for``)
            rather than an `oov` row. The OOV token gets an `oov` row.
        clitics: bool. Give a word the vectors lack that ends in a clitic
            (``don't``, ``hotel's``) the mean of its parts' vectors (``do``,
            ``n't``) when both have one; see `clitic_parts`.

    Returns:
        The float32 matrix (row 0 zeros) and its `Coverage`.

    Raises:
        ValueError: if `oov` is not one of "random", "zeros".

    Example:
        >>> matrix, coverage = build_embedding_matrix(tokenizer, vectors)
        >>> matrix.shape == (tokenizer.vocab_size, vectors.dim)
        True
    """
    if oov not in OOV_INITS:
        raise ValueError(f"`oov` must be one of {OOV_INITS}. Received: oov={oov!r}")
    vocab_size = tokenizer.vocab_size
    matrix = np.zeros((vocab_size, vectors.dim), dtype=np.float32)
    found_rows: list[int] = []
    found_ids: list[int] = []
    missing_ids: list[int] = []
    clitic_ids: list[int] = []
    fallback = 0
    index = vectors.key_to_index
    counts = tokenizer.word_counts
    for word, i in tokenizer.word_index.items():
        if i >= vocab_size:
            continue
        row = index.get(word)
        if row is None and case_fallback:
            for variant in _case_variants(word):
                row = index.get(variant)
                if row is not None:
                    fallback += 1
                    break
        if row is None and clitics and (mean := _clitic_row(word, vectors)) is not None:
            matrix[i] = mean
            clitic_ids.append(i)
        elif row is None:
            missing_ids.append(i)
        else:
            found_ids.append(i)
            found_rows.append(row)
    if found_rows:
        matrix[np.asarray(found_ids)] = vectors.matrix[np.asarray(found_rows)]
    subword_ids = _fill_subword_rows(matrix, missing_ids, tokenizer, vectors) if subwords else []
    if subword_ids:
        filled = set(subword_ids)
        missing_ids = [i for i in missing_ids if i not in filled]
    if oov == "random" and missing_ids:
        source = vectors.matrix[np.asarray(found_rows)] if found_rows else vectors.matrix
        a = float(np.sqrt(3.0 * np.var(source, dtype=np.float64))) if source.size else 0.25
        rng = np.random.default_rng(seed)
        noise = rng.uniform(-a, a, size=(len(missing_ids), vectors.dim))
        matrix[np.asarray(missing_ids)] = noise.astype(np.float32)

    # Coverage is over the training words; the OOV token and words added
    # from the vectors (`Tokenizer.extend_vocabulary`) have no count.
    index_word = tokenizer.index_word
    found_counts = [counts.get(index_word[i], 0) for i in found_ids + clitic_ids]
    missing_counts = sorted(
        ((index_word[i], counts.get(index_word[i], 0)) for i in missing_ids),
        key=lambda item: -item[1],
    )
    missing_counts = [(w, c) for w, c in missing_counts if c > 0]
    subword_counts = [c for c in (counts.get(index_word[i], 0) for i in subword_ids) if c > 0]
    covered_tokens = sum(found_counts)
    coverage = Coverage(
        vocab_types=sum(c > 0 for c in found_counts) + len(subword_counts) + len(missing_counts),
        covered_types=sum(c > 0 for c in found_counts),
        case_fallback_types=fallback,
        vocab_tokens=covered_tokens + sum(subword_counts) + sum(c for _, c in missing_counts),
        covered_tokens=covered_tokens,
        missing=missing_counts[:N_MISSING_SHOWN],
        added_types=sum(c == 0 for c in found_counts),
        subword_types=len(subword_counts),
        subword_tokens=sum(subword_counts),
        clitic_types=sum(counts.get(index_word[i], 0) > 0 for i in clitic_ids),
    )
    return matrix, coverage


def _fill_subword_rows(
    matrix: np.ndarray, missing_ids: list[int], tokenizer: Tokenizer, vectors: Vectors
) -> list[int]:
    """Give missing words their subword vector if `vectors` has a subword model.

    Returns:
        The ids whose rows were filled (words with at least one n-gram row).
    """
    from embedlab.vectors.fasttext_bin import SubwordVectors

    if not isinstance(vectors, SubwordVectors):
        return []
    ids = [i for i in missing_ids if tokenizer.index_word[i] != tokenizer.oov_token]
    if not ids:
        return []
    found, n_rows = vectors.subword.lookup([tokenizer.index_word[i] for i in ids])
    has = n_rows > 0
    filled = np.asarray(ids)[has]
    matrix[filled] = found[has]
    return filled.tolist()


def vectors_dim(source: Vectors | str | os.PathLike[str], *, download: bool = False) -> int:
    """The size of the vectors `source` gives, loading one row of a name or path.

    Args:
        source: Vectors, str or path. In-memory vectors, or a name/path for
            `embedlab.load_vectors`.
        download: bool. Download a catalogue name not in the cache yet.
    """
    from embedlab.vectors import Vectors, load_vectors

    if isinstance(source, Vectors):
        return source.dim
    return load_vectors(source, limit=1, download=download).dim


# Issue 14 item 5: words the training texts lack keep their vectors in mode
# `static` (4-10% of dev tokens on MR, SST-2, TREC are unseen in training but
# in GloVe 6B); `cnn` static with them (and its projection), mean dev accuracy
# MR / SST-2 / TREC 76.3 / 79.0 / 85.0 -> 76.4 / 79.3 / 86.5, without the
# projection 73.7 / 76.4 / 77.9 -> 74.8 / 77.3 / 78.3 (benchmarks/static_vs_rand.py).
# Not for `nonstatic`: the recipe's CNN lost with them on 4 of 6 dev splits
# (MR 77.81 -> 76.35, 78.96 -> 75.83; TREC 89.17 -> 86.97). The first 100,000
# GloVe 6B words are 20 MB of 50d rows.
STATIC_PRETRAINED_VOCAB = 100_000


def resolve_vectors(
    source: Vectors | str | os.PathLike[str],
    tokenizer: Tokenizer,
    *,
    pretrained_vocab: int = 0,
    download: bool = False,
) -> Vectors:
    """The vectors for `tokenizer`'s words, extending it by `pretrained_vocab` words.

    Args:
        source: Vectors, str or path. In-memory vectors (returned as they
            are), or a name/path for `embedlab.load_vectors`, loaded
            restricted to the tokenizer's words and their clitic parts
            (`vocabulary_with_clitics`).
        tokenizer: Tokenizer. Fitted; extended in place
            (`Tokenizer.extend_vocabulary`) by the vectors' first
            `pretrained_vocab` (most frequent) words it lacks.
        pretrained_vocab: int. How many of the vectors' first words to give
            ids; 0 keeps the tokenizer's vocabulary.
        download: bool. Download a catalogue name not in the cache yet.
    """
    from embedlab.vectors import Vectors, load_vectors

    if isinstance(source, Vectors):
        if pretrained_vocab:
            tokenizer.extend_vocabulary(source.words[:pretrained_vocab])
        return source
    if pretrained_vocab:
        head = load_vectors(source, limit=pretrained_vocab, download=download)
        tokenizer.extend_vocabulary(head.words)
    vocab = vocabulary_with_clitics(tokenizer.word_index)  # don't -> do, n't
    return load_vectors(source, vocab=vocab, download=download)
