"""What runs inside Spark's Python workers, one Arrow batch at a time.

Kept light to import: a worker imports this module before its first batch, and
an endpoint's batches need only HTTP, NumPy and pandas. xgboost (which imports
scikit-learn) is most of a worker's start-up, so only a batch that predicts
in-process imports it.
"""

from __future__ import annotations

import http.client
import time
import urllib.parse
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from playgrounds.errors import PlaygroundsError
from playgrounds.serve.payload import MAX_BODY_BYTES

# Requests to an endpoint: under SageMaker's 6 MB with room to spare, a few at a time
# (the endpoint's own workers are the limit), retried with a short back-off.
REQUEST_BYTES = MAX_BODY_BYTES - 256 * 1024
PARALLEL_REQUESTS = 4
RETRIES = 3
RETRY_PAUSE_SECONDS = 0.2
REQUEST_TIMEOUT_SECONDS = 60.0


def features_matrix(columns: tuple[pd.Series, ...]) -> np.ndarray:
    # Nulls arrive as NaN or None; both become NaN, xgboost's missing value.
    return np.column_stack([column.astype("float64").to_numpy() for column in columns])


def local_model_batch(artifact: Path) -> Callable[..., pd.Series]:
    """A batch function predicting with the model in ``artifact`` inside the worker."""
    path = str(artifact.resolve())

    def predict_batch(*columns: pd.Series) -> pd.Series:
        # Imported here, in the worker, on the first batch: see the module's docstring.
        from playgrounds.serve.model import cached_model, predict

        model = cached_model(Path(path))
        return pd.Series(predict(model, features_matrix(columns)))

    return predict_batch


def endpoint_batch(url: str, name: str) -> Callable[..., pd.Series]:
    """A batch function sending each batch to the endpoint ``name`` at ``url`` as CSV."""

    def invoke_batch(*columns: pd.Series) -> pd.Series:
        return pd.Series(invoke_rows(url, name, features_matrix(columns)))

    return invoke_batch


def csv_chunks(rows: np.ndarray, limit: int = REQUEST_BYTES) -> Iterator[bytes]:
    """``rows`` as CSV bodies of at most ``limit`` bytes each (``repr``: values round-trip)."""
    lines = [",".join("" if np.isnan(v) else repr(float(v)) for v in row) + "\n" for row in rows]
    chunk: list[str] = []
    size = 0
    for line in lines:
        if chunk and size + len(line) > limit:
            yield "".join(chunk).encode()
            chunk, size = [], 0
        chunk.append(line)
        size += len(line)
    if chunk:
        yield "".join(chunk).encode()


def request(
    url: str, method: str, path: str, body: bytes, *, timeout: float = REQUEST_TIMEOUT_SECONDS
) -> tuple[int, bytes]:
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(
        parts.hostname or "127.0.0.1", parts.port, timeout=timeout
    )
    try:
        headers = {"Content-Type": "text/csv", "Accept": "text/csv"} if body else {}
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _with_retries(call: Callable[[], tuple[int, bytes]]) -> tuple[int, bytes]:
    for attempt in range(RETRIES + 1):
        try:
            return call()
        except (ConnectionError, http.client.RemoteDisconnected, TimeoutError):
            if attempt == RETRIES:
                raise
            time.sleep(RETRY_PAUSE_SECONDS * (2**attempt))
    raise AssertionError("unreachable")


def invoke_rows(
    url: str, name: str, rows: np.ndarray, *, request_bytes: int = REQUEST_BYTES
) -> np.ndarray:
    """The endpoint's scores for ``rows``: CSV requests of at most ``request_bytes``, in
    parallel, answers kept in order; one sentence naming the endpoint if it fails."""
    if len(rows) == 0:
        return np.empty(0)
    path = f"/endpoints/{urllib.parse.quote(name, safe='')}/invocations"

    def one(body: bytes) -> np.ndarray:
        try:
            status, answer = _with_retries(lambda: request(url, "POST", path, body))
        except OSError as error:
            raise PlaygroundsError(
                f"endpoint {name!r} at {url} is not answering ({error})"
            ) from None
        if status != 200:
            text = answer.decode("utf-8", "replace").strip()
            raise PlaygroundsError(f"endpoint {name!r} at {url} answered {status}: {text}")
        return np.array(answer.split(), dtype=np.float64)

    bodies = list(csv_chunks(rows, request_bytes))
    if len(bodies) == 1:
        return one(bodies[0])
    with ThreadPoolExecutor(max_workers=PARALLEL_REQUESTS) as pool:
        return np.concatenate(list(pool.map(one, bodies)))
