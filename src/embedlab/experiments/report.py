"""The summary of a comparison (`embedlab.experiments.compare`): rows, the table, report.md.

`summarize` turns cell records into one row per configuration (the rows of
``results.json``); `write_report` writes ``results.json``, the plots of
`embedlab.experiments.plots` and ``report.md``.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from embedlab.atomic import write_text
from embedlab.classify import saving
from embedlab.experiments import plots as compare_plots

RESULTS_FILE = "results.json"
REPORT_FILE = "report.md"


def summarize(
    records: Sequence[Mapping[str, Any]],
    configs: Sequence[tuple[str, str, str]],
    *,
    folds: int | None,
    seeds: int,
) -> list[dict[str, Any]]:
    """One row per configuration from the cell records (accuracies as fractions)."""
    rows = []
    for model, mode, vectors in configs:
        runs = sorted(
            (r for r in records if (r["model"], r["mode"], r["vectors"]) == (model, mode, vectors)),
            key=lambda r: (r["fold"], r["seed"]),
        )
        accuracies = [float(r["accuracy"]) for r in runs]
        f1s = [float(r["macro_f1"]) for r in runs]
        later = [s for r in runs for s in r["history"]["epoch_seconds"][1:]]
        every = [s for r in runs for s in r["history"]["epoch_seconds"]]
        rows.append(
            {
                "model": model,
                "mode": mode,
                "vectors": vectors,
                "mean_accuracy": float(np.mean(accuracies)),
                "std_accuracy": float(np.std(accuracies)),
                "accuracies": accuracies,
                "mean_macro_f1": float(np.mean(f1s)),
                "std_macro_f1": float(np.std(f1s)),
                "folds": folds,
                "seeds": seeds,
                "runs": len(runs),
                "epoch_seconds": statistics.median(later or every) if every else None,
                "mean_epochs_run": float(np.mean([r["epochs_run"] for r in runs])),
            }
        )
    return rows


def best_row(rows: Sequence[Mapping[str, Any]]) -> Mapping[str, Any]:
    """The row of highest mean accuracy (the first of equals)."""
    return max(rows, key=lambda row: row["mean_accuracy"])


def format_table(rows: Sequence[Mapping[str, Any]], *, markdown: bool = False) -> str:
    """The rows as a text table (or a Markdown one): accuracy % mean and std."""
    head = ["model", "mode", "vectors", "accuracy %", "std", "macro F1 %", "s/epoch", "runs"]
    body = [
        [
            str(row["model"]),
            str(row["mode"]),
            str(row["vectors"]),
            f"{100 * row['mean_accuracy']:.1f}",
            f"{100 * row['std_accuracy']:.1f}",
            f"{100 * row['mean_macro_f1']:.1f}",
            "-" if row["epoch_seconds"] is None else f"{row['epoch_seconds']:.2f}",
            str(row["runs"]),
        ]
        for row in rows
    ]
    if markdown:
        lines = [head, ["---"] * len(head), *body]
        return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]
    return "\n".join(
        "  ".join(
            c.ljust(w) if i < 3 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in [head, *body]
    )


def write_report(
    directory: Path,
    rows: Sequence[Mapping[str, Any]],
    records: Sequence[Mapping[str, Any]],
    setup: Mapping[str, Any],
) -> None:
    """Write results.json, the PNG plots and report.md into `directory`."""
    saving.write_json(directory / RESULTS_FILE, list(rows))
    best = best_row(rows)
    best_runs = [r for r in records if (r["model"], r["mode"], r["vectors"]) == _config_of(best)]
    compare_plots.plot_accuracy(rows, directory / compare_plots.ACCURACY_PNG)
    compare_plots.plot_learning_curves(records, directory / compare_plots.CURVES_PNG)
    compare_plots.plot_confusion(
        np.sum([r["confusion_matrix"] for r in best_runs], axis=0),
        best_runs[0]["labels"],
        directory / compare_plots.CONFUSION_PNG,
        title=f"{' '.join(_config_of(best))}: all {len(best_runs)} runs",
    )
    markdown = _report_markdown(rows, best, setup)
    from embedlab.inspect.summary import best_fine_tuned, report_section

    tuned = best_fine_tuned(rows, records)  # Table 3 and moved words of the best fine-tuned
    if tuned is not None:
        markdown += "\n" + "\n".join(report_section(directory, *tuned))
    write_text(directory / REPORT_FILE, markdown)


def _config_of(row: Mapping[str, Any]) -> tuple[str, str, str]:
    return (row["model"], row["mode"], row["vectors"])


def _report_markdown(
    rows: Sequence[Mapping[str, Any]], best: Mapping[str, Any], setup: Mapping[str, Any]
) -> str:
    data = setup["data"]
    if setup["test"] is None:
        protocol = f"{setup['folds']}-fold stratified cross-validation"
    else:
        protocol = f"a given test set of {setup['test']['n']} texts"
    options = setup["options"]
    early = (
        f"early stopping on a {options['validation_split']:.0%} dev split of each training part "
        f"(patience {options['patience']} on {options['monitor']}, best weights restored)"
        if options["validation_split"] and options["patience"] is not None
        else "no early stopping"
    )
    return "\n".join(
        [
            "# Comparison",
            "",
            f"{data['n']} texts, classes {', '.join(data['classes'])}; {protocol}; "
            f"{best['seeds']} seed(s) per fold from seed {options['seed']}. "
            f"At most {options['epochs']} epochs, {early}; optimizer {options['optimizer']}, "
            f"batch size {options['batch_size']}; Keras backend {setup['keras_backend']}.",
            "",
            format_table(rows, markdown=True),
            "",
            f"Best: **{' '.join(_config_of(best))}**, "
            f"{100 * best['mean_accuracy']:.1f} ± {100 * best['std_accuracy']:.1f} % accuracy.",
            "Accuracy is the mean over runs (folds x seeds), std the population standard",
            "deviation; s/epoch the median of the epochs after each run's first.",
            "",
            f"![accuracy by configuration]({compare_plots.ACCURACY_PNG})",
            "",
            f"![learning curves]({compare_plots.CURVES_PNG})",
            "",
            f"![confusion matrix of the best configuration]({compare_plots.CONFUSION_PNG})",
            "",
        ]
    )
