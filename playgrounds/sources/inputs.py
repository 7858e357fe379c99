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
import functools
import gzip
import itertools
import operator
import re
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from playgrounds.errors import InputError, PlaygroundsError, reading_input, spark_failure
from playgrounds.lake.layout import (
    INCOME_TABLE,
    PARKS_TABLE,
    PLAYGROUNDS_TABLE,
    IncomeYears,
    data_files,
    latest_partition,
    parse_income_years,
    partition_folders,
)
from playgrounds.spark import repeated_name
from playgrounds.transforms.columns import missing_columns, resolve_column
from playgrounds.transforms.income import (
    INCOME_COLUMNS,
    INCOME_PARTITION,
    REQUIRED_INCOME_COLUMNS,
)
from playgrounds.transforms.prep import REQUIRED_PARKS_COLUMNS, REQUIRED_PLAYGROUNDS_COLUMNS

# The published names are DPR_Parks_001.json and DPR_Playgrounds_001.json; the
# generated samples are DPR_Parks_sample.json and DPR_Playgrounds_sample.json.
PARKS_FILE_PATTERN = "DPR_Parks*.json"
PLAYGROUNDS_FILE_PATTERN = "DPR_Playgrounds*.json"
INCOME_FILE_PATTERN = "*zpallagi*.csv*"

_DIGITS = r"^\s*\d+\s*$"
# How a failed whole-number check marks its message (fields split by the unit separator).
_BAD_NUMBER = "playgrounds-not-a-whole-number"
_FIELD = "\x1f"


@dataclass(frozen=True)
class RawInputs:
    """Where each input lives; ``*_base`` is the table folder for partition discovery.

    For a range of income years, ``income`` is the folder holding them (the
    ``income-ny`` table, or the folder of published files), ``income_parts``
    the ``year=`` partition folder or IRS file of each of ``income_years``.
    """

    income: Path
    parks: Path
    playgrounds: Path
    parks_base: Path | None = None
    playgrounds_base: Path | None = None
    income_parts: tuple[Path, ...] = ()
    income_years: tuple[int, ...] = ()


def _published_name(year: int) -> str:
    # The IRS names each year's file by its last two digits: 16zpallagi.csv.
    return f"{year % 100:02d}zpallagi"


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
        chosen = [c for c in candidates if c.name.startswith(_published_name(year))]
        if len(chosen) != 1:
            listed = ", ".join(c.name for c in candidates)
            raise InputError(
                f"{raw} holds no single IRS file for {year} "
                f"(expected {_published_name(year)}.csv among {listed})"
            )
        return chosen[0]
    if len(candidates) > 1:
        listed = ", ".join(c.name for c in candidates)
        raise InputError(f"{raw} holds several IRS income files ({listed}): choose one year")
    return candidates[0]


def _years_listed(years: Sequence[int]) -> str:
    return ", ".join(str(year) for year in years)


def _income_range(raw: Path, years: IncomeYears) -> tuple[Path, tuple[Path, ...]]:
    """The folder holding a range of income years, and each year's partition folder or file.

    Every year must be there: a range read with a year missing would look
    complete and not be.
    """
    income_table = raw / INCOME_TABLE
    _require_folder_if_present(income_table)
    if income_table.is_dir():
        partitions = tuple(income_table / f"{INCOME_PARTITION}={year}" for year in years.years)
        missing = [
            year for year, part in zip(years.years, partitions, strict=True) if not part.is_dir()
        ]
        if missing:
            held = ", ".join(p.name for p in partition_folders(income_table)) or "none"
            raise InputError(
                f"{income_table} has no {INCOME_PARTITION}= partition for "
                f"{_years_listed(missing)} of the range {years} (it holds {held})"
            )
        return income_table, partitions
    candidates = sorted(raw.glob(INCOME_FILE_PATTERN))
    for candidate in candidates:
        _require_file(candidate, "the IRS ZIP-code income CSV")
    chosen = {
        year: [c for c in candidates if c.name.startswith(_published_name(year))]
        for year in years.years
    }
    missing = [year for year, files in chosen.items() if not files]
    if missing:
        expected = ", ".join(f"{_published_name(year)}.csv" for year in missing)
        listed = ", ".join(c.name for c in candidates) or "none"
        raise InputError(
            f"{raw} has no IRS file for {_years_listed(missing)} of the range {years} "
            f"(expected {expected}; it holds {listed})"
        )
    several = next(((year, files) for year, files in chosen.items() if len(files) > 1), None)
    if several is not None:
        year, files = several
        listed = ", ".join(c.name for c in files)
        raise InputError(f"{raw} holds several IRS files for {year} ({listed}): keep one")
    return raw, tuple(files[0] for files in chosen.values())


