"""Choice types for CSV: a column of numbers and a few strings reads as ``choice``.

Glue types CSV values record by record, so a provider id that is a number
except in a few rows is a choice of ``long`` and ``string``, whatever the
crawler recorded, and no value becomes null for not fitting a type. Spark
types a column once: from files (``inferSchema``) such a column is ``string``,
through a metastore table it has the catalog's type and a value that does not
fit is null.

Finding choices takes one pass over the data. Its answer depends only on the
files (paths, sizes, modification times), the reader's options and the
catalog's types, so it is kept per that key, in memory and in a small JSON
file (see :func:`_cache_folder`): only the first read of a set of files pays
(measured in docs/glue.md, "Measured"). A pass reads only the columns it must
decide: from files, the ``string`` columns; from a metastore table, the
columns the catalog types as numbers.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import DataType, DoubleType, LongType, StringType, StructField, StructType

from playgrounds.glue.choices import choice_field
from playgrounds.glue.columns import columns_of
from playgrounds.glue.io import local_folder
from playgrounds.lake import layout
from playgrounds.spark import quote_identifier

CACHE_ENV = "PLAYGROUNDS_GLUE_CHOICE_CACHE"
# A whole number as Glue reads one from CSV (a long); anything else numeric is a double.
_WHOLE = r"^\s*[+-]?[0-9]{1,18}\s*$"

_WHOLE_TYPES = {"BIGINT", "INT", "SMALLINT", "TINYINT"}
_FRACTION_TYPES = {"DOUBLE", "FLOAT"}

Decision = dict[str, str]  # column -> the number member's type name ("long" or "double")
_decisions: dict[str, Decision] = {}


def forget_decisions() -> None:
    """Drop the decisions kept in memory (those on disk stay)."""
    _decisions.clear()


def _cache_folder() -> Path:
    """``$PLAYGROUNDS_GLUE_CHOICE_CACHE`` (glue-local: ``<lake>/_glue_cache/csv-choices``),
    else the user's cache folder; never the temporary folder, which jobs leave clean."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    user_cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return user_cache / "playgrounds" / "glue-csv-choices"


def _files_key(paths: Iterable[str]) -> list[tuple[str, int, int]] | None:
    """(file, size, mtime) of every data file under ``paths``; None when one is not local."""
    files: list[tuple[str, int, int]] = []
    for path in paths:
        folder = local_folder(path)
        if not folder.exists():
            return None
        for file in layout.data_files(folder):
            stat = file.stat()
            files.append((str(file.resolve()), stat.st_size, stat.st_mtime_ns))
    return sorted(files)


