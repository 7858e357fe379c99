"""Request bodies in, predictions out, in the SageMaker XGBoost container's formats.

Input: ``text/csv`` (one row per line, no header, no label), ``application/json``
(``{"instances": [[...], ...]}``, ``{"instances": [{"features": [...]}, ...]}``
or ``{"features": [...]}``), ``application/jsonlines`` (one such object or array
per line) and ``application/x-npy`` (a 1-D or 2-D array). Output, by ``Accept``:
``text/csv`` (one score per line), ``application/json``
(``{"predictions": [{"score": s}, ...]}``) or ``application/jsonlines``
(``{"score": s}`` per line). Every problem with a body is a :class:`BadRequestError`
naming the row and the field, never a server error.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

CSV = "text/csv"
JSON = "application/json"
JSONLINES = "application/jsonlines"
NPY = "application/x-npy"
INPUT_TYPES = (CSV, JSON, JSONLINES, NPY)
OUTPUT_TYPES = (CSV, JSON, JSONLINES)
# SageMaker's real-time payload limit.
MAX_BODY_BYTES = 6 * 1024 * 1024


class BadRequestError(Exception):
    """A body the model cannot take; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def media_type(header: str | None) -> str:
    """``text/csv`` for ``text/csv; charset=utf-8`` (lower case, parameters dropped)."""
    return (header or "").split(";", 1)[0].strip().lower()


def output_type(accept: str | None) -> str:
    """The first type in ``Accept`` this server writes (``text/csv`` when any will do)."""
    if not accept or not accept.strip():
        return CSV
    for part in accept.split(","):
        wanted = media_type(part)
        if wanted in ("*/*", "text/*", ""):
            return CSV
        if wanted == "application/*":
            return JSON
        if wanted in OUTPUT_TYPES:
            return wanted
        if wanted == "application/jsonl":
            return JSONLINES
    raise BadRequestError(
        f"cannot answer in {accept}: this endpoint writes {', '.join(OUTPUT_TYPES)}", 406
    )


def parse_rows(body: bytes, content_type: str, features: int) -> np.ndarray:
    """The rows of ``body`` as a float matrix with ``features`` columns (NaN where empty)."""
    kind = media_type(content_type) or CSV
    if kind == "application/jsonl":
        kind = JSONLINES
    if kind not in INPUT_TYPES:
        raise BadRequestError(
            f"content type {content_type!r} is not supported: send {', '.join(INPUT_TYPES)}", 415
        )
    if kind == NPY:
        return _npy_rows(body, features)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequestError(f"the body is not UTF-8 text (byte {error.start})") from None
    if kind == CSV:
        return _csv_rows(text, features)
    if kind == JSON:
        return _json_rows(text, features)
    return _jsonlines_rows(text, features)


def _csv_rows(text: str, features: int) -> np.ndarray:
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise BadRequestError("the body holds no rows")
    rows = [line.split(",") for line in lines]
    for number, row in enumerate(rows, start=1):
        if len(row) != features:
            raise BadRequestError(
                f"row {number} has {len(row)} fields, expected {features} (one per feature, "
                "no label, no header)"
            )
    try:
        # The fast path: every field a number.
        return np.array(rows, dtype=np.float64)
    except ValueError:
        return np.array(
            [[_csv_number(field, number, column) for column, field in enumerate(row, start=1)]
             for number, row in enumerate(rows, start=1)],
            dtype=np.float64,
        )  # fmt: skip


def _csv_number(field: str, row: int, column: int) -> float:
    text = field.strip()
    if text == "" or text.lower() in ("nan", "null"):
        return math.nan
    try:
        return float(text)
    except ValueError:
        raise BadRequestError(
            f"row {row} field {column} holds {text[:40]!r}, expected a number"
        ) from None


def _number(value: Any, row: int, column: int) -> float:
    if value is None:
        return math.nan
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        return _csv_number(value, row, column)
    raise BadRequestError(
        f"row {row} field {column} holds {json.dumps(value)[:40]}, expected a number"
    )


def _record(value: Any, row: int, features: int) -> list[float]:
    if isinstance(value, dict):
        if "features" not in value:
            raise BadRequestError(f"row {row} is an object without 'features'")
        value = value["features"]
    if not isinstance(value, list):
        raise BadRequestError(
            f"row {row} is {type(value).__name__}, expected a list of {features} numbers"
        )
    if len(value) != features:
        raise BadRequestError(f"row {row} has {len(value)} fields, expected {features}")
    return [_number(item, row, column) for column, item in enumerate(value, start=1)]


def _records(values: Sequence[Any], features: int) -> np.ndarray:
    if not values:
        raise BadRequestError("the body holds no rows")
    return np.array(
        [_record(value, row, features) for row, value in enumerate(values, start=1)],
        dtype=np.float64,
    )


def _json_rows(text: str, features: int) -> np.ndarray:
    try:
        document = json.loads(text)
    except ValueError as error:
        raise BadRequestError(f"the body is not JSON ({error})") from None
    if isinstance(document, dict) and "instances" in document:
        instances = document["instances"]
        if not isinstance(instances, list):
            raise BadRequestError("'instances' must be a list of rows")
        return _records(instances, features)
    if isinstance(document, dict) and "features" in document:
        return _records([document], features)
    if isinstance(document, list):
        # A bare row, or a bare list of rows.
        is_one_row = not document or not isinstance(document[0], list | dict)
        return _records([document] if is_one_row else document, features)
    raise BadRequestError('the JSON body must hold "instances" (a list of rows) or "features"')


def _jsonlines_rows(text: str, features: int) -> np.ndarray:
    values: list[Any] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            values.append(json.loads(line))
        except ValueError as error:
            raise BadRequestError(f"line {number} is not JSON ({error})") from None
    return _records(values, features)


def _npy_rows(body: bytes, features: int) -> np.ndarray:
    try:
        array = np.load(io.BytesIO(body), allow_pickle=False)
    except (ValueError, OSError, EOFError) as error:
        raise BadRequestError(f"the body is not a .npy array ({error})") from None
    if array.ndim == 1:
        array = array.reshape(1, -1)
    if array.ndim != 2:
        raise BadRequestError(f"the array has {array.ndim} dimensions, expected rows x {features}")
    if array.shape[1] != features:
        raise BadRequestError(f"each row has {array.shape[1]} fields, expected {features}")
    try:
        return array.astype(np.float64)
    except (ValueError, TypeError):
        raise BadRequestError(f"the array holds {array.dtype}, expected numbers") from None


def format_scores(scores: np.ndarray, accept: str) -> bytes:
    """The scores as ``accept`` spells them; each number round-trips exactly (``repr``)."""
    values = [repr(float(score)) for score in scores]
    if accept == JSON:
        return (
            '{"predictions": [' + ", ".join(f'{{"score": {v}}}' for v in values) + "]}"
        ).encode()
    if accept == JSONLINES:
        return "".join(f'{{"score": {v}}}\n' for v in values).encode()
    return "".join(f"{v}\n" for v in values).encode()
