"""What fine-tuning moved: nearest neighbours before and after, and the words that moved most.

Kim (2014), Table 3, lists the nearest neighbours of "bad", "good", "n't" and
"!" in the static word2vec table against the fine-tuned one: fine-tuning
pulls "bad" away from "good" (close in a table learned from contexts) towards
"terrible". `table_neighbours` gives that view for a saved classifier:

- ``nonstatic``: the pretrained rows (``pretrained.npy``, kept at save time)
  against the fine-tuned embedding layer;
- ``multichannel``: the frozen channel against the fine-tuned one;
- ``static`` with a projection (`ModelConfig.projection`, its default): the
  frozen table against the same rows read through the learned ReLU layer,
  ``relu(row @ W + b)``, what the model's body sees;
- ``static`` without one, and ``rand``: one table (frozen, or learned from
  scratch).

Similarity is the cosine; the neighbours are searched among the classifier's
vocabulary (padding and the `oov_token` left out). How far a word moved is
the cosine distance between its row before and after, among the words seen in
training (not for a projection, whose rows have another width).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from embedlab.errors import EmbedlabError

if TYPE_CHECKING:
    from embedlab.classify.classifier import TextClassifier


@dataclass(frozen=True)
class EmbeddingTables:
    """A classifier's embedding table(s), rows indexed by the tokenizer's ids.

    Attributes:
        words: list of str. ``words[i]`` is the word of id ``i``; ``""`` for
            padding (id 0) and ids without a word.
        candidates: np.ndarray. Ids searched for neighbours (not padding, not
            the `oov_token`).
        counts: np.ndarray. Training count of each id (0 for words added
            from the vectors only).
        after: np.ndarray. The table the model uses now (fine-tuned, learned
            or frozen).
        before: np.ndarray or None. The pretrained table before fine-tuning,
            or the frozen table of a static model whose `after` is its
            projection (None when the model has one table).
        before_name: str. What `before` is, for headings.
        after_name: str. What `after` is, for headings.
        moved: bool. Whether `after` is `before` trained further, row for
            row (fine-tuning), so that a row's move means something; False
            for a projection, which reads the rows anew.
    """

    words: list[str]
    candidates: np.ndarray
    counts: np.ndarray
    after: np.ndarray
    before: np.ndarray | None
    before_name: str
    after_name: str
    index: dict[str, int] = field(default_factory=dict)
    moved: bool = True


@dataclass(frozen=True)
class WordNeighbours:
    """One word's nearest neighbours: ``(word, cosine)`` pairs before and after."""

    word: str
    before: list[tuple[str, float]] | None
    after: list[tuple[str, float]]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"word": self.word, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class Inspection:
    """What `table_neighbours` found.

    Attributes:
        mode: str. The classifier's embedding mode.
        before_name: str. Heading of the pretrained table (``""`` if none).
        after_name: str. Heading of the table in use.
        words: list of WordNeighbours. One per known query word, in order.
        missing: list of str. Query words not in the vocabulary.
        moved: list of (str, float). The words that moved most, with their
            cosine distance (empty when nothing was fine-tuned).
    """

    mode: str
    before_name: str
    after_name: str
    words: list[WordNeighbours]
    missing: list[str]
    moved: list[tuple[str, float]]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "mode": self.mode,
            "before": self.before_name or None,
            "after": self.after_name,
            "words": [w.to_dict() for w in self.words],
            "missing": self.missing,
            "moved": [{"word": w, "distance": d} for w, d in self.moved],
        }


def _layer(clf: TextClassifier, name: str, member: int | None) -> Any:
    """Layer `name` of the model (of ensemble member `member`, if given).

    Raises:
        StopIteration: no such member. ValueError: no such layer.
    """
    model = clf.keras_model
    if member is not None:  # the members are sub-models ``member_<i>_...``
        model = next(layer for layer in model.layers if layer.name.startswith(f"member_{member}_"))
    return model.get_layer(name)


def _layer_weights(clf: TextClassifier, name: str, member: int | None = None) -> np.ndarray:
    """The weights of embedding layer `name` (of ensemble member `member`, if given)."""
    try:
        layer = _layer(clf, name, member)
    except (StopIteration, ValueError):
        raise EmbedlabError(
            f"This {getattr(clf.config, 'model', '')} model has no embedding layer {name!r} "
            "to inspect."
        ) from None
    return np.asarray(layer.embeddings, dtype=np.float32)


