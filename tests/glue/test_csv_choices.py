"""Choice types for CSV: from_options, a catalog-map table and a crawled metastore table.

The provider id is a number except in one row, past any crawler's sample: Glue
reads it as a choice of long and string, and no value becomes null.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from chispa import assert_df_equality
from pyspark.sql import DataFrame, SparkSession

from playgrounds.catalog.names import metastore_name
from playgrounds.glue import csv_choices
from playgrounds.glue.choices import is_choice

CSV = "provider id,name,charges\n10001,Ann,1.5\n10002,Bo,2\nPRV-3,Cy,\n,Di,4.25\n"


@pytest.fixture(autouse=True)
def fresh_choice_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test decides afresh: its own cache folder, nothing kept in memory."""
    folder = tmp_path / "choice-cache"
    monkeypatch.setenv(csv_choices.CACHE_ENV, str(folder))
    monkeypatch.setattr(csv_choices, "_decisions", {})
    return folder


def _csv_folder(tmp_path: Path) -> Path:
    folder = tmp_path / f"medicare-{uuid.uuid4().hex[:6]}"
    folder.mkdir()
    (folder / "part-0.csv").write_text(CSV)
    return folder


def _expected(spark: SparkSession, id_name: str, charges: str = "double") -> DataFrame:
    return spark.createDataFrame(
        [((10001, None), "Ann", 1.5), ((10002, None), "Bo", 2.0), ((None, "PRV-3"), "Cy", None),
         (None, "Di", 4.25)],
        f"`{id_name}` struct<long:bigint,string:string>, name string, charges {charges}",
    )  # fmt: skip


def test_from_options_reads_a_mixed_csv_column_as_a_choice(
    spark: SparkSession, glue_context: Any, tmp_path: Path, fresh_choice_cache: Path
) -> None:
    from awsglue.transforms import ResolveChoice

    frame = glue_context.create_dynamic_frame.from_options(
        "s3", {"paths": [str(_csv_folder(tmp_path))]}, format="csv",
        format_options={"withHeader": True},
    )  # fmt: skip
    df = frame.toDF()
    assert_df_equality(
        df, _expected(spark, "provider id"), ignore_nullable=True, ignore_metadata=True
    )
    assert [is_choice(f) for f in df.schema.fields] == [True, False, False]
    columns = ResolveChoice.apply(frame=frame, specs=[("provider id", "make_cols")]).toDF()
    assert columns.columns == ["provider id_long", "provider id_string", "name", "charges"]
    assert len(list(fresh_choice_cache.glob("*.json"))) == 1


def test_catalog_map_csv_table_reads_the_choice(
    spark: SparkSession, glue_context: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mapping = tmp_path / "catalog.json"
    table = {
        "path": str(_csv_folder(tmp_path)),
        "format": "csv",
        "format_options": {"withHeader": True},
    }
    mapping.write_text(json.dumps({"raw": {"medicare": table}}))
    monkeypatch.setenv("PLAYGROUNDS_GLUE_CATALOG_MAP", str(mapping))
    df = glue_context.create_dynamic_frame.from_catalog(
        database="raw", table_name="medicare"
    ).toDF()
    assert_df_equality(
        df, _expected(spark, "provider id"), ignore_nullable=True, ignore_metadata=True
    )
    assert is_choice(df.schema["provider id"])


@pytest.fixture
def crawled_mixed(spark: SparkSession, tmp_path: Path) -> tuple[str, Path]:
    """A crawled CSV table whose catalog says the provider id is a bigint (the sample's view)."""
    database = f"csv-choice-{uuid.uuid4().hex[:8]}"
    folder = tmp_path / "medicare"
    (folder / "year=2019").mkdir(parents=True)
    (folder / "year=2019" / "part-0.csv").write_text(CSV)
    db = metastore_name(database)
    spark.sql(f"CREATE DATABASE `{db}`")
    spark.sql(
        f"CREATE TABLE `{db}`.medicare (`provider id` bigint, name string, charges double, "
        f"year bigint) USING csv OPTIONS (header 'true', sep ',') PARTITIONED BY (year) "
        f"LOCATION '{folder}'"
    )
    spark.sql(f"ALTER TABLE `{db}`.medicare RECOVER PARTITIONS")
    return database, folder


def test_metastore_csv_table_keeps_the_text_values(
    spark: SparkSession,
    glue_context: Any,
    crawled_mixed: tuple[str, Path],
    fresh_choice_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    database, folder = crawled_mixed

    def read() -> DataFrame:
        return glue_context.create_dynamic_frame.from_catalog(
            database=database, table_name="medicare", push_down_predicate="year = 2019"
        ).toDF()

    df = read()
    expected = _expected(spark, "provider id").selectExpr("*", "CAST(2019 AS BIGINT) AS year")
    assert_df_equality(df, expected, ignore_nullable=True, ignore_metadata=True)
    assert is_choice(df.schema["provider id"])

    # The decision is kept: a second read of the same files makes no pass ...
    def no_pass(*_: Any) -> None:
        raise AssertionError("the choice decision was computed again")

    decide = csv_choices._mixed
    monkeypatch.setattr(csv_choices, "_decisions", {})  # only the file on disk is left
    monkeypatch.setattr(csv_choices, "_mixed", no_pass)
    assert read().count() == 4
    # ... and changed files are decided again.
    (folder / "year=2019" / "part-0.csv").write_text("provider id,name,charges\n1,A,2\n")
    monkeypatch.setattr(csv_choices, "_mixed", decide)
    spark.catalog.refreshTable(f"`{metastore_name(database)}`.medicare")
    plain = read()
    assert plain.schema["provider id"].dataType.simpleString() == "bigint"
    assert len(list(fresh_choice_cache.glob("*.json"))) == 2


def test_a_csv_without_mixed_columns_is_unchanged(
    spark: SparkSession, glue_context: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "a.csv").write_text("id,name\n1,Ann\n2,Bo\n")
    df = glue_context.create_dynamic_frame.from_options(
        "s3", {"paths": [str(folder)]}, format="csv", format_options={"withHeader": True}
    ).toDF()
    assert [(f.name, f.dataType.simpleString()) for f in df.schema.fields] == [
        ("id", "int"), ("name", "string"),
    ]  # fmt: skip
