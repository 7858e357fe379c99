"""The rest of awsglue's public surface, implemented: gluetypes, describe*, collection
transforms, partition maps, ResolveOption, sources and sinks, samples, purge_table,
devutils, functions, callsite. Each imported as a Glue script imports it.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from chispa import assert_df_equality
from pyspark.sql import SparkSession

from playgrounds.catalog.names import metastore_name
from playgrounds.glue.errors import GlueShimError, UnsupportedGlueFeatureError
from playgrounds.glue.runner import install_shim

assert install_shim()

# -- gluetypes ---------------------------------------------------------------------------------


def test_gluetypes_round_trip_through_glue_json() -> None:
    from awsglue import gluetypes as gt

    schema = gt.StructType(
        [
            gt.Field("id", gt.ChoiceType([gt.LongType(), gt.StringType()])),
            gt.Field("tags", gt.ArrayType(gt.StringType()), {"comment": "labels"}),
            gt.Field("price", gt.DecimalType(12, 4)),
            gt.Field("attrs", gt.MapType(gt.IntegerType())),
        ]
    )
    as_json = schema.jsonValue()
    assert as_json["dataType"] == "struct"
    assert as_json["fields"][0]["container"]["dataType"] == "choice"
    assert as_json["fields"][2]["container"] == {
        "dataType": "decimal", "properties": {}, "precision": 12, "scale": 4,
    }  # fmt: skip
    assert as_json["fields"][3]["container"]["valueType"]["dataType"] == "int"
    back = gt.StructType.fromJsonValue(json.loads(json.dumps(as_json)))
    assert back == schema
    assert back.getField("tags").properties == {"comment": "labels"}
    assert back.hasField("price") and not back.hasField("nope")


def test_merge_data_types_makes_choices_and_merges_structs() -> None:
    from awsglue.gluetypes import (
        ChoiceType,
        Field,
        LongType,
        NullType,
        StringType,
        StructType,
        mergeDataTypes,
    )

    assert mergeDataTypes(NullType(), LongType()) == LongType()
    mixed = mergeDataTypes(LongType(), StringType())
    assert isinstance(mixed, ChoiceType) and sorted(mixed.choices) == ["long", "string"]
    left = StructType([Field("a", LongType()), Field("b", StringType())])
    right = StructType([Field("a", StringType()), Field("c", LongType())])
    merged = mergeDataTypes(left, right)
    assert isinstance(merged, StructType)
    assert [f.name for f in merged] == ["a", "b", "c"]
    assert isinstance(merged.getField("a").dataType, ChoiceType)
    choice = ChoiceType([LongType()])
    with pytest.raises(ValueError, match="already has a long"):
        choice.add(LongType())
    choice.merge([StringType(), LongType()])
    assert sorted(choice.choices) == ["long", "string"]


def test_from_spark_type_reads_the_shim_s_choice_struct() -> None:
    from pyspark.sql.types import LongType as SparkLong
    from pyspark.sql.types import StringType as SparkString
    from pyspark.sql.types import StructType as SparkStruct

    from playgrounds.glue.choices import choice_field
    from playgrounds.glue.gluetypes import ChoiceType, StructType, from_spark_type

    spark_schema = SparkStruct(
        [choice_field("id", [("long", SparkLong()), ("string", SparkString())])]
    )
    glue = from_spark_type(spark_schema)
    assert isinstance(glue, StructType)
    id_type = glue.getField("id").dataType
    assert isinstance(id_type, ChoiceType) and sorted(id_type.choices) == ["long", "string"]


# -- transforms: describe*, lookup, collection transforms ---------------------------------------


def test_describe_follows_each_transform_s_signature() -> None:
    from awsglue.transforms import (
        ApplyMapping,
        FlatMap,
        GlueTransform,
        describe_transform,
        get_transform,
    )

    args = ApplyMapping.describeArgs()
    assert [a["name"] for a in args] == [
        "frame", "mappings", "case_sensitive", "transformation_ctx", "info", "stageThreshold",
        "totalThreshold",
    ]  # fmt: skip
    assert args[0] == {
        "name": "frame", "type": "DynamicFrame", "description": "the DynamicFrame to transform",
        "optional": False, "defaultValue": None,
    }  # fmt: skip
    assert args[2]["optional"] is True and args[2]["defaultValue"] == "False"
    assert ApplyMapping.describeReturn()["type"] == "DynamicFrame"
    assert FlatMap.describeReturn()["type"] == "DynamicFrameCollection"
    assert FlatMap.describeArgs()[-1]["name"] == "base_kwargs"
    described = json.loads(describe_transform("applymapping"))["transform"]
    assert described["name"] == "ApplyMapping" and described["location"] == "internal"
    assert described["raises"][0]["type"] == "GlueShimError"
    assert isinstance(get_transform("FILTER"), type(get_transform("filter")))
    assert get_transform("nope") is None and describe_transform("nope") == "{}"
    with pytest.raises(NotImplementedError):
        GlueTransform.describeArgs()


def test_map_to_collection_and_flat_map(spark: SparkSession, glue_context: Any) -> None:
    from awsglue.dynamicframe import DynamicFrame, DynamicFrameCollection
    from awsglue.transforms import DropFields, FlatMap, MapToCollection, SplitFields

    df = spark.createDataFrame([(1, "a", True)], "id long, name string, ok boolean")
    dfc = DynamicFrameCollection(
        {"one": DynamicFrame.fromDF(df, glue_context, "one")}, glue_context
    )
    dropped = MapToCollection.apply(
        dfc=dfc, callable=lambda frame, ctx: DropFields.apply(frame=frame, paths=["ok"])
    )
    assert dropped["one"].toDF().columns == ["id", "name"]
    split = FlatMap.apply(
        dfc=dfc, BaseTransform=SplitFields, frame_name="frame", paths=["name"],
        name1="names", name2="rest",
    )  # fmt: skip
    names = list(split.keys())  # a collection has no __iter__, as on Glue
    frames = {key: split[key].toDF().columns for key in names}
    assert sorted(frames.values()) == [["id", "ok"], ["name"]]


def test_dataframe_apply_mapping(spark: SparkSession) -> None:
    from awsglue.dataframe_transforms import ApplyMapping

    df = spark.createDataFrame([("7", "x")], "Zip string, other string")
    out = ApplyMapping.apply(frame=df, mappings=[("zip", "string", "zipcode", "long")])
    assert_df_equality(out, spark.createDataFrame([(7,)], "zipcode long"), ignore_nullable=True)


# -- DynamicFrame: partitions and ResolveOption -------------------------------------------------


def test_map_partitions_with_and_without_index(spark: SparkSession, glue_context: Any) -> None:
    from awsglue.dynamicframe import DynamicFrame

    df = spark.createDataFrame([(1,), (2,), (3,), (4,)], "n long").repartition(2)
    frame = DynamicFrame.fromDF(df, glue_context, "numbers")

    def total(records: Any) -> Any:
        yield {"total": sum(r["n"] for r in records)}

    sums = frame.mapPartitions(total).toDF().collect()
    assert sorted(r.total for r in sums if r.total) == sorted(
        sum(r.n for r in p) for p in df.rdd.glom().collect() if p
    )
    assert sum(r.total for r in sums) == 10

    def tagged(index: int, records: Any) -> Any:
        for r in records:
            yield {"n": r["n"], "part": index} if r["n"] != 3 else "not a dict"

    out = frame.mapPartitionsWithIndex(tagged)
    rows = out.toDF().collect()
    assert sorted(r.n for r in rows) == [1, 2, 4]
    assert {r.part for r in rows} <= {0, 1}
    assert out.errorsCount() == 1
    assert "partition function yielded str" in out.errorsAsDynamicFrame().toDF().first().error


def test_to_df_with_resolve_options(spark: SparkSession, glue_context: Any) -> None:
    from awsglue.dynamicframe import DynamicFrame, ResolveOption
    from awsglue.gluetypes import LongType as GlueLong
    from pyspark.sql.types import LongType, StringType, StructType

    from playgrounds.glue.choices import choice_field

    schema = StructType([choice_field("id", [("long", LongType()), ("string", StringType())])])
    df = spark.createDataFrame([((5, None),), ((None, "A-1"),)], schema)
    frame = DynamicFrame.fromDF(df, glue_context, "ids")
    projected = frame.toDF([ResolveOption("id", "Project", GlueLong())])
    assert sorted(projected.collect(), key=str) == sorted(
        spark.createDataFrame([(5,), (None,)], "id long").collect(), key=str
    )
    kept = frame.toDF([ResolveOption("id", "KeepAsStruct")])
    assert kept.schema["id"].dataType.simpleString() == "struct<long:bigint,string:string>"
    assert not kept.schema["id"].metadata
    with pytest.raises(GlueShimError, match="needs a target type"):
        frame.toDF([ResolveOption("id", "Cast")])


# -- sources, sinks, samples, from_rdd ----------------------------------------------------------


def test_get_source_and_get_sink_round_trip(
    spark: SparkSession, glue_context: Any, tmp_path: Path
) -> None:
    from awsglue.dynamicframe import DynamicFrame

    out = f"s3://surface-{uuid.uuid4().hex[:6]}/parks"
    df = spark.createDataFrame(
        [("B001", 2019), ("M002", 2019), ("Q003", 2020)], "id string, year int"
    )
    sink = glue_context.getSink("s3", path=out, partitionKeys=["year"])
    sink.setFormat("json")
    errors = sink.writeFrame(DynamicFrame.fromDF(df, glue_context, "parks"))
    assert errors.count() == 0
    written = Path(os.environ["PLAYGROUNDS_LOCAL_S3"]) / out.removeprefix("s3://")
    assert sorted(p.name for p in written.iterdir() if p.is_dir()) == ["year=2019", "year=2020"]

    source = glue_context.getSource("s3", paths=[out], recurse=True, transformation_ctx="src")
    source.setFormat("json")
    frame = source.getFrame(targetPartitions=2)
    assert frame.getNumPartitions() == 2
    # As on Glue, from_options reads key=value folders' files without partition columns.
    assert sorted(r.id for r in frame.toDF().collect()) == ["B001", "M002", "Q003"]
    assert source.getSampleFrame(1).count() == 1
    assert source.getDataFrame().count() == 3
    with pytest.raises(GlueShimError, match="call setFormat"):
        glue_context.getSource("s3", paths=[out]).getFrame()

    catalog_sink = glue_context.getSink("s3", path=out, enableUpdateCatalog=True)
    catalog_sink.setFormat("json")
    catalog_sink.setCatalogInfo(catalogDatabase="db", catalogTableName="parks")
    with pytest.raises(UnsupportedGlueFeatureError, match="enableUpdateCatalog"):
        catalog_sink.writeFrame(frame)


def test_samples_from_rdd_and_write_from_options(
    spark: SparkSession, glue_context: Any, tmp_path: Path
) -> None:
    frame = glue_context.create_dynamic_frame_from_rdd(
        spark.sparkContext.parallelize([{"a": 1}, {"a": 2}, {"a": 3}]), "numbers"
    )
    assert frame.name == "numbers" and frame.count() == 3
    reader_frame = glue_context.create_dynamic_frame.from_rdd(
        [(1, "x")], "pairs", "n long, s string"
    )
    assert reader_frame.toDF().collect()[0].asDict() == {"n": 1, "s": "x"}

    target = tmp_path / "out"
    glue_context.write_from_options(
        frame, "s3", {"path": str(target)}, format="json", accumulator_size=10
    )
    sample = glue_context.create_sample_dynamic_frame_from_options(
        "s3", {"paths": [str(target)]}, num=2, format="json"
    )
    assert sample.count() == 2
    with pytest.raises(UnsupportedGlueFeatureError, match="maxSamplePartitions"):
        glue_context.create_sample_dynamic_frame_from_options(
            "s3", {"paths": [str(target)]}, 1, {"maxSamplePartitions": 1}, format="json"
        )


# -- catalog: schema, sample, purge_table -------------------------------------------------------


@pytest.fixture
def events_table(spark: SparkSession, tmp_path: Path) -> tuple[str, Path]:
    """A Glue database with an ``events`` parquet table partitioned by day (two days)."""
    database = f"surface-{uuid.uuid4().hex[:8]}"
    location = tmp_path / "events"
    for day, rows in (("1", [("a",), ("b",)]), ("2", [("c",)])):
        spark.createDataFrame(rows, "Name string").coalesce(1).write.parquet(
            str(location / f"day={day}")
        )
    db = metastore_name(database)
    spark.sql(f"CREATE DATABASE `{db}`")
    spark.sql(
        f"CREATE TABLE `{db}`.events (Name string, day string) USING parquet "
        f"PARTITIONED BY (day) LOCATION '{location}'"
    )
    spark.sql(f"ALTER TABLE `{db}`.events RECOVER PARTITIONS")
    return database, location


def test_catalog_schema_and_sample(glue_context: Any, events_table: tuple[str, Path]) -> None:
    database, _ = events_table
    schema = glue_context.get_catalog_schema_as_spark_schema(database, "events")
    assert [(f.name, f.dataType.simpleString()) for f in schema.fields] == [
        ("name", "string"), ("day", "string"),
    ]  # fmt: skip
    sample = glue_context.create_sample_dynamic_frame_from_catalog(database, "events", num=2)
    assert sample.count() == 2


def test_purge_table_drops_old_files_and_emptied_partitions(
    spark: SparkSession, glue_context: Any, events_table: tuple[str, Path]
) -> None:
    database, location = events_table
    old = time.time() - 10 * 3600
    for file in (location / "day=1").iterdir():
        os.utime(file, (old, old))
    glue_context.purge_table(database, "events", {"retentionPeriod": 5})
    assert not (location / "day=1").exists()
    qualified = f"`{metastore_name(database)}`.events"
    assert [r[0] for r in spark.sql(f"SHOW PARTITIONS {qualified}").collect()] == ["day=2"]
    assert [r.name for r in glue_context.create_dynamic_frame.from_catalog(
        database=database, table_name="events").toDF().collect()] == ["c"]  # fmt: skip
    with pytest.raises(UnsupportedGlueFeatureError, match="partitionPredicate"):
        glue_context.purge_table(database, "events", {"partitionPredicate": "day = '2'"})


# -- devutils, functions, utils -----------------------------------------------------------------


def test_devutils_job_definitions() -> None:
    from awsglue.devutils import Command, Connections, Job

    job = Job()
    job.name = "prep"
    job.command = Command("glueetl", "s3://scripts/prep.py")
    assert "connections" not in job.as_dict()
    job.connections = Connections(["vpc"])
    created = job.as_job_create_dict()
    assert created["command"] == {"name": "glueetl", "scriptLocation": "s3://scripts/prep.py"}
    assert created["connections"] == {"connections": ["vpc"]}
    assert created["executionProperty"] == {"maxConcurrentRuns": 1}
    assert "createdOn" not in created and created["name"] == "prep"
    assert "name" not in job.as_job_update_dict()


def test_explode_with_index(spark: SparkSession) -> None:
    from awsglue.functions import explodeWithIndex

    df = spark.createDataFrame([(["x", "y"],)], "tags array<string>")
    rows = df.select(explodeWithIndex("tags")).collect()
    assert [r.asDict() for r in rows] == [{"index": 0, "val": "x"}, {"index": 1, "val": "y"}]


def test_callsite_names_the_caller() -> None:
    from awsglue.utils import callsite

    def helper() -> str:
        return callsite()

    stack = helper()
    assert "test_surface.py" in stack and "test_callsite_names_the_caller" in stack
    assert "in helper" not in stack
