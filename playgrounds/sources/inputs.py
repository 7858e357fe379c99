"""Find and read the prep step's three inputs: the raw lake layout or the published files.

Two layouts are accepted under one folder:

* the raw lake the ingest jobs write: ``income-ny/year=YYYY/*.csv``,
  ``parks/year=Y/month=M/day=D/*.parquet``, ``playgrounds/year=Y/month=M/day=D/*.parquet``;
* the published files side by side: ``*zpallagi*.csv`` (or ``.csv.gz``),
  ``DPR_Parks*.json``, ``DPR_Playgrounds*.json`` (the published
  ``DPR_Parks_001.json``, or the samples' ``DPR_Parks_sample.json``).

Every problem is an :class:`InputError` naming the file, and the column or row.
"""

from __future__ import annotations

import csv
import gzip
import itertools
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from playgrounds.errors import InputError, reading_input
from playgrounds.lake.layout import (
    INCOME_TABLE,
    PARKS_TABLE,
    PLAYGROUNDS_TABLE,
    data_files,
    latest_partition,
    partition_folders,
)
from playgrounds.spark import repeated_name
from playgrounds.transforms.columns import missing_columns, resolve_column
from playgrounds.transforms.income import INCOME_COLUMNS, REQUIRED_INCOME_COLUMNS
from playgrounds.transforms.prep import REQUIRED_PARKS_COLUMNS, REQUIRED_PLAYGROUNDS_COLUMNS

# The published names are DPR_Parks_001.json and DPR_Playgrounds_001.json; the
# generated samples are DPR_Parks_sample.json and DPR_Playgrounds_sample.json.
PARKS_FILE_PATTERN = "DPR_Parks*.json"
PLAYGROUNDS_FILE_PATTERN = "DPR_Playgrounds*.json"
INCOME_FILE_PATTERN = "*zpallagi*.csv*"

_DIGITS = r"^\s*\d+\s*$"


@dataclass(frozen=True)
class RawInputs:
    """Where each input lives; ``*_base`` is the table folder for partition discovery."""

    income: Path
    parks: Path
    playgrounds: Path
    parks_base: Path | None = None
    playgrounds_base: Path | None = None


def _income_input(raw: Path, year: int | None) -> Path:
    """The income year's partition or file: ``year``, else the only (or newest partition)."""
    income_table = raw / INCOME_TABLE
    _require_folder_if_present(income_table)
    if income_table.is_dir():
        if year is None:
            return latest_partition(income_table)
        partition = income_table / f"year={year}"
        if not partition.is_dir():
            held = ", ".join(p.name for p in partition_folders(income_table)) or "none"
            raise InputError(f"{income_table} has no {partition.name} partition (it holds {held})")
        return partition
    candidates = sorted(raw.glob(INCOME_FILE_PATTERN))
    for candidate in candidates:
        _require_file(candidate, "the IRS ZIP-code income CSV")
    if not candidates:
        raise InputError(
            f"no income input in {raw}: expected {INCOME_TABLE}/year=YYYY/ "
            f"or an IRS file named like 16zpallagi.csv"
        )
    if year is not None:
        # The IRS names each year's file by its last two digits: 16zpallagi.csv.
        chosen = [c for c in candidates if c.name.startswith(f"{year % 100:02d}zpallagi")]
        if len(chosen) != 1:
            listed = ", ".join(c.name for c in candidates)
            raise InputError(
                f"{raw} holds no single IRS file for {year} "
                f"(expected {year % 100:02d}zpallagi.csv among {listed})"
            )
        return chosen[0]
    if len(candidates) > 1:
        listed = ", ".join(c.name for c in candidates)
        raise InputError(f"{raw} holds several IRS income files ({listed}): choose one year")
    return candidates[0]


