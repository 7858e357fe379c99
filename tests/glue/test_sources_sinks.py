"""from_options / write_dynamic_frame.from_options / purge_s3_path on local paths and s3://."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from chispa import assert_df_equality
from pyspark.sql import SparkSession

from playgrounds.glue.errors import GlueShimError, UnsupportedGlueFeatureError


def test_csv_with_header_and_separator_from_s3(
    spark: SparkSession, glue_context: Any, lake_dirs: Path
) -> None:
    folder = lake_dirs / "s3" / "raw-bucket" / "income"
    folder.mkdir(parents=True)
    (folder / "a.csv").write_text("STATE;zipcode;N1\nNY;10001;5\nNJ;07001;7\n")
    frame = glue_context.create_dynamic_frame.from_options(
        connection_type="s3",
        connection_options={"paths": ["s3://raw-bucket/income/"]},
        format="csv",
        format_options={"withHeader": True, "separator": ";"},
    )
    expected = spark.createDataFrame(
        [("NY", 10001, 5), ("NJ", 7001, 7)], "STATE string, zipcode int, N1 int"
    )
    assert_df_equality(frame.toDF(), expected, ignore_nullable=True)
    headerless = glue_context.create_dynamic_frame.from_options(
        "s3", {"paths": [str(folder)]}, format="csv", format_options={"separator": ";"}
    )
    # Read as data, the header row makes the number columns choices, as on Glue.
    assert_df_equality(
        headerless.toDF(),
        spark.createDataFrame(
            [("STATE", (None, "zipcode"), (None, "N1")), ("NY", (10001, None), (5, None)),
             ("NJ", (7001, None), (7, None))],
            "col0 string, col1 struct<long:bigint,string:string>, "
            "col2 struct<long:bigint,string:string>",
        ),
        ignore_nullable=True,
        ignore_metadata=True,
    )  # fmt: skip


def test_write_partitioned_then_read_back_with_recurse_and_predicate(
    spark: SparkSession, glue_context: Any
) -> None:
    from awsglue.dynamicframe import DynamicFrame

    df = spark.createDataFrame(
        [(1, "a", "2019"), (2, "b", "2020")], "id long, name string, year string"
    )
    frame = DynamicFrame.fromDF(df, glue_context, "f")
    glue_context.write_dynamic_frame.from_options(
        frame=frame,
        connection_type="s3",
        connection_options={"path": "s3://out-bucket/t/", "partitionKeys": ["year"]},
        format="glueparquet",
        format_options={"compression": "snappy"},
    )
    partitions = sorted(
        p.name
        for p in (Path(os.environ["PLAYGROUNDS_LOCAL_S3"]) / "out-bucket" / "t").iterdir()
        if p.name.startswith("year=")
    )
    assert partitions == ["year=2019", "year=2020"]

    back = glue_context.create_dynamic_frame.from_options(
        "s3", {"paths": ["s3://out-bucket/t/"]}, format="parquet", push_down_predicate="year = 2020"
    )
    assert_df_equality(
        back.toDF(),
        spark.createDataFrame([(2, "b", 2020)], "id long, name string, year int"),
        ignore_nullable=True,
    )
    recursed = glue_context.create_dynamic_frame.from_options(
        "s3", {"paths": ["s3://out-bucket/t/"], "recurse": True}, format="parquet"
    )
    assert_df_equality(
        recursed.toDF(),  # no partition discovery, as with Glue: no year column
        spark.createDataFrame([(1, "a"), (2, "b")], "id long, name string"),
        ignore_nullable=True,
        ignore_row_order=True,
    )
    # A plain Spark write to another s3:// path lands in the same local mapping.
    df.write.parquet("s3://out-bucket/plain/")
    assert_df_equality(
        spark.read.parquet("s3://out-bucket/plain/"),
        df,
        ignore_nullable=True,
        ignore_row_order=True,
    )


def test_json_and_bad_options_are_named(
    spark: SparkSession, glue_context: Any, tmp_path: Path
) -> None:
    source = tmp_path / "parks.json"
    source.write_text('[{"Prop_ID": "B001", "Zip": "11201"}, {"Prop_ID": "M002", "Zip": "10001"}]')
    frame = glue_context.create_dynamic_frame.from_options(
        "s3", {"paths": [str(source)]}, format="json", format_options={"multiLine": True}
    )
    assert_df_equality(
        frame.toDF(),
        spark.createDataFrame([("B001", "11201"), ("M002", "10001")], "Prop_ID string, Zip string"),
        ignore_nullable=True,
    )
    with pytest.raises(UnsupportedGlueFeatureError, match="format_options jsonPath"):
        glue_context.create_dynamic_frame.from_options(
            "s3", {"paths": [str(source)]}, format="json", format_options={"jsonPath": "$[*]"}
        )
    with pytest.raises(UnsupportedGlueFeatureError, match="exclusions"):
        glue_context.create_dynamic_frame.from_options(
            "s3", {"paths": [str(source)], "exclusions": "[]"}, format="json"
        )
    with pytest.raises(UnsupportedGlueFeatureError, match="connection_type 'dynamodb'"):
        glue_context.create_dynamic_frame.from_options("dynamodb", {}, format="json")
    with pytest.raises(UnsupportedGlueFeatureError, match="format 'avro'"):
        glue_context.create_dynamic_frame.from_options("s3", {"paths": [str(source)]}, "avro")
    with pytest.raises(GlueShimError, match="partitionKeys nope"):
        glue_context.write_dynamic_frame.from_options(
            frame, "s3", {"path": str(tmp_path / "o"), "partitionKeys": ["nope"]}, "parquet"
        )


def test_purge_s3_path_honours_retention(glue_context: Any, lake_dirs: Path) -> None:
    folder = lake_dirs / "s3" / "tmp-bucket" / "scratch"
    folder.mkdir(parents=True)
    old, new = folder / "old.parquet", folder / "new.parquet"
    old.write_text("x")
    new.write_text("y")
    ten_days_ago = time.time() - 10 * 24 * 3600
    os.utime(old, (ten_days_ago, ten_days_ago))
    glue_context.purge_s3_path("s3://tmp-bucket/scratch/")  # default: 168 hours kept
    assert not old.exists() and new.exists()
    glue_context.purge_s3_path("s3://tmp-bucket/scratch/", {"retentionPeriod": 0})
    assert not new.exists()
    with pytest.raises(UnsupportedGlueFeatureError, match="manifestFilePath"):
        glue_context.purge_s3_path(str(folder), {"manifestFilePath": "s3://m/"})


def test_sinks_append_and_a_failed_write_adds_nothing(
    spark: SparkSession, glue_context: Any, lake_dirs: Path
) -> None:
    from awsglue.dynamicframe import DynamicFrame

    def write(rows: list[tuple[int, str]]) -> None:
        frame = DynamicFrame.fromDF(
            spark.createDataFrame(rows, "id long, year string"), glue_context, "f"
        )
        glue_context.write_dynamic_frame.from_options(
            frame, "s3", {"path": "s3://out-bucket/appended", "partitionKeys": ["year"]}, "parquet"
        )

    write([(1, "2019")])
    write([(2, "2019"), (3, "2020")])  # Glue's S3 sink appends: the first row stays
    table = lake_dirs / "s3/out-bucket/appended"
    assert_df_equality(
        spark.read.parquet(str(table)),
        spark.createDataFrame([(1, 2019), (2, 2019), (3, 2020)], "id long, year int"),
        ignore_nullable=True,
        ignore_row_order=True,
    )
    before = {p: p.read_bytes() for p in table.rglob("*") if p.is_file()}
    # A write that fails inside Spark (a Python worker raising, as a bad UDF
    # does) happens in the staging folder: nothing is added, nothing is left.
    failing = spark.createDataFrame([(4, "2021")], "id long, year string").rdd.map(
        lambda row: 1 // 0
    )
    with pytest.raises(Exception, match="ZeroDivisionError"):
        frame = DynamicFrame.fromDF(
            spark.createDataFrame(failing.map(lambda x: (x, "2021")), "id long, year string"),
            glue_context,
            "f",
        )
        glue_context.write_dynamic_frame.from_options(
            frame, "s3", {"path": "s3://out-bucket/appended", "partitionKeys": ["year"]}, "parquet"
        )
    assert {p: p.read_bytes() for p in table.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in table.parent.iterdir()) == ["appended"]