def _require_one_header(headers: Sequence[tuple[Path, list[str]]]) -> None:
    """One CSV read maps every file's columns by the first file's header: they must agree."""
    present = [(file, header) for file, header in headers if header]  # empty: read_income's
    if not present:
        return
    first, expected = present[0]
    for file, header in present[1:]:
        if [name.lower() for name in header] == [name.lower() for name in expected]:
            continue
        pairs = zip(header, expected, strict=False)  # a shorter header: see below
        differing = next((i for i, (a, b) in enumerate(pairs) if a.lower() != b.lower()), None)
        how = (
            f"it has {len(header)} columns, not {len(expected)}"
            if differing is None
            else f"its column {differing + 1} is {header[differing]}, not {expected[differing]}"
        )
        raise InputError(
            f"{file} has another header than {first} ({how}): the files of one income "
            f"folder are parsed with one header, so they must share it"
        )


def locate_raw_inputs(
    raw: Path, *, income_year: int | str | IncomeYears | None = None
) -> RawInputs:
    """Find the three inputs under ``raw`` (lake layout first, then published files).

    ``income_year`` chooses the income year where several are present, or a
    range of them (``2014-2016``: every year must be there); without it the
    raw zone's newest ``year=`` partition is read, and a folder of published
    files must hold only one.
    """
    if not raw.exists():
        raise InputError(f"input folder {raw} does not exist")
    if not raw.is_dir():
        raise InputError(f"input path {raw} is not a folder")

    years = None if income_year is None else parse_income_years(income_year)
    income_parts: tuple[Path, ...] = ()
    if years is not None and years.is_range:
        income, income_parts = _income_range(raw, years)
    else:
        income = _income_input(raw, None if years is None else years.first)

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
    return RawInputs(
        income,
        parks,
        playgrounds,
        parks_base,
        playgrounds_base,
        income_parts=income_parts,
        income_years=years.years if income_parts and years is not None else (),
    )


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


def _whole_numbers(name: str) -> Column:
    """``name`` as a long, failing the query on the first value that is not a whole number.

    The check rides along the query that uses the column, so the file is
    parsed once, and it is deterministic (no ``input_file_name``), so Spark
    still filters the state's rows before it: a full-US file pays the check
    only on the rows prep keeps. :func:`evaluating_income` turns the failure
    into a sentence.
    """
    value = F.col(name)
    report = F.raise_error(F.concat_ws(_FIELD, F.lit(_BAD_NUMBER), F.lit(name), value))
    return F.when(value.isNotNull() & ~value.rlike(_DIGITS), report).otherwise(value.cast("long"))


def read_income(spark: SparkSession, path: Path, *, state: str | None = None) -> DataFrame:
    """Read the IRS CSV, check its header, and type the workshop's columns as long.

    Every column is read as a string, so a value that is not a whole number
    fails the query that reads it instead of silently becoming null. The
    failure comes when the frame is evaluated: do that inside
    :func:`evaluating_income` to get the sentence naming the file and line.
    ``path`` is a file or a folder of files sharing one header.
    ``state``: only that state's rows (``STATE`` equal to it), which lets the
    read skip parsing the other states' lines (see :func:`_may_be_state_row`).
    """
    _require_not_empty(path)
    files = data_files(path)
    with reading_input(_named_input(path)):
        if not any(_has_data_row(file) for file in files):
            raise InputError(f"{path} has a header but no rows")
        headers = [(file, _header(file)) for file in files]
        for file, header in headers:
            require_distinct_columns(header, file)
        _require_one_header(headers)
        if state is None:
            df = spark.read.option("header", True).csv(str(path))
        else:
            df = _state_rows(spark.read.text(str(path)), headers[0][1], state)
        _require_columns(
            df, REQUIRED_INCOME_COLUMNS, path, "the IRS SOI ZIP-code income CSV header"
        )
    numeric = {resolve_column(df, code) for code in INCOME_COLUMNS}
    return df.select(
        *[_whole_numbers(c).alias(c) if c in numeric else F.col(c) for c in df.columns]
    )


