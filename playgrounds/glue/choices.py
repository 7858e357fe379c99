"""Choice types: found in JSON sources (CSV: :mod:`playgrounds.glue.csv_choices`), settled
by ``resolveChoice``.

A JSON field whose values mix numbers and strings: Spark types it as string
(``5`` and ``"n/a"`` both become text); Glue keeps a *choice* until
``resolveChoice`` settles it. The shim finds these fields by re-reading the
files with the field typed as a number (Spark's JSON reader gives null for a
quoted value there): a string field with some, but not all, values readable
as numbers is a choice. The frame is then rebuilt from the JSON text, so each
record keeps its number or its string in a struct ``{long|double|boolean,
string}`` marked as a choice (:func:`choice_field`, :func:`is_choice`).

Only sources without partition folders are examined (Glue's per-record
choices across partitions are not modelled).

:func:`resolve_choice` settles one field with Glue's actions (``cast:``,
``project:``, ``make_cols``, ``make_struct``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DataType,
    DoubleType,
    LongType,
    MapType,
    StringType,
    StructField,
    StructType,
    _parse_datatype_string,
)

from playgrounds.glue import field_paths, tables
from playgrounds.glue.casts import spark_type_name
from playgrounds.glue.errors import UnsupportedGlueFeatureError
from playgrounds.spark import quote_identifier

CHOICE_KEY = "glue_choice"  # the field metadata key marking a choice struct

CANDIDATES: tuple[tuple[str, DataType], ...] = (
    ("long", LongType()),
    ("double", DoubleType()),
    ("boolean", BooleanType()),
)


def is_choice(field: StructField) -> bool:
    """True for a field standing for a Glue choice type."""
    return bool(field.metadata.get(CHOICE_KEY))


def choice_field(name: str, members: Iterable[tuple[str, DataType]]) -> StructField:
    """A choice field: a struct with one field per type name, marked in its metadata."""
    return StructField(
        name,
        StructType([StructField(type_name, dtype, True) for type_name, dtype in members]),
        True,
        metadata={CHOICE_KEY: True},
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
    totals = df.select(*[F.count(F.col(quote_identifier(c))).alias(c) for c in strings]).first()
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
        counts = probe.select(
            *[F.count(F.col(quote_identifier(c))).alias(c) for c in remaining]
        ).first()
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


def resolve_choice(df: DataFrame, path: str, action: str) -> DataFrame:
    """``df`` with the field at ``path`` settled by ``action``.

    On a field that is not a choice, ``cast:`` and ``project:`` cast it and
    ``make_cols`` / ``make_struct`` leave it alone, as on Glue.
    """
    spelled, dtype = field_paths.spelled_path_and_type(df.schema, path)
    field = field_paths.field_at(df.schema, spelled)
    choice = is_choice(field) and isinstance(dtype, StructType)
    members = dtype.fields if isinstance(dtype, StructType) else []
    kind, _, argument = action.partition(":")
    change: Callable[[str, Column], list[Column]]
    if kind in ("cast", "project") and argument:
        spark_type = spark_type_name(argument, path)

        def change(name: str, column: Column) -> list[Column]:
            if not choice:
                return [column.cast(spark_type).alias(name)]
            if kind == "cast":
                # Each member cast to the target; the first that casts to a value wins.
                casts = [column.getField(m.name).cast(spark_type) for m in members]
                return [F.coalesce(*casts).alias(name)]
            wanted = _parse_datatype_string(spark_type)
            same = [column.getField(m.name) for m in members if m.dataType == wanted]
            return [(same[0] if same else F.lit(None).cast(spark_type)).alias(name)]

    elif kind == "make_struct" and not argument:

        def change(name: str, column: Column) -> list[Column]:
            if not choice:
                return [column.alias(name)]
            # A new struct, not an alias: an alias keeps the choice mark in the
            # field's metadata (and `alias(name, metadata={})` does not clear it).
            fields = [column.getField(m.name).alias(m.name) for m in members]
            rebuilt = F.when(column.isNull(), F.lit(None)).otherwise(F.struct(*fields))
            return [rebuilt.alias(name)]

    elif kind == "make_cols" and not argument:

        def change(name: str, column: Column) -> list[Column]:
            if not choice:
                return [column.alias(name)]
            return [column.getField(m.name).alias(f"{name}_{m.name}") for m in members]

    else:
        raise UnsupportedGlueFeatureError(
            f"resolveChoice action {action!r}", "use cast:, project:, make_cols or make_struct"
        )
    return df.select(*field_paths.rebuild(df.schema, spelled, change))


# -- Glue's printSchema ---------------------------------------------------------------------

# Spark's type names where Glue's differ (Glue prints ``int`` for IntegerType).
_GLUE_NAMES = {"integer": "int"}


def glue_type_name(dtype: DataType) -> str:
    """Glue's name of a Spark type (``int``, ``long``, ``string``, ``decimal(10,2)``)."""
    name = dtype.typeName()
    if name == "decimal":
        return dtype.simpleString()
    return _GLUE_NAMES.get(name, name)


def schema_tree(schema: StructType) -> str:
    """The schema as Glue's ``printSchema`` prints it (``root``, ``|-- name: type``).

    A choice prints as ``choice`` with its types one level in; a struct as
    ``struct`` with its fields; an array as ``array`` with its ``element``.
    """
    lines = ["root"]
    for field in schema.fields:
        _tree_lines(lines, field.name, field.dataType, is_choice(field), 0)
    return "\n".join(lines) + "\n"


def _tree_lines(lines: list[str], name: str, dtype: DataType, choice: bool, depth: int) -> None:
    prefix = "|    " * depth + "|-- "
    if choice and isinstance(dtype, StructType):
        lines.append(f"{prefix}{name}: choice")
        lines.extend("|    " * (depth + 1) + "|-- " + member.name for member in dtype.fields)
    elif isinstance(dtype, StructType):
        lines.append(f"{prefix}{name}: struct")
        for field in dtype.fields:
            _tree_lines(lines, field.name, field.dataType, is_choice(field), depth + 1)
    elif isinstance(dtype, ArrayType):
        lines.append(f"{prefix}{name}: array")
        _tree_lines(lines, "element", dtype.elementType, False, depth + 1)
    elif isinstance(dtype, MapType):
        lines.append(f"{prefix}{name}: map")
        _tree_lines(lines, "key", dtype.keyType, False, depth + 1)
        _tree_lines(lines, "value", dtype.valueType, False, depth + 1)
    else:
        lines.append(f"{prefix}{name}: {glue_type_name(dtype)}")


def catalog_types(spark: SparkSession, database: str, table_name: str) -> dict[str, DataType]:
    """The catalog's column types of a metastore table, by lower-case name (``match_catalog``)."""
    if tables.find_mapped(database, table_name) is not None:
        raise UnsupportedGlueFeatureError(
            f"resolveChoice match_catalog on {database}.{table_name} of the catalog map file",
            "the map file records no column types; use cast: with the type",
        )
    table = tables.find_metastore_table(spark, database, table_name)
    return {f.name.lower(): f.dataType for f in spark.table(table.qualified).schema.fields}
