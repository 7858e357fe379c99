"""The crawler: one table per top-level folder of a zone, registered the way a Glue crawler does.

A crawl has two halves. :func:`plan_zone` reads the folders and files only
(no catalog access) and decides every table, partition and skip; the catalog
backend (:mod:`playgrounds.catalog.local` or :mod:`playgrounds.catalog.glue`)
then applies the plan. Every problem found while planning is a reported skip,
so a bad folder or file leaves the catalog as it was for what it touches.

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
  dropped.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from playgrounds.catalog.infer import (
    Column,
    FileSchema,
    UnreadableFileError,
    infer_file,
    merge_types,
)
from playgrounds.catalog.names import glue_table_name, metastore_name
from playgrounds.errors import InputError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

SchemaPolicy = Literal["keep", "replace"]
Progress = Callable[[str], None]

_KEY_VALUE = re.compile(r"^(?P<key>[^=/]+)=(?P<value>.*)$")
_INT_VALUE = re.compile(r"^[+-]?\d+$")


@dataclass(frozen=True)
class Skip:
    """Something the crawler left out, and why (one sentence)."""

    path: str
    reason: str


@dataclass
class Partition:
    """One partition folder: its values (as in the folder names) and location."""

    values: tuple[str, ...]
    location: Path
    files: list[Path] = field(default_factory=list)

    def spec(self, keys: Sequence[Column]) -> str:
        """``year=2019/month=7``, the form ``SHOW PARTITIONS`` prints."""
        return "/".join(f"{k.name}={v}" for k, v in zip(keys, self.values, strict=True))


@dataclass
class TablePlan:
    """Everything needed to register one table, decided from the files alone."""

    name: str
    folder: Path
    format: str
    columns: list[Column]
    partition_keys: list[Column]
    partitions: list[Partition]
    header: bool = False
    delimiter: str = ","
    json_array: bool = False
    source_names: dict[str, str] = field(default_factory=dict)
    skipped: list[Skip] = field(default_factory=list)


@dataclass
class ExistingTable:
    """What a catalog already holds for a table."""

    format: str
    columns: list[Column]
    partition_keys: list[Column]
    partitions: set[str]


@dataclass
class TableResult:
    """What the crawl did to one table."""

    table: str
    action: str  # created | updated | unchanged | replaced | skipped
    format: str | None = None
    location: str = ""
    columns: list[str] = field(default_factory=list)
    partition_keys: list[str] = field(default_factory=list)
    partitions: int = 0
    partitions_added: list[str] = field(default_factory=list)
    partitions_missing: list[str] = field(default_factory=list)
    schema_changes: list[str] = field(default_factory=list)
    schema_applied: bool = True
    skipped: list[Skip] = field(default_factory=list)
    reason: str | None = None


@dataclass
class CrawlReport:
    """The outcome of one crawl: printed for the user and kept as JSON."""

    zone: str
    database: str
    metastore_database: str
    catalog: str
    started: str
    seconds: float = 0.0
    tables: list[TableResult] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    saved_to: str | None = None

    @property
    def partitions_added(self) -> int:
        """Partitions registered by this crawl, all tables together."""
        return sum(len(t.partitions_added) for t in self.tables)

    def table(self, name: str) -> TableResult:
        """The result for one table (by Glue table name)."""
        for result in self.tables:
            if result.table == name:
                return result
        raise KeyError(name)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return asdict(self)

    def lines(self) -> list[str]:
        """The report as text lines for a terminal."""
        out = [
            f"Crawled {self.zone} into {self.catalog} database {self.database!r} "
            f"in {self.seconds:.1f} s"
        ]
        for t in self.tables:
            if t.action == "skipped":
                out.append(f"  {t.table}: skipped: {t.reason}")
                continue
            parts = (
                f", {t.partitions} partition{'' if t.partitions == 1 else 's'}"
                f" (+{len(t.partitions_added)})"
                if (t.partition_keys)
                else ""
            )
            out.append(f"  {t.table}: {t.action} ({t.format}, {len(t.columns)} columns{parts})")
            applied = "" if t.schema_applied else " (not applied)"
            out.extend(f"    schema change{applied}: {c}" for c in t.schema_changes)
            if t.partitions_missing:
                out.append(
                    f"    {len(t.partitions_missing)} registered partitions have no folder any "
                    f"more (kept): {', '.join(t.partitions_missing[:5])}"
                )
            out.extend(f"    skipped {s.path}: {s.reason}" for s in t.skipped)
        out.extend(f"  skipped {s.path}: {s.reason}" for s in self.skipped)
        if self.saved_to:
            out.append(f"Report kept at {self.saved_to}")
        return out

    def save(self, folder: Path) -> Path:
        """Write the report as JSON under ``folder``; returns the file."""
        folder.mkdir(parents=True, exist_ok=True)
        stamp = self.started.replace(":", "").replace("-", "").split(".")[0]
        path = folder / f"{stamp}-{self.database}.json"
        self.saved_to = str(path)
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")
        tmp.replace(path)
        return path


class CatalogBackend(Protocol):
    """A catalog the crawler registers tables in (local Hive metastore or Glue)."""

    name: str

    def ensure_database(self, database: str) -> None:
        """Create the database if it does not exist."""

    def describe(self, database: str, plan: TablePlan) -> ExistingTable | None:
        """The table as registered, or None."""

    def create(self, database: str, plan: TablePlan) -> None:
        """Register the table (no partitions)."""

    def drop(self, database: str, plan: TablePlan) -> None:
        """Remove the table's registration (never its data)."""

    def add_columns(self, database: str, plan: TablePlan, columns: list[Column]) -> None:
        """Append data columns."""

    def add_partitions(self, database: str, plan: TablePlan, partitions: list[Partition]) -> None:
        """Register partitions."""


