"""Top-level columns read from Spark's DDL string, and the catalog's lower-case names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from chispa import assert_df_equality
from pyspark.sql import SparkSession
from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DecimalType,
    DoubleType,
    IntegerType,
    LongType,
    MapType,
    StringType,
    StructField,
    StructType,
)

from playgrounds.glue.columns import columns_of, lower_case_names, parse_columns
from playgrounds.glue.errors import GlueShimError
from playgrounds.spark import quote_identifier

AWKWARD = StructType(
    [
        StructField("Plain", StringType()),
        StructField("with space, comma", IntegerType(), False),
        StructField("back`tick", DecimalType(10, 2)),
        StructField(
            "nested",
            StructType(
                [
                    StructField("In ner", ArrayType(MapType(StringType(), LongType()))),
                    StructField("x`y>", DoubleType()),
                ]
            ),
        ),
        StructField("m", MapType(StringType(), StructType([StructField("a,b", BooleanType())]))),
    ]
)


def test_parse_columns_splits_only_at_top_level_commas() -> None:
    ddl = (
        "Plain STRING,`with space, comma` INT NOT NULL,`back``tick` DECIMAL(10,2),"
        "nested STRUCT<`In ner`: ARRAY<MAP<STRING, BIGINT>>, `x``y>`: DOUBLE>"
    )
    columns = parse_columns(ddl)
    assert [c.name for c in columns] == ["Plain", "with space, comma", "back`tick", "nested"]
    assert [c.type_name for c in columns] == [
        "STRING",
        "INT",
        "DECIMAL(10,2)",
        "STRUCT<`In ner`: ARRAY<MAP<STRING, BIGINT>>, `x``y>`: DOUBLE>",
    ]
    assert columns[1].definition == "INT NOT NULL"


def test_columns_of_round_trips_through_spark(spark: SparkSession) -> None:
    df = spark.createDataFrame([], AWKWARD)
    columns = columns_of(df)
    assert columns is not None
    rebuilt = ", ".join(f"{quote_identifier(c.name)} {c.definition}" for c in columns)
    assert spark.createDataFrame([], rebuilt).schema == AWKWARD


def test_columns_of_leaves_comments_to_spark(spark: SparkSession) -> None:
    commented = StructType([StructField("a", StringType(), True, {"comment": "it's, <odd>"})])
    assert columns_of(spark.createDataFrame([], commented)) is None


@pytest.mark.parametrize(
    "names",
    [
        ["Prop_ID", "with space, comma", "back`tick", "already"],
        ["Prop_ID", "nul\x00inside"],  # cannot be split on the JVM: handed over as a list
    ],
)
def test_lower_case_names_keeps_rows_and_order(spark: SparkSession, names: list[str]) -> None:
    df = spark.createDataFrame([tuple(range(len(names)))], [*names])
    lowered = lower_case_names(df)
    assert lowered.columns == [name.lower() for name in names]
    assert_df_equality(lowered, df.toDF(*[name.lower() for name in names]))


def test_lower_case_names_returns_a_lower_case_frame_unchanged(spark: SparkSession) -> None:
    df = spark.createDataFrame([(1, 2)], "a int, b int")
    assert lower_case_names(df) is df


def test_catalog_read_lower_cases_names_and_partitions(
    spark: SparkSession, glue_context: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = tmp_path / "parks"
    rows = [("B001", "Brooklyn", 2019), ("M002", "Manhattan", 2020)]
    frame = spark.createDataFrame(rows, "Prop_ID string, BOROUGH string, Year int")
    frame.write.partitionBy("Year").parquet(str(table))
    catalog_map = tmp_path / "catalog.json"
    catalog_map.write_text(json.dumps({"db": {"parks": {"path": str(table)}}}))
    monkeypatch.setenv("PLAYGROUNDS_GLUE_CATALOG_MAP", str(catalog_map))

    def read(predicate: str) -> Any:
        return glue_context.create_dynamic_frame.from_catalog(
            database="db", table_name="parks", push_down_predicate=predicate
        ).toDF()

    read_2019 = read("year = 2019")  # the folders say Year=; Glue matches either case
    assert read_2019.columns == ["prop_id", "borough", "year"]
    assert [tuple(row) for row in read_2019.collect()] == [rows[0]]
    with pytest.raises(GlueShimError, match="it uses borough, not among the partition columns"):
        read("borough = 'Brooklyn'")
