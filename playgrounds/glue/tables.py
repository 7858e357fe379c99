"""Where ``from_catalog`` finds a table: a table-to-path map file, else the local Hive metastore.

The map file (``$PLAYGROUNDS_GLUE_CATALOG_MAP``, or ``--catalog-map`` of
``playgrounds glue-local``) is JSON, for users without a local catalog::

    {"demo-raw": {"parks": {"path": "s3://demo-raw/parks/", "format": "parquet"},
                  "income_ny": {"path": "lake/raw/income-ny", "format": "csv",
                                "format_options": {"withHeader": true}}}}

Otherwise the table is read from Spark's catalog (the embedded Hive metastore
the crawler fills), with the Glue database name mapped only through
:func:`playgrounds.catalog.names.metastore_name`. Never a network call.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyspark.errors import AnalysisException
from pyspark.sql import SparkSession

from playgrounds.catalog.names import metastore_name
from playgrounds.glue.errors import GlueShimError
from playgrounds.glue.jvm import java_class, string_list
from playgrounds.spark import quote_identifier

MAP_ENV = "PLAYGROUNDS_GLUE_CATALOG_MAP"


@dataclass(frozen=True)
class MappedTable:
    """A table given by the map file."""

    path: str
    format: str = "parquet"
    format_options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MetastoreTable:
    """A table of the local Hive metastore."""

    qualified: str  # `db`.`table`, ready for spark.table
    location: str
    provider: str
    partition_columns: tuple[str, ...]
    options: dict[str, str] = field(default_factory=dict)  # the reader's (CSV tables only)


def load_map(path: Path | str | None = None) -> dict[str, dict[str, MappedTable]]:
    """The map file's tables by Glue database and table name (empty when there is none)."""
    chosen = path if path is not None else os.environ.get(MAP_ENV)
    if not chosen:
        return {}
    file = Path(chosen)
    if not file.is_file():
        raise GlueShimError(f"catalog map file {file} does not exist")
    try:
        raw = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as bad:
        raise GlueShimError(
            f"catalog map file {file} is not valid JSON: {bad.msg} at line {bad.lineno}"
        ) from bad
    tables: dict[str, dict[str, MappedTable]] = {}
    for database, entries in raw.items():
        for table, entry in entries.items():
            unknown = set(entry) - {"path", "format", "format_options"}
            if "path" not in entry or unknown:
                raise GlueShimError(
                    f"catalog map entry {database}.{table} in {file} needs 'path' "
                    f"and may have 'format', 'format_options' (got {', '.join(sorted(entry))})"
                )
            tables.setdefault(database, {})[table] = MappedTable(
                str(entry["path"]),
                str(entry.get("format", "parquet")),
                dict(entry.get("format_options", {})),
            )
    return tables


def find_mapped(database: str, table_name: str) -> MappedTable | None:
    """The map file's entry for the table, if the map names it."""
    return load_map().get(database, {}).get(table_name)


def find_metastore_table(spark: SparkSession, database: str, table_name: str) -> MetastoreTable:
    """The metastore table for a Glue database and table; an error names both when absent."""
    db = metastore_name(database)
    # The session catalog's record of the table, read in a dozen Py4J calls:
    # `DESCRIBE FORMATTED` costs a query, and `listColumns` one call per column
    # property (0.4 s for the three workshop tables).
    identifier = java_class(spark, "org.apache.spark.sql.catalyst.TableIdentifier")(
        table_name, java_class(spark, "scala.Some")(db)
    )
    try:
        metadata = spark._jsparkSession.sessionState().catalog().getTableMetadata(identifier)
    except AnalysisException as missing:
        if missing.getErrorClass() == "SCHEMA_NOT_FOUND":
            raise GlueShimError(
                f"database {database!r} (metastore name {db!r}) not found in the local catalog; "
                f"run the crawler or list table {table_name!r} in a catalog map file"
            ) from None
        if missing.getErrorClass() == "TABLE_OR_VIEW_NOT_FOUND":
            raise GlueShimError(
                f"table {table_name!r} not found in database {database!r} of the local catalog"
            ) from None
        raise
    provider = _option(metadata.provider()) or "hive"
    if provider.lower() == "hive":
        serde = (_option(metadata.storage().serde()) or "").lower()
        provider = next((fmt for fmt in ("parquet", "orc", "json", "csv") if fmt in serde), "hive")
    options: dict[str, str] = {}
    if provider.lower() == "csv":
        # Two or three entries (header, sep), fetched only for CSV tables.
        converters = spark._jvm.scala.collection.JavaConverters  # type: ignore[union-attr]
        properties = converters.mapAsJavaMapConverter(metadata.storage().properties()).asJava()
        options = {str(k): str(v) for k, v in dict(properties).items() if str(k) != "path"}
    return MetastoreTable(
        f"{quote_identifier(db)}.{quote_identifier(table_name)}",
        str(metadata.location()),
        provider.lower(),
        tuple(string_list(metadata.partitionColumnNames())),
        options,
    )


def _option(value: Any) -> str | None:
    """A Scala ``Option[String]`` as a Python string or None."""
    return str(value.get()) if value.isDefined() else None