# ---------------------------------------------------------------- planning


def _hidden(part: str) -> bool:
    # Spark, Hadoop and the lake's atomic writes keep bookkeeping in _ and . names.
    return part.startswith((".", "_"))


def _data_files(folder: Path) -> list[Path]:
    files = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).parts
        if any(_hidden(part) for part in rel) or not path.is_file():
            continue
        files.append(path)
    return files


def _partition_columns(levels: list[list[str]]) -> tuple[list[str], str | None]:
    """Column names for each folder level, or a reason the levels make no table."""
    names = []
    for index, segments in enumerate(levels):
        matches = [_KEY_VALUE.match(s) for s in segments]
        if all(matches):
            keys = sorted({m.group("key").lower() for m in matches if m})
            if len(keys) > 1:
                examples = ", ".join(sorted(set(segments))[:4])
                return [], (
                    f"partition folders at level {index + 1} mix keys {' and '.join(keys)} "
                    f"({examples})"
                )
            names.append(keys[0])
        elif any(matches):
            examples = ", ".join(sorted(set(segments))[:4])
            return [], (
                f"partition folders at level {index + 1} mix key=value and plain names ({examples})"
            )
        else:
            names.append(f"partition_{index}")
    return names, None


def _segment_value(segment: str) -> str:
    match = _KEY_VALUE.match(segment)
    return match.group("value") if match else segment


def _partition_types(
    keys: list[str], partitions: dict[tuple[str, ...], list[Path]], existing: dict[str, str]
) -> tuple[list[Column], dict[tuple[str, ...], str]]:
    """Type each partition column; returns the columns and bad partitions with the reason."""
    columns: list[Column] = []
    bad: dict[tuple[str, ...], str] = {}
    for index, key in enumerate(keys):
        values = sorted({values[index] for values in partitions})
        ints = [v for v in values if _INT_VALUE.match(v)]
        kind = existing.get(key) or ("int" if ints and len(ints) * 2 >= len(values) else "string")
        columns.append(Column(key, kind))
        if kind in ("int", "bigint"):
            for values_of in partitions:
                value = values_of[index]
                if not _INT_VALUE.match(value) and values_of not in bad:
                    bad[values_of] = f"{key}={value} is not an integer like the other {key} values"
    return columns, bad


