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

from pyspark.sql import SparkSession

from playgrounds.catalog.names import metastore_name
from playgrounds.glue.errors import GlueShimError

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
    if not spark.catalog.databaseExists(db):
        raise GlueShimError(
            f"database {database!r} (metastore name {db!r}) not found in the local catalog; "
            f"run the crawler or list table {table_name!r} in a catalog map file"
        )
    qualified = f"`{db}`.`{table_name}`"
    if not spark.catalog.tableExists(qualified):
        raise GlueShimError(
            f"table {table_name!r} not found in database {database!r} of the local catalog"
        )
    details = {
        str(row["col_name"]).strip(): str(row["data_type"]).strip()
        for row in spark.sql(f"DESCRIBE FORMATTED {qualified}").collect()
        if row["col_name"]
    }
    provider = details.get("Provider", "hive").lower()
    if provider == "hive":
        serde = details.get("Serde Library", "").lower()
        provider = next((fmt for fmt in ("parquet", "orc", "json", "csv") if fmt in serde), "hive")
    partitions = tuple(
        column.name for column in spark.catalog.listColumns(qualified) if column.isPartition
    )
    return MetastoreTable(qualified, details.get("Location", ""), provider, partitions)
