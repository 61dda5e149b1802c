"""Occlusion against integrated gradients: which agrees better with removing the words?

For each text, each method ranks the words by their contribution to the
predicted label; the top-k words are removed and the drop of the label's
log-odds (and probability) is measured: the larger the drop, the more the
ranking agrees with what removing the words does (the "deletion" test).
Random rankings are the reference measured in the same run. Integrated
gradients (Sundararajan et al. 2017) integrate the gradient of the label's
log-odds with respect to the word embeddings along the straight path from a
zero baseline (padding left as it is), ``STEPS`` steps.

Usage (a saved cnn/rand|static|nonstatic classifier and a file of texts)::

    nice -n 10 python benchmarks/explain_methods.py RUN TEXTS.txt [N] [--encoding latin-1]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "jax")

STEPS = 20
KS = (1, 2, 3)


def integrated_gradients(clf, sequences, targets):  # type: ignore[no-untyped-def]
    """Per-position attributions of each sequence, by integrated gradients on the embeddings."""
    import jax
    import jax.numpy as jnp
    import keras

    from embedlab.text.tokenizer import pad_sequences

    model = clf.keras_model
    layer = model.get_layer("embedding")
    sub = keras.Model(layer.output, model.output)
    trainable = [v.value for v in sub.trainable_variables]
    frozen = [v.value for v in sub.non_trainable_variables]
    length = clf.config.sequence_length
    table = np.asarray(layer.embeddings)

    def target_log_odds(embedded, target):  # type: ignore[no-untyped-def]
        out, _ = sub.stateless_call(trainable, frozen, embedded, training=False)
        p = out[:, 0] if out.shape[1] == 1 else out[:, target]
        p = jnp.where(target == 1, p, 1 - p) if out.shape[1] == 1 else p
        p = jnp.clip(p, 1e-7, 1 - 1e-7)
        return jnp.sum(jnp.log(p) - jnp.log1p(-p))

    grad = jax.jit(jax.grad(target_log_odds))
    out = []
    for seq, target in zip(sequences, targets, strict=True):
        ids = pad_sequences([seq], maxlen=length, padding="post", truncating="post")[0]
        emb = table[ids]
        n = min(len(seq), length)
        mask = np.zeros((length, 1), dtype=np.float32)
        mask[:n] = 1.0
        alphas = (np.arange(STEPS, dtype=np.float32) + 0.5) / STEPS
        path = emb[None] * (1 - mask[None] + mask[None] * alphas[:, None, None])
        g = np.asarray(grad(jnp.asarray(path), target))
        attribution = (emb * g.mean(axis=0)).sum(axis=1)[: len(seq)]
        out.append(np.pad(attribution, (0, len(seq) - len(attribution))))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run")
    parser.add_argument("texts")
    parser.add_argument("n", type=int, nargs="?", default=200)
    parser.add_argument("--encoding", default="utf-8")
    args = parser.parse_args()

    from embedlab.classify.classifier import TextClassifier
    from embedlab.inspect.explain import ids_predictor, log_odds, occlusion

    clf = TextClassifier.load(args.run)
    with open(args.texts, encoding=args.encoding) as f:
        texts = [line.strip() for line in f if len(line.split()) >= 6][: args.n]
    sequences = [s for s in clf.tokenizer.texts_to_sequences(texts) if len(s) >= 6]
    predict = ids_predictor(clf)

    start = time.perf_counter()
    full, dropped = occlusion(sequences, predict)
    occ_seconds = time.perf_counter() - start
    targets = full.argmax(axis=1)
    occ = [
        log_odds(f[t]) - log_odds(d[:, t]) for f, d, t in zip(full, dropped, targets, strict=True)
    ]
    start = time.perf_counter()
    ig = integrated_gradients(clf, sequences, targets)
    ig_seconds = time.perf_counter() - start
    rng = np.random.default_rng(0)
    rand = [rng.random(len(s)) for s in sequences]

    def deletion(scores, k):  # type: ignore[no-untyped-def]
        rows = []
        for seq, score in zip(sequences, scores, strict=True):
            top = set(np.argsort(-np.asarray(score), kind="stable")[:k].tolist())
            rows.append([i for j, i in enumerate(seq) if j not in top])
        proba = predict(rows)
        after = proba[np.arange(len(rows)), targets]
        before = full[np.arange(len(rows)), targets]
        return float(np.mean(log_odds(before) - log_odds(after))), float(np.mean(before - after))

    print(f"{len(sequences)} texts of 6+ known words, model {clf.config.model} {clf.config.mode}")
    print(f"{'k':>2}  {'method':<22} {'log-odds drop':>13} {'prob. drop':>10}")
    for k in KS:
        for name, scores in (("occlusion", occ), ("integrated gradients", ig), ("random", rand)):
            lo, pr = deletion(scores, k)
            print(f"{k:>2}  {name:<22} {lo:>13.3f} {pr:>10.3f}")
    agree = np.mean([np.argmax(a) == np.argmax(b) for a, b in zip(occ, ig, strict=True)])
    print(f"same top word: {agree:.0%}")
    print(
        f"seconds: occlusion {occ_seconds:.2f} (1 batched call), integrated gradients "
        f"{ig_seconds:.2f} ({STEPS} steps a text); ratio {ig_seconds / occ_seconds:.1f}x"
    )


if __name__ == "__main__":
    main()
