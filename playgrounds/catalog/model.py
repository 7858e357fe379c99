"""The crawler's data model: what a plan holds, what a catalog holds, what a crawl reports.

Shared by the planning (:mod:`playgrounds.catalog.plan`), the applying
(:mod:`playgrounds.catalog.crawler`) and the two catalog backends
(:mod:`playgrounds.catalog.local`, :mod:`playgrounds.catalog.glue_catalog`),
which is why it sits in a module of its own that imports none of them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

from playgrounds.catalog.infer import CatalogColumn


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

    def spec(self, keys: Sequence[CatalogColumn]) -> str:
        """``year=2019/month=7``, the form ``SHOW PARTITIONS`` prints."""
        return "/".join(f"{k.name}={v}" for k, v in zip(keys, self.values, strict=True))


@dataclass
class TablePlan:
    """Everything needed to register one table, decided from the files alone."""

    name: str
    folder: Path
    format: str
    columns: list[CatalogColumn]
    partition_keys: list[CatalogColumn]
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
    columns: list[CatalogColumn]
    partition_keys: list[CatalogColumn]
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

    def add_columns(self, database: str, plan: TablePlan, columns: list[CatalogColumn]) -> None:
        """Append data columns."""

    def add_partitions(self, database: str, plan: TablePlan, partitions: list[Partition]) -> None:
        """Register partitions."""