def _merge_columns(
    schemas: list[tuple[Path, FileSchema]],
) -> tuple[FileSchema, list[Column], list[Skip]]:
    """One schema for the table from its files; files that do not fit are skipped."""
    formats = Counter(s.format for _, s in schemas)
    fmt = formats.most_common(1)[0][0]
    skips: list[Skip] = []
    fitting = []
    for path, schema in schemas:
        if schema.format != fmt:
            skips.append(Skip(str(path), f"is {schema.format} while the table is {fmt}"))
        else:
            fitting.append((path, schema))
    if fmt == "csv":
        headers = Counter(s.header for _, s in fitting)
        with_header = headers.most_common(1)[0][0]
        kept = []
        for path, schema in fitting:
            if schema.header != with_header:
                has = "has a header" if schema.header else "has no header"
                skips.append(Skip(str(path), f"{has}, unlike the table's other files"))
            else:
                kept.append((path, schema))
        fitting = kept
        if with_header:
            # CSV is read by position: a file's header must be the table's, or extend it.
            widest = max((s for _, s in fitting), key=lambda s: len(s.columns))
            names = [c.name for c in widest.columns]
            kept = []
            for path, schema in fitting:
                mine = [c.name for c in schema.columns]
                if names[: len(mine)] != mine:
                    expected = ", ".join(names[: min(len(names), 6)])
                    skips.append(
                        Skip(
                            str(path),
                            f"has a different header ({', '.join(mine[:6])}) "
                            f"from the table's ({expected})",
                        )
                    )
                else:
                    kept.append((path, schema))
            fitting = kept
    merged: dict[str, str | None] = {}
    source: dict[str, str] = {}
    for _, schema in fitting:
        for column in schema.columns:
            merged[column.name] = merge_types(merged.get(column.name), column.type)
        source.update(schema.source_names)
    first = fitting[0][1] if fitting else schemas[0][1]
    columns = [Column(name, kind or "string") for name, kind in merged.items()]
    base = FileSchema(
        fmt,
        columns,
        header=first.header,
        delimiter=first.delimiter,
        json_array=any(s.json_array for _, s in fitting),
        source_names=source,
    )
    return base, columns, skips