def _state_rows(lines: DataFrame, header: Sequence[str], state: str) -> DataFrame:
    """The rows of ``state`` from a CSV read as text lines, parsed as Spark's CSV reader would.

    Only the lines that can hold the state are parsed: on a whole-US file that
    is one line in fifty, and parsing a 147-column line costs far more than
    looking for a few bytes in it (measured in BENCHMARKS.md). Each column is a
    string, named by ``header`` (an unnamed one ``_c<i>``, as Spark names it).
    The partition columns of the text read (``year``) are kept.
    """
    names = [name or f"_c{index}" for index, name in enumerate(header)]
    schema = ", ".join(f"`{name.replace('`', '``')}` STRING" for name in names)
    partitions = [name for name in lines.columns if name != "value"]
    lowered = [name.lower() for name in names]
    state_column = names[lowered.index("state")] if "state" in lowered else None
    if state_column is None:
        # No STATE: the header check that follows names what is missing.
        return lines.select(F.from_csv("value", schema).alias("row"), *partitions).select(
            "row.*", *partitions
        )
    kept = lines.filter(
        _may_be_state_row(F.col("value"), names.index(state_column), len(names), state)
    )
    return (
        kept.select(F.from_csv("value", schema).alias("row"), *partitions)
        .select("row.*", *partitions)
        .filter(F.col(state_column) == state)
    )


def _may_be_state_row(line: Column, index: int, width: int, state: str) -> Column:
    """True for every line whose field ``index`` can be ``state`` (plain or quoted).

    A superset test on the raw text (other lines may pass it, the parsed
    ``STATE`` decides), so no line of the state is ever lost before parsing.
    """
    forms = (state, f'"{state}"')
    if width == 1:
        tests = [line == form for form in forms]
    elif index == 0:
        tests = [line.startswith(f"{form},") for form in forms]
    elif index == width - 1:
        tests = [line.endswith(f",{form}") for form in forms]
    else:
        tests = [line.contains(f",{form},") for form in forms]
    return functools.reduce(operator.or_, tests)


def _bad_number(error: BaseException) -> tuple[str, str] | None:
    """The column and value of a failed whole-number check in a Spark error, if one."""
    found = re.search(rf"{_BAD_NUMBER}{_FIELD}([^{_FIELD}]*){_FIELD}([^\n]*)", str(error))
    return None if found is None else (found[1], found[2])


@contextmanager
def evaluating_income(path: Path, *, parts: Sequence[Path] = ()) -> Iterator[None]:
    """Around the query that evaluates :func:`read_income`'s frame: its failures as sentences.

    A value that is not a whole number names its file and line (only on this
    error path is the file read again, to find the line); an unreadable file
    (a truncated gzip stream) names the file, as Spark's reading errors do.
    """
    try:
        yield
    except PlaygroundsError:
        raise
    except Exception as error:
        bad = _bad_number(error)
        if bad is not None:
            column, value = bad
            where = _line_of_value(_income_files(path, parts), column, value)
            place = f"{where[0]} line {where[1]}" if where else str(_named_input(path))
            raise InputError(
                f"{place}: column {column} holds {value!r}, expected a whole number"
            ) from None
        sentence = spark_failure(error, reading=_named_input(path))
        if sentence is None:
            raise
        raise InputError(sentence) from error


def _income_files(path: Path, parts: Sequence[Path]) -> list[Path]:
    """The data files of ``parts`` (a range of income years), else of ``path``."""
    return [file for part in parts or [path] for file in data_files(part)]


def read_located_income(
    spark: SparkSession, inputs: RawInputs, *, state: str | None = None
) -> DataFrame:
    """The located income: one year as :func:`read_income` reads it, or every year of a range.

    ``state``: only that state's rows, as :func:`read_income` reads them.
    A range reads each year on its own (the IRS changes its columns between
    years) and stacks them by column name, a column a year lacks being null;
    each row carries its year in ``year``. Evaluate the frame inside
    ``evaluating_income(inputs.income, parts=inputs.income_parts)``.
    """
    if not inputs.income_parts:
        return read_income(spark, inputs.income, state=state)
    years = [
        read_income(spark, part, state=state).withColumn(INCOME_PARTITION, F.lit(year))
        for part, year in zip(inputs.income_parts, inputs.income_years, strict=True)
    ]
    return functools.reduce(
        lambda stacked, year: stacked.unionByName(year, allowMissingColumns=True), years
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