def locate_raw_inputs(raw: Path, *, income_year: int | None = None) -> RawInputs:
    """Find the three inputs under ``raw`` (lake layout first, then published files).

    ``income_year`` chooses the income year where several are present; without
    it the raw zone's newest ``year=`` partition is read, and a folder of
    published files must hold only one.
    """
    if not raw.exists():
        raise InputError(f"input folder {raw} does not exist")
    if not raw.is_dir():
        raise InputError(f"input path {raw} is not a folder")

    income = _income_input(raw, income_year)

    def json_or_table(table: str, pattern: str) -> tuple[Path, Path | None]:
        _require_folder_if_present(raw / table)
        if (raw / table).is_dir():
            return latest_partition(raw / table), raw / table
        found = sorted(raw.glob(pattern))
        for candidate in found:
            _require_file(candidate, f"the NYC Parks {table} JSON file")
        if len(found) > 1:
            listed = ", ".join(p.name for p in found)
            raise InputError(f"{raw} holds several {table} files ({listed}): keep one")
        if found:
            return found[0], None
        raise InputError(
            f"no {table} input in {raw}: expected {table}/year=Y/month=M/day=D/ "
            f"or a file named like {pattern}"
        )

    parks, parks_base = json_or_table(PARKS_TABLE, PARKS_FILE_PATTERN)
    playgrounds, playgrounds_base = json_or_table(PLAYGROUNDS_TABLE, PLAYGROUNDS_FILE_PATTERN)
    return RawInputs(income, parks, playgrounds, parks_base, playgrounds_base)


def _require_folder_if_present(table: Path) -> None:
    if table.exists() and not table.is_dir():
        raise InputError(f"{table} is a file where the {table.name} table's folder is expected")


def _require_file(path: Path, what: str) -> None:
    if path.is_dir():
        raise InputError(f"{path} is a folder where a file is expected ({what})")


def require_distinct_columns(columns: Sequence[str], path: Path | str) -> None:
    """One sentence naming a column present twice (case-insensitively) and its positions."""
    repeated = repeated_name(columns)
    if repeated is not None:
        first, second = (columns[i] for i in repeated)
        spelled = f" (as {first} and {second})" if first != second else ""
        raise InputError(
            f"{path} has column {second} twice{spelled}: "
            f"columns {repeated[0] + 1} and {repeated[1] + 1}"
        )


def _named_input(path: Path) -> Path:
    """The file to name when Spark fails reading ``path``: the one file of a folder, if one."""
    files = data_files(path)
    return files[0] if len(files) == 1 else path


def _require_not_empty(path: Path) -> None:
    files = data_files(path)
    if not files:
        raise InputError(f"{path} holds no data files")
    if all(f.stat().st_size == 0 for f in files):
        raise InputError(f"{files[0]} is empty")


def _require_columns(df: DataFrame, required: Sequence[str], path: Path, what: str) -> None:
    missing = missing_columns(df, required)
    if missing:
        raise InputError(
            f"{path} lacks column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(expected {what})"
        )


def _open_text(path: Path) -> TextIO:
    # utf-8-sig: a byte-order mark (Excel writes one) is not part of the first column's name.
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    try:
        with _open_text(path) as handle:
            yield from enumerate(csv.reader(handle), start=1)
    except EOFError:
        raise InputError(f"{path} is a truncated gzip file (it ends early)") from None
    except (gzip.BadGzipFile, zlib.error) as error:
        raise InputError(f"{path} is not valid gzip data ({error})") from None
    except UnicodeDecodeError as error:
        raise InputError(f"{path} is not UTF-8 text (byte {error.start} of a line)") from None


def _header(path: Path) -> list[str]:
    return next((row for _, row in _csv_rows(path)), [])


def _has_data_row(path: Path) -> bool:
    """True when the CSV has a non-blank line after its header (reads a few lines, not the file)."""
    rows = itertools.islice(_csv_rows(path), 100)
    return any(line > 1 and any(field.strip() for field in row) for line, row in rows)