def plan_table(
    folder: Path, existing_partition_types: dict[str, str] | None = None
) -> TablePlan | Skip:
    """Read one table folder: its format, columns, partition columns and partitions."""
    name = glue_table_name(folder.name)
    files = _data_files(folder)
    if not files:
        return Skip(str(folder), "has no data files")
    skips: list[Skip] = []
    depths = Counter(len(f.relative_to(folder).parts) - 1 for f in files)
    depth = depths.most_common(1)[0][0]
    if len(depths) > 1:
        for f in files:
            if len(f.relative_to(folder).parts) - 1 != depth:
                skips.append(
                    Skip(
                        str(f),
                        f"sits {len(f.relative_to(folder).parts) - 1} folders deep, "
                        f"the table's files {depth}",
                    )
                )
        files = [f for f in files if len(f.relative_to(folder).parts) - 1 == depth]
    by_folder: dict[tuple[str, ...], list[Path]] = {}
    for f in files:
        by_folder.setdefault(f.relative_to(folder).parts[:-1], []).append(f)
    levels = [[segments[i] for segments in by_folder] for i in range(depth)]
    keys, problem = _partition_columns(levels)
    if problem:
        return Skip(str(folder), problem)
    partitions = {
        tuple(_segment_value(s) for s in segments): paths for segments, paths in by_folder.items()
    }
    locations = {tuple(_segment_value(s) for s in seg): folder.joinpath(*seg) for seg in by_folder}
    key_columns, bad_values = _partition_types(keys, partitions, existing_partition_types or {})
    if len(partitions) > 1 and len(bad_values) == len(partitions):
        return Skip(str(folder), "no partition folder has a valid value")

    schemas: list[tuple[Path, FileSchema]] = []
    unreadable: set[tuple[str, ...]] = set()
    for values, paths in partitions.items():
        if values in bad_values:
            continue
        for path in paths:
            try:
                schemas.append((path, infer_file(path)))
            except UnreadableFileError as problem:
                skips.append(Skip(str(path), str(problem).replace(f"{path} ", "", 1)))
                unreadable.add(values)
    if not schemas:
        why = f" ({skips[0].path}: {skips[0].reason})" if skips else ""
        return Skip(str(folder), "no readable data file" + why)
    base, columns, misfits = _merge_columns(schemas)
    skips.extend(misfits)
    misfit_paths = {Path(s.path) for s in misfits}
    for values, paths in partitions.items():
        if any(p in misfit_paths for p in paths):
            unreadable.add(values)
    if not keys and unreadable:
        return Skip(
            str(folder),
            "a file of this unpartitioned table cannot be used, so the table is not "
            f"registered ({skips[0].path}: {skips[0].reason})",
        )
    key_names = {k.name for k in key_columns}
    clashing = [c.name for c in columns if c.name in key_names]
    if clashing:
        if base.format == "csv":
            return Skip(
                str(folder), f"data column(s) {', '.join(clashing)} have a partition column's name"
            )
        # Parquet/JSON match by name: the folder's value wins, as Spark reads it.
        columns = [c for c in columns if c.name not in key_names]
    registered = []
    for values in sorted(partitions, key=_sort_key):
        if values in bad_values:
            skips.append(Skip(str(locations[values]), bad_values[values]))
            continue
        if values in unreadable:
            skips.append(
                Skip(str(locations[values]), "partition not registered: a file in it was skipped")
            )
            continue
        registered.append(Partition(values, locations[values], partitions[values]))
    if keys and not registered:
        return Skip(str(folder), "no partition of the table could be registered")
    return TablePlan(
        name=name,
        folder=folder,
        format=base.format,
        columns=columns,
        partition_keys=key_columns,
        partitions=registered if keys else [],
        header=base.header,
        delimiter=base.delimiter,
        json_array=base.json_array,
        source_names=base.source_names,
        skipped=skips,
    )


def _sort_key(values: tuple[str, ...]) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(v)) if _INT_VALUE.match(v) else (1, v) for v in values)


def table_folders(zone: Path) -> list[Path]:
    """The zone's top-level folders (one table each), hidden and ``_`` folders left out."""
    return sorted(p for p in zone.iterdir() if p.is_dir() and not _hidden(p.name))


def check_zone(zone: Path) -> None:
    """A clear error for a zone that is missing, not a folder, or has no tables."""
    if not zone.exists():
        raise InputError(f"zone {zone} does not exist (is the lake root right?)")
    if not zone.is_dir():
        raise InputError(f"zone {zone} is not a folder")
    if not table_folders(zone):
        raise InputError(f"zone {zone} is empty: it has no table folders to crawl")


# ---------------------------------------------------------------- applying


def schema_diff(old: list[Column], new: list[Column]) -> tuple[list[Column], list[str], list[str]]:
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


def _normal(spec: str, keys: list[Column]) -> str:
    """A partition spec with integer values written as Spark stores them (``07`` -> ``7``)."""
    parts = []
    for part, key in zip(spec.split("/"), keys, strict=False):
        name, _, value = part.partition("=")
        if key.type in ("int", "bigint") and _INT_VALUE.match(value):
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
        registered = {_normal(s, plan.partition_keys) for s in existing.partitions}
        new = [
            p
            for p in plan.partitions
            if _normal(p.spec(plan.partition_keys), plan.partition_keys) not in registered
        ]
        found = {_normal(p.spec(plan.partition_keys), plan.partition_keys) for p in plan.partitions}
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
    from playgrounds.lake.local_s3 import is_s3_uri, local_path

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
    for table_folder in table_folders(folder):
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
        report.tables.append(apply_plan(backend, database, plan, on_schema_change))
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
        from playgrounds.catalog.local import LocalCatalog

        if spark is None:
            raise ValueError("a local crawl needs a SparkSession with Hive support")
        backend = LocalCatalog(spark)
    elif catalog == "glue":
        from playgrounds.catalog.glue import GlueCatalog

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
