"""The HTTP service of a saved classifier: a FastAPI app and the `serve` runner.

Endpoints: ``POST /predict`` with ``{"texts": [...]}`` returns, per text, the
label and the probability of every label (with ``"explain": true``, each
token's contribution too, `embedlab.inspect.explain`); ``GET /health``;
``GET /info`` (labels, model, embedding mode, vectors, training metrics,
limits, batching and its counters); ``GET /neighbours?word=bad`` (nearest
words in the classifier's tables, `embedlab.inspect.neighbours`); ``GET /``,
a page to try texts and words (``static/``, shipped in the package, no
network); OpenAPI docs at ``/docs``.

Every bad request is a 4xx whose JSON body says what was wrong: the request
model forbids unknown fields, is strict about types and carries the limits,
and validation errors become ``422`` with a ``message`` naming each field.

FastAPI and uvicorn are the ``embedlab[serve]`` extra, imported inside the
functions. This module does not use ``from __future__ import annotations``:
FastAPI reads the endpoints' annotations at runtime, and the request model is
built inside `create_app` from the limits.
"""

import asyncio
import gc
import logging
import math
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from embedlab.errors import EmbedlabError

logger = logging.getLogger("embedlab")

EXAMPLE_BODY = '{"texts": ["a gripping, beautifully acted film"]}'
SERVE_EXTRA_HINT = "The HTTP service needs FastAPI and uvicorn: pip install 'embedlab[serve]'."