def _line_of_value(files: Sequence[Path], column: str, value: str) -> tuple[Path, int] | None:
    """Find the file and line holding ``value`` in ``column``: only run on the error path."""
    for path in files:
        header: list[str] = []
        for line, row in _csv_rows(path):
            if line == 1:
                header = [name.lower() for name in row]
                continue
            index = header.index(column.lower()) if column.lower() in header else -1
            if 0 <= index < len(row) and row[index] == value:
                return path, line
    return None


def read_income(spark: SparkSession, path: Path) -> DataFrame:
    """Read the IRS CSV, check its columns and numbers, and type the workshop's columns as long.

    Every column is read as a string first so that a non-numeric value is
    reported with its file and line instead of silently becoming null.
    """
    _require_not_empty(path)
    with reading_input(_named_input(path)):
        if not any(_has_data_row(file) for file in data_files(path)):
            raise InputError(f"{path} has a header but no rows")
        for file in data_files(path):
            require_distinct_columns(_header(file), file)
        df = spark.read.option("header", True).csv(str(path))
        _require_columns(
            df, REQUIRED_INCOME_COLUMNS, path, "the IRS SOI ZIP-code income CSV header"
        )
        numeric = [resolve_column(df, code) for code in INCOME_COLUMNS]
        is_bad = [
            F.when(F.col(name).isNotNull() & ~F.col(name).rlike(_DIGITS), F.lit(name))
            for name in numeric
        ]
        first_bad = (
            df.select(F.coalesce(*is_bad).alias("column"), *numeric)
            .filter(F.col("column").isNotNull())
            .first()
        )
    if first_bad is not None:
        column = first_bad["column"]
        value = first_bad[column]
        where = _line_of_value(data_files(path), column, value)
        place = f"{where[0]} line {where[1]}" if where else str(path)
        raise InputError(f"{place}: column {column} holds {value!r}, expected a whole number")
    return df.select(
        *[F.col(c).cast("long").alias(c) if c in numeric else F.col(c) for c in df.columns]
    )


def _require_json_array(path: Path) -> None:
    for file in data_files(path):
        with open(file, "rb") as handle:
            head = handle.read(4096).removeprefix(b"\xef\xbb\xbf").lstrip()
        if not head:
            raise InputError(f"{file} is empty")
        if not head.startswith(b"["):
            shown = head[:20].decode("utf-8", "replace")
            raise InputError(f"{file} is not a JSON array of objects (it starts with {shown!r})")


def _read_records(
    spark: SparkSession, path: Path, base: Path | None, required: Sequence[str], what: str
) -> DataFrame:
    _require_not_empty(path)
    with reading_input(_named_input(path)):
        if path.is_file() and path.suffix == ".json":
            _require_json_array(path)
            df = spark.read.option("multiLine", True).json(str(path))
            if "_corrupt_record" in df.columns:
                raise InputError(f"{path} is not valid JSON: expected a JSON array of objects")
        else:
            reader = spark.read
            if base is not None:
                reader = reader.option("basePath", str(base))
            df = reader.parquet(str(path))
    if not df.columns:
        raise InputError(f"{path} holds no records")
    require_distinct_columns(df.columns, path)
    _require_columns(df, required, path, what)
    return df


def read_parks(spark: SparkSession, path: Path, base: Path | None = None) -> DataFrame:
    """Read the NYC Parks directory (published JSON or the raw lake's Parquet)."""
    return _read_records(
        spark, path, base, REQUIRED_PARKS_COLUMNS, "the NYC Parks directory fields"
    )


def read_playgrounds(spark: SparkSession, path: Path, base: Path | None = None) -> DataFrame:
    """Read the NYC Parks playgrounds (published JSON or the raw lake's Parquet)."""
    return _read_records(
        spark, path, base, REQUIRED_PLAYGROUNDS_COLUMNS, "the NYC Parks playgrounds fields"
    )
