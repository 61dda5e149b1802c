"""`embedlab serve`: parse arguments, call `embedlab.deploy.serve.serve`.

Kept light at import (typer only); FastAPI, uvicorn and Keras are imported
when the command runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def serve(
    directory: Annotated[Path, typer.Argument(help="A directory written by `embedlab train`.")],
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0: all).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535)] = 8000,
    max_texts: Annotated[int, typer.Option(min=1, help="Most texts in one request.")] = 64,
    max_text_length: Annotated[
        int, typer.Option(min=1, help="Most characters in one text.")
    ] = 10_000,
    batching: Annotated[
        bool, typer.Option(help="Gather concurrent requests into one model call.")
    ] = True,
    max_batch: Annotated[int, typer.Option(min=1, help="Most texts in one model call.")] = 64,
    max_wait_ms: Annotated[
        float, typer.Option(min=0, help="Longest wait of a request for others to batch with.")
    ] = 5.0,
    log_level: Annotated[str, typer.Option(help="uvicorn's log level.")] = "info",
) -> None:
    """Serve a classifier over HTTP: POST /predict, GET /health, GET /info, docs at /docs."""
    from embedlab.deploy.serve import ServeLimits
    from embedlab.deploy.serve import serve as run_server

    limits = ServeLimits(
        max_texts=max_texts,
        max_text_length=max_text_length,
        batching=batching,
        max_batch=max_batch,
        max_wait_ms=max_wait_ms,
    )
    run_server(directory, host=host, port=port, limits=limits, log_level=log_level)
