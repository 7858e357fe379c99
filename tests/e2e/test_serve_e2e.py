"""A model served and queried as a user does: `serve --name`, `models`, SQL through the endpoint.

The endpoint is a real `playgrounds serve` process; the SQL
runs in this process on the suite's session, its function calling the
endpoint over HTTP in batches.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

import numpy as np
import pytest
from pyspark.sql import SparkSession

from playgrounds.catalog.crawler import crawl
from playgrounds.cli import main
from playgrounds.serve.batches import invoke_rows
from playgrounds.serve.functions import ModelFunctionResolver
from playgrounds.serve.registry import read_endpoint
from playgrounds.sql.query import run_sql
from tests.serve.endpoints import running_endpoint, write_tiny_model

pytestmark = pytest.mark.e2e
NAME = "tiny-e2e"


def test_sql_predictions_through_a_running_endpoint(
    spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lake = tmp_path / "lake"
    model = write_tiny_model(lake / "elsewhere", NAME)  # served by path, not registered in lake
    folder = lake / "processed" / "train"
    folder.mkdir(parents=True)
    lines = (",".join("" if np.isnan(v) else repr(float(v)) for v in row) for row in model.rows)
    (folder / "train.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    crawl(spark, lake / "processed", "e2e-serve-processed")

    with running_endpoint(model.artifact, lake, NAME) as endpoint:
        assert main(["models", "--lake", str(lake)]) == 0
        listed = capsys.readouterr().out
        assert "No models registered" in listed and NAME in listed and str(endpoint.port) in listed

        query = f"""
        USING EXTERNAL FUNCTION predict(a double, b double, c double, d double)
          RETURNS double SAGEMAKER '{NAME}'
        SELECT col1, col2, col3, col4, predict(col1, col2, col3, col4) AS score
        FROM "e2e-serve-processed".train WHERE predict(col1, col2, col3, col4) > 0
        """
        rows = run_sql(spark, query, lake=lake, functions=ModelFunctionResolver(lake)).collect()
        features = np.array([[np.nan if v is None else v for v in tuple(r)[:4]] for r in rows])
        assert len(rows) == len(model.rows)
        np.testing.assert_array_equal([r["score"] for r in rows], model.direct(features))

        # 1,000 rows in one request, as the UDF sends them: latency measured and shown.
        thousand = np.tile(model.features, (25, 1))
        started = time.perf_counter()
        scores = invoke_rows(endpoint.url, NAME, thousand)
        latency_ms = (time.perf_counter() - started) * 1000
        np.testing.assert_array_equal(scores, model.direct(thousand))
        # The same rows cut into many small requests, four at a time: answers kept in order.
        np.testing.assert_array_equal(
            invoke_rows(endpoint.url, NAME, thousand, request_bytes=2048), scores
        )
        print(f"endpoint start {endpoint.startup_seconds:.2f} s; 1,000 rows in {latency_ms:.1f} ms")

        # The command line: the workshop's form, resolved before Spark runs, printed as a table.
        (lake / "catalog" / "metastore_db").mkdir(parents=True)  # the test session's catalog
        workshop = f"""USING FUNCTION predict(col1 double, col2 double, col3 double, col4 double)
          returns double type SAGEMAKER_INVOKE_ENDPOINT WITH (sagemaker_endpoint='{NAME}')
        SELECT ROUND(predict(col1, col2, col3, col4)) AS PREDICTED, col0 AS ACTUAL
        FROM (SELECT * FROM "e2e-serve-processed".train)"""
        capsys.readouterr()
        assert main(["sql", workshop, "--lake", str(lake), "--limit", "100"]) == 0
        printed = capsys.readouterr().out
        assert "PREDICTED" in printed and f"{len(model.rows)} rows" in printed
        assert main(["sql", workshop.replace(f"'{NAME}'", "'missing'"), "--lake", str(lake)]) == 1
        assert "calls SageMaker endpoint 'missing', which is neither" in (
            capsys.readouterr().err.replace("\n", " ")
        )

        endpoint.process.send_signal(signal.SIGTERM)
        assert endpoint.process.wait(timeout=20) == 0
    assert read_endpoint(lake, NAME) is None
    assert main(["models", "--lake", str(lake)]) == 0
    assert "No endpoints running" in capsys.readouterr().out
