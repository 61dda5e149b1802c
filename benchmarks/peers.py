"""embedlab against the strong linear peers (TF-IDF + LR, NBSVM-bi, fastText).

On MR, SST-2, TREC and IMDB; issues 5 and 14's targets, run on the same
splits in one script (NSMC, Korean, below):

- ``cnn-rand``: Kim (2014)'s CNN with embeddings learned from scratch
  (windows 3,4,5 x 100 maps, dropout 0.5, max-norm 3, Adadelta, batch 50,
  up to 25 epochs with early stopping on a dev split); targets MR >= 75.5
  (10-fold), TREC >= 90.0.
- ``default``: what ``TextClassifier()`` / ``embedlab train`` trains: the
  members `embedlab.classify.recipe.plan` picks from the training
  data alone (no per-dataset settings), their probabilities averaged. Its
  whole training (start-up and compilation included) is timed, and printed as
  a ratio to fastText's.
- ``tfidf-lr``: TF-IDF of word 1-2 grams + logistic regression (scikit-learn).
- ``nbsvm``: NBSVM-bi (Wang & Manning 2012): binarized word 1-2 grams,
  naive-Bayes log-count ratios (alpha 1), a linear SVM (liblinear, C=1) on
  the scaled features, interpolated ``w' = (1 - beta) mean|w| + beta w`` with
  beta 0.25, its bias ``b' = beta b``; one-vs-rest for more classes. MR
  10-fold: 80.0 (theirs 79.4; 79.4 here too with the bias kept, which on
  imbalanced data called nearly every text the majority class).
- ``fasttext``: fastText supervised, word bigrams, dim 50, initialised from
  GloVe 6B 50d restricted to the dataset's words, trained in a fresh process
  per run on a shuffled training file.

The peers and ``default`` train on the whole training part (``default``'s
members, and ``cnn-rand``, hold out 10% of it for early stopping; ``cnn-rand``
uses SST-2's own dev file for that, and nobody trains on it). ``default``
picks nothing by dataset name: the per-dataset tables are gone (the recipe
was searched on dev splits of the training data, ``recipe_search.py``).
MR is 10-fold cross-validation (``--folds``), the others their given test set.
Texts are tokenized by embedlab's tokenizer for embedlab and fastText (IMDB's
``<br />`` removed for everyone). Seconds per epoch are wall-clock on this
machine (the median of epochs after the first for Keras; fastText's total
training time divided by its epochs; TF-IDF's fit time, one "epoch"). Train
seconds are whole trainings; ``default``'s include start-up and compilation,
and the report prints them as a ratio to fastText's (target <= 10x) and the
process's peak RSS (run ``--systems default`` alone for its own figure;
target < 2 GB on IMDB).

NSMC (issue 15; ``--datasets NSMC``) is the Korean movie-review benchmark of
``benchmarks/nsmc.py``, whose split and peers it reuses: one seeded stratified
39,997 / 10,000 split of ``NSMC/ratings_test.txt``; the peers are TF-IDF + LR
on whitespace words, kiwi morphemes and characters, NBSVM on morphemes and
fastText on morphemes (``--systems`` names ``tfidf-lr``, ``nbsvm`` and
``fasttext`` select them, or their own names), beside ``default``. It also
prints each analyzer's tokenising throughput, and is skipped, with a message,
when the file is absent.

    python benchmarks/peers.py                         # everything (hours on 2 cores)
    python benchmarks/peers.py --datasets MR,TREC --folds 3 --systems cnn-rand
    python benchmarks/peers.py --datasets SST-2 --json sst2.json
    python benchmarks/peers.py --datasets MR --systems nbsvm    # 80.0, 10 folds
    python benchmarks/peers.py --datasets TREC --systems fasttext,default --seeds 5

One test set of 500 questions (TREC) or 1,821 sentences (SST-2) moves by
several tenths from one seed to the next, for fastText as for ``default``:
``--seeds N`` runs each of them N times per split (seeds ``--seed`` onwards)
and reports the mean and the spread.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "jax")

from embedlab.atomic import write_text  # noqa: E402
from embedlab.data import Dataset, kfold_indices, read_dataset, train_test_split  # noqa: E402
from embedlab.text.tokenizer import text_to_word_sequence  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
DATASETS = ("MR", "SST-2", "TREC", "IMDB", "NSMC")
SYSTEMS = ("tfidf-lr", "nbsvm", "fasttext", "cnn-rand", "default")
PEERS = ("tfidf-lr", "nbsvm", "fasttext")
DETERMINISTIC = ("tfidf-lr", "nbsvm")  # the same figure whatever the seed
VECTORS = "glove-6B-50d"

# Kim (2014)'s CNN-rand: the registry's `cnn` defaults are Kim's windows,
# maps, dropout and max-norm; Adadelta (lr 1.0, rho 0.95), batch 50 and 300-d
# embeddings as his; patience 5 (MR: 75.7 over 10 folds; 74.1 on the first two
# with 100-d and patience 2).
KIM_RAND: dict[str, Any] = {
    "model": "cnn",
    "mode": "rand",
    "optimizer": "adadelta",
    "embedding_dim": 300,
    "patience": 5,
    # as measured (TREC below turns it on); `cnn` pads by default since issue 14 item 5
    "edge_padding": False,
}
# TREC: patience on dev accuracy (Kim keeps the epoch of best dev accuracy)
# and Kim's edge padding. Chosen without the test set: 10% of TREC train
# (stratified, seed 123) held out as selection set A, each model trained on
# the other 90% as here (its own 10% early-stopping split); selection-set
# accuracy, mean of seeds 0-4: patience on dev loss 87.9, on dev accuracy 88.4
# (kept); on top of that, not lower-casing (Kim's TREC clean_str) 88.2; Kim's
# U[-0.25, 0.25] initial embeddings (`embedding_scale=0.25`) 84.7 (seeds
# 0-2), so Keras' U[-0.05, 0.05] stays; Kim's zero, untrained padding row
# 88.0; padding to the longest question 88.0 (3 seeds); refitting on all of
# train for the best epoch count 88.0; windows 1,2,3 87.9, 2,3,4 88.1; 200
# maps 87.9; Adam 88.1; batch 25 88.0; spatial dropout 0.25 88.3; Kim's
# tokens (? ! , ( ) ' kept) 88.1; an `oov_token` 88.2, and with words seen once
# mapped to it 88.6; Kim's edge padding (`edge_padding=True`: h_max - 1 zero
# vectors at both ends, so the first, wh-word is in h windows) 88.7, with
# Kim's tokens 88.8. Edge padding, the best on A, was checked on a second
# selection set B (seed 456): 85.3 against 85.0 (seeds 0-4; the words-seen-
# once variant fell to 84.3 on 2 seeds there); +0.3 on each, 10 paired seeds
# +0.3 +/- 0.35 s.e.: within noise, but Kim's own setting and positive on both
# sets, so kept. TREC test, seeds 0-4 (`--rand-seeds 5`), each configuration run on
# test once: without edge padding 89.8, 90.0, 89.0, 91.0, 90.0 (mean 89.96,
# std 0.64); with it 90.8, 89.6, 90.6, 91.4, 91.2 (mean 90.72, std 0.63).
# MR (75.7) was run before both changes and not re-run.
_TREC_RAND_MEMBER: dict[str, Any] = {**KIM_RAND, "monitor": "val_accuracy"}
KIM_RAND_BY_DATASET: dict[str, dict[str, Any]] = {
    "TREC": {**_TREC_RAND_MEMBER, "edge_padding": True},
}
KIM_EPOCHS = 25

# fastText's supervised defaults (lr 0.1, minCount 1) with 10 epochs, not tuned;
# two threads, so two runs may differ by a few tenths
FASTTEXT: dict[str, Any] = {"dim": 50, "wordNgrams": 2, "epoch": 10, "lr": 0.1, "minCount": 1}


# --------------------------------------------------------------------- data
class Split:
    """One train/test split, with the dev set embedlab may stop on."""

    def __init__(self, train: Dataset, test: Dataset, dev: Dataset | None = None) -> None:
        self.train, self.test, self.dev = train, test, dev

    def fit_dev(self, seed: int) -> tuple[Dataset, Dataset]:
        """(fit, dev): the given dev set, or 10% of train held out with `seed`."""
        if self.dev is not None:
            return self.train, self.dev
        return train_test_split(self.train, test_size=0.1, seed=seed)


def _clean(ds: Dataset) -> Dataset:
    return dataclasses.replace(ds, texts=[t.replace("<br />", " ") for t in ds.texts])


def splits(name: str, folds: int, seed: int) -> list[Split]:
    """The splits of dataset `name` under ../shared/data."""
    if name == "MR":  # stratified folds, seeded
        mr = DATA / "MR"
        pairs = [f"pos={mr / 'rt-polarity.pos'}", f"neg={mr / 'rt-polarity.neg'}"]
        data = read_dataset(pairs, encoding="latin-1")
        folds_ = kfold_indices(data.labels, n_folds=folds, seed=seed)
        return [Split(data.subset(train), data.subset(test)) for train, test in folds_]
    if name == "SST-2":
        sst = DATA / "SST-2"

        def read(part: str) -> Dataset:
            return read_dataset([sst / f"stsa.binary.{part}"], format="label-text")

        return [Split(read("train"), read("test"), read("dev"))]
    if name == "TREC":
        trec = DATA / "TREC"

        def read_trec(part: str) -> Dataset:
            return read_dataset(
                [trec / f"TREC.{part}.all"], format="label-text", encoding="latin-1"
            )

        return [Split(read_trec("train"), read_trec("test"))]
    if name == "IMDB":
        imdb = DATA / "IMDB"

        def read_imdb(part: str) -> Dataset:
            return _clean(
                read_dataset(
                    [imdb / f"{part}.tsv"], format="tsv", text_column="text", label_column="label"
                )
            )

        return [Split(read_imdb("train"), read_imdb("test"))]
    raise SystemExit(f"unknown dataset {name!r}; choose from {', '.join(DATASETS)}")


# ------------------------------------------------------------------ systems
Result = dict[str, float]


def run_tfidf(split: Split, args: argparse.Namespace) -> Result:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    start = time.perf_counter()
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True)
    x = vec.fit_transform(split.train.texts)
    clf = LogisticRegression(C=10.0, max_iter=2000).fit(x, split.train.labels)
    seconds = time.perf_counter() - start
    accuracy = float((clf.predict(vec.transform(split.test.texts)) == split.test.labels).mean())
    return {"accuracy": accuracy, "epoch_seconds": seconds, "train_seconds": seconds}


NBSVM_ALPHA = 1.0  # Wang & Manning's naive-Bayes smoothing
NBSVM_BETA = 0.25  # their interpolation weight
NBSVM_C = 1.0


def run_nbsvm(split: Split, args: argparse.Namespace) -> Result:
    """NBSVM-bi (Wang & Manning 2012, section 2.3), one-vs-rest beyond two classes.

    scikit-learn's default token pattern (words of two or more characters,
    lower-cased) gives MR 10-fold 80.0 (their figure: 79.4).
    """
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.svm import LinearSVC

    start = time.perf_counter()
    vec = CountVectorizer(binary=True, ngram_range=(1, 2))
    x = vec.fit_transform(split.train.texts)
    y = np.asarray(split.train.labels, dtype=str)
    classes = np.unique(y)
    models = []  # (r, w', b) per class; one, for the second class, with two
    for positive in classes[1:] if len(classes) == 2 else classes:
        is_pos = y == positive
        p = NBSVM_ALPHA + np.asarray(x[is_pos].sum(axis=0)).ravel()
        q = NBSVM_ALPHA + np.asarray(x[~is_pos].sum(axis=0)).ravel()
        r = np.log((p / p.sum()) / (q / q.sum()))
        svm = LinearSVC(C=NBSVM_C).fit(x.multiply(r).tocsr(), is_pos)
        # the interpolation moves the whole SVM, bias too, toward the mean weight
        # and no bias: with the bias kept, MR with every second negative review
        # left out (2:1) was called positive 97% of the time (69.7% accuracy,
        # 78.2% with it scaled; `recipe_search.py --datasets MR-imbalanced`)
        w = svm.coef_.ravel()
        w = (1 - NBSVM_BETA) * np.abs(w).mean() + NBSVM_BETA * w
        models.append((r, w, NBSVM_BETA * float(svm.intercept_[0])))
    seconds = time.perf_counter() - start
    x_test = vec.transform(split.test.texts)
    scores = np.stack([x_test.multiply(r).tocsr() @ w + b for r, w, b in models], axis=1)
    if len(classes) == 2:
        predicted = classes[(scores[:, 0] > 0).astype(int)]
    else:
        predicted = classes[scores.argmax(axis=1)]
    accuracy = float((predicted == np.asarray(split.test.labels, dtype=str)).mean())
    return {"accuracy": accuracy, "epoch_seconds": seconds, "train_seconds": seconds}


def _tokens(text: str) -> str:
    return " ".join(text_to_word_sequence(text))


def _write_fasttext(path: Path, ds: Dataset, seed: int) -> None:
    order = np.random.default_rng(seed).permutation(len(ds))  # fastText reads in file order
    with open(path, "w", encoding="utf-8") as f:
        for i in order:
            f.write(f"__label__{ds.labels[i]} {_tokens(ds.texts[i])}\n")


def _write_vec(path: Path, ds: Dataset) -> None:
    """GloVe rows of the dataset's words only, as a ``.vec`` file with a header."""
    from embedlab.vectors import load_vectors

    words = {w for text in ds.texts for w in text_to_word_sequence(text)}
    vectors = load_vectors(VECTORS, vocab=sorted(words))
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"{len(vectors.words)} {vectors.dim}\n")
        for word, row in zip(vectors.words, vectors.matrix, strict=True):
            f.write(word + " " + " ".join(f"{v:.5f}" for v in row) + "\n")


