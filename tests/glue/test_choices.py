"""Choice types read from JSON (from_options and a catalog map), resolveChoice, printSchema.

The data is the Medicare sample's quirk in small: a provider id that is a
number except in a few rows. CSV sources: see test_csv_choices.py.
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
from playgrounds.glue.choices import is_choice
from playgrounds.glue.errors import GlueShimError

RECORDS = [
    {"provider id": 10001, "name": "Ann", "charges": 1.5},
    {"provider id": 10002, "name": "Bo", "charges": 2},
    {"provider id": "PRV-3", "name": "Cy", "charges": None},
    {"provider id": None, "name": "Di", "charges": 4.25},
]
ORDER = ("provider id", "name", "charges")


def _json_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "medicare"
    folder.mkdir()
    (folder / "part-0.json").write_text("".join(json.dumps(r) + "\n" for r in RECORDS))
    return folder


def _csv_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "medicare-csv"
    folder.mkdir()
    (folder / "part-0.csv").write_text("provider id,name,charges\n10001,Ann,1.5\n")
    return folder


def _ordered(df: DataFrame) -> DataFrame:
    """Spark's JSON reader sorts fields by name (so does the frame); compare in source order."""
    rest = [c for c in df.columns if c not in ORDER[1:]]
    return df.select(*[f"`{c}`" for c in rest], "name", "charges")


@pytest.fixture
def from_options(glue_context: Any, tmp_path: Path) -> Any:
    return glue_context.create_dynamic_frame.from_options(
        "s3", {"paths": [str(_json_folder(tmp_path))]}, format="json"
    )


@pytest.fixture
def crawled(spark: SparkSession, tmp_path: Path) -> str:
    """A Glue database whose ``medicare`` table says the provider id is a bigint."""
    database = f"choice-raw-{uuid.uuid4().hex[:8]}"
    db = metastore_name(database)
    spark.sql(f"CREATE DATABASE `{db}`")
    spark.sql(
        f"CREATE TABLE `{db}`.medicare (`provider id` bigint, name string, charges double) "
        f"USING csv OPTIONS (header 'true', sep ',') LOCATION '{_csv_folder(tmp_path)}'"
    )
    return database


def _expected_choice(spark: SparkSession) -> DataFrame:
    return spark.createDataFrame(
        [((10001, None), "Ann", 1.5), ((10002, None), "Bo", 2.0), ((None, "PRV-3"), "Cy", None),
         (None, "Di", 4.25)],
        "`provider id` struct<long:bigint,string:string>, name string, charges double",
    )  # fmt: skip


def test_json_from_options_reads_a_mixed_column_as_a_choice(
    spark: SparkSession, from_options: Any
) -> None:
    df = _ordered(from_options.toDF())
    assert_df_equality(df, _expected_choice(spark), ignore_nullable=True, ignore_metadata=True)
    assert [is_choice(f) for f in df.schema.fields] == [True, False, False]


def test_json_from_a_catalog_map_file(
    spark: SparkSession, glue_context: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "mixed.json"
    source.write_text('{"id": 1, "price": 5}\n{"id": 2, "price": "n/a"}\n')
    mapping = tmp_path / "catalog.json"
    mapping.write_text(json.dumps({"raw": {"prices": {"path": str(source), "format": "json"}}}))
    monkeypatch.setenv("PLAYGROUNDS_GLUE_CATALOG_MAP", str(mapping))
    df = glue_context.create_dynamic_frame.from_catalog(database="raw", table_name="prices").toDF()
    expected = spark.createDataFrame(
        [(1, (5, None)), (2, (None, "n/a"))], "id long, price struct<long:bigint,string:string>"
    )
    assert_df_equality(df, expected, ignore_nullable=True, ignore_metadata=True)
    assert is_choice(df.schema["price"])


def test_resolve_choice_actions_on_a_json_choice(
    spark: SparkSession, from_options: Any, crawled: str
) -> None:
    from awsglue.transforms import ResolveChoice

    frame = from_options
    rest = [("Ann", 1.5), ("Bo", 2.0), ("Cy", None), ("Di", 4.25)]

    def expected(values: list[Any], ddl: str) -> DataFrame:
        rows = [(*value, *other) for value, other in zip(values, rest, strict=True)]
        return spark.createDataFrame(rows, f"{ddl}, name string, charges double")

    cast = _ordered(ResolveChoice.apply(frame=frame, specs=[("provider id", "cast:long")]).toDF())
    assert_df_equality(
        cast, expected([(10001,), (10002,), (None,), (None,)], "`provider id` long"),
        ignore_nullable=True,
    )  # fmt: skip
    as_text = _ordered(frame.resolveChoice(specs=[("`provider id`", "cast:string")]).toDF())
    assert_df_equality(
        as_text, expected([("10001",), ("10002",), ("PRV-3",), (None,)], "`provider id` string"),
        ignore_nullable=True,
    )  # fmt: skip
    projected = _ordered(frame.resolveChoice(choice="project:string").toDF())
    assert_df_equality(
        projected, expected([(None,), (None,), ("PRV-3",), (None,)], "`provider id` string"),
        ignore_nullable=True,
    )  # fmt: skip
    cols = _ordered(frame.resolveChoice(specs=[("provider id", "make_cols")]).toDF())
    assert_df_equality(
        cols,
        expected(
            [(10001, None), (10002, None), (None, "PRV-3"), (None, None)],
            "`provider id_long` long, `provider id_string` string",
        ),
        ignore_nullable=True,
    )
    struct = _ordered(frame.resolveChoice(specs=[("provider id", "make_struct")]).toDF())
    assert_df_equality(
        struct,
        expected(
            [((10001, None),), ((10002, None),), ((None, "PRV-3"),), (None,)],
            "`provider id` struct<long:bigint,string:string>",
        ),
        ignore_nullable=True,
    )  # metadata compared too: the choice mark is gone
    assert not is_choice(struct.schema["provider id"])
    matched = frame.resolveChoice(choice="match_catalog", database=crawled, table_name="medicare")
    assert_df_equality(_ordered(matched.toDF()), cast, ignore_nullable=True)
    with pytest.raises(GlueShimError, match="needs database and table_name"):
        frame.resolveChoice(specs=[("provider id", "match_catalog")])


def test_print_schema_in_glue_s_format(
    glue_context: Any, from_options: Any, spark: SparkSession, capsys: pytest.CaptureFixture[str]
) -> None:
    from awsglue.dynamicframe import DynamicFrame

    from_options.printSchema()
    assert capsys.readouterr().out == (
        "root\n"
        "|-- charges: double\n"
        "|-- name: string\n"
        "|-- provider id: choice\n"
        "|    |-- long\n"
        "|    |-- string\n"
    )
    from_options.resolveChoice(specs=[("provider id", "make_struct")]).printSchema()
    assert capsys.readouterr().out.splitlines()[3:6] == [
        "|-- provider id: struct",
        "|    |-- long: long",
        "|    |-- string: string",
    ]
    nested = spark.createDataFrame(
        [], "links array<struct<note:string,url:string>>, n int, tags map<string,int>"
    )
    DynamicFrame.fromDF(nested, glue_context, "nested").printSchema()
    assert capsys.readouterr().out == (
        "root\n"
        "|-- links: array\n"
        "|    |-- element: struct\n"
        "|    |    |-- note: string\n"
        "|    |    |-- url: string\n"
        "|-- n: int\n"
        "|-- tags: map\n"
        "|    |-- key: string\n"
        "|    |-- value: int\n"
    )
