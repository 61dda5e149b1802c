"""`embedlab.experiments.compare`: the grid, its results, resume, and the CLI."""

import dataclasses
import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from conftest import NEGATIVE, NEUTRAL, POSITIVE, make_sentiment
from embedlab import kfold_indices
from embedlab.errors import EmbedlabError, ModelConfigError
from embedlab.experiments.compare import CELLS_DIR, compare, grid_configs
from embedlab.pipeline import TrainOptions
from test_cli import embedlab
from test_compare_plots import png_size

OPTIONS = TrainOptions(
    epochs=10,
    embedding_dim=8,
    batch_size=32,
    learning_rate=0.03,
    validation_split=0.1,
    patience=2,
)
N_TEXTS = 240


def write_csv(path: Path, texts: list[str], labels: list[str]) -> Path:
    lines = ["text,label"] + [f'"{t}",{y}' for t, y in zip(texts, labels, strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_glove(path: Path, dim: int = 8) -> Path:
    """A tiny GloVe text file whose vectors separate the sentiment words."""
    rng = np.random.default_rng(0)
    with open(path, "w", encoding="utf-8") as f:
        for word in POSITIVE + NEGATIVE + NEUTRAL:
            shift = 1.0 if word in POSITIVE else -1.0 if word in NEGATIVE else 0.0
            values = rng.normal(scale=0.3, size=dim) + shift
            f.write(word + " " + " ".join(f"{v:.5f}" for v in values) + "\n")
    return path


def cell_state(directory: Path) -> dict[str, tuple[int, str]]:
    """Each cell file's mtime and recorded finish time."""
    return {
        p.name: (p.stat().st_mtime_ns, json.loads(p.read_text())["finished"])
        for p in sorted((directory / CELLS_DIR).glob("*.json"))
    }


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    """A 2-fold comparison of average rand vs static, interrupted after its first cell,
    resumed, then run a third time."""
    root = tmp_path_factory.mktemp("compare")
    texts, labels = make_sentiment(N_TEXTS, seed=7)
    csv = write_csv(root / "data.csv", texts, labels)
    vectors = write_glove(root / "tiny-glove.txt")
    kwargs = dict(
        models=["average"],
        modes=["rand", "static"],
        vectors=[str(vectors)],
        folds=2,
        out=root / "out",
        options=OPTIONS,
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EMBEDLAB_HOME", str(root / "home"))

        def interrupt(record):
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            compare([csv], on_cell=interrupt, **kwargs)
        after_interrupt = cell_state(root / "out")
        resumed: list[dict] = []
        rows = compare([csv], on_cell=resumed.append, **kwargs)
        after_resume = cell_state(root / "out")
        third: list[dict] = []
        rows_again = compare([str(csv)], on_cell=third.append, **kwargs)
    return SimpleNamespace(
        root=root,
        csv=csv,
        vectors=vectors,
        texts=texts,
        labels=labels,
        kwargs=kwargs,
        out=root / "out",
        rows=rows,
        rows_again=rows_again,
        after_interrupt=after_interrupt,
        after_resume=after_resume,
        resumed=resumed,
        third=third,
    )


def macro_f1(y_true: list[str], y_pred: list[str]) -> float:
    scores = []
    for label in sorted(set(y_true)):
        tp = sum(t == p == label for t, p in zip(y_true, y_pred, strict=True))
        fp = sum(p == label != t for t, p in zip(y_true, y_pred, strict=True))
        fn = sum(t == label != p for t, p in zip(y_true, y_pred, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(scores))


def test_grid_configs_rand_ignores_vectors():
    configs = grid_configs(["cnn", "average"], ["rand", "static"], ["a.txt", "b.txt", "a.txt"])
    assert configs == [
        ("cnn", "rand", "-"),
        ("cnn", "static", "a.txt"),
        ("cnn", "static", "b.txt"),
        ("average", "rand", "-"),
        ("average", "static", "a.txt"),
        ("average", "static", "b.txt"),
    ]
    assert grid_configs(["cnn"], ["rand"], []) == [("cnn", "rand", "-")]


def test_grid_configs_errors_say_what_to_do():
    with pytest.raises(ModelConfigError, match="`vectors`"):
        grid_configs(["cnn"], ["rand", "nonstatic"], [])
    with pytest.raises(ModelConfigError, match="Unknown mode"):
        grid_configs(["cnn"], ["frozen"], ["a.txt"])
    with pytest.raises(ModelConfigError, match="cnn"):  # lists the registered models
        grid_configs(["resnet"], ["rand"], [])


def test_bad_arguments_are_refused_before_training(tmp_path):
    texts, labels = make_sentiment(40)
    csv = write_csv(tmp_path / "data.csv", texts, labels)
    base = dict(models=["average"], modes=["rand"], out=tmp_path / "out")
    with pytest.raises(EmbedlabError, match="not both"):
        compare([csv], folds=2, test=[csv], **base)
    with pytest.raises(EmbedlabError, match="seeds=0"):
        compare([csv], seeds=0, **base)
    with pytest.raises(EmbedlabError, match="validation_split=1.0"):
        compare([csv], options=TrainOptions(validation_split=1.0), **base)
    with pytest.raises(EmbedlabError, match="`patience` needs a dev split"):
        compare([csv], options=TrainOptions(patience=2), **base)
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    with pytest.raises(EmbedlabError, match="not an embedlab comparison"):
        compare([csv], **{**base, "out": tmp_path / "taken"})
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_results_match_a_recomputation_from_the_cells(grid):
    results = json.loads((grid.out / "results.json").read_text())
    assert results == grid.rows == grid.rows_again
    assert [(r["model"], r["mode"], r["vectors"]) for r in results] == [
        ("average", "rand", "-"),
        ("average", "static", str(grid.vectors)),
    ]
    folds = kfold_indices(grid.labels, n_folds=2, seed=OPTIONS.seed)
    cells = [json.loads(p.read_text()) for p in (grid.out / CELLS_DIR).glob("*.json")]
    assert len(cells) == 4
    for row in results:
        runs = sorted(
            (c for c in cells if (c["model"], c["mode"], c["vectors"]) == (row["model"],
             row["mode"], row["vectors"])),
            key=lambda c: c["fold"],
        )  # fmt: skip
        accuracies, f1s = [], []
        for run, (train_idx, test_idx) in zip(runs, folds, strict=True):
            assert run["test_indices"] == test_idx.tolist()
            truth = [grid.labels[i] for i in test_idx]
            assert len(run["predictions"]) == len(truth) == run["n_test"]
            accuracies.append(
                np.mean([p == t for p, t in zip(run["predictions"], truth, strict=True)])
            )
            f1s.append(macro_f1(truth, run["predictions"]))
            # a 10% stratified dev split of the training fold, never the test fold
            assert run["n_train"] + run["n_dev"] == len(train_idx)
            assert run["n_dev"] == round(0.1 * len(train_idx))
            assert 1 <= run["epochs_run"] <= OPTIONS.epochs
            assert len(run["history"]["val_accuracy"]) == run["epochs_run"]
            assert np.sum(run["confusion_matrix"]) == len(truth)
        assert row["accuracies"] == pytest.approx(accuracies)
        assert row["mean_accuracy"] == pytest.approx(np.mean(accuracies))
        assert row["std_accuracy"] == pytest.approx(np.std(accuracies))
        assert row["mean_macro_f1"] == pytest.approx(np.mean(f1s))
        assert 0.0 <= row["mean_accuracy"] <= 1.0
        assert (row["folds"], row["seeds"], row["runs"]) == (2, 1, 2)
        later = [s for r in runs for s in r["history"]["epoch_seconds"][1:]]
        assert row["epoch_seconds"] == pytest.approx(np.median(later))
    # the pretrained vectors carry the sentiment; static must clearly beat chance
    assert results[1]["mean_accuracy"] > 0.75


@pytest.mark.slow
def test_interrupted_run_resumes_without_retraining(grid):
    assert len(grid.after_interrupt) == 1  # the first cell was written, then Ctrl-C
    (name, state), = grid.after_interrupt.items()  # fmt: skip
    assert grid.after_resume[name] == state  # not re-trained, not rewritten
    assert len(grid.after_resume) == 4 and len(grid.resumed) == 3
    first = ("average", "rand", "-", 0, 0)  # the grid's first cell
    assert [(r["model"], r["mode"], r["vectors"], r["fold"], r["seed"]) for r in grid.resumed] == [
        ("average", "rand", "-", 1, 0),
        ("average", "static", str(grid.vectors), 0, 0),
        ("average", "static", str(grid.vectors), 1, 0),
    ]
    assert name.startswith("average_rand_-_f0_s0") and first[3:] == (0, 0)
    assert grid.third == []  # a third run trains nothing
    assert cell_state(grid.out) == grid.after_resume
    assert not list(grid.out.rglob("*.tmp"))  # nothing half-written


@pytest.mark.slow
def test_smaller_grid_reuses_cells_and_other_options_are_refused(grid, tmp_path):
    out = tmp_path / "copy"
    shutil.copytree(grid.out, out)  # keep the module's comparison as it was
    kwargs = {**grid.kwargs, "out": out, "modes": ["rand"], "vectors": []}
    trained: list[dict] = []
    rows = compare([grid.csv], on_cell=trained.append, **kwargs)
    assert trained == [] and len(rows) == 1 and rows[0] == grid.rows[0]
    assert json.loads((out / "results.json").read_text()) == rows
    stored = json.loads((out / "compare.json").read_text())
    assert stored["last_run"]["modes"] == ["rand"] and stored["setup"]["folds"] == 2

    more_epochs = {**kwargs, "options": dataclasses.replace(OPTIONS, epochs=11)}
    with pytest.raises(EmbedlabError, match=r"options\.epochs \(10 -> 11\).*another `out`"):
        compare([grid.csv], **more_epochs)
    other = write_csv(tmp_path / "other.csv", grid.texts[:-2], grid.labels[:-2])
    with pytest.raises(EmbedlabError, match=r"data\.sha256"):
        compare([other], **kwargs)
    with pytest.raises(EmbedlabError, match="folds"):
        compare([grid.csv], **{**kwargs, "folds": 3})
    assert cell_state(out) == grid.after_resume


@pytest.mark.slow
def test_report_and_plots(grid):
    from PIL import Image

    for name in ("accuracy.png", "learning_curves.png", "confusion_best.png"):
        path = grid.out / name
        width, height = png_size(path)
        assert 300 <= width <= 2500 and 200 <= height <= 2500, (name, width, height)
        with Image.open(path) as image:
            image.verify()
        assert f"]({name})" in (grid.out / "report.md").read_text()
    report = (grid.out / "report.md").read_text()
    assert "| average | static |" in report and "2-fold" in report
    best = max(grid.rows, key=lambda r: r["mean_accuracy"])
    assert f"{100 * best['mean_accuracy']:.1f}" in report


@pytest.mark.slow
def test_cli_compare_with_test_set_prints_table_and_resumes(tmp_path):
    texts, labels = make_sentiment(200, seed=11)
    write_csv(tmp_path / "train.csv", texts, labels)
    test_texts, test_labels = make_sentiment(60, seed=12)
    write_csv(tmp_path / "test.csv", test_texts, test_labels)
    args = "compare train.csv --test test.csv --models average --modes rand --seeds 2"
    args = [*args.split(), "--epochs", "2", "--embedding-dim", "8", "--out", "cmp"]
    run = embedlab(*args, cwd=tmp_path)
    rows = json.loads((tmp_path / "cmp" / "results.json").read_text())
    assert len(rows) == 1 and rows[0]["runs"] == 2 and rows[0]["folds"] is None
    cells = sorted((tmp_path / "cmp" / CELLS_DIR).glob("*.json"))
    assert [json.loads(p.read_text())["seed"] for p in cells] == [0, 1]
    table = run.stdout.splitlines()
    assert table[0].split()[:4] == ["model", "mode", "vectors", "accuracy"]
    row = rows[0]
    assert table[1].split()[:5] == [
        "average",
        "rand",
        "-",
        f"{100 * row['mean_accuracy']:.1f}",
        f"{100 * row['std_accuracy']:.1f}",
    ]
    # progress: off a terminal, one line per finished cell; Keras' own output is quiet
    assert "2/2 average rand - fold 0 seed 1: accuracy" in run.stderr
    assert "Epoch 1/" not in run.stderr + run.stdout

    before = cell_state(tmp_path / "cmp")
    again = embedlab(*args, cwd=tmp_path)
    assert again.returncode == 0 and again.stdout == run.stdout
    assert "2 of 2 cells already finished" in again.stderr
    assert cell_state(tmp_path / "cmp") == before

    refused = embedlab(*args[:-2], "--epochs", "3", "--out", "cmp", cwd=tmp_path, check=False)
    assert refused.returncode == 2
    assert "error:" in refused.stderr and "options.epochs" in refused.stderr
    assert "Traceback" not in refused.stderr


@pytest.mark.slow
def test_a_cell_trains_as_train_does_with_every_option(tmp_path):
    """No option is stored in compare.json and ignored: a cell is `TrainOptions.fit`'s model."""
    from embedlab import read_dataset

    train = write_csv(tmp_path / "train.csv", *make_sentiment(120, seed=5))
    test_texts, test_labels = make_sentiment(40, seed=6)
    test = write_csv(tmp_path / "test.csv", test_texts, test_labels)
    options = dataclasses.replace(
        OPTIONS, epochs=4, class_weight={"pos": 3.0}, monitor="val_accuracy", oov_token="<OOV>"
    )
    compare([train], models=["average"], modes=["rand"], test=[test], out=tmp_path / "cmp",
            options=options)  # fmt: skip
    cell = json.loads(next((tmp_path / "cmp" / CELLS_DIR).glob("*.json")).read_text())
    stored = json.loads((tmp_path / "cmp" / "compare.json").read_text())["setup"]["options"]
    assert stored["class_weight"] == {"pos": 3.0} and stored["monitor"] == "val_accuracy"

    def fitted(run_options: TrainOptions):
        clf = run_options.classifier()
        run_options.fit(clf, read_dataset([train]), verbose=0)
        return clf

    clf = fitted(dataclasses.replace(options, model="average", mode="rand"))
    assert cell["predictions"] == clf.predict(test_texts)
    assert cell["history"]["loss"] == pytest.approx(clf.history["loss"])
    assert cell["n_dev"] == len(clf.validation_indices) == 12
    unweighted = fitted(dataclasses.replace(options, model="average", class_weight=None))
    assert unweighted.history["loss"] != pytest.approx(clf.history["loss"])  # the weights count