def run_fasttext(split: Split, args: argparse.Namespace) -> Result:
    """fastText in a fresh process (chained runs in one process drift and end in NaN)."""
    with tempfile.TemporaryDirectory() as tmp:
        train, test, vec = Path(tmp, "train.txt"), Path(tmp, "test.txt"), Path(tmp, "glove.vec")
        _write_fasttext(train, split.train, args.seed)
        _write_fasttext(test, split.test, args.seed)
        _write_vec(vec, split.train)
        out = subprocess.run(
            [sys.executable, __file__, "--fasttext-worker", str(train), str(test), str(vec)],
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def fasttext_worker(train: str, test: str, vec: str) -> None:
    import fasttext

    start = time.perf_counter()
    model = fasttext.train_supervised(
        input=train, pretrainedVectors=vec, thread=2, verbose=0, seed=0, **FASTTEXT
    )
    seconds = time.perf_counter() - start
    _, precision, _ = model.test(test)  # one label per line: precision@1 is accuracy
    epoch_seconds = seconds / FASTTEXT["epoch"]
    print(
        json.dumps(
            {"accuracy": precision, "epoch_seconds": epoch_seconds, "train_seconds": seconds}
        )
    )


def _train_embedlab(
    split: Split, options: dict[str, Any], *, seed: int, epochs: int, patience: int
) -> tuple[Any, list[float]]:
    from embedlab.classify.classifier import TextClassifier

    fit_set, dev_set = split.fit_dev(seed)
    options = dict(options)
    model = options.pop("model")
    epochs = options.pop("epochs", epochs)  # a member may train on its own schedule
    patience = options.pop("patience", patience)
    monitor = options.pop("monitor", "val_loss")  # or "val_accuracy", as Kim
    clf = TextClassifier(model, seed=seed, **options)
    clf.fit(
        fit_set.texts,
        fit_set.labels,
        epochs=epochs,
        validation_data=(dev_set.texts, dev_set.labels),
        patience=patience,
        monitor=monitor,
        verbose=0,
    )
    return clf, clf.history["epoch_seconds"]


def run_embedlab(
    split: Split,
    members: list[dict[str, Any]],
    *,
    seeds: int,
    epochs: int,
    patience: int,
    seed: int,
) -> Result:
    """Accuracy of the mean probabilities of each member config x `seeds` seeds.

    Seconds per epoch are those of one model (the mean over the members), the
    ensemble costs ``len(members) * seeds`` times as much.
    """
    start = time.perf_counter()
    proba = None
    epoch_seconds: list[float] = []
    labels: list[str] = []
    for options in members:
        for s in range(seed, seed + seeds):
            clf, seconds = _train_embedlab(split, options, seed=s, epochs=epochs, patience=patience)
            p = clf.predict_proba(split.test.texts)
            proba = p if proba is None else proba + p
            epoch_seconds.append(statistics.median(seconds[1:] or seconds))  # 1st: compiling
            labels = clf.labels
    assert proba is not None
    predicted = np.asarray(labels)[proba.argmax(axis=1)]
    accuracy = float((predicted == np.asarray(split.test.labels, dtype=str)).mean())
    seconds = time.perf_counter() - start
    return {
        "accuracy": accuracy,
        "epoch_seconds": statistics.mean(epoch_seconds),
        "train_seconds": seconds,
    }


def run_default(split: Split, args: argparse.Namespace) -> Result:
    """`TextClassifier()` with no model: the recipe, as `embedlab train DATA` trains it.

    Timed from before the first import of Keras, so start-up and compilation
    count; the recipe carves its own dev split from the training part.
    """
    start = time.perf_counter()
    from embedlab import TextClassifier

    clf = TextClassifier(seed=args.seed).fit(split.train.texts, split.train.labels, verbose=0)
    seconds = time.perf_counter() - start
    proba = clf.predict_proba(split.test.texts)
    predicted = np.asarray(clf.labels)[proba.argmax(axis=1)]
    accuracy = float((predicted == np.asarray(split.test.labels, dtype=str)).mean())
    epochs = max(1, len(clf.history.get("epoch_seconds", [])))
    return {
        "accuracy": accuracy,
        "epoch_seconds": seconds / epochs,
        "train_seconds": seconds,
        "peak_rss_mb": peak_rss_mb(),
    }


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (run ``--systems default`` alone
    for the default's own figure)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def system_runner(system: str, dataset: str, args: argparse.Namespace) -> Callable[[Split], Result]:
    if system == "tfidf-lr":
        return lambda split: run_tfidf(split, args)
    if system == "fasttext":
        return lambda split: run_fasttext(split, args)
    if system == "cnn-rand":
        return lambda split: run_embedlab(
            split,
            [KIM_RAND_BY_DATASET.get(dataset, KIM_RAND)],
            seeds=1,
            epochs=KIM_EPOCHS,
            patience=args.patience,
            seed=args.seed,
        )
    if system == "nbsvm":
        return lambda split: run_nbsvm(split, args)
    if system == "default":
        return lambda split: run_default(split, args)
    raise SystemExit(f"unknown system {system!r}; choose from {', '.join(SYSTEMS)}")


# --------------------------------------------------------------------- NSMC
# peers.py's system names -> nsmc.py's peers that stand for them on NSMC
NSMC_SYSTEMS: dict[str, tuple[str, ...]] = {
    "tfidf-lr": ("tfidf-words", "tfidf-morphemes", "tfidf-chars"),
    "nbsvm": ("nbsvm-morphemes",),
    "fasttext": ("fasttext-morphemes",),
}


def run_nsmc(args: argparse.Namespace) -> list[dict[str, Any]]:
    """NSMC's rows: `nsmc.PEERS` and ``default`` on `nsmc.nsmc_split`, in one run.

    Empty (with a message) when ``NSMC/ratings_test.txt`` is absent.
    """
    import nsmc  # benchmarks/nsmc.py, beside this script

    path = DATA / "NSMC" / "ratings_test.txt"
    if not path.is_file():
        print(f"NSMC: {path} not found; skipped", flush=True)
        return []
    wanted = args.systems.split(",")
    peers = [
        peer
        for peer in nsmc.PEERS
        if peer in wanted or any(peer in NSMC_SYSTEMS.get(s, ()) for s in wanted)
    ]
    texts, labels, dropped = nsmc.load_nsmc(path)
    train, test = nsmc.nsmc_split(labels, seed=args.seed)
    print(
        f"NSMC: {len(texts)} reviews ({dropped} empty dropped), train {len(train)}, "
        f"test {len(test)}, seed {args.seed}; tokenising throughput (all reviews):",
        flush=True,
    )
    tokens, _ = nsmc.tokenise_all(texts)
    rows = []
    for peer in peers:
        accuracy, seconds = nsmc.run_peer(peer, tokens, labels, train, test)
        rows.append(_nsmc_row(peer, {"accuracy": accuracy, "train_seconds": seconds}))
    if "default" in wanted:
        y = [str(v) for v in labels]
        split = Split(
            Dataset([texts[i] for i in train], [y[i] for i in train], [str(path)]),
            Dataset([texts[i] for i in test], [y[i] for i in test], [str(path)]),
        )
        rows.append(_nsmc_row("default", run_default(split, args)))
    return rows


def _nsmc_row(system: str, result: Result) -> dict[str, Any]:
    print(f"NSMC {system}: {100 * result['accuracy']:.2f}", flush=True)
    return {
        "dataset": "NSMC",
        "system": system,
        "std": 0.0,
        "epoch_seconds": result.get("epoch_seconds", result["train_seconds"]),
        "runs": 1,
        "accuracies": [result["accuracy"]],
        **result,
    }


# --------------------------------------------------------------------- main
def report(rows: list[dict[str, Any]]) -> None:
    print("\n| dataset | system | accuracy % | std | s/epoch | train s | runs |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        train = r.get("train_seconds")
        print(
            f"| {r['dataset']} | {r['system']} | {100 * r['accuracy']:.1f} | "
            f"{100 * r['std']:.1f} | {r['epoch_seconds']:.2f} | "
            f"{'-' if train is None else f'{train:.1f}'} | {r['runs']} |"
        )
    print()
    for dataset in dict.fromkeys(r["dataset"] for r in rows):
        by = {r["system"]: r for r in rows if r["dataset"] == dataset}
        if "default" not in by:
            continue
        best = by["default"]["accuracy"]
        peer_names = [p for s in PEERS for p in NSMC_SYSTEMS[s]] if dataset == "NSMC" else PEERS
        if all(p in by for p in peer_names):
            verdict = (
                "beats" if all(best > by[p]["accuracy"] for p in peer_names) else "does NOT beat"
            )
            peers = ", ".join(f"{p} {100 * by[p]['accuracy']:.1f}" for p in peer_names)
            print(f"{dataset}: default {100 * best:.1f} {verdict} every peer ({peers})")
        default_s = by["default"].get("train_seconds")
        fasttext = "fasttext-morphemes" if dataset == "NSMC" else "fasttext"
        fasttext_s = by[fasttext].get("train_seconds") if fasttext in by else None
        if default_s and fasttext_s:
            print(
                f"{dataset}: default trains in {default_s:.1f} s per split, "
                f"{default_s / fasttext_s:.1f}x fastText's {fasttext_s:.1f} s (target <= 10x)"
            )
        if "peak_rss_mb" in by["default"]:
            print(f"{dataset}: peak RSS {by['default']['peak_rss_mb']:.0f} MB (target < 2048)")


def merge_rows(files: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The rows of several --json files; a later file's row replaces an earlier
    one of the same dataset and system (in its place)."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for rows in files:
        for row in rows:
            merged[row["dataset"], row["system"]] = row
    return list(merged.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--folds", type=int, default=10, help="MR cross-validation folds")
    parser.add_argument("--max-folds", type=int, help="run only the first N MR folds")
    parser.add_argument(
        "--rand-seeds",
        type=int,
        default=1,
        help="cnn-rand: independent models (seeds) per split; the row is their mean",
    )
    parser.add_argument(
        "--seeds",
        type=int,
        default=1,
        help=(
            "fastText and default: runs per split with seeds --seed, --seed + 1, ... (fastText's "
            "file order, the default's seed; MR's folds stay those of --seed); the row is their "
            "mean. TF-IDF and NBSVM are deterministic and run once"
        ),
    )
    parser.add_argument("--patience", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the rows here")
    parser.add_argument(
        "--merge",
        nargs="+",
        type=Path,
        help=(
            "print one table of the --json files of earlier runs (a later file's row "
            "replaces an earlier one of the same dataset and system); --json writes it"
        ),
    )
    parser.add_argument("--fasttext-worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fasttext_worker:
        fasttext_worker(*args.fasttext_worker)
        return 0
    if args.merge:
        rows = merge_rows([json.loads(path.read_text()) for path in args.merge])
        report(rows)
        if args.json:
            write_text(args.json, json.dumps(rows, indent=1) + "\n")
        return 0
    if not DATA.is_dir() and args.datasets != "NSMC":  # NSMC says itself that it is missing
        print(f"{DATA} not found: this benchmark needs ../shared/data", file=sys.stderr)
        return 1

    rows = []
    for dataset in args.datasets.split(","):
        if dataset == "NSMC":
            rows.extend(run_nsmc(args))
            continue
        parts = splits(dataset, args.folds, args.seed)[: args.max_folds]
        for system in args.systems.split(","):
            if system == "cnn-rand" and dataset not in ("MR", "TREC"):
                continue
            # independent runs per split: --rand-seeds for cnn-rand, --seeds for the others
            n_seeds = args.rand_seeds if system == "cnn-rand" else args.seeds
            runs = [
                system_runner(system, dataset, argparse.Namespace(**{**vars(args), "seed": s}))
                for s in range(args.seed, args.seed + (1 if system in DETERMINISTIC else n_seeds))
            ]
            results = []
            for i, split in enumerate(parts):
                results.extend(run(split) for run in runs)
                print(
                    f"  {dataset} {system} split {i + 1}/{len(parts)}: "
                    f"{100 * results[-1]['accuracy']:.2f}",
                    flush=True,
                )
            accs = [r["accuracy"] for r in results]
            rows.append(
                {
                    "dataset": dataset,
                    "system": system,
                    "accuracy": statistics.mean(accs),
                    "std": statistics.pstdev(accs),
                    "epoch_seconds": statistics.mean(r["epoch_seconds"] for r in results),
                    "train_seconds": statistics.mean(r["train_seconds"] for r in results),
                    **(
                        {"peak_rss_mb": max(r["peak_rss_mb"] for r in results)}
                        if "peak_rss_mb" in results[-1]
                        else {}
                    ),
                    "runs": len(results),
                    "accuracies": accs,
                }
            )
            print(f"{dataset} {system}: {100 * rows[-1]['accuracy']:.2f}", flush=True)
    report(rows)
    if args.json:
        write_text(args.json, json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
