"""Micro-batching: gather concurrent requests into one model call.

Each request puts its texts on a queue and awaits a future. One
worker task takes the oldest request, adds the requests queued behind it
until the batch holds `max_batch` texts or the oldest request has waited
`max_wait_ms`, and runs one model call in a worker thread, so the event loop
keeps accepting requests while Keras computes. The rows of the result go back
to their requests in order.

`DirectPredictor` is the same interface without gathering (one model call
per request), for comparison and for ``--no-batching``.

Model calls go through `bucketed_predict`, which pads every call to a
power-of-two number of rows: JAX compiles one program per input shape, and
without buckets each new batch size would cost a compilation (~100 ms).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass

import numpy as np

PredictFn = Callable[[list[str]], np.ndarray]


def bucket_sizes(max_batch: int) -> list[int]:
    """The row counts a model call is padded to: powers of two below `max_batch`, and it.

    Example:
        >>> bucket_sizes(48)
        [1, 2, 4, 8, 16, 32, 48]
    """
    if max_batch < 1:
        raise ValueError(f"`max_batch` must be a positive integer. Received: max_batch={max_batch}")
    sizes = []
    size = 1
    while size < max_batch:
        sizes.append(size)
        size *= 2
    sizes.append(max_batch)
    return sizes


def bucketed_predict(
    predict_proba: Callable[..., np.ndarray], *, max_batch: int, pad_text: str = ""
) -> PredictFn:
    """Wrap `predict_proba` so each model call has one of `bucket_sizes(max_batch)` rows.

    Texts beyond `max_batch` are predicted in chunks of `max_batch`; a short
    chunk is padded with `pad_text` up to the next bucket and the padding rows
    are dropped. Rows are independent in inference, so the result equals
    `predict_proba(texts)`.

    Args:
        predict_proba: callable. ``predict_proba(texts, batch_size=n)``, e.g.
            `TextClassifier.predict_proba`.
        max_batch: int. Most rows in one model call.
        pad_text: str. Text used for the padding rows.

    Returns:
        A callable from a list of texts to their probabilities ``(n, labels)``.
    """
    sizes = bucket_sizes(max_batch)

    def predict(texts: list[str]) -> np.ndarray:
        parts = []
        for start in range(0, len(texts), max_batch):
            chunk = texts[start : start + max_batch]
            rows = next(size for size in sizes if size >= len(chunk))
            padded = chunk + [pad_text] * (rows - len(chunk))
            parts.append(predict_proba(padded, batch_size=rows)[: len(chunk)])
        return np.concatenate(parts) if len(parts) != 1 else parts[0]

    return predict


def _model_thread() -> ThreadPoolExecutor:
    """One worker thread: model calls run one at a time, off the event loop."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="embedlab-model")


@dataclass
class BatchStats:
    """Counters of a predictor, shown by ``GET /info``.

    A batch is what goes to the model function in one call: the texts of one
    request (`DirectPredictor`) or of several gathered ones (`MicroBatcher`);
    the model function splits a batch above `max_batch` texts into chunks.
    """

    requests: int = 0
    texts: int = 0
    batches: int = 0
    largest_batch: int = 0

    def count(self, requests: int, texts: int) -> None:
        """Record one batch of `requests` requests holding `texts` texts."""
        self.requests += requests
        self.texts += texts
        self.batches += 1
        self.largest_batch = max(self.largest_batch, texts)

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


class DirectPredictor:
    """One model call per request, in a single worker thread (no gathering).

    Args:
        predict: callable. From a list of texts to probabilities ``(n, labels)``.
    """

    def __init__(self, predict: PredictFn) -> None:
        self._predict = predict
        self._executor: ThreadPoolExecutor | None = None
        self.stats = BatchStats()

    async def start(self) -> None:
        """Start the worker thread."""
        self._executor = _model_thread()

    async def close(self) -> None:
        """Stop the worker thread."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    async def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities of `texts`, computed off the event loop."""
        if self._executor is None:
            raise RuntimeError("Call `await predictor.start()` before `predict`.")
        texts = list(texts)
        loop = asyncio.get_running_loop()
        proba = await loop.run_in_executor(self._executor, self._predict, texts)
        self.stats.count(1, len(texts))
        return proba


@dataclass
class _Pending:
    texts: list[str]
    future: asyncio.Future[np.ndarray]
    enqueued: float


