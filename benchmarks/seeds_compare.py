"""The seeds' comparison on real data: rand vs static vs nonstatic, CNN and BiLSTM.

Accuracy of `cnn` and `bilstm` in modes rand, static and nonstatic with
glove-6B-50d on MR (k-fold cross-validation) and SST-2 (train/test), with
seconds per epoch, beside TF-IDF (1-2 grams) + logistic regression run on the
same splits in the same run (when scikit-learn is installed).

Each run trains at most --epochs epochs with early stopping on a dev split
(10% of the training part, patience 2, best weights restored).

    python benchmarks/seeds_compare.py --folds 3            # ../shared/data
    python benchmarks/seeds_compare.py --folds 10 --json results.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")

from embedlab.classifier import TextClassifier  # noqa: E402
from embedlab.data import Dataset, kfold_indices, read_dataset, train_test_split  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
MODELS = ("cnn", "bilstm")
MODES = ("rand", "static", "nonstatic")


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


def run_one(model: str, mode: str, train: Dataset, test: Dataset, vectors, args) -> dict:
    fit_set, dev_set = train_test_split(train, test_size=0.1, seed=args.seed)
    clf = TextClassifier(
        model,
        mode=mode,
        vectors=vectors,
        pretrained_vocab=0 if mode == "rand" else args.pretrained_vocab,
        seed=args.seed,
    )
    start = time.perf_counter()
    clf.fit(
        fit_set.texts,
        fit_set.labels,
        epochs=args.epochs,
        validation_data=(dev_set.texts, dev_set.labels),
        patience=2,
        verbose=0,
    )
    seconds = time.perf_counter() - start
    accuracy = clf.evaluate(test.texts, test.labels)["accuracy"]
    epoch_seconds = clf.history["epoch_seconds"]
    return {
        "accuracy": accuracy,
        "epochs_run": len(epoch_seconds),
        # the first epoch includes compilation; report the median of the rest
        "epoch_seconds": statistics.median(epoch_seconds[1:] or epoch_seconds),
        "seconds": seconds,
    }


def splits(name: str, folds: int, seed: int) -> list[tuple[Dataset, Dataset]]:
    if name == "MR":
        mr = DATA / "MR"
        ds = read_dataset(
            [f"pos={mr / 'rt-polarity.pos'}", f"neg={mr / 'rt-polarity.neg'}"],
            encoding="latin-1",
        )
        return [
            (ds.subset(tr), ds.subset(te))
            for tr, te in kfold_indices(ds.labels, n_folds=folds, seed=seed)
        ]
    sst = DATA / "SST-2"
    return [
        (
            read_dataset([sst / "stsa.binary.train"], format="label-text"),
            read_dataset([sst / "stsa.binary.test"], format="label-text"),
        )
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=3, help="MR cross-validation folds")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--datasets", default="MR,SST-2")
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument(
        "--pretrained-vocab", type=int, default=0, help="see TextClassifier(pretrained_vocab=)"
    )
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"{DATA} not found: this benchmark needs ../shared/data", file=sys.stderr)
        return 1

    rows = []
    for name in args.datasets.split(","):
        parts = splits(name, args.folds, args.seed)
        vectors = "glove-6B-50d"  # each run loads the rows of its own vocabulary
        baseline = [tfidf_accuracy(tr, te) for tr, te in parts]
        if baseline[0] is not None:
            rows.append(
                {
                    "dataset": name,
                    "model": "tfidf-logreg",
                    "mode": "-",
                    "accuracy": statistics.mean(baseline),
                    "std": statistics.pstdev(baseline),
                    "epoch_seconds": None,
                    "runs": len(parts),
                }
            )
            print(f"{name:6} tfidf-logreg        {100 * rows[-1]['accuracy']:.1f}", flush=True)
        for model in args.models.split(","):
            for mode in args.modes.split(","):
                results = [run_one(model, mode, tr, te, vectors, args) for tr, te in parts]
                accs = [r["accuracy"] for r in results]
                row = {
                    "dataset": name,
                    "model": model,
                    "mode": mode,
                    "accuracy": statistics.mean(accs),
                    "std": statistics.pstdev(accs),
                    "epoch_seconds": statistics.mean(r["epoch_seconds"] for r in results),
                    "epochs_run": statistics.mean(r["epochs_run"] for r in results),
                    "runs": len(results),
                }
                rows.append(row)
                print(
                    f"{name:6} {model:7} {mode:10}  {100 * row['accuracy']:.1f} "
                    f"± {100 * row['std']:.1f}  {row['epoch_seconds']:.2f} s/epoch "
                    f"({row['epochs_run']:.1f} epochs)",
                    flush=True,
                )

    print("\n| dataset | model | mode | accuracy % | std | s/epoch | runs |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        eps = "-" if r["epoch_seconds"] is None else f"{r['epoch_seconds']:.2f}"
        print(
            f"| {r['dataset']} | {r['model']} | {r['mode']} | {100 * r['accuracy']:.1f} | "
            f"{100 * r['std']:.1f} | {eps} | {r['runs']} |"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
