"""Memory and speed of ``embedlab predict DIR --file IN --out OUT.jsonl`` on big files.

Trains a small CNN on the bundled demo reviews, writes input files of each
size (default 0.5M and 3M lines, one review a line, sampled from the demo
reviews) under a temporary folder in /tmp, then runs the CLI in a subprocess
on each and reports wall time and lines/s (whole command, and inside it
without the start-up, as the CLI reports) and the child's peak RSS (from
``os.wait4``'s rusage, so it is exactly that process). Memory should not grow
with the input: the last lines print the peak-RSS ratio of the biggest to the
smallest size (1.0 = constant) and, as the reference measured in the same
run, the peak RSS of the old whole-file path (``predict --file IN --json`` to
stdout) on the smallest size.

Usage: ``python benchmarks/predict_big_file.py [--sizes 500000 3000000] [--keep DIR]``.
The timings depend on the machine; take them on a quiet one.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_cli(args: list[str], *, stdout: int | None = None) -> tuple[float, int, bytes]:
    """Run ``python -m embedlab ARGS``; return (wall seconds, peak RSS in bytes, stdout)."""
    env = {**os.environ, "KERAS_BACKEND": os.environ.get("KERAS_BACKEND", "jax")}
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "embedlab", *args],
        env=env,
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    printed = proc.stdout.read() if proc.stdout is not None else b""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"embedlab {' '.join(args)} failed with exit {proc.returncode}")
    return seconds, usage.ru_maxrss * 1024, printed  # Linux reports ru_maxrss in KiB


def write_input(path: Path, n_lines: int, texts: list[str], seed: int = 0) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as file:
        for start in range(0, n_lines, 100_000):
            n = min(100_000, n_lines - start)
            file.write("\n".join(rng.choices(texts, k=n)) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500_000, 3_000_000])
    parser.add_argument("--batch-size", type=int, default=1024)
    parser.add_argument("--keep", type=Path, default=None, help="keep the files in this folder")
    args = parser.parse_args()

    from embedlab.classify.classifier import TextClassifier
    from embedlab.data import read_dataset
    from embedlab.experiments.demo import demo_data_path

    work = args.keep or Path(tempfile.mkdtemp(prefix="embedlab-bigfile-", dir="/tmp"))
    work.mkdir(parents=True, exist_ok=True)
    data = read_dataset([demo_data_path()])
    clf = TextClassifier("cnn", embedding_dim=32, seed=0)
    clf.fit(data.texts, data.labels, epochs=2, verbose=0)
    model_dir = clf.save(work / "model", overwrite=True)

    sizes = sorted(args.sizes)
    peaks: dict[int, int] = {}
    print(
        f"{'lines':>10} {'MB in':>7} {'wall s':>8} {'lines/s':>9} {'predict s':>10} "
        f"{'lines/s':>9} {'peak RSS MB':>12}"
    )
    for n in sizes:
        path = work / f"in-{n}.txt"
        write_input(path, n, data.texts)
        out = work / f"out-{n}.jsonl"
        seconds, peak, printed = run_cli(
            [
                "predict",
                str(model_dir),
                "--file",
                str(path),
                "--out",
                str(out),
                "--batch-size",
                str(args.batch_size),
                "--overwrite",
            ]
        )
        peaks[n] = peak
        size_mb = path.stat().st_size / 1e6
        inside = json.loads(printed)["seconds"]  # reading + predicting + writing, no start-up
        print(
            f"{n:>10,} {size_mb:>7.0f} {seconds:>8.1f} {n / seconds:>9,.0f} {inside:>10.1f} "
            f"{n / inside:>9,.0f} {peak / 1e6:>12.0f}"
        )
        out.unlink()

    small = sizes[0]
    _, whole_peak, _ = run_cli(
        ["predict", str(model_dir), "--file", str(work / f"in-{small}.txt"), "--json"],
        stdout=subprocess.DEVNULL,
    )
    print(
        f"peak RSS, {sizes[-1]:,} vs {small:,} lines (streaming): "
        f"{peaks[sizes[-1]] / peaks[small]:.2f}x for {sizes[-1] / small:.0f}x the input"
    )
    print(
        f"reference, whole-file path (--json to stdout) on {small:,} lines: "
        f"{whole_peak / 1e6:.0f} MB = {whole_peak / peaks[small]:.2f}x the streaming peak"
    )
    if args.keep is None:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
