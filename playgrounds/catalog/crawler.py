"""The crawler: one table per top-level folder of a zone, registered the way a Glue crawler does.

A crawl has two halves. Planning (:func:`playgrounds.catalog.plan.plan_table`)
reads the folders and files only (no catalog access) and decides every table,
partition and skip; applying (here) registers each plan in a catalog backend,
:mod:`playgrounds.catalog.local` or :mod:`playgrounds.catalog.glue_catalog`.
Every problem found while planning is a reported skip, so a bad folder or file
leaves the catalog as it was for what it touches. The data both halves share
is in :mod:`playgrounds.catalog.model`.

Policies (see docs/catalog.md):

* a table folder's files must sit at the same depth; ``key=value`` levels are
  partition columns (``key`` lower-cased), other levels ``partition_<i>``; a
  level mixing keys, or ``key=value`` with plain folders, skips the table;
* a partition column is ``int`` when at least half its values are integers;
  the others (``year=abc``) are bad values and their partitions are skipped;
* a partition with a file that cannot be read (empty, truncated, HTML, other
  format, wrong header) is not registered, so queries never trip on it; in a
  table without partitions such a file skips the table;
* on a re-crawl new partitions are added; schema changes are reported:
  columns added are applied (appended; for CSV only at the end, since CSV is
  read by position), columns removed or retyped are *not* applied unless
  ``on_schema_change="replace"``, which re-creates the table (external: data
  untouched); registered partitions whose folders are gone are reported, not
  dropped;
* folders whose names make the same table name (``income-ny`` and
  ``income_ny``) are reported and neither is registered;
* a table the catalog refuses (a column name Hive rejects) is reported and
  the crawl goes on with the others, as Glue's crawler does; the report is kept.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from playgrounds.catalog.glue_catalog import GlueCatalog
from playgrounds.catalog.infer import CatalogColumn, is_integer_value
from playgrounds.catalog.local import LocalCatalog
from playgrounds.catalog.model import CatalogBackend, CrawlReport, Skip, TablePlan, TableResult
from playgrounds.catalog.names import glue_table_name, metastore_name
from playgrounds.catalog.plan import check_zone, plan_table, table_folders
from playgrounds.errors import InputError, describe_error
from playgrounds.lake.local_s3 import is_s3_uri, local_path

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

SchemaPolicy = Literal["keep", "replace"]
Progress = Callable[[str], None]


def schema_diff(
    old: list[CatalogColumn], new: list[CatalogColumn]
) -> tuple[list[CatalogColumn], list[str], list[str]]:
    """Columns added, and descriptions of columns removed and retyped."""
    old_types = {c.name: c.type for c in old}
    new_types = {c.name: c.type for c in new}
    added = [c for c in new if c.name not in old_types]
    removed = [f"removed {c.name} ({c.type})" for c in old if c.name not in new_types]
    retyped = [
        f"retyped {c.name}: {old_types[c.name]} -> {c.type}"
        for c in new
        if c.name in old_types and old_types[c.name] != c.type
    ]
    return added, removed, retyped


def _normalize_partition_spec(spec: str, keys: list[CatalogColumn]) -> str:
    """A partition spec with integer values written as Spark stores them (``07`` -> ``7``).

    Specs read back from the catalog and specs built from folder names are
    compared in this form, so ``month=07`` on disk is not a new partition.
    """
    parts = []
    for part, key in zip(spec.split("/"), keys, strict=False):
        name, _, value = part.partition("=")
        if key.type in ("int", "bigint") and is_integer_value(value):
            value = str(int(value))
        parts.append(f"{name}={value}")
    return "/".join(parts)


def apply_plan(
    backend: CatalogBackend, database: str, plan: TablePlan, on_schema_change: SchemaPolicy
) -> TableResult:
    """Create or update one table in the catalog according to the crawler's policy."""
    result = TableResult(
        table=plan.name,
        action="created",
        format=plan.format,
        location=str(plan.folder),
        columns=[c.name for c in plan.columns],
        partition_keys=[c.name for c in plan.partition_keys],
        skipped=list(plan.skipped),
    )
    existing = backend.describe(database, plan)
    if existing is not None:
        added, removed, retyped = schema_diff(existing.columns, plan.columns)
        same_keys = [k.name for k in existing.partition_keys] == result.partition_keys
        conflict = list(removed) + list(retyped)
        if existing.format != plan.format:
            conflict.insert(0, f"format changed: {existing.format} -> {plan.format}")
        if not same_keys:
            old = ", ".join(k.name for k in existing.partition_keys) or "none"
            conflict.insert(
                0,
                f"partition columns changed: {old} -> {', '.join(result.partition_keys) or 'none'}",
            )
        if plan.format == "csv" and added:
            # CSV is read by position: new columns fit only after all the old ones.
            old_names = [c.name for c in existing.columns]
            if [c.name for c in plan.columns][: len(old_names)] != old_names:
                conflict.append("CSV columns added before existing ones (read by position)")
        result.schema_changes = [f"added {c.name} ({c.type})" for c in added] + conflict
        if conflict and on_schema_change == "replace":
            backend.drop(database, plan)
            backend.create(database, plan)
            backend.add_partitions(database, plan, plan.partitions)
            result.action = "replaced"
            result.partitions_added = [p.spec(plan.partition_keys) for p in plan.partitions]
            result.partitions = len(plan.partitions)
            return result
        if conflict:
            result.schema_applied = False
        if not same_keys or existing.format != plan.format:
            result.action = "skipped"
            result.reason = (
                "its registered layout differs from the folder's ("
                + "; ".join(conflict[:2])
                + "); re-crawl with --on-schema-change replace to re-register it"
            )
            return result
        if added and not conflict:
            backend.add_columns(database, plan, added)
        registered = {
            _normalize_partition_spec(s, plan.partition_keys) for s in existing.partitions
        }
        new = [
            p
            for p in plan.partitions
            if _normalize_partition_spec(p.spec(plan.partition_keys), plan.partition_keys)
            not in registered
        ]
        found = {
            _normalize_partition_spec(p.spec(plan.partition_keys), plan.partition_keys)
            for p in plan.partitions
        }
        result.partitions_missing = sorted(registered - found)
        if new:
            backend.add_partitions(database, plan, new)
        result.partitions_added = [p.spec(plan.partition_keys) for p in new]
        result.partitions = len(registered | found)
        changed = bool(new) or (bool(added) and not conflict)
        result.action = "updated" if changed else "unchanged"
        if not result.schema_applied:
            result.columns = [c.name for c in existing.columns]
        return result
    backend.create(database, plan)
    backend.add_partitions(database, plan, plan.partitions)
    result.partitions_added = [p.spec(plan.partition_keys) for p in plan.partitions]
    result.partitions = len(plan.partitions)
    return result


