"""The crawler's local backend: external Spark data-source tables in the embedded Hive metastore.

Tables are Spark data-source tables (``USING csv|parquet|json``) with a
``LOCATION``, so Spark treats them as external (``DROP TABLE`` keeps the
files) and reads them with its own readers, the ones the Glue shim uses.
Partitions are registered one by one with their folder as location, which is
what lets plain folders (``partition_0``) and unpadded values work.
"""

from __future__ import annotations

from pathlib import Path

from pyspark.sql import SparkSession

from playgrounds.catalog.infer import CatalogColumn
from playgrounds.catalog.model import ExistingTable, Partition, TablePlan
from playgrounds.catalog.names import metastore_name
from playgrounds.spark import quote_identifier

# Partitions per ALTER TABLE statement: one statement is one metastore round trip.
PARTITION_BATCH = 100


def quote_string(text: str) -> str:
    """A Spark SQL string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def location(folder: Path) -> str:
    """A folder as a metastore location: ``file:`` plus the absolute path, not percent-encoded.

    ``Path.as_uri()`` would write ``year%3D2019``, which Hadoop takes literally:
    the partition then points at a folder that does not exist and reads empty.
    """
    return f"file:{folder.resolve()}"


class LocalCatalog:
    """Registers crawled tables in the Hive metastore of a SparkSession."""

    name = "local"

    def __init__(self, spark: SparkSession) -> None:
        self.spark = spark

    def _table(self, database: str, plan: TablePlan) -> str:
        return f"{quote_identifier(metastore_name(database))}.{quote_identifier(plan.name)}"

    def ensure_database(self, database: str) -> None:
        """Create the metastore database for a Glue database name, remembering the Glue name."""
        self.spark.sql(
            f"CREATE DATABASE IF NOT EXISTS {quote_identifier(metastore_name(database))} "
            f"COMMENT {quote_string(f'Glue database {database}')} "
            f"WITH DBPROPERTIES ('glue.name' = {quote_string(database)})"
        )

    def describe(self, database: str, plan: TablePlan) -> ExistingTable | None:
        """The registered table, read back from the metastore."""
        db = metastore_name(database)
        if not self.spark.catalog.tableExists(f"{db}.{plan.name}"):
            return None
        listed = self.spark.catalog.listColumns(f"{db}.{plan.name}")
        columns = [CatalogColumn(c.name.lower(), c.dataType) for c in listed if not c.isPartition]
        keys = [CatalogColumn(c.name.lower(), c.dataType) for c in listed if c.isPartition]
        table = self._table(database, plan)
        props = {row[0]: row[1] for row in self.spark.sql(f"SHOW TBLPROPERTIES {table}").collect()}
        fmt = props.get("classification", "")
        partitions: set[str] = set()
        if keys:
            partitions = {row[0] for row in self.spark.sql(f"SHOW PARTITIONS {table}").collect()}
        return ExistingTable(fmt, columns, keys, partitions)

    def _options(self, plan: TablePlan) -> dict[str, str]:
        if plan.format == "csv":
            return {"header": str(plan.header).lower(), "sep": plan.delimiter}
        if plan.format == "json":
            return {"multiLine": str(plan.json_array).lower()}
        return {}

    def _column_name(self, plan: TablePlan, column: CatalogColumn) -> str:
        # Spark's JSON reader matches keys by exact name; Parquet and CSV do not care.
        if plan.format == "json":
            return plan.source_names.get(column.name, column.name)
        return column.name

    def create(self, database: str, plan: TablePlan) -> None:
        """CREATE TABLE ... USING <format> [PARTITIONED BY] LOCATION <folder>."""
        # The inferred Hive type names (bigint, struct<a:bigint>) are Spark DDL as written.
        columns = [
            f"{quote_identifier(self._column_name(plan, c))} {c.type}"
            for c in [*plan.columns, *plan.partition_keys]
        ]
        options = ", ".join(
            f"{quote_string(k)} = {quote_string(v)}" for k, v in self._options(plan).items()
        )
        partitioned = (
            f"PARTITIONED BY ({', '.join(quote_identifier(k.name) for k in plan.partition_keys)}) "
            if plan.partition_keys
            else ""
        )
        props = {
            "classification": plan.format,
            "glue.database": database,
            "crawler": "playgrounds",
        }
        properties = ", ".join(f"{quote_string(k)} = {quote_string(v)}" for k, v in props.items())
        self.spark.sql(
            f"CREATE TABLE {self._table(database, plan)} ({', '.join(columns)}) "
            f"USING {plan.format} "
            + (f"OPTIONS ({options}) " if options else "")
            + partitioned
            + f"LOCATION {quote_string(location(plan.folder))} "
            f"TBLPROPERTIES ({properties})"
        )

    def drop(self, database: str, plan: TablePlan) -> None:
        """DROP TABLE: the table is external, so its files stay."""
        self.spark.sql(f"DROP TABLE IF EXISTS {self._table(database, plan)}")

    def add_columns(self, database: str, plan: TablePlan, columns: list[CatalogColumn]) -> None:
        """ALTER TABLE ... ADD COLUMNS."""
        listed = ", ".join(
            f"{quote_identifier(self._column_name(plan, c))} {c.type}" for c in columns
        )
        self.spark.sql(f"ALTER TABLE {self._table(database, plan)} ADD COLUMNS ({listed})")

    def add_partitions(self, database: str, plan: TablePlan, partitions: list[Partition]) -> None:
        """ALTER TABLE ... ADD IF NOT EXISTS PARTITION (...) LOCATION ..., in batches."""
        if not plan.partition_keys:
            return
        table = self._table(database, plan)
        for start in range(0, len(partitions), PARTITION_BATCH):
            specs = []
            for partition in partitions[start : start + PARTITION_BATCH]:
                values = ", ".join(
                    f"{quote_identifier(key.name)} = "
                    + (value if key.type in ("int", "bigint") else quote_string(value))
                    for key, value in zip(plan.partition_keys, partition.values, strict=True)
                )
                specs.append(
                    f"PARTITION ({values}) LOCATION {quote_string(location(partition.location))}"
                )
            self.spark.sql(f"ALTER TABLE {table} ADD IF NOT EXISTS {' '.join(specs)}")