def _projection(clf: TextClassifier, member: int | None) -> tuple[np.ndarray, np.ndarray] | None:
    """The kernel and bias of the model's token-wise projection, or None without one."""
    try:
        layer = _layer(clf, "projection", member)
    except ValueError:
        return None
    kernel, bias = layer.get_weights()
    return np.asarray(kernel, dtype=np.float32), np.asarray(bias, dtype=np.float32)


def _inspected_member(clf: TextClassifier) -> tuple[int | None, str]:
    """For an ensemble, the member whose table is shown (its first pretrained one) and its mode."""
    assert clf.config is not None
    members = getattr(clf.config, "members", None)
    if not members:
        return None, clf.config.mode
    for i, record in enumerate(members):
        if record.mode in ("static", "nonstatic"):
            return i, record.mode
    return 0, members[0].mode


def embedding_tables(clf: TextClassifier) -> EmbeddingTables:
    """The embedding table(s) of a trained or loaded classifier.

    Raises:
        EmbedlabError: if the classifier is not trained, or a nonstatic
            classifier was saved without its pretrained rows (saved by an
            older embedlab).
    """
    if clf.keras_model is None or clf.tokenizer is None or clf.config is None:
        raise EmbedlabError("This TextClassifier is not trained yet: call fit() or load().")
    member, mode = _inspected_member(clf)
    vectors = clf.vectors_name or "pretrained"
    before: np.ndarray | None = None
    before_name = ""
    moved = True
    if mode == "multichannel":
        after = _layer_weights(clf, "embedding_nonstatic", member)
        before = _layer_weights(clf, "embedding_static", member)
        before_name, after_name = f"static ({vectors})", "fine-tuned"
    else:
        after = _layer_weights(clf, "embedding", member)
        after_name = {"rand": "learned", "static": f"static ({vectors})"}.get(mode, "fine-tuned")
        if mode == "nonstatic":
            if clf.pretrained_matrix is None:
                raise EmbedlabError(
                    "This nonstatic classifier was saved without its pretrained rows "
                    "(pretrained.npy); train it again with this embedlab to compare."
                )
            before = np.asarray(clf.pretrained_matrix, dtype=np.float32)
            before_name = f"static ({vectors})"
        elif mode == "static" and (projection := _projection(clf, member)) is not None:
            kernel, bias = projection
            before, after = after, np.maximum(after @ kernel + bias, 0.0)
            before_name, after_name = after_name, "read through the projection"
            moved = False
    tokenizer = clf.tokenizer
    rows = after.shape[0]
    words = [""] * rows
    counts = np.zeros(rows, dtype=np.int64)
    for i, word in tokenizer.index_word.items():
        if i < rows:
            words[i] = word
            counts[i] = tokenizer.word_counts.get(word, 0)
    oov = tokenizer.oov_token
    candidates = np.array(
        [i for i in range(1, rows) if words[i] and words[i] != oov], dtype=np.int64
    )
    index = {words[i]: int(i) for i in candidates}
    return EmbeddingTables(
        words, candidates, counts, after, before, before_name, after_name, index, moved
    )


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)


def nearest(
    table: np.ndarray,
    query_ids: Sequence[int],
    candidates: np.ndarray,
    words: list[str],
    *,
    topn: int,
) -> list[list[tuple[str, float]]]:
    """The `topn` candidates closest (cosine) to each query row, the query itself left out.

    One matrix product for all queries.
    """
    unit = _unit(table[candidates])
    queries = _unit(table[np.asarray(query_ids, dtype=np.int64)])
    scores = queries @ unit.T
    out = []
    for row, query in zip(scores, query_ids, strict=True):
        row = np.where(candidates == query, -np.inf, row)
        k = min(topn, len(candidates) - 1)
        top = np.argpartition(-row, k - 1)[:k] if k > 0 else np.array([], dtype=np.int64)
        top = top[np.argsort(-row[top], kind="stable")]
        out.append([(words[candidates[j]], float(row[j])) for j in top])
    return out


