"""The seeds' comparison on real data: rand vs static vs nonstatic, CNN and BiLSTM.

Accuracy of `cnn` and `bilstm` in modes rand, static and nonstatic with
glove-6B-50d on MR (k-fold cross-validation) and SST-2 (train/test), with
seconds per epoch, beside TF-IDF (1-2 grams) + logistic regression run on the
same splits in the same run (when scikit-learn is installed).

The grid is `embedlab.experiments.compare.compare` (what `embedlab compare` runs): each run
trains at most --epochs epochs with early stopping on a dev split (10% of the
training part, patience 2, best weights restored). Each dataset's comparison
goes to OUT/NAME (report.md, plots); re-running resumes finished runs.

    python benchmarks/seeds_compare.py --folds 3            # ../shared/data
    python benchmarks/seeds_compare.py --folds 10 --json results.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")

from embedlab.data import Dataset, kfold_indices, read_dataset  # noqa: E402
from embedlab.experiments.compare import compare  # noqa: E402
from embedlab.pipeline import TrainOptions  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
MODELS = ("cnn", "bilstm")
MODES = ("rand", "static", "nonstatic")
VECTORS = "glove-6B-50d"


def tfidf_accuracy(train: Dataset, test: Dataset) -> float | None:
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        return None
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True)
    x = vec.fit_transform(train.texts)
    clf = LogisticRegression(C=10.0, max_iter=2000).fit(x, train.labels)
    return float((clf.predict(vec.transform(test.texts)) == test.labels).mean())


def load(name: str) -> tuple[Dataset, Dataset | None]:
    """The dataset, and its test set (None: cross-validate)."""
    if name == "MR":
        mr = DATA / "MR"
        pairs = [f"pos={mr / 'rt-polarity.pos'}", f"neg={mr / 'rt-polarity.neg'}"]
        return read_dataset(pairs, encoding="latin-1"), None
    sst = DATA / "SST-2"
    return (
        read_dataset([sst / "stsa.binary.train"], format="label-text"),
        read_dataset([sst / "stsa.binary.test"], format="label-text"),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=3, help="MR cross-validation folds")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--datasets", default="MR,SST-2")
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument(
        "--pretrained-vocab",
        type=int,
        default=None,
        help="see TextClassifier(pretrained_vocab=); default: its default for each mode",
    )
    parser.add_argument("--out", type=Path, default=Path("/tmp/embedlab-seeds-compare"))
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"{DATA} not found: this benchmark needs ../shared/data", file=sys.stderr)
        return 1

    options = TrainOptions(
        epochs=args.epochs,
        seed=args.seed,
        pretrained_vocab=args.pretrained_vocab,
        validation_split=0.1,  # compare's default dev split and early stopping
        patience=2,
    )
    rows = []
    for name in args.datasets.split(","):
        dataset, test = load(name)
        if test is None:  # the folds compare() draws: same labels, same seed
            folds = kfold_indices(dataset.labels, n_folds=args.folds, seed=args.seed)
            parts = [(dataset.subset(tr), dataset.subset(te)) for tr, te in folds]
        else:
            parts = [(dataset, test)]
        baseline = [tfidf_accuracy(tr, te) for tr, te in parts]
        if baseline[0] is not None:
            accs = [a for a in baseline if a is not None]
            rows.append(
                {"dataset": name, "model": "tfidf-logreg", "mode": "-",
                 "mean_accuracy": statistics.mean(accs), "std_accuracy": statistics.pstdev(accs),
                 "epoch_seconds": None, "runs": len(accs)}
            )  # fmt: skip
            print(f"{name:6} tfidf-logreg        {100 * rows[-1]['mean_accuracy']:.1f}", flush=True)
        results = compare(
            dataset,
            models=args.models.split(","),
            modes=args.modes.split(","),
            vectors=[VECTORS],
            folds=args.folds if test is None else None,
            test=test,
            out=args.out / name,
            options=options,
            progress=True,
        )
        rows.extend({"dataset": name, **row} for row in results)

    print("\n| dataset | model | mode | accuracy % | std | s/epoch | epochs run | runs |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        eps = "-" if r["epoch_seconds"] is None else f"{r['epoch_seconds']:.2f}"
        ran = f"{r['mean_epochs_run']:.1f}" if "mean_epochs_run" in r else "-"
        print(
            f"| {r['dataset']} | {r['model']} | {r['mode']} | {100 * r['mean_accuracy']:.1f} | "
            f"{100 * r['std_accuracy']:.1f} | {eps} | {ran} | {r['runs']} |"
        )
    print(f"\nreports: {args.out}/NAME/report.md (re-running resumes finished runs)")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