def crawl_with(
    backend: CatalogBackend,
    zone: str | Path,
    database: str,
    *,
    on_schema_change: SchemaPolicy = "keep",
    progress: Progress | None = None,
    report_dir: Path | None = None,
) -> CrawlReport:
    """Crawl ``zone`` into ``backend``: plan every table from the files, then register them."""
    started = time.perf_counter()
    folder = local_path(str(zone)) if is_s3_uri(str(zone)) else Path(zone)
    report = CrawlReport(
        zone=str(zone),
        database=database,
        metastore_database=metastore_name(database),
        catalog=backend.name,
        started=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    check_zone(folder)
    plans: list[TablePlan] = []
    by_name: dict[str, list[Path]] = {}
    for table_folder in table_folders(folder):
        by_name.setdefault(glue_table_name(table_folder.name), []).append(table_folder)
    for name, folders in by_name.items():
        if len(folders) > 1:
            # Merged, the two would each report the other's partitions missing on
            # every re-crawl; neither is registered until one is renamed.
            listed = " and ".join(f.name for f in folders)
            report.tables.append(
                TableResult(
                    name,
                    "skipped",
                    reason=f"folders {listed} would both be table {name}: rename one of them",
                    location=", ".join(str(f) for f in folders),
                )
            )
    for table_folder in (folders[0] for folders in by_name.values() if len(folders) == 1):
        if progress:
            progress(f"Reading {table_folder.name}")
        planned = plan_table(table_folder)
        if isinstance(planned, Skip):
            report.tables.append(
                TableResult(
                    glue_table_name(table_folder.name),
                    "skipped",
                    reason=planned.reason,
                    location=str(table_folder),
                )
            )
        else:
            plans.append(planned)
    if plans:
        backend.ensure_database(database)
    for plan in plans:
        if progress:
            progress(f"Registering {database}.{plan.name}")
        try:
            result = apply_plan(backend, database, plan, on_schema_change)
        except Exception as error:
            # As Glue's crawler does: one table the catalog refuses (a column name
            # Hive rejects) is reported, and the others are still registered.
            result = TableResult(
                plan.name,
                "skipped",
                format=plan.format,
                location=str(plan.folder),
                reason=f"the {backend.name} catalog refused it: {describe_error(error)}",
            )
        report.tables.append(result)
    report.tables.sort(key=lambda t: t.table)
    report.seconds = round(time.perf_counter() - started, 2)
    if report_dir is not None:
        report.save(report_dir)
    return report


def crawl(
    spark: SparkSession | None,
    zone: str | Path,
    database: str,
    *,
    catalog: Literal["local", "glue"] = "local",
    progress: Progress | None = None,
    on_schema_change: SchemaPolicy = "keep",
    report_dir: Path | None = None,
    glue_client: object | None = None,
) -> CrawlReport:
    """Crawl ``zone`` into ``database`` (a Glue name like ``playgrounds-raw``).

    ``catalog="local"`` registers external tables in the Hive metastore of
    ``spark`` (a SparkSession with Hive support); ``catalog="glue"`` registers
    them in the AWS Glue Data Catalog through ``glue_client`` (a boto3 Glue
    client; one from the environment when omitted) and needs no Spark.
    """
    backend: CatalogBackend
    if catalog == "local":
        if spark is None:
            raise ValueError("a local crawl needs a SparkSession with Hive support")
        backend = LocalCatalog(spark)
    elif catalog == "glue":
        backend = GlueCatalog(glue_client, zone=str(zone))
    else:
        raise InputError(f"unknown catalog {catalog!r}: use local or glue")
    return crawl_with(
        backend,
        zone,
        database,
        on_schema_change=on_schema_change,
        progress=progress,
        report_dir=report_dir,
    )
