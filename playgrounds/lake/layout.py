"""The lake's layout, owned here: table folders, partition paths, and which files are data.

Every other module asks this one where a table lives, how a day's partition is
spelled, and which files under a folder are data, so that ingest, the crawler,
the prep step, the Glue shim and the jobs cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from playgrounds.errors import InputError

# A lake root: the argument, else $PLAYGROUNDS_LAKE, else ./lake.
LAKE_ENV = "PLAYGROUNDS_LAKE"
DEFAULT_LAKE_ROOT = "lake"
# A lake root holds these zones, the results of CREATE TABLE AS without a
# location (Athena's query results location), and the catalog.
RAW_ZONE = "raw"
PROCESSED_ZONE = "processed"
ZONES: tuple[str, ...] = (RAW_ZONE, PROCESSED_ZONE)
RESULTS_FOLDER = "results"
CATALOG_FOLDER = "catalog"
LAKE_FOLDERS: tuple[str, ...] = (*ZONES, RESULTS_FOLDER, CATALOG_FOLDER)

# The raw zone's tables, named as the workshop's S3 folders (the crawler turns
# "income-ny" into the table income_ny).
INCOME_TABLE = "income-ny"
PARKS_TABLE = "parks"
PLAYGROUNDS_TABLE = "playgrounds"
# The workshop's crawler names the processed table after its folder.
PROCESSED_TABLE = "processed"
# The training matrix (label first, no header) the workshop crawls into a `train` table.
TRAIN_TABLE = "train"
TRAIN_FILE = "train.csv"
# Beside the zones: what the ML steps make (feature list, models, the report).
ML_FOLDER = "ml"
# Beside the zones: the workflow definitions' run history (GetWorkflowRun shapes).
WORKFLOWS_FOLDER = "workflows"

# A Hive-style partition folder, ``key=value``, as Spark and Glue crawlers read it.
PARTITION_FOLDER = re.compile(r"^(?P<key>[^=/]+)=(?P<value>.*)$")


def is_hidden(name: str) -> bool:
    """True for a file or folder name that holds bookkeeping, not data.

    Spark, Hadoop, Hive and Glue crawlers skip names starting with ``.`` or
    ``_`` (``_SUCCESS``, ``.crc`` files, ``_temporary``), and the lake's atomic
    writes stage in hidden ``.name.tmp-*`` siblings for the same reason.
    """
    return name.startswith((".", "_"))


def data_files(path: Path) -> list[Path]:
    """The data files under ``path``, sorted: itself if it is a file, else every visible file.

    A file counts only when no part of its path below ``path`` is hidden, so a
    staging folder left by a killed write is never read as data.
    """
    if path.is_file():
        return [path]
    return sorted(
        file
        for file in path.rglob("*")
        if file.is_file() and not any(is_hidden(part) for part in file.relative_to(path).parts)
    )


def partition_folders(folder: Path) -> list[Path]:
    """The visible ``key=value`` sub-folders of ``folder``, sorted by name."""
    if not folder.is_dir():
        return []
    return sorted(
        child
        for child in folder.iterdir()
        if child.is_dir() and not is_hidden(child.name) and PARTITION_FOLDER.match(child.name)
    )


def _partition_order(folder: Path) -> tuple[int, int | str]:
    # Numbers as numbers (month=10 after month=9), and before any text value.
    match = PARTITION_FOLDER.match(folder.name)
    value = match.group("value") if match else folder.name
    return (0, int(value)) if value.isdigit() else (1, value)


def latest_partition(table: Path) -> Path:
    """The newest ``key=value`` leaf folder of a table (numeric values compared as numbers)."""
    current = table
    while children := partition_folders(current):
        current = max(children, key=_partition_order)
    if current == table:
        raise InputError(f"{table} has no year=/month=/day= partition folders")
    return current


def date_partition(day: dt.date) -> str:
    """The workshop's partition path: ``year=2019/month=7/day=4`` (not zero-padded)."""
    return f"year={day.year}/month={day.month}/day={day.day}"


def day_predicate(day: dt.date) -> str:
    """The workshop's push-down predicate for one ``year=/month=/day=`` partition."""
    return f"(year=='{day.year}' and month=='{day.month}' and day=='{day.day}')"


def year_predicate(year: int) -> str:
    """The push-down predicate for one ``year=`` partition (the income table's layout)."""
    return f"(year=='{year}')"


@dataclass(frozen=True)
class IncomeYears:
    """The IRS income years to read: one year, or the inclusive range ``first``-``last``."""

    first: int
    last: int

    @property
    def years(self) -> tuple[int, ...]:
        """Every year of the range, in order."""
        return tuple(range(self.first, self.last + 1))

    @property
    def is_range(self) -> bool:
        """True for more than one year (``2016-2016`` is the single year 2016)."""
        return self.last > self.first

    def __str__(self) -> str:
        return f"{self.first}-{self.last}" if self.is_range else str(self.first)


_YEAR = r"[0-9]{4}"
_INCOME_YEARS = re.compile(rf"^\s*(?P<first>{_YEAR})\s*(?:-\s*(?P<last>{_YEAR})\s*)?$")


def parse_income_years(value: str | int | IncomeYears) -> IncomeYears:
    """``2016`` or the inclusive range ``2014-2016``; the caller names its flag in the error."""
    if isinstance(value, IncomeYears):
        return value
    text = str(value)
    found = _INCOME_YEARS.match(text)
    if found is None:
        raise InputError(f"{text!r} is not a year like 2016 or a range like 2014-2016")
    first = int(found["first"])
    last = int(found["last"] or first)
    if last < first:
        raise InputError(
            f"{text!r} is not a range like 2014-2016: its first year is after its last"
        )
    return IncomeYears(first, last)


def income_years_predicate(years: IncomeYears) -> str:
    """The push-down predicate for the ``year=`` partitions of ``years``.

    A single year keeps the workshop's spelling; a range lists its years, as
    the crawler registers partition values as strings (no string ``BETWEEN``).
    """
    if not years.is_range:
        return year_predicate(years.first)
    listed = ", ".join(f"'{year}'" for year in years.years)
    return f"(year in ({listed}))"


def processed_key(day: dt.date) -> str:
    """``processed/year=Y/month=M/day=D``: the prep step's partition of ``day`` in its zone."""
    return f"{PROCESSED_TABLE}/{date_partition(day)}"


def parse_day(value: str | dt.date) -> dt.date:
    """A partition day from ``2019-07-04`` or ``today`` (the run's date, as in the workshop)."""
    if isinstance(value, dt.date):
        return value
    text = value.strip()
    if text.lower() == "today":
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError as bad:
        raise InputError(f"{value!r} is not a date like 2019-07-04 (or 'today')") from bad
