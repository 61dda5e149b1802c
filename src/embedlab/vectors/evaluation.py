"""Intrinsic evaluation of word vectors: analogies and word-pair similarity.

Analogies (Mikolov et al. 2013, https://arxiv.org/abs/1301.3781) are read in
the layout of word2vec's ``questions-words.txt``: ``: section`` lines, then
``a b c d`` lines meaning "a is to b as c is to d". A question counts when
its four words are among the first `restrict_vocab` words (files are sorted
by frequency), as gensim's ``KeyedVectors.evaluate_word_analogies`` does, and
is answered two ways (Levy & Goldberg 2014, "Linguistic Regularities in
Sparse and Explicit Word Representations", https://aclanthology.org/W14-1618/):

* 3CosAdd: ``argmax_x cos(x, b) - cos(x, a) + cos(x, c)``;
* 3CosMul: ``argmax_x cos'(x, b) cos'(x, c) / (cos'(x, a) + 1e-3)`` with
  ``cos' = (cos + 1) / 2``;

over the restricted words other than a, b and c. Matching ignores case, as
gensim's ``case_insensitive=True``: questions are lower-cased and each
lower-cased word takes the vector of its most frequent spelling.

The scores are computed without a Python loop per question: the cosines of
the distinct question words with the restricted unit matrix come from one
matrix product per block of candidate words, and a compiled kernel (numba,
both cores) combines the three rows of each question, leaves a, b and c
out and keeps the best candidate of each method.

Word-pair files (WordSim-353, SimLex-999) hold ``word1 word2 score`` lines,
tab- or space-separated, with ``#`` comments; the Spearman rank correlation
between the scores and the cosines is computed over the pairs whose two
words are known (the coverage is reported beside it).
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from embedlab.errors import DataError
from embedlab.vectors.core import Vectors

__all__ = [
    "AnalogyResult",
    "AnalogyScore",
    "SimilarityResult",
    "evaluate",
    "evaluate_analogies",
    "evaluate_similarity",
    "read_analogies",
    "read_word_pairs",
]

RESTRICT_VOCAB = 300_000
"""Default number of most frequent words searched (gensim's `restrict_vocab`)."""

COSMUL_EPSILON = 1e-3
"""The epsilon of 3CosMul's denominator (Levy & Goldberg 2014)."""

_BLOCK_COLUMNS = 16_384  # candidate words per matrix product; bounds memory


@dataclass(frozen=True)
class AnalogyScore:
    """Counts of one section (or of all sections) of an analogy file.

    Attributes:
        correct_3cosadd: int. Questions answered right by 3CosAdd.
        correct_3cosmul: int. Questions answered right by 3CosMul.
        n: int. Questions evaluated (all four words known).
        oov: int. Questions skipped because a word is not among the
            restricted words.
    """

    correct_3cosadd: int
    correct_3cosmul: int
    n: int
    oov: int

    @property
    def accuracy_3cosadd(self) -> float | None:
        """Fraction of the evaluated questions 3CosAdd got right (None if none)."""
        return self.correct_3cosadd / self.n if self.n else None

    @property
    def accuracy_3cosmul(self) -> float | None:
        """Fraction of the evaluated questions 3CosMul got right (None if none)."""
        return self.correct_3cosmul / self.n if self.n else None

    def to_dict(self) -> dict[str, Any]:
        """``{"3cosadd": acc, "3cosmul": acc, "n": n, "oov": oov}``."""
        return {
            "3cosadd": self.accuracy_3cosadd,
            "3cosmul": self.accuracy_3cosmul,
            "n": self.n,
            "oov": self.oov,
        }


@dataclass(frozen=True)
class AnalogyResult:
    """Analogy accuracy in total and per section, in file order.

    Attributes:
        total: AnalogyScore. All sections together.
        sections: dict of str to AnalogyScore. One entry per ``: section``.
    """

    total: AnalogyScore
    sections: dict[str, AnalogyScore]

    def to_dict(self) -> dict[str, Any]:
        """``{"total": {...}, "sections": {name: {...}}}``, accuracies as fractions."""
        return {
            "total": self.total.to_dict(),
            "sections": {name: score.to_dict() for name, score in self.sections.items()},
        }


@dataclass(frozen=True)
class SimilarityResult:
    """Spearman correlation of a word-pair file.

    Attributes:
        spearman: float or None. Spearman's rho between the human scores and
            the cosines of the covered pairs (None with fewer than 2 pairs).
        pairs: int. Pairs in the file.
        covered: int. Pairs whose two words have vectors.
    """

    spearman: float | None
    pairs: int
    covered: int

    def to_dict(self) -> dict[str, Any]:
        """``{"spearman": rho, "pairs": n, "covered": n}``."""
        return {"spearman": self.spearman, "pairs": self.pairs, "covered": self.covered}


@dataclass(frozen=True)
class _Questions:
    sections: list[str]
    section_of: np.ndarray  # (n,) int: index into sections
    words: list[tuple[str, str, str, str]]


def read_analogies(path: str | os.PathLike[str], *, lower: bool = True) -> _Questions:
    """Read an analogy file: ``: section`` lines and ``a b c d`` questions.

    Args:
        path: str or path. The file (UTF-8).
        lower: bool. Lower-case the words.

    Returns:
        The sections and the questions in file order.

    Raises:
        DataError: if the file cannot be read, a question comes before any
            section, or a line does not hold four words; the message names
            the file and line.
    """
    path = Path(path)
    sections: list[str] = []
    section_of: list[int] = []
    words: list[tuple[str, str, str, str]] = []
    for number, line in _read_lines(path):
        if line.startswith(":"):
            sections.append(line[1:].strip())
            continue
        fields = line.lower().split() if lower else line.split()
        if not sections:
            raise DataError(
                f"{path} line {number}: a question before any ': section' line; "
                "an analogy file starts with a section name."
            )
        if len(fields) != 4:
            raise DataError(
                f"{path} line {number}: expected 4 words 'a b c d', found {len(fields)}: "
                f"{line!r:.80}"
            )
        words.append((fields[0], fields[1], fields[2], fields[3]))
        section_of.append(len(sections) - 1)
    return _Questions(sections, np.asarray(section_of, dtype=np.int64), words)


def read_word_pairs(
    path: str | os.PathLike[str], *, lower: bool = True
) -> tuple[list[tuple[str, str]], np.ndarray]:
    """Read a word-pair file: ``word1 word2 score`` lines, ``#`` comments.

    Fields are split on tabs when the line has one, else on whitespace; the
    third field is the score and later fields are ignored.

    Args:
        path: str or path. The file (UTF-8).
        lower: bool. Lower-case the words.

    Returns:
        The pairs and a float64 array of their scores.

    Raises:
        DataError: if the file cannot be read, or a line has fewer than three
            fields or a score that is not a number; the message names the
            file and line.
    """
    path = Path(path)
    pairs: list[tuple[str, str]] = []
    scores: list[float] = []
    for number, line in _read_lines(path):
        if line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")] if "\t" in line else line.split()
        if len(fields) < 3:
            raise DataError(
                f"{path} line {number}: expected 'word1 word2 score', found {len(fields)} "
                f"field(s): {line!r:.80}"
            )
        try:
            score = float(fields[2])
        except ValueError:
            raise DataError(
                f"{path} line {number}: the score {fields[2]!r} (third field) is not a number"
            ) from None
        if not math.isfinite(score):
            raise DataError(f"{path} line {number}: the score {fields[2]!r} is not finite")
        a, b = (fields[0].lower(), fields[1].lower()) if lower else (fields[0], fields[1])
        pairs.append((a, b))
        scores.append(score)
    return pairs, np.asarray(scores, dtype=np.float64)


def evaluate_analogies(
    vectors: Vectors,
    path: str | os.PathLike[str],
    *,
    restrict_vocab: int = RESTRICT_VOCAB,
    case_insensitive: bool = True,
) -> AnalogyResult:
    """Analogy accuracy with 3CosAdd and 3CosMul, per section and in total.

    Follows gensim's ``evaluate_word_analogies(restrict_vocab=...,
    case_insensitive=...)``: a question is evaluated when its four words are
    among the first `restrict_vocab` words, the answer is searched among
    those words, and a, b and c (in any spelling, when case-insensitive) are
    never the answer.

    Args:
        vectors: Vectors. The vectors, most frequent words first.
        path: str or path. An analogy file (``: section`` and ``a b c d`` lines).
        restrict_vocab: int. Number of leading words searched and accepted.
        case_insensitive: bool. Lower-case the questions and give each
            lower-cased word the vector of its first (most frequent) spelling.

    Returns:
        An `AnalogyResult`.

    Raises:
        ValueError: if `restrict_vocab` is not a positive integer.
        DataError: if the file is malformed (see `read_analogies`).

    Example:
        >>> result = evaluate_analogies(load_vectors("glove-6B-50d"), "questions-words.txt")
        >>> round(result.total.accuracy_3cosadd, 4)
        0.4637
    """
    _check_restrict(restrict_vocab)
    questions = read_analogies(path, lower=case_insensitive)
    end = min(restrict_vocab, len(vectors))
    lookup, canon = _restricted_lookup(vectors.words[:end], case_insensitive=case_insensitive)
    n_sections = len(questions.sections)
    ids = np.array(
        [[lookup.get(word, -1) for word in quad] for quad in questions.words], dtype=np.int64
    ).reshape(-1, 4)
    known = (ids >= 0).all(axis=1)
    oov = np.bincount(questions.section_of[~known], minlength=n_sections)
    asked = ids[known]
    section_of = questions.section_of[known]
    arg_add, arg_mul = _answer(vectors.unit_matrix[:end], asked[:, :3], canon)
    right_add = (arg_add >= 0) & (canon[arg_add] == asked[:, 3])
    right_mul = (arg_mul >= 0) & (canon[arg_mul] == asked[:, 3])
    n = np.bincount(section_of, minlength=n_sections)
    add = np.bincount(section_of, weights=right_add, minlength=n_sections)
    mul = np.bincount(section_of, weights=right_mul, minlength=n_sections)
    sections = {
        name: AnalogyScore(int(add[i]), int(mul[i]), int(n[i]), int(oov[i]))
        for i, name in enumerate(questions.sections)
    }
    total = AnalogyScore(
        int(right_add.sum()), int(right_mul.sum()), int(known.sum()), int((~known).sum())
    )
    return AnalogyResult(total, sections)


def evaluate_similarity(
    vectors: Vectors,
    path: str | os.PathLike[str],
    *,
    restrict_vocab: int = RESTRICT_VOCAB,
    case_insensitive: bool = True,
) -> SimilarityResult:
    """Spearman's rho between a word-pair file's scores and the vectors' cosines.

    Follows gensim's ``evaluate_word_pairs``: pairs with a word outside the
    first `restrict_vocab` words are left out and counted.

    Args:
        vectors: Vectors. The vectors, most frequent words first.
        path: str or path. A word-pair file (see `read_word_pairs`).
        restrict_vocab: int. Number of leading words accepted.
        case_insensitive: bool. Lower-case the pairs and give each
            lower-cased word the vector of its first spelling.

    Returns:
        A `SimilarityResult`.

    Raises:
        ValueError: if `restrict_vocab` is not a positive integer.
        DataError: if the file is malformed (see `read_word_pairs`).

    Example:
        >>> evaluate_similarity(load_vectors("glove-6B-50d"), "wordsim353.tsv").spearman
        0.5...
    """
    from scipy.stats import spearmanr

    _check_restrict(restrict_vocab)
    pairs, scores = read_word_pairs(path, lower=case_insensitive)
    end = min(restrict_vocab, len(vectors))
    lookup, _ = _restricted_lookup(vectors.words[:end], case_insensitive=case_insensitive)
    rows = np.array([[lookup.get(a, -1), lookup.get(b, -1)] for a, b in pairs], dtype=np.int64)
    rows = rows.reshape(-1, 2)
    covered = (rows >= 0).all(axis=1)
    unit = vectors.unit_matrix
    cosines = np.einsum("ij,ij->i", unit[rows[covered, 0]], unit[rows[covered, 1]])
    rho: float | None = None
    if covered.sum() >= 2:
        rho = float(spearmanr(scores[covered], cosines.astype(np.float64)).statistic)
        if math.isnan(rho):
            rho = None
    return SimilarityResult(rho, len(pairs), int(covered.sum()))


def evaluate(
    vectors: Vectors,
    *,
    analogies: str | os.PathLike[str] | None = None,
    similarity: Sequence[str | os.PathLike[str]] = (),
    restrict_vocab: int = RESTRICT_VOCAB,
) -> dict[str, Any]:
    """Analogies and word-pair files together, as the JSON `embedlab vectors evaluate` prints.

    Args:
        vectors: Vectors. The vectors to evaluate.
        analogies: str, path or None. An analogy file.
        similarity: sequence of str or path. Word-pair files.
        restrict_vocab: int. Number of leading words used (see above).

    Returns:
        ``{"analogy": {"total": {...}, "sections": {...}} or None,
        "similarity": {file name: {"spearman", "pairs", "covered"}}}``.

    Raises:
        ValueError: if there is nothing to evaluate or two similarity files
            share a name.
        DataError: if a file is malformed.
    """
    if analogies is None and not similarity:
        raise ValueError("Give an analogy file, word-pair files, or both. Received: neither")
    names = [Path(p).name for p in similarity]
    if len(set(names)) != len(names):
        raise ValueError(
            f"Similarity files must have distinct names (they key the results). Received: {names}"
        )
    result: dict[str, Any] = {"analogy": None, "similarity": {}}
    if analogies is not None:
        result["analogy"] = evaluate_analogies(
            vectors, analogies, restrict_vocab=restrict_vocab
        ).to_dict()
    for name, path in zip(names, similarity, strict=True):
        result["similarity"][name] = evaluate_similarity(
            vectors, path, restrict_vocab=restrict_vocab
        ).to_dict()
    return result


def _check_restrict(restrict_vocab: Any) -> None:
    if (
        isinstance(restrict_vocab, bool)
        or not isinstance(restrict_vocab, int)
        or restrict_vocab < 1
    ):
        raise ValueError(
            "`restrict_vocab` must be a positive integer. "
            f"Received: restrict_vocab={restrict_vocab!r}"
        )


def _read_lines(path: Path) -> list[tuple[int, str]]:
    """The non-blank, stripped lines of a small UTF-8 file with their numbers."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(
            f"{path}: cannot be read ({exc.strerror or exc}); check the path."
        ) from None
    lines = []
    for number, line in enumerate(raw.splitlines(), start=1):
        try:
            text = line.decode("utf-8").strip()
        except UnicodeDecodeError as exc:
            raise DataError(f"{path} line {number}: not valid UTF-8 ({exc.reason})") from None
        if text:
            lines.append((number, text))
    return lines


def _restricted_lookup(
    words: Sequence[str], *, case_insensitive: bool
) -> tuple[dict[str, int], np.ndarray]:
    """Word -> row among `words`, and each row's canonical row.

    Case-insensitively, a lower-cased word maps to its first row, and every
    spelling's canonical row is that first row; otherwise each row is its own.
    """
    if not case_insensitive:
        return {w: i for i, w in enumerate(words)}, np.arange(len(words), dtype=np.int64)
    lookup: dict[str, int] = {}
    canon = np.empty(len(words), dtype=np.int64)
    for i, word in enumerate(words):
        canon[i] = lookup.setdefault(word.lower(), i)
    return lookup, canon


def _answer(unit: np.ndarray, abc: np.ndarray, canon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows answering each question ``a b c`` by 3CosAdd and by 3CosMul.

    Args:
        unit: (N, dim) float32 unit vectors of the candidate words.
        abc: (n, 3) int64 canonical rows of each question's a, b, c.
        canon: (N,) int64 canonical row of each candidate.

    Returns:
        Two (n,) int64 arrays of candidate rows (-1 if there was no candidate).
    """
    n = len(abc)
    best_add = np.full(n, -np.inf, dtype=np.float32)
    best_mul = np.full(n, -np.inf, dtype=np.float32)
    arg_add = np.full(n, -1, dtype=np.int64)
    arg_mul = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return arg_add, arg_mul
    distinct, local = np.unique(abc, return_inverse=True)
    local = local.reshape(abc.shape).astype(np.int64)
    queries = np.ascontiguousarray(unit[distinct])
    kernel = _kernels()
    for start in range(0, len(unit), _BLOCK_COLUMNS):
        block = unit[start : start + _BLOCK_COLUMNS]
        cosines = queries @ block.T  # (distinct words, block) float32
        kernel(
            cosines,
            start,
            local,
            abc,
            canon[start : start + len(block)],
            np.float32(COSMUL_EPSILON),
            best_add,
            arg_add,
            best_mul,
            arg_mul,
        )
    return arg_add, arg_mul


@functools.cache
def _kernels() -> Callable[..., None]:
    """The compiled analogy kernel (numba; compiled on first use, cached on disk)."""
    import numba

    @numba.njit(parallel=True, fastmath=False, cache=True, nogil=True)
    def analogy_block(
        cosines, start, local, abc, canon, eps, best_add, arg_add, best_mul, arg_mul
    ):  # pragma: no cover - compiled
        # For each question, scan one block of candidates and keep the best of
        # 3CosAdd and of 3CosMul, leaving out the question's own words.
        n_questions = local.shape[0]
        width = cosines.shape[1]
        scale = np.float32(2.0)
        shift = np.float32(4.0) * eps
        for q in numba.prange(n_questions):
            ra = cosines[local[q, 0]]
            rb = cosines[local[q, 1]]
            rc = cosines[local[q, 2]]
            a, b, c = abc[q, 0], abc[q, 1], abc[q, 2]
            top_add = best_add[q]
            top_mul = best_mul[q]
            at_add = arg_add[q]
            at_mul = arg_mul[q]
            for k in range(width):
                row = canon[k]
                if row == a or row == b or row == c:
                    continue
                add = rb[k] - ra[k] + rc[k]
                # (b' c') / (a' + eps) with x' = (x + 1) / 2
                mul = (rb[k] + 1) * (rc[k] + 1) / (scale * (ra[k] + 1) + shift)
                if add > top_add:
                    top_add = add
                    at_add = start + k
                if mul > top_mul:
                    top_mul = mul
                    at_mul = start + k
            best_add[q] = top_add
            best_mul[q] = top_mul
            arg_add[q] = at_add
            arg_mul[q] = at_mul

    return analogy_block  # type: ignore[no-any-return]
