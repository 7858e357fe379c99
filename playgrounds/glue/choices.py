"""Choice types for JSON sources: a field whose values mix numbers and strings.

Spark types such a field as string (``5`` and ``"n/a"`` both become text);
Glue keeps a *choice* until ``resolveChoice`` settles it. The shim finds these
fields by re-reading the files with the field typed as a number (Spark's JSON
reader gives null for a quoted value there): a string field with some, but
not all, values readable as numbers is a choice. The frame is then rebuilt
from the JSON text, so each record keeps its number or its string in a
struct ``{long|double|boolean, string}`` marked as a choice.

Only sources without partition folders are examined (Glue's per-record
choices across partitions are not modelled).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DataType,
    DoubleType,
    LongType,
    StringType,
    StructField,
    StructType,
)

from playgrounds.glue.dynamicframe import choice_field
from playgrounds.glue.paths import quote

CANDIDATES: tuple[tuple[str, DataType], ...] = (
    ("long", LongType()),
    ("double", DoubleType()),
    ("boolean", BooleanType()),
)


def _is_multiline(format_options: Mapping[str, Any]) -> bool:
    value = format_options.get("multiLine", False)
    return value is True or str(value).lower() == "true"


def find_choices(
    spark: SparkSession, df: DataFrame, files: Sequence[str], multiline: bool
) -> dict[str, tuple[str, DataType]]:
    """String columns of ``df`` whose JSON values are partly numbers (or booleans)."""
    strings = [f.name for f in df.schema.fields if isinstance(f.dataType, StringType)]
    if not strings or not files:
        return {}
    totals = df.select(*[F.count(F.col(quote(c))).alias(c) for c in strings]).first()
    assert totals is not None
    found: dict[str, tuple[str, DataType]] = {}
    remaining = [c for c in strings if totals[c] > 0]
    for type_name, dtype in CANDIDATES:
        if not remaining:
            break
        probe = (
            spark.read.option("multiLine", str(multiline).lower())
            .schema(StructType([StructField(c, dtype) for c in remaining]))
            .json(list(files))
        )
        counts = probe.select(*[F.count(F.col(quote(c))).alias(c) for c in remaining]).first()
        assert counts is not None
        for column in list(remaining):
            if 0 < counts[column] < totals[column]:
                found[column] = (type_name, dtype)
                remaining.remove(column)
    return found


def mark_json_choices(
    spark: SparkSession, df: DataFrame, paths: Sequence[str], format_options: Mapping[str, Any]
) -> DataFrame:
    """``df`` with its mixed-type JSON fields as choice structs (unchanged when there are none)."""
    files = df.inputFiles()
    if any("=" in part for file in files for part in file.split("/")[-4:-1]):
        return df  # partitioned source: not examined (see the module docstring)
    multiline = _is_multiline(format_options)
    choices = find_choices(spark, df, files, multiline)
    if not choices:
        return df
    text = spark.read.text(list(files), wholetext=multiline)
    schema = df.schema
    typed = StructType([StructField(c, dtype) for c, (_, dtype) in choices.items()])

    def parsed(struct: StructType) -> Column:
        if not multiline:
            return F.from_json("value", struct)
        # A multi-line file holds one object or an array of them.
        return F.from_json("value", ArrayType(struct))

    if multiline:
        rows = text.select(
            F.explode(
                F.arrays_zip(parsed(schema).alias("base"), parsed(typed).alias("typed"))
            ).alias("pair")
        ).select(F.col("pair.base").alias("base"), F.col("pair.typed").alias("typed"))
    else:
        rows = text.select(parsed(schema).alias("base"), parsed(typed).alias("typed"))
    columns: list[Column] = []
    for field in schema.fields:
        base = F.col("base").getField(field.name)
        if field.name not in choices:
            columns.append(base.alias(field.name))
            continue
        type_name, dtype = choices[field.name]
        number = F.col("typed").getField(field.name)
        member_types = [(type_name, dtype), ("string", StringType())]
        marked = choice_field(field.name, member_types)
        value = F.when(base.isNull(), F.lit(None)).otherwise(
            F.struct(number.alias(type_name), F.when(number.isNull(), base).alias("string"))
        )
        columns.append(value.alias(field.name, metadata=marked.metadata))
    return rows.select(*columns)
