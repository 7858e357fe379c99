"""Athena SQL on Spark: dialect translation, Glue names, errors and output files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from pyspark.sql import SparkSession

from playgrounds.cli import main
from playgrounds.sql import SqlError, run_sql, translate, write_result

BOROUGHS = """
SELECT substr(prop_id, 1, 1) AS borough_letter, count(*) AS parks
FROM "sqltest-raw"."parks"
GROUP BY substr(prop_id, 1, 1)
ORDER BY borough_letter
"""


def test_glue_names_are_mapped_and_ctes_left_alone() -> None:
    spark_sql = translate(
        'WITH p AS (SELECT "Name" FROM awsdatacatalog."demo-raw"."Parks") SELECT * FROM p'
    )
    assert spark_sql == "WITH p AS (SELECT `Name` FROM demo_raw.parks) SELECT * FROM p"


def test_show_commands_map_names_too(spark: SparkSession, sql_zone: Path) -> None:
    assert translate('SHOW PARTITIONS "Demo-Raw".parks') == "SHOW PARTITIONS `demo_raw`.parks"
    tables = run_sql(spark, 'SHOW TABLES IN "sqltest-raw"').collect()
    assert {row["tableName"] for row in tables} == {"events", "income_ny", "parks", "train"}
    partitions = run_sql(spark, 'SHOW PARTITIONS "sqltest-raw"."income_ny"').collect()
    assert [row[0] for row in partitions] == ["year=2016", "year=2017"]


def test_analyst_query_over_raw_tables(spark: SparkSession, sql_zone: Path) -> None:
    rows = run_sql(spark, BOROUGHS).collect()
    assert [tuple(r) for r in rows] == [("B", 2), ("M", 4)]


def test_presto_functions_and_identifiers_run_on_spark(spark: SparkSession, sql_zone: Path) -> None:
    # Double quotes are identifiers in Presto (string literals in Spark SQL);
    # approx_distinct, cardinality and split have Spark names of their own.
    query = """
        SELECT "state", approx_distinct(zipcode) AS zips,
               max(cardinality(split(cast(a00100 AS varchar), '.'))) AS parts
        FROM "sqltest-raw".income_ny WHERE year = 2016 GROUP BY "state"
    """
    assert [tuple(r) for r in run_sql(spark, query).collect()] == [("NY", 3, 2)]
    unqualified = run_sql(spark, "SELECT count(*) FROM train", database="sqltest-raw")
    assert unqualified.first()[0] == 3


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('SELECT * FROM "sqltest-raw".nope', "table 'nope' not found in database 'sqltest-raw' "
         "(its tables: events, income_ny, parks, train)"),
        ('SELECT * FROM "no-such-db".parks', "database 'no-such-db' does not exist"),
        ("SELECT name,\n  nocolumn FROM \"sqltest-raw\".parks", "`nocolumn` cannot be resolved"),
        ("SELECT name,\n  nocolumn FROM \"sqltest-raw\".parks", "(line 2, column 3)"),
        ("SELECT a,\n  FROM WHERE", "SQL syntax error at line 2, column 12 near 'WHERE'"),
        ("SELECT 1; SELECT 2", "give one SQL statement at a time (found 2)"),
        ("   ", "the query is empty"),
    ],
)  # fmt: skip
def test_errors_are_one_sentence(
    spark: SparkSession, sql_zone: Path, query: str, message: str
) -> None:
    with pytest.raises(SqlError) as error:
        run_sql(spark, query)
    assert message in str(error.value)
    assert "\n" not in str(error.value)
    assert "at org.apache" not in str(error.value)


def test_output_files(spark: SparkSession, sql_zone: Path, tmp_path: Path) -> None:
    frame = run_sql(spark, BOROUGHS)
    write_result(frame, tmp_path / "out.csv")
    with (tmp_path / "out.csv").open() as stream:
        assert list(csv.reader(stream)) == [["borough_letter", "parks"], ["B", "2"], ["M", "4"]]
    write_result(frame, tmp_path / "out.json")
    lines = (tmp_path / "out.json").read_text().splitlines()
    assert next(json.loads(line) for line in lines) == {"borough_letter": "B", "parks": 2}
    write_result(frame, tmp_path / "out.parquet")
    assert pq.read_table(tmp_path / "out.parquet").to_pylist()[1] == {
        "borough_letter": "M",
        "parks": 4,
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "out.json", "out.parquet"]
    with pytest.raises(SqlError, match=r"must end in \.csv, \.json, \.parquet"):
        write_result(frame, tmp_path / "out.xlsx")


def test_cli_errors_before_spark(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sql", "SELECT FROM WHERE", "--lake", str(tmp_path)]) == 1
    assert "SQL syntax error at line 1" in capsys.readouterr().err
    assert main(["sql", "SELECT 1", "--lake", str(tmp_path)]) == 1
    assert "no catalog in" in capsys.readouterr().err
    assert main(["sql", "SELECT 1", "--lake", str(tmp_path / "missing")]) == 1
    assert "lake root" in capsys.readouterr().err
