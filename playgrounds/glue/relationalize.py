"""Relationalize: nested records to flat tables, as Glue's transform shapes them.

Structs become dotted columns (``address.city``); each array field ``p``
becomes its own table ``<root>_p`` with ``id`` (the key stored in the parent's
``p`` column), ``index`` (the position in the array) and ``p.val`` (or
``p.val.<field>`` for structs). Each level is written to the staging path and
read back, so the generated keys are computed exactly once and parent and
child tables always agree.
"""

from __future__ import annotations

import uuid

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, DataType, StructType

from playgrounds.glue import io as glue_io
from playgrounds.spark import quote_identifier

ROW_KEY = "__row_key"


def _stage(spark: SparkSession, df: DataFrame, staging_path: str, level: str) -> DataFrame:
    target = f"{staging_path.rstrip('/')}/relationalize-{uuid.uuid4().hex[:12]}-{level}"
    keyed = df.withColumn(ROW_KEY, F.monotonically_increasing_id() + 1)
    keyed.write.mode("overwrite").parquet(glue_io.spark_path(spark, target))
    return spark.read.parquet(glue_io.spark_path(spark, target))


def _flatten(
    dtype: DataType,
    column: Column,
    prefix: str,
    out: list[Column],
    arrays: list[tuple[str, Column]],
) -> None:
    if isinstance(dtype, StructType):
        for f in dtype.fields:
            _flatten(f.dataType, column.getField(f.name), f"{prefix}.{f.name}", out, arrays)
    elif isinstance(dtype, ArrayType):
        arrays.append((prefix, column))
    else:
        out.append(column.alias(prefix))


def flat_tables(
    spark: SparkSession, df: DataFrame, root_table_name: str, staging_path: str
) -> dict[str, DataFrame]:
    """The flat tables of ``df``: ``root_table_name`` first, then one per array path."""
    tables: dict[str, DataFrame] = {}
    _relationalize(spark, df, root_table_name, "", staging_path, tables, level=0)
    return tables


def _relationalize(
    spark: SparkSession,
    df: DataFrame,
    table: str,
    prefix: str,
    staging_path: str,
    tables: dict[str, DataFrame],
    level: int,
) -> None:
    staged = _stage(spark, df, staging_path, str(level))
    flat: list[Column] = []
    arrays: list[tuple[str, Column]] = []
    for f in staged.schema.fields:
        if f.name == ROW_KEY:
            continue
        _flatten(f.dataType, F.col(quote_identifier(f.name)), f.name, flat, arrays)
    key = F.col(ROW_KEY)
    # The parent keeps, in the array's column, the key its child rows carry in ``id``.
    parent_columns = flat + [F.when(column.isNotNull(), key).alias(path) for path, column in arrays]
    tables[table] = staged.select(*parent_columns)
    for path, column in arrays:
        child_name = f"{table}_{path}"
        exploded = staged.select(
            key.alias("id"), F.posexplode(column).alias("index", f"{path}.val")
        )
        _relationalize(spark, exploded, child_name, path, staging_path, tables, level + 1)
