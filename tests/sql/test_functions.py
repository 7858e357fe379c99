"""``USING [EXTERNAL] FUNCTION``: the prefix read, the calls checked, the model's own scores.

The Spark tests crawl a tiny headerless ``train.csv`` (label first, as the
workshop's) in a temporary lake and compare each prediction with the model
called directly through xgboost.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest
from pyspark.sql import SparkSession

from playgrounds.catalog.crawler import crawl
from playgrounds.errors import PlaygroundsError
from playgrounds.serve.batches import csv_chunks, invoke_rows
from playgrounds.serve.functions import ModelFunctionResolver
from playgrounds.serve.registry import EndpointRegistration, register_endpoint
from playgrounds.sql.errors import SqlError
from playgrounds.sql.functions import (
    REGISTERED_PREFIX,
    ExternalFunction,
    FunctionParameter,
    split_using,
)
from playgrounds.sql.query import run_sql, run_statement
from tests.serve.endpoints import FEATURES, TinyModel, write_tiny_model
from tests.support.servers import free_port

DATABASE = "fn-processed"
WORKSHOP_QUERY = """USING FUNCTION predict(col1 bigint, col2 bigint, col3 bigint, col4 double)
  returns double type SAGEMAKER_INVOKE_ENDPOINT
  WITH (sagemaker_endpoint='playgrounds-xgboost')
