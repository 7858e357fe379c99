"""The work behind ``unnest``, ``unbox``, ``split_rows``, ``mergeDynamicFrame`` and ``spigot``.

Plain functions over DataFrames; :class:`~playgrounds.glue.dynamicframe.DynamicFrame`
wraps them with Glue's signatures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pyspark.errors import AnalysisException
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import DataType, StringType, StructField, StructType

from playgrounds.glue import field_paths
from playgrounds.glue import io as glue_io
from playgrounds.glue.errors import GlueShimError, UnsupportedGlueFeatureError
from playgrounds.glue.jvm import java_class
from playgrounds.spark import quote_identifier

# split_rows comparators, as Glue spells them, and the Spark comparison each means.
COMPARATORS = {
    "=": Column.__eq__,
    "==": Column.__eq__,
    "!=": Column.__ne__,
    "<": Column.__lt__,
    "<=": Column.__le__,
    ">": Column.__gt__,
    ">=": Column.__ge__,
}
SPIGOT_OPTIONS = {"topk", "prob"}
CORRUPT = "_corrupt_record"  # Spark's column for JSON text it cannot parse
SPIGOT_DEFAULT_TOPK = 100  # Glue's default sample size


# Glue's join keeps every field of both frames; a second-frame field whose name
# the first frame has gets a leading dot. The API docs (DynamicFrame.join,
# Join.apply) say nothing on it; the behaviour is reported from real Glue in
# awslabs/aws-glue-libs issue #76 (joining two frames with fields a, b on both:
# records {"a", "b", ".a", ".b"}) and in aws-glue-workshop issue #2 (after a join
# on CUST_ID, drop_fields must name `.CUST_ID` to drop the second frame's copy).
JOIN_CLASH_PREFIX = "."


def joined_field_names(left: Sequence[str], right: Sequence[str]) -> list[tuple[str, str]]:
    """``(field, name in the result)`` for each field of the join's second frame."""
    taken = set(left)
    named = [(f, JOIN_CLASH_PREFIX + f if f in taken else f) for f in right]
    result = [name for _, name in named]
    twice = sorted({name for name in result if result.count(name) > 1 or name in taken})
    if twice:
        raise GlueShimError(
            f"join: field(s) {', '.join(twice)} would appear twice in the result "
            f"(a second-frame field named like a first-frame one is renamed "
            f"{JOIN_CLASH_PREFIX}name); rename one side first"
        )
    return named


def unnest(df: DataFrame, keep_whole: Iterable[str] = ()) -> DataFrame:
    """Struct fields become top-level columns named by their dotted path (``a.b.c``).

    Arrays stay as they are (``relationalize`` is the transform that splits
    them off); top-level fields in ``keep_whole`` (choice types) are not opened.
    """
    whole = set(keep_whole)
    columns: list[Column] = []

    def walk(dtype: DataType, column: Column, name: str) -> None:
        if isinstance(dtype, StructType) and dtype.fields:
            for field in dtype.fields:
                walk(field.dataType, column.getField(field.name), f"{name}.{field.name}")
        else:
            columns.append(column.alias(name))

    for field in df.schema.fields:
        column = F.col(quote_identifier(field.name))
        if field.name in whole:
            columns.append(column)
        else:
            walk(field.dataType, column, field.name)
    return df.select(*columns)