@dataclass(frozen=True)
class ServeLimits:
    """Request limits and micro-batching of the service (all listed by ``GET /info``).

    Args:
        max_texts: int. Most texts in one request.
        max_text_length: int. Most characters in one text.
        batching: bool. Gather concurrent requests into one model call.
        max_batch: int. Most texts in one model call; with batching, the
            batch is sent once it holds this many texts.
        max_wait_ms: float. With batching, the longest time a request waits
            for others before its batch is sent.
    """

    max_texts: int = 64
    max_text_length: int = 10_000
    batching: bool = True
    max_batch: int = 64
    max_wait_ms: float = 5.0

    def __post_init__(self) -> None:
        for name in ("max_texts", "max_text_length", "max_batch"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise EmbedlabError(
                    f"`{name}` must be a positive integer. Received: {name}={value!r}"
                )
        if not self.max_wait_ms >= 0:
            raise EmbedlabError(
                f"`max_wait_ms` must be >= 0. Received: max_wait_ms={self.max_wait_ms!r}"
            )


def _import_fastapi() -> Any:
    try:
        import fastapi
    except ImportError:
        raise EmbedlabError(SERVE_EXTRA_HINT) from None
    return fastapi


def _error_message(errors: list[dict[str, Any]]) -> str:
    """One line per validation error: where (``texts.3``) and what."""
    lines = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc and loc[0] == "body":
            loc = loc[1:]
        if error.get("type") == "json_invalid":
            reason = (error.get("ctx") or {}).get("error", "")
            lines.append(f"the request body is not valid JSON ({reason})")
            continue
        if not loc and error.get("type") in ("missing", "model_attributes_type", "dict_type"):
            lines.append(f"the request body must be a JSON object like {EXAMPLE_BODY}")
            continue
        where = ".".join(loc) or "body"
        lines.append(f"{where}: {error.get('msg', 'invalid')}")
    return "; ".join(lines)


def _finite(value: Any) -> Any:
    """`value` with NaN and infinities as None: JSON responses cannot hold them."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def describe_service(directory: str | os.PathLike[str], limits: ServeLimits) -> dict[str, Any]:
    """What ``GET /info`` shows (without the counters): model, metrics and limits."""
    from embedlab.pipeline import describe

    saved = _finite(describe(directory))
    model = saved.get("model", {})
    ensemble = {"ensemble": saved["ensemble"]} if "ensemble" in saved else {}  # its members
    return {
        "labels": saved["labels"],
        "model": model.get("model"),
        "mode": model.get("mode"),
        "vectors": saved.get("vectors"),
        "model_config": model,
        **ensemble,
        "keras_backend": saved.get("keras_backend"),
        "metrics": saved.get("metrics"),
        "limits": {"max_texts": limits.max_texts, "max_text_length": limits.max_text_length},
        "batching": {
            "enabled": limits.batching,
            "max_batch": limits.max_batch,
            "max_wait_ms": limits.max_wait_ms,
        },
    }


def create_app(
    directory: str | os.PathLike[str],
    *,
    limits: ServeLimits | None = None,
    freeze_gc: bool = False,
) -> Any:
    """A FastAPI app serving the classifier saved in `directory`.

    The classifier is loaded here; the model is warmed up (one call per
    batch size it will see) when the app starts, so the first requests pay
    no compilation.

    Args:
        directory: str or PathLike. A directory written by `embedlab train`.
        limits: ServeLimits or None. Request limits and batching; defaults
            to `ServeLimits()`.
        freeze_gc: bool. After the warm-up, move every object alive to the
            garbage collector's permanent generation (`gc.freeze`), so its
            full collections stop scanning Keras' and JAX's objects (~0.5 s
            each on a 2-core machine, a latency spike for every request in
            flight). For a process that only serves: objects frozen are never
            collected. `serve` sets it.

    Returns:
        A `fastapi.FastAPI` app; run it with uvicorn, or see `serve`.

    Raises:
        EmbedlabError: if `directory` is not a saved classifier or FastAPI is
            not installed.

    Example:
        >>> from fastapi.testclient import TestClient
        >>> with TestClient(create_app("run")) as client:
        ...     client.post("/predict", json={"texts": ["a fine film"]}).json()
    """
    fastapi = _import_fastapi()
    from fastapi.encoders import jsonable_encoder
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse
    from pydantic import BaseModel, ConfigDict, Field, StringConstraints
    from starlette.exceptions import HTTPException as StarletteHTTPException

    from embedlab.classify.answers import records
    from embedlab.classify.classifier import TextClassifier
    from embedlab.deploy.serve.batcher import (
        DirectPredictor,
        MicroBatcher,
        bucket_sizes,
        bucketed_predict,
    )

    chosen = limits or ServeLimits()
    directory = Path(directory)
    clf = TextClassifier.load(directory)
    info = describe_service(directory, chosen)
    labels = list(clf.labels)
    predict_fn = bucketed_predict(clf.predict_proba, max_batch=chosen.max_batch)
    predictor: MicroBatcher | DirectPredictor
    if chosen.batching:
        predictor = MicroBatcher(
            predict_fn, max_batch=chosen.max_batch, max_wait_ms=chosen.max_wait_ms
        )
    else:
        predictor = DirectPredictor(predict_fn)

    class PredictRequest(BaseModel):
        """Texts to classify."""

        model_config = ConfigDict(extra="forbid", strict=True)
        texts: list[Annotated[str, StringConstraints(max_length=chosen.max_text_length)]] = Field(
            min_length=1,
            max_length=chosen.max_texts,
            description=f"1 to {chosen.max_texts} texts of at most "
            f"{chosen.max_text_length} characters each.",
            examples=[["a gripping, beautifully acted film"]],
        )
        explain: bool = Field(
            default=False,
            description="Add each token's contribution to the label (occlusion: one more "
            "model call of n_tokens + 1 rows per text).",
        )

    class Prediction(BaseModel):
        """The label of one text (its labels, multi-label) and the probability of every label.

        The keys and values of `embedlab.classify.answers.prediction_record`,
        as the CLI prints them.
        """

        text: str
        label: str | None = None
        labels: list[str] | None = None
        probabilities: dict[str, float]
        known_words: int
        explanation: dict[str, Any] | None = None

    class PredictResponse(BaseModel):
        """One prediction per text, in the order of the request."""

        predictions: list[Prediction]

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        await asyncio.to_thread(_warm_up, predict_fn, bucket_sizes(chosen.max_batch))
        if freeze_gc:
            gc.collect()
            gc.freeze()
        await predictor.start()
        try:
            yield
        finally:
            await predictor.close()

    app = fastapi.FastAPI(
        title="embedlab classifier",
        description=f"Labels: {', '.join(labels)}. Model: {info['model']} ({info['mode']}).",
        lifespan=lifespan,
    )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Any, exc: RequestValidationError) -> Any:
        errors = [
            {k: v for k, v in error.items() if k not in ("input", "url")} for error in exc.errors()
        ]
        return JSONResponse(
            status_code=422,
            content=jsonable_encoder({"message": _error_message(errors), "detail": errors}),
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Any, exc: StarletteHTTPException) -> Any:
        message = str(exc.detail)
        if message == "There was an error parsing the body":  # FastAPI's words for bad bytes
            message = f"the request body could not be read as JSON; send one like {EXAMPLE_BODY}"
        return JSONResponse(
            status_code=exc.status_code,
            content={"message": message, "detail": exc.detail},
            headers=getattr(exc, "headers", None),
        )

    @app.post("/predict", response_model=PredictResponse, response_model_exclude_none=True)
    async def predict(request: PredictRequest) -> dict[str, Any]:
        """Label or ``labels``, probabilities, known words (and, asked, contributions)."""
        proba = await predictor.predict(request.texts)
        explanations = None
        if request.explain:
            from embedlab.inspect.explain import explain

            explained = await asyncio.to_thread(explain, clf, request.texts)
            explanations = [_finite(e.to_dict()) for e in explained]
        return {"predictions": records(clf, request.texts, proba, explanations=explanations)}

    add_inspect_routes(app, clf)

    @app.get("/health")
    async def health() -> dict[str, str]:
        """``{"status": "ok"}`` once the model is loaded and warmed up."""
        return {"status": "ok"}

    @app.get("/info")
    async def get_info() -> dict[str, Any]:
        """Labels, model, embedding mode, vectors, training metrics, limits, batching."""
        return {**info, "stats": predictor.stats.to_dict()}

    return app


def add_inspect_routes(app: Any, clf: Any) -> None:
    """``GET /`` (the page in ``static/``), its files, and ``GET /neighbours``."""
    fastapi = _import_fastapi()
    from fastapi.responses import FileResponse
    from fastapi.staticfiles import StaticFiles

    from embedlab.inspect.neighbours import embedding_tables, table_neighbours

    static = Path(__file__).resolve().parent / "static"
    app.mount("/static", StaticFiles(directory=static), name="static")
    tables: list[Any] = []  # embedding_tables(clf), made on the first lookup

    @app.get("/", include_in_schema=False)
    async def page() -> Any:
        return FileResponse(static / "index.html", media_type="text/html")

    @app.get("/neighbours")
    async def neighbours(
        word: Annotated[str, fastapi.Query(min_length=1, max_length=100)],
        topn: Annotated[int, fastapi.Query(ge=1, le=50)] = 8,
    ) -> dict[str, Any]:
        """Nearest words of `word` in the table in use, and before fine-tuning if kept."""
        try:
            if not tables:
                tables.append(await asyncio.to_thread(embedding_tables, clf))
            found = table_neighbours(clf, [word], topn=topn, moved=0, tables=tables[0])
        except (EmbedlabError, ValueError) as e:
            raise fastapi.HTTPException(status_code=400, detail=str(e)) from None
        return _finite(found.to_dict())  # type: ignore[no-any-return]


def _warm_up(predict_fn: Any, sizes: list[int]) -> None:
    for size in sizes:
        predict_fn([""] * size)


def serve(
    directory: str | os.PathLike[str],
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    limits: ServeLimits | None = None,
    log_level: str = "info",
) -> None:
    """Serve the classifier in `directory` over HTTP with uvicorn until interrupted.

    Args:
        directory: str or PathLike. A directory written by `embedlab train`.
        host: str. Address to listen on (``0.0.0.0`` for every interface).
        port: int. Port to listen on.
        limits: ServeLimits or None. Request limits and batching.
        log_level: str. uvicorn's log level (``warning`` hides each request).

    Raises:
        EmbedlabError: if `directory` is not a saved classifier or the
            ``serve`` extra is not installed.
    """
    app = create_app(directory, limits=limits, freeze_gc=True)
    try:
        import uvicorn
    except ImportError:
        raise EmbedlabError(SERVE_EXTRA_HINT) from None
    logger.info("serving %s on http://%s:%d (docs at /docs)", directory, host, port)
    uvicorn.run(app, host=host, port=port, log_level=log_level)


__all__ = ["ServeLimits", "create_app", "describe_service", "serve"]
