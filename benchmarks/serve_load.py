"""Load test of `embedlab serve` on 127.0.0.1, with micro-batching on and off.

Starts ``python -m embedlab serve DIR`` in a subprocess once with batching and
once with ``--no-batching`` (the reference, measured in the same run), drives
each with the same load (`--clients` concurrent keep-alive connections sending
`--requests` requests in all, each of `--texts` review texts) and prints
throughput, p50/p99 latency, errors, the batches the server formed, and the
ratios batching / no batching.

Without ``--dir`` a CNN is trained for 3 epochs on the bundled demo reviews
into a temporary folder (never the repository).

Usage: ``python benchmarks/serve_load.py [--dir RUN] [--clients 50] [--requests 5000]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np


@dataclass
class Result:
    mode: str
    seconds: float
    latencies_ms: list[float]
    errors: int
    stats: dict[str, int]

    @property
    def throughput(self) -> float:
        return len(self.latencies_ms) / self.seconds

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.latencies_ms, q))


def train_demo_model(out: Path) -> Path:
    """A CNN on the bundled reviews, 3 epochs (the model size `embedlab train` gives)."""
    from embedlab import pipeline
    from embedlab.experiments.demo import demo_data_path

    options = pipeline.TrainOptions(model="cnn", epochs=3, seed=0)
    pipeline.train([demo_data_path()], out=out, options=options, verbose=0)
    return out


def demo_texts() -> list[str]:
    from embedlab.data import read_dataset
    from embedlab.experiments.demo import demo_data_path

    return list(read_dataset([demo_data_path()]).texts)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(directory: Path, port: int, extra: list[str]) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "embedlab", "serve", str(directory), "--port", str(port)]
    cmd += ["--log-level", "warning", *extra]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while True:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}: {' '.join(cmd)}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            server.kill()
            raise SystemExit("the server did not answer /health in 180 s")
        time.sleep(0.3)


class Connection:
    """A bare HTTP/1.1 keep-alive connection on asyncio streams.

    httpx's client costs more CPU per request than the server on a small
    machine, so the load generator would be what is measured; this one only
    writes a prepared request and reads one response.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def post(self, request: bytes) -> tuple[int, bytes]:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = next(
            int(line.split(":", 1)[1])
            for line in lines
            if line.lower().startswith("content-length:")
        )
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


def predict_request(body: dict[str, list[str]]) -> bytes:
    payload = json.dumps(body).encode()
    head = (
        "POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


async def drive(
    port: int, *, clients: int, requests: int, texts: list[str], per_request: int, seed: int
) -> tuple[float, list[float], int]:
    """Send `requests` POST /predict from `clients` concurrent connections; latencies in ms."""
    rng = random.Random(seed)
    bodies = [{"texts": rng.sample(texts, per_request)} for _ in range(requests)]
    prepared = [predict_request(body) for body in bodies]
    latencies: list[float] = []
    errors = 0
    next_index = 0

    async def client_loop(conn: Connection) -> None:
        nonlocal next_index, errors
        while next_index < requests:
            i = next_index
            next_index += 1
            start = time.perf_counter()
            try:
                status, payload = await conn.post(prepared[i])
                ok = status == 200 and len(json.loads(payload)["predictions"]) == per_request
            except (OSError, asyncio.IncompleteReadError, ValueError, KeyError):
                ok = False
            latencies.append((time.perf_counter() - start) * 1000)
            errors += not ok

    connections = [await Connection.open(port) for _ in range(clients)]
    try:
        for conn in connections:  # every connection answered once before timing
            await conn.post(prepared[0])
        start = time.perf_counter()
        await asyncio.gather(*(client_loop(conn) for conn in connections))
        seconds = time.perf_counter() - start
    finally:
        for conn in connections:
            conn.close()
    return seconds, latencies, errors


def run_mode(directory: Path, mode: str, extra: list[str], args: argparse.Namespace) -> Result:
    port = free_port()
    server = start_server(directory, port, extra)
    base = f"http://127.0.0.1:{port}"
    try:
        before = httpx.get(f"{base}/info").json()["stats"]
        seconds, latencies, errors = asyncio.run(
            drive(
                port,
                clients=args.clients,
                requests=args.requests,
                texts=demo_texts(),
                per_request=args.texts,
                seed=args.seed,
            )
        )
        after = httpx.get(f"{base}/info").json()["stats"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    stats = {k: after[k] - before[k] for k in ("requests", "texts", "batches")}
    stats["largest_batch"] = after["largest_batch"]
    return Result(mode, seconds, latencies, errors, stats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", type=Path, default=None, help="a saved classifier")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--texts", type=int, default=1, help="texts per request")
    parser.add_argument("--max-batch", type=int, default=64)
    parser.add_argument("--max-wait-ms", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault("KERAS_BACKEND", "jax")

    with tempfile.TemporaryDirectory(prefix="embedlab-serve-load-") as tmp:
        directory = args.dir
        if directory is None:
            print("training a CNN on the bundled demo reviews (3 epochs) ...", flush=True)
            directory = train_demo_model(Path(tmp) / "run")
        batching = ["--max-batch", str(args.max_batch), "--max-wait-ms", str(args.max_wait_ms)]
        results = [
            run_mode(directory, "no batching", ["--no-batching", "--max-batch", "64"], args),
            run_mode(directory, "batching", batching, args),
        ]

    print(
        f"\n{args.clients} clients, {args.requests} requests of {args.texts} text(s), "
        f"127.0.0.1, max_batch={args.max_batch}, max_wait_ms={args.max_wait_ms}"
    )
    print(
        f"{'mode':<12} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
        f"{'batches':>8} {'texts/batch':>11}"
    )
    for r in results:
        mean_batch = r.stats["texts"] / max(r.stats["batches"], 1)
        print(
            f"{r.mode:<12} {r.throughput:8.1f} {r.percentile(50):8.1f} {r.percentile(99):8.1f} "
            f"{r.errors:7d} {r.stats['batches']:8d} {mean_batch:11.1f}"
        )
    off, on = results
    print(
        f"ratio batching / no batching: throughput x{on.throughput / off.throughput:.2f}, "
        f"p50 x{on.percentile(50) / off.percentile(50):.2f}, "
        f"p99 x{on.percentile(99) / off.percentile(99):.2f}"
    )


if __name__ == "__main__":
    main()