def unbox_json(df: DataFrame, path: str) -> DataFrame:
    """The JSON text at ``path`` parsed into the values it holds.

    The type is inferred from every non-null value by Spark's JSON reader,
    without a Python worker; a value that is not a valid JSON object becomes null.
    """
    spelled, dtype = field_paths.spelled_path_and_type(df.schema, path)
    if not isinstance(dtype, StringType):
        raise GlueShimError(f"unbox: field {path!r} holds {dtype.simpleString()}, not a string")
    texts = df.select(field_paths.column_at(spelled).alias("value")).where(
        F.col("value").isNotNull()
    )
    spark = df.sparkSession
    # Spark's reader over a Dataset[String]: schema inference stays in the JVM.
    encoder = java_class(spark, "org.apache.spark.sql.Encoders").STRING()
    strings = getattr(texts._jdf, "as")(encoder)
    inferred = DataFrame(spark._jsparkSession.read().json(strings), spark).schema
    if not inferred.fields:
        raise GlueShimError(f"unbox: field {path!r} holds no JSON objects to read a type from")
    if [f.name for f in inferred.fields] == [CORRUPT]:
        raise GlueShimError(f"unbox: no value of field {path!r} is valid JSON")
    # Parse with a column for malformed text, so that such a value becomes null
    # rather than a struct of nulls.
    parsing = StructType(
        [*[f for f in inferred.fields if f.name != CORRUPT], StructField(CORRUPT, StringType())]
    )

    def change(name: str, column: Column) -> list[Column]:
        parsed = F.from_json(column, parsing, {"columnNameOfCorruptRecord": CORRUPT})
        return [F.when(parsed.getField(CORRUPT).isNull(), parsed.dropFields(CORRUPT)).alias(name)]

    return df.select(*field_paths.rebuild(df.schema, spelled, change))


def split_condition(df: DataFrame, comparison_dict: Mapping[str, Mapping[str, Any]]) -> Column:
    """True where every comparison holds, e.g. ``{"age": {">": 10, "<": 20}}``; never null."""
    if not comparison_dict:
        raise GlueShimError("split_rows needs at least one comparison")
    schema = df.schema
    condition: Column | None = None
    for path, comparisons in comparison_dict.items():
        spelled, _ = field_paths.spelled_path_and_type(schema, path)
        for comparator, value in comparisons.items():
            compare = COMPARATORS.get(comparator)
            if compare is None:
                raise GlueShimError(
                    f"split_rows: comparator {comparator!r} for {path!r} is not one of "
                    f"{', '.join(COMPARATORS)}"
                )
            test = compare(field_paths.column_at(spelled), F.lit(value))
            condition = test if condition is None else condition & test
    assert condition is not None
    # A null comparison (a null field) keeps the record on the original side.
    return F.coalesce(condition, F.lit(False))


def merge(source: DataFrame, stage: DataFrame, primary_keys: Sequence[str]) -> DataFrame:
    """``source`` with every record whose keys match a ``stage`` record replaced by ``stage``'s.

    Source records without a match stay (duplicates included); every stage
    record is in the result; a null key matches nothing.
    """
    keys = list(primary_keys)
    if not keys:
        raise GlueShimError("mergeDynamicFrame needs at least one primary key")
    for side, frame in (("source", source), ("staging", stage)):
        missing = [key for key in keys if key not in frame.columns]
        if missing:
            raise GlueShimError(
                f"mergeDynamicFrame: primary key {', '.join(missing)} is not a top-level field "
                f"of the {side} frame (fields: {', '.join(frame.columns)})"
            )
    unmatched = source.join(stage.select(*keys).distinct(), on=keys, how="left_anti")
    try:
        return unmatched.unionByName(stage, allowMissingColumns=True)
    except AnalysisException as clash:
        first = str(clash).strip().splitlines()[0]
        raise GlueShimError(
            f"mergeDynamicFrame: the frames' fields do not line up: {first}"
        ) from clash


def spigot(df: DataFrame, path: str, options: Mapping[str, Any]) -> None:
    """Write a sample of ``df`` as JSON lines under ``path``: ``topk`` records (default 100),
    each picked with probability ``prob`` (default 1)."""
    unknown = sorted(set(options) - SPIGOT_OPTIONS)
    if unknown:
        raise UnsupportedGlueFeatureError(
            f"spigot option {unknown[0]}", f"the shim takes {', '.join(sorted(SPIGOT_OPTIONS))}"
        )
    prob = float(options.get("prob", 1.0))
    if not 0.0 <= prob <= 1.0:
        raise GlueShimError(f"spigot option prob={prob} is not between 0 and 1")
    topk = int(options.get("topk", SPIGOT_DEFAULT_TOPK))
    sample = df.sample(fraction=prob) if prob < 1.0 else df
    target = glue_io.spark_path(df.sparkSession, path)
    sample.limit(topk).coalesce(1).write.mode("append").json(target)