def moved_most(
    tables: EmbeddingTables, *, topn: int, min_count: int = 1
) -> list[tuple[str, float]]:
    """The words seen in training (at least `min_count` times) whose rows moved most.

    Returns:
        Up to `topn` ``(word, cosine distance before/after)`` pairs, largest
        first; empty when nothing was fine-tuned (`EmbeddingTables.moved`:
        a projection reads the rows anew, nothing moved).
    """
    if tables.before is None or not tables.moved or topn <= 0:
        return []
    ids = tables.candidates[tables.counts[tables.candidates] >= min_count]
    before, after = tables.before[ids], tables.after[ids]
    norms = np.linalg.norm(before, axis=1) * np.linalg.norm(after, axis=1)
    keep = norms > 0
    ids, before, after, norms = ids[keep], before[keep], after[keep], norms[keep]
    distance = 1.0 - np.einsum("ij,ij->i", before, after) / norms
    order = np.argsort(-distance, kind="stable")[:topn]
    return [(tables.words[ids[j]], float(distance[j])) for j in order]


def table_neighbours(
    clf: TextClassifier,
    words: Sequence[str],
    *,
    topn: int = 4,
    moved: int = 10,
    min_count: int = 1,
    tables: EmbeddingTables | None = None,
) -> Inspection:
    """Kim (2014)'s Table 3 for a classifier: each word's neighbours before and after training.

    Args:
        clf: TextClassifier. Trained or loaded.
        words: list of str. Query words (lower-cased when the tokenizer lower-cases).
        topn: int. Neighbours per word and table.
        moved: int. How many most-moved words to list (0: none).
        min_count: int. Most-moved words must occur this often in training.
        tables: EmbeddingTables or None. `embedding_tables(clf)`, when the
            caller keeps it for many queries (a server).

    Returns:
        An `Inspection`; words not in the vocabulary are listed in ``missing``.

    Raises:
        EmbedlabError: if `topn` is not positive, or see `embedding_tables`.
    """
    if topn < 1:
        raise EmbedlabError(f"`topn` must be a positive integer. Received: topn={topn}")
    tables = embedding_tables(clf) if tables is None else tables
    lower = clf.tokenizer.lower if clf.tokenizer is not None else False
    known: list[tuple[str, int]] = []
    missing: list[str] = []
    for word in words:
        key = word.lower() if lower else word
        if key in tables.index:
            known.append((key, tables.index[key]))
        else:
            missing.append(word)
    ids = [i for _, i in known]
    after = nearest(tables.after, ids, tables.candidates, tables.words, topn=topn) if ids else []
    before: list[list[tuple[str, float]] | None] = [None] * len(ids)
    if tables.before is not None and ids:
        before = list(nearest(tables.before, ids, tables.candidates, tables.words, topn=topn))
    return Inspection(
        mode=clf.config.mode if clf.config is not None else "",
        before_name=tables.before_name,
        after_name=tables.after_name,
        words=[
            WordNeighbours(word, b, a) for (word, _), b, a in zip(known, before, after, strict=True)
        ],
        missing=missing,
        moved=moved_most(tables, topn=moved, min_count=min_count),
    )


def format_inspection(inspection: Inspection) -> str:
    """Plain-text Table 3: per word, the two neighbour lists side by side, then the most moved."""
    lines: list[str] = []
    two = inspection.before_name != ""
    heads = [inspection.before_name, inspection.after_name] if two else [inspection.after_name]
    cells: list[list[str]] = []
    for entry in inspection.words:
        lists = [entry.before or [], entry.after] if two else [entry.after]
        cells.append([entry.word] + [", ".join(w for w, _ in pairs) for pairs in lists])
    if cells:
        widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(["word", *heads])]
        header = ["word", *heads]
        lines.append("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
        lines.append("  ".join("-" * w for w in widths))
        for row in cells:
            lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    for word in inspection.missing:
        lines.append(f"{word}: not in the vocabulary")
    if inspection.moved:
        lines.append("")
        lines.append("moved most by fine-tuning (cosine distance before/after):")
        lines.extend(f"  {word:<20} {distance:.3f}" for word, distance in inspection.moved)
    return "\n".join(lines)


__all__ = [
    "EmbeddingTables",
    "Inspection",
    "WordNeighbours",
    "embedding_tables",
    "format_inspection",
    "moved_most",
    "nearest",
    "table_neighbours",
]
