"""from_catalog over the local Hive metastore (pruning proved), the map file, and job bookmarks."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from chispa import assert_df_equality
from pyspark.sql import DataFrame, SparkSession

from playgrounds.catalog.names import metastore_name
from playgrounds.glue.errors import GlueShimError

SCHEMA = "Prop_ID string, Zip string"


def _write_day(spark: SparkSession, table: Path, day: int, rows: list[tuple[str, str]]) -> None:
    spark.createDataFrame(rows, SCHEMA).coalesce(1).write.mode("overwrite").parquet(
        str(table / f"year=2019/month=7/day={day}")
    )


@pytest.fixture
def parks_table(spark: SparkSession, tmp_path: Path) -> tuple[str, Path]:
    """A Glue database (``shim-raw-<id>``) with a ``parks`` table partitioned by year/month/day."""
    database = f"shim-raw-{uuid.uuid4().hex[:8]}"
    table = tmp_path / "raw" / "parks"
    _write_day(spark, table, 4, [("B001", "11201"), ("M002", "10001")])
    db = metastore_name(database)
    spark.sql(f"CREATE DATABASE `{db}`")
    spark.sql(
        f"CREATE TABLE `{db}`.parks ({SCHEMA}, year string, month string, day string) "
        f"USING parquet PARTITIONED BY (year, month, day) LOCATION '{table}'"
    )
    spark.sql(f"ALTER TABLE `{db}`.parks RECOVER PARTITIONS")
    return database, table


def _recover(spark: SparkSession, database: str) -> None:
    spark.sql(f"ALTER TABLE `{metastore_name(database)}`.parks RECOVER PARTITIONS")


def _expected(spark: SparkSession, rows: list[tuple[str, str, str]]) -> DataFrame:
    return spark.createDataFrame(
        [(p, z, "2019", "7", d) for p, z, d in rows],
        f"{SCHEMA}, year string, month string, day string",
    ).toDF("prop_id", "zip", "year", "month", "day")


def test_push_down_predicate_prunes_partitions(
    spark: SparkSession, glue_context: Any, parks_table: tuple[str, Path]
) -> None:
    database, table = parks_table
    # Day 5 holds a file that is not Parquet: reading it fails, so a read
    # that succeeds with the predicate never opened it.
    (table / "year=2019/month=7/day=5").mkdir(parents=True)
    (table / "year=2019/month=7/day=5/part-0.parquet").write_text("not parquet")
    _recover(spark, database)

    frame = glue_context.create_dynamic_frame.from_catalog(
        database=database,
        table_name="parks",
        push_down_predicate="(year=='2019' and month=='7' and day=='4')",
    )
    expected = _expected(spark, [("B001", "11201", "4"), ("M002", "10001", "4")])
    assert_df_equality(frame.toDF(), expected, ignore_nullable=True, ignore_row_order=True)
    plan = frame.toDF()._jdf.queryExecution().executedPlan().toString()
    assert "PartitionFilters: [isnotnull(year" in plan
    with pytest.raises(Exception, match=r"(?i)parquet"):
        glue_context.create_dynamic_frame.from_catalog(
            database=database, table_name="parks"
        ).count()


def test_catalog_errors_name_what_is_wrong(
    glue_context: Any, parks_table: tuple[str, Path]
) -> None:
    database, _ = parks_table
    with pytest.raises(GlueShimError, match=f"table 'nope' not found in database '{database}'"):
        glue_context.create_dynamic_frame.from_catalog(database=database, table_name="nope")
    with pytest.raises(GlueShimError, match="database 'no-such-db'"):
        glue_context.create_dynamic_frame.from_catalog(database="no-such-db", table_name="parks")
    with pytest.raises(GlueShimError, match="invalid push_down_predicate \"zip == '1'\""):
        glue_context.create_dynamic_frame.from_catalog(
            database=database, table_name="parks", push_down_predicate="zip == '1'"
        )
    with pytest.raises(GlueShimError, match="invalid push_down_predicate 'year =='"):
        glue_context.create_dynamic_frame.from_catalog(
            database=database, table_name="parks", push_down_predicate="year =="
        )


def test_map_file_tables_and_write_from_catalog(
    spark: SparkSession,
    glue_context: Any,
    parks_table: tuple[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    database, table = parks_table
    from awsglue.dynamicframe import DynamicFrame

    new_rows = spark.createDataFrame(
        [("Q003", "11101", "2019", "7", "6")], f"{SCHEMA}, year string, month string, day string"
    )
    glue_context.write_dynamic_frame.from_catalog(
        frame=DynamicFrame.fromDF(new_rows, glue_context, "new"),
        database=database,
        table_name="parks",
    )
    day6 = glue_context.create_dynamic_frame.from_catalog(
        database=database, table_name="parks", push_down_predicate="day == '6'"
    )
    assert [r["prop_id"] for r in day6.toDF().collect()] == ["Q003"]

    catalog_map = tmp_path / "catalog.json"
    catalog_map.write_text(json.dumps({"mapped-db": {"parks": {"path": str(table)}}}))
    monkeypatch.setenv("PLAYGROUNDS_GLUE_CATALOG_MAP", str(catalog_map))
    mapped = glue_context.create_dynamic_frame.from_catalog(
        database="mapped-db", table_name="parks", push_down_predicate="day = 6"
    )
    assert [r["prop_id"] for r in mapped.toDF().collect()] == ["Q003"]  # lower case, as Glue


def test_bookmarks_enable_pause_disable(
    spark: SparkSession, glue_context: Any, parks_table: tuple[str, Path]
) -> None:
    from awsglue.job import Job

    database, table = parks_table

    def run(option: str) -> list[str]:
        job = Job(glue_context)
        job.init("parks-job", {"job_bookmark_option": option})
        frame = glue_context.create_dynamic_frame.from_catalog(
            database=database, table_name="parks", transformation_ctx="parks_source"
        )
        ids = sorted(r["prop_id"] for r in frame.toDF().collect())
        job.commit()
        return ids

    assert run("job-bookmark-enable") == ["B001", "M002"]
    assert run("job-bookmark-enable") == []  # nothing new since the committed run
    _write_day(spark, table, 5, [("X005", "10002")])
    _recover(spark, database)
    assert run("job-bookmark-pause") == ["X005"]  # new files, bookmark not moved
    assert run("job-bookmark-disable") == ["B001", "M002", "X005"]
    assert run("job-bookmark-enable") == ["X005"]
    assert run("job-bookmark-enable") == []


def test_metastore_table_details_for_data_source_and_hive_tables(
    spark: SparkSession, parks_table: tuple[str, Path], tmp_path: Path
) -> None:
    from playgrounds.glue.tables import find_metastore_table

    database, table = parks_table
    parks = find_metastore_table(spark, database, "parks")
    assert (parks.provider, parks.partition_columns) == ("parquet", ("year", "month", "day"))
    assert parks.location == table.resolve().as_uri().replace("file:///", "file:/")

    db = metastore_name(database)
    hive_folder = tmp_path / "hive_orc"
    spark.sql(
        f"CREATE TABLE `{db}`.events (id int) PARTITIONED BY (dt string) "
        f"STORED AS ORC LOCATION '{hive_folder}'"
    )
    events = find_metastore_table(spark, database, "events")
    assert (events.provider, events.partition_columns) == ("orc", ("dt",))
    unpartitioned = tmp_path / "flat"
    spark.sql(f"CREATE TABLE `{db}`.flat (a string) USING csv LOCATION '{unpartitioned}'")
    assert find_metastore_table(spark, database, "flat").partition_columns == ()
