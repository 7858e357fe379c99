"""Request bodies and Accept headers, decided without a server."""

from __future__ import annotations

import math

import numpy as np
import pytest

from playgrounds.serve.payload import (
    BadRequestError,
    format_scores,
    output_type,
    parse_rows,
)


def test_csv_with_empty_fields_reads_them_as_missing() -> None:
    rows = parse_rows(b"1,,3\n4,5,nan\n\n", "text/csv; charset=utf-8", 3)
    assert rows.shape == (2, 3)
    assert rows[0, 0] == 1 and math.isnan(rows[0, 1]) and math.isnan(rows[1, 2])


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, "text/csv"),
        ("*/*", "text/csv"),
        ("application/json", "application/json"),
        ("image/png, application/jsonlines;q=0.9", "application/jsonlines"),
    ],
)
def test_accept_is_honoured(accept: str | None, chosen: str) -> None:
    assert output_type(accept) == chosen


def test_scores_round_trip_in_every_output_format() -> None:
    scores = np.array([0.1234567890123, 1e-9], dtype=np.float64)
    assert format_scores(scores, "text/csv") == b"0.1234567890123\n1e-09\n"
    assert format_scores(scores, "application/json") == (
        b'{"predictions": [{"score": 0.1234567890123}, {"score": 1e-09}]}'
    )
    assert format_scores(scores, "application/jsonlines").splitlines()[1] == b'{"score": 1e-09}'


def test_an_unknown_content_type_is_415_and_a_short_row_400() -> None:
    with pytest.raises(BadRequestError) as unsupported:
        parse_rows(b"x", "application/xml", 3)
    assert unsupported.value.status == 415
    with pytest.raises(BadRequestError, match=r"^row 1 has 2 fields, expected 3$"):
        parse_rows(b'{"instances": [[1, 2]]}', "application/json", 3)