class MicroBatcher:
    """Gather concurrent requests into one model call (bounded wait, bounded batch).

    A request is never split across batches: one with more than `max_batch`
    texts is a batch of its own (the model function chunks it). Call `start`
    inside the running event loop before `predict`, and `close` at shutdown.

    Args:
        predict: callable. From a list of texts to probabilities ``(n, labels)``;
            it runs in a worker thread, one call at a time.
        max_batch: int. Most texts gathered into one model call.
        max_wait_ms: float. Longest time the oldest queued request waits for
            others before its batch is sent (0: send what is queued at once).

    Example:
        >>> batcher = MicroBatcher(bucketed_predict(clf.predict_proba, max_batch=64),
        ...                        max_batch=64, max_wait_ms=5)
        >>> await batcher.start()
        >>> proba = await batcher.predict(["a fine film"])
    """

    def __init__(self, predict: PredictFn, *, max_batch: int, max_wait_ms: float) -> None:
        if max_batch < 1:
            raise ValueError(
                f"`max_batch` must be a positive integer. Received: max_batch={max_batch}"
            )
        if not max_wait_ms >= 0:
            raise ValueError(f"`max_wait_ms` must be >= 0. Received: max_wait_ms={max_wait_ms}")
        self._predict = predict
        self.max_batch = max_batch
        self.max_wait_ms = max_wait_ms
        self.stats = BatchStats()
        self._executor: ThreadPoolExecutor | None = None
        # A deque and an event rather than an asyncio.Queue: waiting on the
        # event can time out without ever losing a request.
        self._pending: deque[_Pending] = deque()
        self._queued_texts = 0
        self._arrived: asyncio.Event | None = None
        self._worker: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start the worker task in the running event loop."""
        if self._worker is not None:
            raise RuntimeError("This MicroBatcher is already started.")
        self._arrived = asyncio.Event()
        self._executor = _model_thread()
        self._worker = asyncio.create_task(self._run(), name="embedlab-batcher")

    async def close(self) -> None:
        """Stop the worker; requests still queued get a `RuntimeError`."""
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None
        while self._pending:
            item = self._pending.popleft()
            if not item.future.done():
                item.future.set_exception(RuntimeError("The server is shutting down."))
        self._queued_texts = 0
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    async def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities of `texts`, computed in a batch with concurrent requests."""
        if self._arrived is None or self._worker is None:
            raise RuntimeError("Call `await batcher.start()` before `predict`.")
        loop = asyncio.get_running_loop()
        item = _Pending(list(texts), loop.create_future(), loop.time())
        self._pending.append(item)
        self._queued_texts += len(item.texts)
        self._arrived.set()
        return await item.future

    async def _run(self) -> None:
        assert self._arrived is not None
        arrived = self._arrived
        loop = asyncio.get_running_loop()
        while True:
            while not self._pending:
                arrived.clear()
                await arrived.wait()
            deadline = self._pending[0].enqueued + self.max_wait_ms / 1000.0
            while self._queued_texts < self.max_batch:
                timeout = deadline - loop.time()
                if timeout <= 0:
                    break
                arrived.clear()
                try:
                    await asyncio.wait_for(arrived.wait(), timeout)
                except asyncio.TimeoutError:
                    break
            batch = [self._pending.popleft()]  # always one, however many texts it has
            n_texts = len(batch[0].texts)
            while self._pending and n_texts + len(self._pending[0].texts) <= self.max_batch:
                batch.append(self._pending.popleft())
                n_texts += len(batch[-1].texts)
            self._queued_texts -= n_texts
            await self._call(loop, batch, n_texts)

    async def _call(
        self, loop: asyncio.AbstractEventLoop, batch: list[_Pending], n_texts: int
    ) -> None:
        texts = [text for item in batch for text in item.texts]
        try:
            proba = await loop.run_in_executor(self._executor, self._predict, texts)
        except asyncio.CancelledError:  # closing while the model runs
            for item in batch:
                if not item.future.done():
                    item.future.set_exception(RuntimeError("The server is shutting down."))
            raise
        except Exception as e:  # the model's failure is each request's failure
            for item in batch:
                if not item.future.done():
                    item.future.set_exception(e)
            return
        self.stats.count(len(batch), n_texts)
        start = 0
        for item in batch:
            end = start + len(item.texts)
            if not item.future.done():  # the client may have gone away
                item.future.set_result(proba[start:end])
            start = end
