"""Train word vectors on your own text: word2vec, fastText (gensim) and GloVe.

`train_vectors` reads a `Corpus`, trains one algorithm and writes the vectors
atomically in a format `embedlab train --vectors PATH` (and
`embedlab.load_vectors`) reads directly:

========= ===================================== ==============================
algo      trained by                            written
========= ===================================== ==============================
word2vec  gensim ``Word2Vec`` (skip-gram/CBOW)  word2vec text
fasttext  gensim ``FastText``                   ``.vec`` text + Facebook ``.bin``
glove     `embedlab.embeddings.glove`           GloVe text (as ``glove.c``)
========= ===================================== ==============================

The modules: `embedlab.embeddings.corpus` (`Corpus`, documents streamed
from text files or labelled data), `embedlab.embeddings.gensim_train`
(word2vec and fastText) and `embedlab.embeddings.glove` (GloVe itself).
This package imports nothing heavy; gensim, scipy and numba are imported by
the functions that use them.

Example:
    >>> from embedlab.embeddings import Corpus, train_vectors
    >>> result = train_vectors(Corpus("reviews.txt"), "reviews.glove.txt", algo="glove")
    >>> result.vectors.most_similar("movie", topn=1)
    [('film', 0.9...)]
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from embedlab.embeddings.corpus import TEXT_FORMAT, Corpus
from embedlab.errors import OptionError
from embedlab.vectors.core import Vectors

__all__ = [
    "ALGORITHMS",
    "GLOVE_DEFAULTS",
    "Corpus",
    "GloVeDefaults",
    "Reporter",
    "TEXT_FORMAT",
    "TrainedVectors",
    "train_vectors",
]

ALGORITHMS: tuple[str, ...] = ("word2vec", "fasttext", "glove")


class Reporter(Protocol):
    """Receives training progress: a phase with its total units, then advances."""

    def phase(self, description: str, total: int) -> None:
        """A new phase starts, `total` units long."""

    def advance(self, amount: int) -> None:
        """`amount` more units of the current phase are done."""


@dataclass(frozen=True)
class GloVeDefaults:
    """GloVe settings used by `train_vectors` and ``embedlab embed train``.

    They are chosen for small corpora (millions of tokens, the domain text
    this command is for) by measurement on IMDB's 6.7M tokens (100 dims,
    window 10, see ``benchmarks/train_vectors.py``); the algorithm itself
    (`embedlab.embeddings.glove.fit_glove`, `GloVeModel.vectors`) keeps the
    paper's values as its defaults.

    * ``x_max`` 10, not the paper's 100, which was tuned on billions of
      tokens: on a small corpus most counts are far below 100, so nearly
      every pair gets a small weight; GloVe's own ``demo.sh`` uses 10 too.
      With the paper's settings (x_max 100, 15 epochs, W + W~) the IMDB
      vectors scored analogy 6.7%, WordSim-353 0.176, SimLex 0.027 (the C
      reference: 7.2%, 0.191, 0.062); with x_max 10 and 25 epochs, W + W~
      scored 10.0%, 0.254, 0.087. x_max 5 and 2 raised WordSim-353 a little
      more (0.284 and 0.317) but not the analogies (10.0% and 9.7%).
    * 25 epochs: 50 added under half a point of analogy accuracy at twice
      the time. Counting plus 25 epochs took 81 s on two cores (the C
      reference needs 194 s for 15 iterations).
    * ``output_vectors`` ``"word"`` (``W``, ``glove.c -model 1``) rather than
      the paper's ``W + W~``: at 25 epochs and x_max 10, ``W`` scored analogy
      13.9% / SimLex 0.107 / WordSim-353 0.239, ``W~`` 13.7% / 0.106 / 0.227,
      their sum 9.8% / 0.087 / 0.255. (Gradient descent makes ``W - W~``
      grow along the negative eigen-directions of the shifted log-count
      matrix; the sum cancels that part, which carries analogy information
      on a corpus this small.)
    * ``alpha`` 0.75 and ``learning_rate`` 0.05 are the paper's; a rate of
      0.1 gave analogy 9.8%, WordSim-353 0.289, SimLex 0.101 (W + W~,
      25 epochs), no clear gain.

    Attributes:
        x_max: float. Cutoff of the weighting function.
        alpha: float. Exponent of the weighting function.
        learning_rate: float. AdaGrad's initial rate.
        epochs: int. Passes over the nonzero counts.
        window: int. Context words on each side (the paper's 10).
        output_vectors: str. ``"word"`` (``W``) or ``"sum"`` (``W + W~``).
    """

    x_max: float = 10.0
    alpha: float = 0.75
    learning_rate: float = 0.05
    epochs: int = 25
    window: int = 10
    output_vectors: str = "word"


GLOVE_DEFAULTS = GloVeDefaults()

GENSIM_WINDOW = 5
"""Default window of word2vec and fastText (gensim's and ``word2vec.c``'s)."""

GENSIM_EPOCHS = 5
"""Default epochs of word2vec and fastText (gensim's)."""


@dataclass(frozen=True)
class TrainedVectors:
    """What `train_vectors` wrote.

    Attributes:
        vectors: Vectors. The trained word vectors, most frequent word first.
        paths: list of Path. Files written: the vectors first, then (for
            fastText) the ``.bin`` model.
        algo: str. The algorithm.
        seconds: float. Wall time of reading, training and writing.
        losses: list of float. GloVe's loss per epoch; empty for gensim.
    """

    vectors: Vectors
    paths: list[Path]
    algo: str
    seconds: float
    losses: list[float]


def train_vectors(
    corpus: Corpus,
    out: str | os.PathLike[str],
    *,
    algo: str = "word2vec",
    sg: bool = True,
    dim: int = 100,
    window: int | None = None,
    min_count: int = 5,
    epochs: int | None = None,
    workers: int = 2,
    seed: int = 0,
    x_max: float | None = None,
    alpha: float | None = None,
    learning_rate: float | None = None,
    output_vectors: str | None = None,
    overwrite: bool = False,
    progress: Reporter | None = None,
) -> TrainedVectors:
    """Train word vectors on `corpus` and write them to `out`.

    Args:
        corpus: Corpus. The documents (see `Corpus`).
        out: str or path. The vector file. word2vec writes word2vec text,
            GloVe writes GloVe text, fastText writes a ``.vec`` and a ``.bin``
            (see `embedlab.embeddings.gensim_train.fasttext_paths`).
        algo: str. ``word2vec``, ``fasttext`` or ``glove``.
        sg: bool. Skip-gram (True; it does better than CBOW on small corpora,
            Mikolov et al. 2013) or CBOW; word2vec and fastText only.
        dim: int. Vector size.
        window: int or None. Context words on each side; None: 5 for
            word2vec and fastText (gensim's default), 10 for GloVe (the paper).
        min_count: int. Fewest occurrences of a word given a vector.
        epochs: int or None. None: 5 for word2vec and fastText (gensim's
            default), `GLOVE_DEFAULTS.epochs` for GloVe.
        workers: int. Threads.
        seed: int. Seed of the initial vectors (and of GloVe's shuffle).
        x_max: float or None. GloVe's weighting cutoff; None:
            `GLOVE_DEFAULTS.x_max` (see `GloVeDefaults` for why).
        alpha: float or None. GloVe's weighting exponent; None: 0.75.
        learning_rate: float or None. GloVe's AdaGrad rate; None: 0.05.
        output_vectors: str or None. GloVe's output, ``"sum"`` (``W + W~``) or
            ``"word"`` (``W``); None: `GLOVE_DEFAULTS.output_vectors`.
        overwrite: bool. Replace existing output files.
        progress: Reporter or None. Told about each phase and its progress.

    Returns:
        A `TrainedVectors`.

    Raises:
        OptionError: (a ValueError) if `algo` is unknown, an option is out of
            range, a GloVe option is given for another algorithm, or an output file exists
            and `overwrite` is False.
        EmbedlabError: if the corpus cannot be read or has no word
            occurring `min_count` times.

    Example:
        >>> train_vectors(Corpus("reviews.txt"), "w2v.txt", algo="word2vec").paths
        [PosixPath('w2v.txt')]
    """
    if algo not in ALGORITHMS:
        raise OptionError(f"`algo` must be one of {', '.join(ALGORITHMS)}. Received: algo={algo!r}")
    glove_options = {
        "x_max": x_max,
        "alpha": alpha,
        "learning_rate": learning_rate,
        "output_vectors": output_vectors,
    }
    if algo != "glove":
        changed = [k for k, v in glove_options.items() if v is not None]
        if changed:
            raise OptionError(
                f"{', '.join(changed)} appl{'ies' if len(changed) == 1 else 'y'} to GloVe only. "
                f"Received: algo={algo!r}"
            )
    out = Path(out)
    if algo == "fasttext":
        from embedlab.embeddings.gensim_train import fasttext_paths

        targets = list(fasttext_paths(out))
    else:
        targets = [out]
    existing = [str(p) for p in targets if p.exists()]
    if existing and not overwrite:
        raise OptionError(
            f"{', '.join(existing)} already exist{'s' if len(existing) == 1 else ''}; "
            "pass `overwrite` to replace it."
        )
    from embedlab.ownership import check_output

    for target in targets:  # never an input, the working directory, or a file we did not write
        check_output(target, kind="vectors", inputs=corpus.paths, overwrite=overwrite)
    for target in targets:
        if not target.parent.is_dir():
            raise OptionError(f"{target}: the folder {target.parent} does not exist.")
    start = time.perf_counter()
    losses: list[float] = []
    if algo == "glove":
        from embedlab.embeddings.glove import train_glove
        from embedlab.vectors.save import save_vectors

        vectors, model = train_glove(
            corpus,
            dim=dim,
            window=GLOVE_DEFAULTS.window if window is None else window,
            min_count=min_count,
            epochs=GLOVE_DEFAULTS.epochs if epochs is None else epochs,
            x_max=GLOVE_DEFAULTS.x_max if x_max is None else x_max,
            alpha=GLOVE_DEFAULTS.alpha if alpha is None else alpha,
            learning_rate=GLOVE_DEFAULTS.learning_rate if learning_rate is None else learning_rate,
            workers=workers,
            seed=seed,
            output_vectors=GLOVE_DEFAULTS.output_vectors
            if output_vectors is None
            else output_vectors,
            progress=progress,
        )
        losses = list(model.losses)
        paths = [save_vectors(vectors, out, format="glove")]
    else:
        from embedlab.embeddings import gensim_train

        train = gensim_train.train_word2vec if algo == "word2vec" else gensim_train.train_fasttext
        gensim_model = train(
            corpus,
            sg=sg,
            dim=dim,
            window=GENSIM_WINDOW if window is None else window,
            min_count=min_count,
            epochs=GENSIM_EPOCHS if epochs is None else epochs,
            workers=workers,
            seed=seed,
            progress=progress,
        )
        vectors = Vectors.from_keyed_vectors(gensim_model.wv)
        if algo == "word2vec":
            paths = [gensim_train.save_word2vec(gensim_model, out)]
        else:
            paths = list(gensim_train.save_fasttext(gensim_model, out))
    return TrainedVectors(vectors, paths, algo, time.perf_counter() - start, losses)
