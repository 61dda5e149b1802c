"""Maps of a vector space: 2-D projections of chosen words, drawn or exported for the Projector.

`project` brings rows down to two dimensions by PCA (numpy's SVD, the
default), t-SNE (scikit-learn) or UMAP (``umap-learn``, the ``inspect``
extra); `plot_map` draws the labelled points, coloured by group, as a PNG;
`plot_moved` draws how far fine-tuning moved words (one PCA of the rows
before and after, an arrow per word); `write_projector` writes the
TensorBoard Embedding Projector's ``vectors.tsv`` and ``metadata.tsv``
(https://www.tensorflow.org/text/guide/word_embeddings, "Visualize the
embeddings": one tab-separated vector a line; one word a line, or a header
row and tab-separated columns when there is more than one column).

More than `MAX_POINTS` words are sampled (seeded), with a note, rather than
left to run for minutes; at most `MAX_LABELS` points are labelled.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from embedlab.atomic import atomic_open, atomic_path
from embedlab.errors import EmbedlabError

logger = logging.getLogger("embedlab")

METHODS: tuple[str, ...] = ("pca", "tsne", "umap")
MAX_POINTS = 2000
MAX_LABELS = 300
UMAP_HINT = (
    "`method='umap'` needs umap-learn: pip install 'embedlab[inspect]' (or use pca or tsne)."
)
DPI = 100


@dataclass(frozen=True)
class WordMap:
    """Words placed on a plane.

    Attributes:
        words: list of str. The words mapped.
        points: np.ndarray. ``(len(words), 2)`` float32 coordinates.
        groups: list of str or None. Each word's group (class), for colours.
        method: str. ``pca``, ``tsne`` or ``umap``.
        note: str. What was sampled or left out, for the user ("" if nothing).
    """

    words: list[str]
    points: np.ndarray
    groups: list[str] | None
    method: str
    note: str = ""


def sample_rows(
    words: Sequence[str],
    matrix: np.ndarray,
    groups: Sequence[str] | None = None,
    *,
    max_points: int = MAX_POINTS,
    seed: int = 0,
) -> tuple[list[str], np.ndarray, list[str] | None, str]:
    """At most `max_points` of the rows, a seeded sample kept in order, and a note if sampled."""
    if max_points < 3:
        raise EmbedlabError(f"`max_points` must be at least 3. Received: max_points={max_points}")
    n = len(words)
    if n <= max_points:
        return list(words), np.asarray(matrix), None if groups is None else list(groups), ""
    keep = np.sort(np.random.default_rng(seed).choice(n, size=max_points, replace=False))
    note = f"{n:,} words: mapping a random sample of {max_points:,} (raise `max_points` for more)"
    logger.info(note)
    return (
        [words[i] for i in keep],
        np.asarray(matrix)[keep],
        None if groups is None else [groups[i] for i in keep],
        note,
    )


def project(matrix: np.ndarray, *, method: str = "pca", seed: int = 0) -> np.ndarray:
    """The rows of `matrix` in two dimensions.

    Args:
        matrix: np.ndarray. ``(n, dim)`` rows, ``n >= 3``.
        method: str. ``pca`` (centred SVD), ``tsne`` (scikit-learn, PCA
            start, perplexity ``min(30, (n - 1) / 3)``) or ``umap``.
        seed: int. Seed of t-SNE and UMAP.

    Returns:
        ``(n, 2)`` float32 coordinates.

    Raises:
        EmbedlabError: for an unknown method, fewer than 3 rows, or UMAP
            asked without umap-learn installed.
    """
    if method not in METHODS:
        raise EmbedlabError(f"`method` must be one of {METHODS}. Received: method={method!r}")
    x = np.asarray(matrix, dtype=np.float32)
    if x.ndim != 2 or x.shape[0] < 3:
        raise EmbedlabError(f"A map needs at least 3 words. Received: {x.shape[0]} rows.")
    if method == "pca":
        centred = x - x.mean(axis=0)
        _, _, vt = np.linalg.svd(centred, full_matrices=False)
        points = centred @ vt[:2].T
        if points.shape[1] < 2:  # one-dimensional vectors
            points = np.concatenate([points, np.zeros_like(points)], axis=1)
        return points.astype(np.float32)
    if method == "tsne":
        try:
            from sklearn.manifold import TSNE
        except ImportError:
            raise EmbedlabError(
                "`method='tsne'` needs scikit-learn: pip install scikit-learn."
            ) from None
        perplexity = min(30.0, (x.shape[0] - 1) / 3)
        tsne = TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=seed)
        return np.asarray(tsne.fit_transform(x), dtype=np.float32)
    try:
        with warnings.catch_warnings():  # "Tensorflow not installed; ParametricUMAP unavailable"
            warnings.simplefilter("ignore", ImportWarning)
            import umap
    except ImportError:
        raise EmbedlabError(UMAP_HINT) from None
    reducer = umap.UMAP(
        n_components=2, n_neighbors=min(15, x.shape[0] - 1), random_state=seed, n_jobs=1
    )
    return np.asarray(reducer.fit_transform(x), dtype=np.float32)


def word_map(
    words: Sequence[str],
    matrix: np.ndarray,
    *,
    groups: Sequence[str] | None = None,
    method: str = "pca",
    max_points: int = MAX_POINTS,
    seed: int = 0,
) -> WordMap:
    """Project `words` (rows of `matrix`) to a plane, sampling beyond `max_points`."""
    if groups is not None and len(groups) != len(words):
        raise EmbedlabError(
            f"`groups` must give one group per word: {len(groups)} groups, {len(words)} words."
        )
    chosen, rows, chosen_groups, note = sample_rows(
        words, matrix, groups, max_points=max_points, seed=seed
    )
    return WordMap(chosen, project(rows, method=method, seed=seed), chosen_groups, method, note)


@dataclass(frozen=True)
class MapRows:
    """Words chosen for a map, their rows, groups, and the words that were not found."""

    words: list[str]
    matrix: np.ndarray
    groups: list[str] | None
    missing: list[str]


def _wanted(words: Sequence[str], groups: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """Words in order (explicit words first, then each group's) and the group of each."""
    out: dict[str, str] = {w: "" for w in words}
    for name, members in groups.items():
        for word in members:
            out[word] = name
    return list(out), list(out.values())


def is_saved_classifier(source: str | os.PathLike[str]) -> bool:
    """Whether `source` is a directory written by `embedlab train`."""
    from embedlab.classify import saving

    return (Path(source) / saving.CONFIG_FILE).is_file()


def source_rows(
    source: str | os.PathLike[str],
    *,
    words: Sequence[str] = (),
    groups: dict[str, list[str]] | None = None,
    top: int | None = None,
    color_by_class: bool = False,
    table: str = "after",
) -> MapRows:
    """The rows to map from vectors (a name or file) or a saved classifier (its table).

    Args:
        source: str or PathLike. A catalogue name, a vector file, or a
            directory written by `embedlab train`.
        words: list of str. Words to map.
        groups: dict or None. Group name -> words; the words are mapped too
            and coloured by group.
        top: int or None. Without words or groups: the `top` most frequent
            words (the first rows of a vector file; the first ids of a
            classifier). Defaults to 200 then.
        color_by_class: bool. Classifier only: group each word by the label
            the classifier gives the word alone (one batched model call).
        table: str. Classifier only: ``after`` (the table in use) or
            ``before`` (the pretrained rows of a nonstatic or multichannel
            classifier).

    Returns:
        A `MapRows`; words not found are listed in ``missing``.

    Raises:
        EmbedlabError: for contradictory options or a bad source.
    """
    groups = groups or {}
    if top is not None and top < 1:
        raise EmbedlabError(f"`top` must be a positive integer. Received: top={top}")
    if top is not None and (words or groups):
        raise EmbedlabError("Give `words` (or `groups`) or `top`, not both.")
    if table not in ("after", "before"):
        raise EmbedlabError(f"`table` must be 'after' or 'before'. Received: table={table!r}")
    wanted, wanted_groups = _wanted(words, groups)
    if not wanted:
        top = top or 200
    if is_saved_classifier(source):
        return _classifier_rows(source, wanted, wanted_groups, top, color_by_class, table)
    if color_by_class or table != "after":
        raise EmbedlabError(
            "`color_by_class` and `table` need a classifier (a directory written by "
            f"`embedlab train`); {source} is not one."
        )
    from embedlab.vectors import load_vectors

    if not wanted:
        vectors = load_vectors(source, limit=top)
        return MapRows(list(vectors.words), np.asarray(vectors.matrix), None, [])
    vectors = load_vectors(source, vocab=wanted)
    index = vectors.key_to_index
    folded: dict[str, int] = {}  # "movie" finds "Movie" (the first of its spellings)
    for word, i in index.items():
        folded.setdefault(word.lower(), i)
    found, rows, found_groups, missing = [], [], [], []
    for word, group in zip(wanted, wanted_groups, strict=True):
        row = index.get(word, folded.get(word.lower()))
        if row is not None:
            found.append(word)
            rows.append(row)
            found_groups.append(group)
        else:
            missing.append(word)
    matrix = np.asarray(vectors.matrix)[np.asarray(rows, dtype=np.int64)]
    return MapRows(found, matrix, found_groups if groups else None, missing)


def _classifier_rows(
    source: str | os.PathLike[str],
    wanted: list[str],
    wanted_groups: list[str],
    top: int | None,
    color_by_class: bool,
    table: str,
) -> MapRows:
    from embedlab.classify.classifier import TextClassifier
    from embedlab.inspect.neighbours import embedding_tables

    clf = TextClassifier.load(source)
    tables = embedding_tables(clf)
    chosen = tables.after if table == "after" else tables.before
    if chosen is None:
        raise EmbedlabError(
            f"This {tables.after_name} classifier keeps one table; `table='before'` needs a "
            "nonstatic or multichannel one, or a static one with a projection."
        )
    lower = clf.lower
    found, ids, found_groups, missing = [], [], [], []
    if wanted:
        for word, group in zip(wanted, wanted_groups, strict=True):
            key = word.lower() if lower else word
            if key in tables.index:
                found.append(key)
                ids.append(tables.index[key])
                found_groups.append(group)
            else:
                missing.append(word)
    else:
        ids = [int(i) for i in tables.candidates[:top]]
        found = [tables.words[i] for i in ids]
    groups: list[str] | None = found_groups if any(found_groups) else None
    if color_by_class and found:
        proba = clf.predict_proba(found)
        groups = [clf.labels[i] for i in proba.argmax(axis=1)]
    matrix = chosen[np.asarray(ids, dtype=np.int64)]
    return MapRows(found, matrix, groups, missing)


def _figure(width: float, height: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _save(figure: Any, path: str | os.PathLike[str]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        figure.savefig(tmp, format="png", dpi=DPI)
    return path


def plot_map(map_: WordMap, path: str | os.PathLike[str], *, title: str = "") -> Path:
    """Draw `map_` as a PNG: one point per word, labelled, coloured by group (with a legend)."""
    figure = _figure(9.0, 7.0)
    axes = figure.add_subplot()
    points = map_.points
    groups = map_.groups or [""] * len(map_.words)
    names = list(dict.fromkeys(groups))
    palette = [f"C{i % 10}" for i in range(len(names))]
    for name, colour in zip(names, palette, strict=True):
        mask = np.array([g == name for g in groups])
        axes.scatter(points[mask, 0], points[mask, 1], s=14, color=colour, label=name or None)
    for i, word in enumerate(map_.words[:MAX_LABELS]):
        colour = palette[names.index(groups[i])]
        axes.annotate(
            word, points[i], xytext=(3, 3), textcoords="offset points", fontsize=8, color=colour
        )
    if any(names):
        axes.legend(loc="best", fontsize=8)
    axes.set_title(title or f"{len(map_.words)} words, {map_.method.upper()}")
    axes.set_xticks([])
    axes.set_yticks([])
    return _save(figure, path)


def plot_moved(
    words: Sequence[str],
    before: np.ndarray,
    after: np.ndarray,
    path: str | os.PathLike[str],
    *,
    groups: Sequence[str] | None = None,
    title: str = "",
) -> Path:
    """How fine-tuning moved `words`: one PCA of the rows before and after, an arrow per word.

    Args:
        words: list of str. Words to draw (a few dozen read best).
        before: np.ndarray. Their rows in the pretrained table.
        after: np.ndarray. Their rows in the fine-tuned table.
        path: str or PathLike. The PNG to write.
        groups: list of str or None. Colour of each word (e.g. the class
            the model gives the word alone).
        title: str. The figure's title.
    """
    n = len(words)
    if n < 2:
        raise EmbedlabError(f"A map of moved words needs at least 2 words. Received: {n}")
    stacked = np.concatenate([np.asarray(before), np.asarray(after)]).astype(np.float32)
    points = project(stacked, method="pca")
    start, end = points[:n], points[n:]
    groups = list(groups) if groups is not None else [""] * n
    names = list(dict.fromkeys(groups))
    figure = _figure(9.0, 7.0)
    axes = figure.add_subplot()
    for i, word in enumerate(words):
        colour = f"C{names.index(groups[i]) % 10}"
        axes.annotate(
            "", end[i], start[i], arrowprops={"arrowstyle": "->", "color": colour, "lw": 0.8}
        )
        axes.scatter(*start[i], s=8, color="0.6")
        axes.annotate(
            word, end[i], xytext=(3, 3), textcoords="offset points", fontsize=8, color=colour
        )
    for i, name in enumerate(names):
        if name:
            axes.scatter([], [], color=f"C{i % 10}", label=name)
    if any(names):
        axes.legend(loc="best", fontsize=8, title="class of the word alone")
    axes.set_title(title or f"{n} words moved most by fine-tuning (grey: before, PCA)")
    axes.set_xticks([])
    axes.set_yticks([])
    return _save(figure, path)


def _cell(value: str) -> str:
    return value.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def write_projector(
    directory: str | os.PathLike[str],
    words: Sequence[str],
    matrix: np.ndarray,
    *,
    groups: Sequence[str] | None = None,
) -> tuple[Path, Path]:
    """Write the Embedding Projector's ``vectors.tsv`` and ``metadata.tsv`` into `directory`.

    Load them at https://projector.tensorflow.org ("Load"), or point
    TensorBoard at them. Tabs and line breaks inside words become spaces.

    Returns:
        The paths of ``vectors.tsv`` and ``metadata.tsv``.
    """
    matrix = np.asarray(matrix, dtype=np.float32)
    if len(words) != matrix.shape[0]:
        raise EmbedlabError(f"{len(words)} words but {matrix.shape[0]} vectors.")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    vectors_path, metadata_path = directory / "vectors.tsv", directory / "metadata.tsv"
    with atomic_open(vectors_path, encoding="utf-8") as f:
        for row in matrix:
            f.write("\t".join(f"{v:.6g}" for v in row.tolist()) + "\n")
    with atomic_open(metadata_path, encoding="utf-8") as f:
        if groups is None:
            f.writelines(_cell(w) + "\n" for w in words)
        else:
            f.write("word\tgroup\n")
            f.writelines(f"{_cell(w)}\t{_cell(g)}\n" for w, g in zip(words, groups, strict=True))
    return vectors_path, metadata_path


__all__ = [
    "MAX_POINTS",
    "MapRows",
    "METHODS",
    "WordMap",
    "plot_map",
    "plot_moved",
    "project",
    "sample_rows",
    "source_rows",
    "word_map",
    "write_projector",
]
