"""Seeded, stratified train/test splits and k-fold indices.

Multi-label data (labels that are lists) is stratified on each item's rarest
label (the empty string for an item with none): every label keeps about its
share in each part without one stratum per label combination, which would
turn each rare combination into a class of its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from embedlab.data.dataset import Dataset, Label, label_set


def stratify_keys(labels: Sequence[Label] | np.ndarray) -> list[str]:
    """The stratum of each item: its label, or for a list of labels the rarest one.

    Args:
        labels: sequence of str or of lists of str. One label (or list) per item.

    Returns:
        One str per item. For a list, the label of the list that is rarest
        over all items (ties broken by name); ``""`` for an empty list.

    Example:
        >>> stratify_keys([["a", "b"], ["a"], []])
        ['b', 'a', '']
    """
    items = list(labels)
    if not any(isinstance(label, list | tuple) for label in items):
        return [str(label) for label in items]
    sets = [label_set(label) for label in items]
    counts = Counter(name for names in sets for name in set(names))
    return [min(names, key=lambda n: (counts[n], n)) if names else "" for names in sets]


def _class_groups(labels: Sequence[Label] | np.ndarray) -> list[np.ndarray]:
    """The positions of each stratum (see `stratify_keys`), strata in sorted order."""
    keys = stratify_keys(labels)
    _, inverse = np.unique(np.asarray(keys, dtype=str), return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.cumsum(np.bincount(inverse))[:-1]
    return np.split(order, bounds)


def train_test_split(
    dataset: Dataset, *, test_size: float, seed: int = 0, stratify: bool = True
) -> tuple[Dataset, Dataset]:
    """Split a dataset into a train and a test part, seeded and stratified.

    With `stratify`, each class is split in proportion: every class of two or
    more items gives at least one item to the test part and keeps at least one
    for training (a class of one stays in training); the rest of the
    ``round(test_size * len(dataset))`` test items go to the classes by largest
    remainder. Both parts keep the dataset's order. Multi-label data is
    stratified on each item's rarest label (see `stratify_keys`).

    Args:
        dataset: Dataset. What to split.
        test_size: float. The fraction held out, in (0, 1).
        seed: int. Seed of the shuffle.
        stratify: bool. Split each class in proportion; False shuffles all
            items together (and works without labels).

    Returns:
        ``(train, test)``, two `Dataset`s that partition `dataset`.

    Raises:
        ValueError: if `test_size` is not in (0, 1), the dataset has fewer than
            two items, or `stratify` is asked of an unlabelled dataset.

    Example:
        >>> train, test = train_test_split(data, test_size=0.1, seed=0)
    """
    if (
        isinstance(test_size, bool)
        or not isinstance(test_size, float | int)
        or not 0 < test_size < 1
    ):
        raise ValueError(
            f"`test_size` must be a float in (0, 1). Received: test_size={test_size!r}"
        )
    n = len(dataset)
    if n < 2:
        raise ValueError(f"Splitting needs at least 2 items. Received: a dataset of {n}")
    if stratify and not dataset.labels:
        raise ValueError(
            "`stratify=True` needs labels. Received: an unlabelled dataset; pass stratify=False"
        )
    groups = _class_groups(dataset.labels) if stratify else [np.arange(n)]
    sizes = np.array([len(group) for group in groups])
    exact = test_size * sizes
    counts = np.where(sizes >= 2, np.clip(np.floor(exact).astype(int), 1, sizes - 1), 0)
    short = int(np.floor(test_size * n + 0.5)) - int(counts.sum())
    for i in np.argsort(counts - exact, kind="stable"):  # largest remainder first
        if short > 0 and counts[i] < sizes[i] - 1:
            counts[i] += 1
            short -= 1
    rng = np.random.default_rng(seed)
    test_idx = np.concatenate(
        [rng.permutation(group)[:count] for group, count in zip(groups, counts, strict=True)]
    )
    is_test = np.zeros(n, dtype=bool)
    is_test[test_idx] = True
    return dataset.subset(np.flatnonzero(~is_test)), dataset.subset(np.flatnonzero(is_test))


def kfold_indices(
    labels: Sequence[Label] | np.ndarray, *, n_folds: int, seed: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified K-fold indices, like scikit-learn's ``StratifiedKFold(shuffle=True)``.

    Each class is shuffled and dealt round the folds in turn, one class after
    the other, so that every fold holds each class in about the overall
    proportion and fold sizes differ by at most one.

    Args:
        labels: sequence of str or of lists of str. The label of each item
            (``Dataset.labels``); lists are stratified as `stratify_keys` says.
        n_folds: int. Number of folds, in ``[2, len(labels)]``.
        seed: int. Seed of the shuffle.

    Returns:
        `n_folds` pairs ``(train_indices, test_indices)`` of sorted int64
        arrays; every index is in exactly one test fold.

    Raises:
        ValueError: if `n_folds` is not an integer in ``[2, len(labels)]``.

    Example:
        >>> for train_idx, test_idx in kfold_indices(data.labels, n_folds=10):
        ...     train, test = data.subset(train_idx), data.subset(test_idx)
    """
    n = len(labels)
    if isinstance(n_folds, bool) or not isinstance(n_folds, (int, np.integer)):
        raise ValueError(f"`n_folds` must be an integer. Received: n_folds={n_folds!r}")
    if not 2 <= n_folds <= n:
        raise ValueError(
            f"`n_folds` must be in [2, {n}] (the number of items). Received: n_folds={n_folds}"
        )
    rng = np.random.default_rng(seed)
    dealt = np.concatenate([rng.permutation(group) for group in _class_groups(labels)])
    fold_of = np.empty(n, dtype=np.int64)
    fold_of[dealt] = np.arange(n) % n_folds
    return [
        (
            np.flatnonzero(fold_of != k).astype(np.int64),
            np.flatnonzero(fold_of == k).astype(np.int64),
        )
        for k in range(n_folds)
    ]