def _cached(key: Any, decide: Any) -> Decision:
    """``decide()``'s answer for ``key``, from memory, then disk, else computed and kept."""
    digest = hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()
    if digest in _decisions:
        return _decisions[digest]
    stored = _cache_folder() / f"{digest}.json"
    try:
        decision: Decision = json.loads(stored.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        decision = decide()
        try:
            stored.parent.mkdir(parents=True, exist_ok=True)
            partial = stored.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(json.dumps(decision), encoding="utf-8")
            partial.replace(stored)  # never a half-written decision
        except OSError:
            pass  # a read-only cache folder costs the pass again, nothing else
    _decisions[digest] = decision
    return decision


def _column_types(df: DataFrame) -> list[tuple[str, str]]:
    """Top-level (name, Spark type name) pairs, from the cheap DDL where it is plain."""
    columns = columns_of(df)
    if columns is None:
        return [(f.name, f.dataType.simpleString().upper()) for f in df.schema.fields]
    return [(c.name, c.type_name) for c in columns]


def _kinds(df: DataFrame, columns: Sequence[str], kind: Any) -> dict[str, int]:
    """Per column, the OR of ``kind(value)``'s bits over all rows, in one aggregate.

    One small aggregate per column: with three counts and two regular
    expressions per column, the pass over the IRS file's 147 columns cost
    several times the whole job (a generated aggregate too big to compile).
    """
    aggregates = [
        F.bit_or(kind(F.col(quote_identifier(name)))).alias(f"k{i}")
        for i, name in enumerate(columns)
    ]
    row = df.select(*aggregates).first()
    assert row is not None
    return {name: row[f"k{i}"] or 0 for i, name in enumerate(columns)}


_TEXT, _NUMBER_BIT = 1, 2
_WHOLE_BIT, _FRACTION_BIT = 1, 2


def _mixed(df: DataFrame, columns: Sequence[str]) -> Decision:
    """The string-valued ``columns`` holding both numbers and other text.

    One pass over ``columns``; a second, over the mixed ones only (rare), tells
    whole numbers (``long``) from others (``double``).
    """
    if not columns:
        return {}

    def number_or_text(value: Column) -> Column:
        return (
            F.when(value.isNull(), 0)
            .when(F.trim(value).cast("double").isNull(), _TEXT)
            .otherwise(_NUMBER_BIT)
        )

    found = _kinds(df, columns, number_or_text)
    mixed = [name for name, bits in found.items() if bits == _TEXT | _NUMBER_BIT]
    if not mixed:
        return {}

    def whole_or_fraction(value: Column) -> Column:
        return (
            F.when(value.rlike(_WHOLE), _WHOLE_BIT)
            .when(F.trim(value).cast("double").isNotNull(), _FRACTION_BIT)
            .otherwise(0)
        )

    numbers = _kinds(df, mixed, whole_or_fraction)
    return {name: "double" if numbers[name] & _FRACTION_BIT else "long" for name in mixed}


def _choice_column(name: str, raw: Column, number_type: str) -> Column:
    """A choice struct (``long``/``double`` and ``string``) from a column of raw text."""
    dtype: DataType = LongType() if number_type == "long" else DoubleType()
    as_double = F.trim(raw).cast("double")
    is_number = raw.rlike(_WHOLE) if number_type == "long" else as_double.isNotNull()
    marked = choice_field(name, [(number_type, dtype), ("string", StringType())])
    value = F.when(raw.isNull(), F.lit(None)).otherwise(
        F.struct(
            F.when(is_number, F.trim(raw).cast(dtype)).alias(number_type),
            F.when(~is_number, raw).alias("string"),
        )
    )
    return value.alias(name, metadata=marked.metadata)


def mark_csv_choices(
    df: DataFrame, paths: Sequence[str], format_options: Mapping[str, Any]
) -> DataFrame:
    """A CSV frame read from files with its mixed number/text columns as choices.

    Spark's ``inferSchema`` already made such a column ``string``, so the raw
    text is at hand and only the decision costs a pass (once per set of files).
    """
    strings = [name for name, type_name in _column_types(df) if type_name == "STRING"]
    files = _files_key(paths)
    if not strings or files is None:
        return df
    key = ["files", files, dict(format_options), strings]
    decision = _cached(key, lambda: _mixed(df, strings))
    if not decision:
        return df
    return df.select(
        *[
            _choice_column(f.name, F.col(quote_identifier(f.name)), decision[f.name])
            if f.name in decision and isinstance(f.dataType, StringType)
            else F.col(quote_identifier(f.name))
            for f in df.schema.fields
        ]
    )


def metastore_csv_choices(
    spark: SparkSession,
    typed: DataFrame,
    location: str,
    partition_columns: Sequence[str],
    csv_options: Mapping[str, str],
) -> Decision:
    """The numeric columns of a metastore CSV table whose files also hold text there.

    ``typed`` is the table as Spark reads it (catalog types, lower-case names).
    The files are read once with every data column as text, positionally as
    Spark reads a CSV table, counting only the numeric columns.
    """
    partitions = {p.lower() for p in partition_columns}
    data = [(name, t) for name, t in _column_types(typed) if name.lower() not in partitions]
    numeric = [name for name, t in data if t in _WHOLE_TYPES or t in _FRACTION_TYPES]
    numeric += [name for name, t in data if t.startswith("DECIMAL")]
    files = _files_key([location])
    if not numeric or files is None:
        return {}
    key = ["metastore", files, dict(csv_options), data]

    def decide() -> Decision:
        as_text = StructType([StructField(name, StringType()) for name, _ in data])
        raw = spark.read.options(**csv_options).schema(as_text).csv(location)
        mixed = _mixed(raw, numeric)
        # A column the catalog types as a whole number keeps ``long`` for its numbers.
        whole = {name for name, t in data if t in _WHOLE_TYPES}
        return {c: ("long" if c in whole else kind) for c, kind in mixed.items()}

    return _cached(key, decide)


def with_metastore_choices(raw: DataFrame, decision: Decision) -> DataFrame:
    """The table read with its choice columns as text, those columns turned into choices."""
    return raw.select(
        *[
            _choice_column(name, F.col(quote_identifier(name)), decision[name])
            if name in decision
            else F.col(quote_identifier(name))
            for name in raw.columns
        ]
    )
