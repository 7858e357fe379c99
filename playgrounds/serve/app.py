"""The endpoint: a Starlette app speaking SageMaker's inference contract for one model.

``GET /ping`` answers 200 once the model is loaded; ``POST /invocations`` and
``POST /endpoints/{name}/invocations`` (the path boto3's ``sagemaker-runtime``
``invoke_endpoint`` posts to, so a client whose ``endpoint_url`` points here
works unchanged; its signature headers are accepted and not checked) answer
one score per row. Bad input is a 4xx naming the row and field, never a 500.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from playgrounds.errors import PlaygroundsError
from playgrounds.serve.model import feature_count, load_served_model, predict, warm_up
from playgrounds.serve.payload import (
    MAX_BODY_BYTES,
    BadRequestError,
    format_scores,
    output_type,
    parse_rows,
)

log = logging.getLogger("playgrounds.serve")
# How `--workers N` hands the model to each worker process (uvicorn imports the app by name).
MODEL_ENV = "PLAYGROUNDS_SERVE_MODEL"
NAME_ENV = "PLAYGROUNDS_SERVE_NAME"
THREADED_ROWS = 1_000
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s[%(process)d]: %(message)s"
# How much of an oversized body is read (and dropped) before answering 413.
DRAIN_LIMIT_BYTES = 8 * MAX_BODY_BYTES


class ModelState:
    """The served model: loaded by the app's start-up, before the first request is accepted."""

    def __init__(self, artifact: Path, name: str, model: Any) -> None:
        self.artifact = artifact
        self.name = name
        self.model: Any = None
        self.preloaded = model
        self.features = 0

    def load(self) -> None:
        model = self.preloaded if self.preloaded is not None else load_served_model(self.artifact)
        warm_up(model)
        self.features = feature_count(model)
        self.model = model


async def _read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    too_big = declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if too_big or size > MAX_BODY_BYTES:
            # Read on without keeping it: a client that is still sending when the answer
            # comes would see a reset connection instead of the 413.
            too_big = True
            if size > DRAIN_LIMIT_BYTES:
                break
            continue
        chunks.append(chunk)
    if too_big:
        shown = f"{int(declared):,} bytes" if declared and declared.isdigit() else "too big"
        raise BadRequestError(f"the body is {shown}, over the 6 MB limit", 413)
    return b"".join(chunks)


def create_app(artifact: Path, name: str = "", model: Any = None) -> Starlette:
    """The endpoint app for ``artifact``; the model loads when the app starts (unless given)."""
    state = ModelState(artifact, name, model)

    async def ping(request: Request) -> Response:
        status = 200 if state.model is not None else 503
        return PlainTextResponse("" if status == 200 else "loading", status_code=status)

    async def invocations(request: Request) -> Response:
        try:
            accept = output_type(request.headers.get("accept"))
            body = await _read_body(request)
            rows = parse_rows(body, request.headers.get("content-type", ""), state.features)
        except BadRequestError as error:
            return PlainTextResponse(f"{error}\n", status_code=error.status)
        # Big batches predict off the event loop (xgboost releases the GIL); a few rows
        # cost less than the hop to a thread.
        if len(rows) > THREADED_ROWS:
            scores = await run_in_threadpool(predict, state.model, rows)
        else:
            scores = predict(state.model, rows)
        request.state.rows = len(rows)
        return Response(format_scores(scores, accept), media_type=accept)

    async def endpoint_invocations(request: Request) -> Response:
        wanted = request.path_params["name"]
        if state.name and wanted != state.name:
            return PlainTextResponse(
                f"this server serves endpoint {state.name!r}, not {wanted!r}\n", status_code=404
            )
        return await invocations(request)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        started = time.perf_counter()
        state.load()
        log.info(
            "model %s loaded from %s (%d features) in %.2f s",
            state.name or "(no --name)",
            state.artifact,
            state.features,
            time.perf_counter() - started,
        )
        yield

    app = Starlette(
        routes=[
            Route("/ping", ping, methods=["GET"]),
            Route("/invocations", invocations, methods=["POST"]),
            Route("/endpoints/{name}/invocations", endpoint_invocations, methods=["POST"]),
        ],
        lifespan=lifespan,
    )

    @app.middleware("http")
    async def log_request(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        # One line per request, with what the access log lacks: rows and time taken.
        started = time.perf_counter()
        try:
            response = await call_next(request)
        except Exception:  # a bug, not bad input: logged with its stack, answered 500
            log.exception("%s %s failed", request.method, request.url.path)
            response = PlainTextResponse("internal error\n", status_code=500)
        rows = getattr(request.state, "rows", None)
        log.info(
            "%s %s %d%s %.1f ms",
            request.method,
            request.url.path,
            response.status_code,
            f" {rows} rows" if rows is not None else "",
            (time.perf_counter() - started) * 1000,
        )
        return response

    return app


def app_from_environment() -> Starlette:
    """The app for a ``--workers N`` worker process: the model path comes from the environment."""
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, stream=sys.stderr)
    artifact = os.environ.get(MODEL_ENV)
    if not artifact:
        raise PlaygroundsError(
            f"{MODEL_ENV} is not set: start the endpoint with `playgrounds serve`"
        )
    return create_app(Path(artifact), os.environ.get(NAME_ENV, ""))
