"""`Dataset`: texts, their labels and the files they came from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Union

import numpy as np

Label = Union[str, list[str]]  # noqa: UP007 - a runtime alias on Python 3.10
"""One text's label: a str, or for multi-label data the list of labels that apply."""


def label_set(label: Label) -> list[str]:
    """The labels of one item as a list: ``"pos"`` -> ``["pos"]``, a list as is."""
    return [label] if isinstance(label, str) else list(label)


@dataclass(frozen=True)
class Dataset:
    """Texts with their labels, and the files they were read from.

    Attributes:
        texts: list of str. One document each.
        labels: list of str, or list of lists of str. The label of each text,
            or for multi-label data the list of labels of each text (possibly
            empty); empty when the data had no labels (read with
            ``require_labels=False``).
        sources: list of str. The files and folders read, for messages and
            metadata.
        skipped: list of (str, int or None). The rows `read_dataset` left
            out (an empty text, or a label with no text): the file, and the
            1-based line (None for a document file of the folder format).

    Example:
        >>> data = Dataset(["good film", "dull film"], ["pos", "neg"], ["mini.csv"])
        >>> len(data), data.classes
        (2, ['neg', 'pos'])
    """

    texts: list[str]
    labels: list[Label]
    sources: list[str]
    skipped: list[tuple[str, int | None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.labels and len(self.labels) != len(self.texts):
            raise ValueError(
                "`labels` must be empty or hold one label per text. "
                f"Received: {len(self.texts)} texts and {len(self.labels)} labels"
            )

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def multi_label(self) -> bool:
        """Whether the labels are lists (multi-label data)."""
        return any(isinstance(label, list) for label in self.labels)

    @property
    def classes(self) -> list[str]:
        """The distinct labels, sorted as strings (for multi-label data, of all lists)."""
        if self.multi_label:
            return sorted({name for label in self.labels for name in label_set(label)})
        return sorted(set(self.labels))  # type: ignore[arg-type]

    def subset(self, indices: Sequence[int] | np.ndarray) -> Dataset:
        """The items at `indices`, in that order, with the same sources and skipped rows.

        Args:
            indices: sequence of int or 1-D integer array. Positions in
                ``[0, len(self))``.

        Returns:
            A new `Dataset`.

        Raises:
            IndexError: if an index is out of range.
            ValueError: if `indices` is not a 1-D sequence of integers.
        """
        idx = np.asarray(indices)
        if idx.ndim != 1 or (idx.size and not np.issubdtype(idx.dtype, np.integer)):
            raise ValueError(
                "`indices` must be a 1-D sequence of integers. "
                f"Received: dtype={idx.dtype}, shape={idx.shape}"
            )
        if idx.size and (idx.min() < 0 or idx.max() >= len(self)):
            raise IndexError(
                f"`indices` must lie in [0, {len(self)}). "
                f"Received: min={idx.min()}, max={idx.max()}"
            )
        positions = idx.tolist()
        return Dataset(
            texts=[self.texts[i] for i in positions],
            labels=[self.labels[i] for i in positions] if self.labels else [],
            sources=list(self.sources),
            skipped=list(self.skipped),
        )