SELECT ROUND(predict(col1, col2, col3, col4)) AS PREDICTED, col0 AS ACTUAL
FROM (SELECT * FROM "fn-processed".train)"""


# ---------------------------------------------------------------- the prefix


def test_both_forms_and_several_functions_are_read() -> None:
    using = split_using(
        "USING EXTERNAL FUNCTION a(x double, y varchar(20)) RETURNS double SAGEMAKER 'm-1',\n"
        "  EXTERNAL FUNCTION b(z DECIMAL(10, 2)) RETURNS real SAGEMAKER 'm2'\n"
        "SELECT a(1, 'x'), b(2) FROM t WHERE a(3, 'a(') > 0"
    )
    assert using.functions == (
        ExternalFunction(
            "a",
            (FunctionParameter("x", "double"), FunctionParameter("y", "varchar")),
            "double",
            "m-1",
        ),
        ExternalFunction("b", (FunctionParameter("z", "decimal"),), "real", "m2"),
    )
    a, b = using.registered["a"], using.registered["b"]
    assert a.startswith(REGISTERED_PREFIX + "a_") and b.startswith(REGISTERED_PREFIX + "b_")
    # The prefix is blanked (line breaks kept), calls renamed, a string left alone.
    assert using.statement.splitlines()[2].strip() == (
        f"SELECT {a}(1, 'x'), {b}(2) FROM t WHERE {a}(3, 'a(') > 0"
    )
    assert using.statement.count("\n") == 2

    preview = split_using(WORKSHOP_QUERY)
    assert [f.endpoint for f in preview.functions] == ["playgrounds-xgboost"]
    assert [p.athena_type for p in preview.functions[0].parameters] == ["bigint"] * 3 + ["double"]
    assert split_using("SELECT 1").statement == "SELECT 1"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "USING FUNCTION f(a double) RETURNS double SELECT 1",
            r"line 1, column 43: expected TYPE, found .SELECT.",
        ),
        (
            "USING EXTERNAL FUNCTION f(a int) RETURNS double SAGEMAKER m SELECT 1",
            r"in single quotes",
        ),
        ("USING EXTERNAL FUNCTION f(a blob) RETURNS double SAGEMAKER 'm' SELECT 1", r"'blob'"),
        (
            "USING EXTERNAL FUNCTION f(a int) RETURNS varchar SAGEMAKER 'm' SELECT 1",
            r"RETURNS varchar",
        ),
        ("USING EXTERNAL FUNCTION f(a int) RETURNS double LAMBDA 'fn' SELECT 1", r"Lambda"),
        (
            "USING EXTERNAL FUNCTION f(a int) RETURNS double SAGEMAKER 'm', "
            "EXTERNAL FUNCTION F(b int) RETURNS double SAGEMAKER 'n' SELECT 1",
            r"function F is declared twice",
        ),
        (
            "USING EXTERNAL FUNCTION f(a int) RETURNS double SAGEMAKER 'm'",
            r"followed by a statement",
        ),
    ],
)
def test_a_bad_prefix_is_one_sentence(query: str, message: str) -> None:
    with pytest.raises(SqlError, match=message):
        split_using(query)


def test_csv_chunks_stay_under_the_limit_and_round_trip() -> None:
    rows = np.array([[0.1, np.nan, 3.0], [1e-17, 2.0, 12345.678]])
    chunks = list(csv_chunks(np.tile(rows, (50, 1)), limit=200))
    assert len(chunks) > 1 and all(len(chunk) <= 200 for chunk in chunks)
    assert chunks[0].splitlines()[:2] == [b"0.1,,3.0", b"1e-17,2.0,12345.678"]
    assert sum(len(chunk.splitlines()) for chunk in chunks) == 100


def test_an_endpoint_that_stops_answering_is_retried_then_named() -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    started = time.perf_counter()
    with pytest.raises(PlaygroundsError, match=rf"^endpoint 'gone' at {url} is not answering \("):
        invoke_rows(url, "gone", np.ones((3, 4)))
    assert time.perf_counter() - started >= 0.2 + 0.4 + 0.8  # three retries, backing off


# ---------------------------------------------------------------- on Spark


@pytest.fixture(scope="module")
def lake(spark: SparkSession, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fn-lake")
    return root


@pytest.fixture(scope="module")
def model(spark: SparkSession, lake: Path) -> TinyModel:
    tiny = write_tiny_model(lake, "playgrounds-xgboost")
    write_tiny_model(lake, "second-model", seed=11)
    folder = lake / "processed" / "train"
    folder.mkdir(parents=True)
    # The workshop's train.csv: no header, label first; a missing value as an empty field.
    lines = (
        ",".join(
            "" if np.isnan(v) else (str(int(v)) if i < 4 else repr(v)) for i, v in enumerate(row)
        )
        for row in tiny.rows
    )
    (folder / "train.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    crawl(spark, lake / "processed", DATABASE)
    return tiny


def features_of(rows: list[tuple[object, ...]]) -> np.ndarray:
    return np.array([[np.nan if v is None else float(v) for v in row] for row in rows])


def test_the_workshops_query_gives_the_models_own_predictions(
    spark: SparkSession, lake: Path, model: TinyModel
) -> None:
    resolver = ModelFunctionResolver(lake)
    workshop = run_sql(spark, WORKSHOP_QUERY, lake=lake, functions=resolver).collect()
    assert len(workshop) == len(model.rows)
    # Exactly the direct scores, row by row (the features selected beside the score).
    exact = WORKSHOP_QUERY.replace(
        "ROUND(predict(col1, col2, col3, col4)) AS PREDICTED, col0 AS ACTUAL",
        "col1, col2, col3, col4, predict(col1, col2, col3, col4) AS score",
    )
    rows = run_sql(spark, exact, lake=lake, functions=resolver).collect()
    features = features_of([tuple(r)[:4] for r in rows])
    np.testing.assert_array_equal([r["score"] for r in rows], model.direct(features))
    direct = model.direct(model.features)
    assert sorted((r["PREDICTED"], r["ACTUAL"]) for r in workshop) == sorted(
        zip(np.round(direct).tolist(), model.rows[:, 0].astype(int).tolist(), strict=True)
    )


def test_external_functions_in_where_group_by_and_subqueries(
    spark: SparkSession, lake: Path, model: TinyModel
) -> None:
    query = """
    USING EXTERNAL FUNCTION p(a double, b double, c double, d double) RETURNS double
      SAGEMAKER 'playgrounds-xgboost',
    EXTERNAL FUNCTION q(a double, b double, c double, d double) RETURNS double
      SAGEMAKER 'second-model'
    SELECT ROUND(p(col1, col2, col3, col4)) AS bucket, count(*) AS n,
           max(q(col1, col2, col3, col4)) AS top
    FROM (SELECT * FROM "fn-processed".train WHERE p(col1, col2, col3, col4) >= 0)
    WHERE q(col1, col2, col3, col4) IS NOT NULL
    GROUP BY ROUND(p(col1, col2, col3, col4))
    ORDER BY bucket
    """
    rows = run_sql(spark, query, lake=lake, functions=ModelFunctionResolver(lake)).collect()
    buckets = np.round(model.direct(model.features))
    second = write_tiny_model(lake / "scratch", "second-model", seed=11)
    top = {b: second.direct(model.features)[buckets == b].max() for b in set(buckets)}
    assert [(r["bucket"], r["n"]) for r in rows] == [
        (b, int((buckets == b).sum())) for b in sorted(set(buckets))
    ]
    assert [r["top"] for r in rows] == [top[b] for b in sorted(set(buckets))]


def test_create_table_as_writes_predictions_into_the_processed_zone(
    spark: SparkSession, lake: Path, model: TinyModel
) -> None:
    target = lake / "processed" / "predictions"
    query = WORKSHOP_QUERY.replace(
        "SELECT ROUND(",
        f"CREATE TABLE \"{DATABASE}\".predictions WITH (external_location = '{target}') AS "
        "SELECT ROUND(",
    )
    result = run_statement(spark, query, lake=lake, functions=ModelFunctionResolver(lake))
    assert result.note is not None and result.note.startswith("Created table")
    assert any(p.suffix == ".parquet" for p in target.iterdir())
    stored = spark.sql("SELECT PREDICTED, ACTUAL FROM fn_processed.predictions").collect()
    direct = np.round(model.direct(model.features))
    assert sorted(r["PREDICTED"] for r in stored) == sorted(direct.tolist())


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            WORKSHOP_QUERY.replace("predict(col1, col2, col3, col4))", "predict(col1, col2))"),
            r"^function predict\(col1 bigint, .*\) takes 4 argument\(s\), but a call of predict "
            r"passes 2$",
        ),
        (
            WORKSHOP_QUERY.replace(", col4 double)", ")").replace(", col4))", "))"),
            r"^function predict declares 3 parameter\(s\), but model 'playgrounds-xgboost' takes "
            r"4 features \(borough, returns, joint, share\)$",
        ),
        (
            WORKSHOP_QUERY.replace("col2 bigint", "col2 varchar"),
            r"^function predict parameter col2 is declared varchar, but model "
            r"'playgrounds-xgboost' feature returns takes a number",
        ),
        (
            WORKSHOP_QUERY.replace("='playgrounds-xgboost'", "='nope'"),
            r"^function predict calls SageMaker endpoint 'nope', which is neither a running "
            r"endpoint nor a model registered in .* \(models: playgrounds-xgboost, second-model",
        ),
    ],
)
def test_wrong_calls_and_unknown_models_are_one_sentence(
    spark: SparkSession, lake: Path, model: TinyModel, query: str, message: str
) -> None:
    with pytest.raises(PlaygroundsError, match=message):
        run_sql(spark, query, lake=lake, functions=ModelFunctionResolver(lake))


def test_an_endpoint_that_is_down_is_named(
    spark: SparkSession, lake: Path, model: TinyModel
) -> None:
    port = free_port()  # nothing listens there; this test process is the live pid
    register_endpoint(
        lake,
        EndpointRegistration("gone", "127.0.0.1", port, os.getpid(), str(model.artifact), 4, ""),
    )
    query = WORKSHOP_QUERY.replace("='playgrounds-xgboost'", "='gone'")
    with pytest.raises(
        PlaygroundsError,
        match=rf"^function predict: endpoint 'gone' at http://127.0.0.1:{port} is not answering",
    ):
        run_sql(spark, query, lake=lake, functions=ModelFunctionResolver(lake))


def test_without_a_resolver_the_function_is_named(
    spark: SparkSession, lake: Path, model: TinyModel
) -> None:
    with pytest.raises(
        SqlError,
        match=r"^function predict calls SageMaker endpoint 'playgrounds-xgboost', but no model "
        r"resolver",
    ):
        run_sql(spark, WORKSHOP_QUERY, lake=lake)


def test_the_policy_checks_the_statement_after_the_prefix(
    spark: SparkSession, lake: Path, model: TinyModel
) -> None:
    prefix = "USING EXTERNAL FUNCTION f(a double) RETURNS double SAGEMAKER 'playgrounds-xgboost' "
    query = prefix + "DROP DATABASE x"
    with pytest.raises(SqlError, match=r"^DROP DATABASE is not allowed"):
        run_sql(spark, query, lake=lake, functions=ModelFunctionResolver(lake))
    show = prefix + "SHOW TABLES"
    with pytest.raises(
        SqlError, match=r"^USING FUNCTION goes in front of a SELECT or CREATE TABLE AS, not SHOW"
    ):
        run_sql(spark, show, lake=lake, functions=ModelFunctionResolver(lake))
    assert FEATURES  # the tiny model's features, as the registry lists them
