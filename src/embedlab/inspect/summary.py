"""The inspection a comparison keeps of a fine-tuned run, and the report section it becomes.

`inspection_record` is what `embedlab.experiments.compare` stores in the cell
record of the first fold and seed of each nonstatic or multichannel
configuration (the trained model itself is not kept): Kim (2014)'s Table 3
for `TABLE3_WORDS`, and the rows before and after fine-tuning of the words
that moved most, with the class the model gives each word alone.
`report_section` turns the best such configuration's record into Markdown and
a map of its most moved words (``moved_words.png``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from embedlab.inspect.maps import plot_moved
from embedlab.inspect.neighbours import embedding_tables, table_neighbours

if TYPE_CHECKING:
    from embedlab.classify.classifier import TextClassifier

TABLE3_WORDS: tuple[str, ...] = ("bad", "good", "n't", "!")
MOVED_PNG = "moved_words.png"
MOVED_WORDS = 30
FINE_TUNED_MODES: tuple[str, ...] = ("nonstatic", "multichannel")


def inspection_record(
    clf: TextClassifier,
    *,
    words: Sequence[str] = TABLE3_WORDS,
    topn: int = 4,
    moved: int = MOVED_WORDS,
) -> dict[str, Any]:
    """A JSON-ready record of what fine-tuning moved in `clf` (nonstatic or multichannel).

    Returns:
        ``{"table3": Inspection.to_dict(), "moved_rows": {"words", "before",
        "after", "classes"}}``; rows as lists of floats (rounded to 5 digits).
    """
    tables = embedding_tables(clf)
    found = table_neighbours(clf, words, topn=topn, moved=moved, tables=tables)
    moved_words = [w for w, _ in found.moved]
    ids = np.asarray([tables.index[w] for w in moved_words], dtype=np.int64)
    before = tables.before[ids] if tables.before is not None else np.zeros((0, 0))
    classes = [str(c) for c in clf.labels_of(clf.predict_proba(moved_words))] if ids.size else []
    return {
        "table3": found.to_dict(),
        "moved_rows": {
            "words": moved_words,
            "before": np.round(before, 5).tolist(),
            "after": np.round(tables.after[ids], 5).tolist(),
            "classes": classes,
        },
    }


def _names(pairs: Sequence[Sequence[Any]] | None) -> str:
    return ", ".join(str(w) for w, _ in pairs or [])


def report_section(directory: Path, config: str, record: Mapping[str, Any]) -> list[str]:
    """Markdown lines of Table 3 and the moved-words map of `record`; writes the PNG.

    Args:
        directory: Path. The comparison's folder (the map is written there).
        config: str. The configuration's name, for the heading.
        record: dict. An `inspection_record`.
    """
    table3 = record["table3"]
    lines = [
        f"## What fine-tuning moved ({config})",
        "",
        "Nearest neighbours (cosine) in the pretrained table and after fine-tuning, as Kim "
        "(2014) Table 3; first fold, first seed.",
        "",
        f"| word | {table3['before']} | {table3['after']} |",
        "| --- | --- | --- |",
    ]
    lines += [
        f"| {w['word']} | {_names(w['before'])} | {_names(w['after'])} |" for w in table3["words"]
    ]
    if table3["missing"]:
        lines += ["", f"Not in the vocabulary: {', '.join(table3['missing'])}."]
    moved = table3["moved"]
    if moved:
        lines += [
            "",
            "Moved most (cosine distance before/after): "
            + ", ".join(f"{m['word']} {m['distance']:.3f}" for m in moved[:10])
            + ".",
        ]
    rows = record["moved_rows"]
    if len(rows["words"]) >= 2:
        plot_moved(
            rows["words"],
            np.asarray(rows["before"], dtype=np.float32),
            np.asarray(rows["after"], dtype=np.float32),
            directory / MOVED_PNG,
            groups=rows["classes"] or None,
            title=f"{config}: the {len(rows['words'])} words moved most (grey: before)",
        )
        lines += ["", f"![words moved most by fine-tuning]({MOVED_PNG})"]
    return [*lines, ""]


def best_fine_tuned(
    rows: Sequence[Mapping[str, Any]], records: Sequence[Mapping[str, Any]]
) -> tuple[str, Mapping[str, Any]] | None:
    """The best nonstatic/multichannel configuration's name and inspection record, if any."""
    tuned = [r for r in rows if r["mode"] in FINE_TUNED_MODES]
    for row in sorted(tuned, key=lambda r: -r["mean_accuracy"]):
        key = (row["model"], row["mode"], row["vectors"])
        for record in records:
            if (record["model"], record["mode"], record["vectors"]) == key and record.get(
                "inspection"
            ):
                return " ".join(key), record["inspection"]
    return None


__all__ = [
    "FINE_TUNED_MODES",
    "MOVED_PNG",
    "TABLE3_WORDS",
    "best_fine_tuned",
    "inspection_record",
    "report_section",
]
