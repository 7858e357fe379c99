"""A range of income years: parsed, located in either layout, read in one pass, told apart."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from playgrounds.cli import cli
from playgrounds.errors import InputError
from playgrounds.lake.layout import IncomeYears, income_years_predicate, parse_income_years
from playgrounds.ml.features import build_features
from playgrounds.pipeline.prep import run_prep
from playgrounds.sources.inputs import locate_raw_inputs
from playgrounds.transforms.prep import OUTPUT_COLUMNS

DAY = dt.date(2019, 7, 4)
# The samples' prep output (README): 345 rows, playgrounds without income included.
SAMPLE_ROWS = 345
JSON_FILES = ("DPR_Parks_sample.json", "DPR_Playgrounds_sample.json")


def income_of_year(samples_dir: Path, year: int) -> str:
    """The samples' IRS file with every N1 (num_of_returns) ``year``: rows show their year."""
    rows = list(csv.reader((samples_dir / "16zpallagi.csv").read_text().splitlines()))
    returns = rows[0].index("N1")
    for row in rows[1:]:
        row[returns] = str(year)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def lake_raw(tmp_path: Path, samples_dir: Path, years: tuple[int, ...]) -> Path:
    """A raw zone with ``income-ny/year=Y/`` for each of ``years`` and the published JSON."""
    raw = tmp_path / "raw"
    for year in years:
        partition = raw / "income-ny" / f"year={year}"
        partition.mkdir(parents=True)
        (partition / "income.csv").write_text(income_of_year(samples_dir, year))
    for name in JSON_FILES:
        shutil.copy(samples_dir / name, raw / name)
    return raw


def published_raw(tmp_path: Path, samples_dir: Path, years: tuple[int, ...]) -> Path:
    """The published files side by side: ``YYzpallagi.csv`` for each of ``years``."""
    raw = tmp_path / "published"
    raw.mkdir()
    for year in years:
        (raw / f"{year % 100:02d}zpallagi.csv").write_text(income_of_year(samples_dir, year))
    for name in JSON_FILES:
        shutil.copy(samples_dir / name, raw / name)
    return raw


# ---------------------------------------------------------------- parsing (no Spark)


@pytest.mark.parametrize(
    ("text", "years", "is_range"),
    [
        ("2016", (2016,), False),
        ("2014-2016", (2014, 2015, 2016), True),
        (" 2014 - 2016 ", (2014, 2015, 2016), True),
        ("2016-2016", (2016,), False),  # a one-year range is that year: the workshop's columns
    ],
)
def test_a_year_or_an_inclusive_range(text: str, years: tuple[int, ...], is_range: bool) -> None:
    parsed = parse_income_years(text)
    assert (parsed.years, parsed.is_range) == (years, is_range)
    assert parse_income_years(2016) == IncomeYears(2016, 2016)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("16", r"^'16' is not a year like 2016 or a range like 2014-2016$"),
        ("2014-16", r"^'2014-16' is not a year like 2016 or a range like 2014-2016$"),
        ("2014..2016", r"^'2014\.\.2016' is not a year like 2016 or a range"),
        ("2014-2015-2016", r"^'2014-2015-2016' is not a year like 2016 or a range"),
        ("", r"^'' is not a year like 2016"),
        ("2016-2014", r"^'2016-2014' is not a range like 2014-2016: its first year is after"),
    ],
)
def test_anything_else_is_one_sentence(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_income_years(text)


def test_the_push_down_predicate_selects_the_years_partitions(spark: SparkSession) -> None:
    assert income_years_predicate(IncomeYears(2016, 2016)) == "(year=='2016')"  # the workshop's
    predicate = income_years_predicate(IncomeYears(2014, 2016))
    assert predicate == "(year in ('2014', '2015', '2016'))"
    # The crawler registers partition values as strings.
    partitions = spark.createDataFrame([(str(y),) for y in range(2012, 2019)], "year string")
    kept = [row.year for row in partitions.filter(F.expr(predicate)).collect()]
    assert sorted(kept) == ["2014", "2015", "2016"]


def test_the_cli_refuses_a_bad_range_before_any_work(tmp_path: Path) -> None:
    args = ["prep", "--raw", str(tmp_path), "--processed", str(tmp_path / "out")]
    result = CliRunner().invoke(cli, [*args, "--income-year", "2016-2014"])
    assert result.exit_code == 2
    assert "Invalid value for '--income-year': '2016-2014' is not a range like 2014-2016" in (
        result.output
    )


# ---------------------------------------------------------------- locating (no Spark)


def test_a_range_finds_each_years_partition(tmp_path: Path, samples_dir: Path) -> None:
    raw = lake_raw(tmp_path, samples_dir, (2013, 2014, 2015, 2016))
    inputs = locate_raw_inputs(raw, income_year="2014-2016")
    assert inputs.income == raw / "income-ny"
    assert [part.name for part in inputs.income_parts] == ["year=2014", "year=2015", "year=2016"]
    assert inputs.income_years == (2014, 2015, 2016)
    single = locate_raw_inputs(raw, income_year=IncomeYears(2015, 2015))
    assert (single.income.name, single.income_parts) == ("year=2015", ())


def test_a_range_with_a_missing_partition_names_the_missing_years(
    tmp_path: Path, samples_dir: Path
) -> None:
    raw = lake_raw(tmp_path, samples_dir, (2014, 2016))
    with pytest.raises(
        InputError,
        match=r"income-ny has no year= partition for 2012, 2013, 2015 of the range 2012-2016 "
        r"\(it holds year=2014, year=2016\)$",
    ):
        locate_raw_inputs(raw, income_year="2012-2016")


def test_a_range_picks_the_published_files_of_its_years(tmp_path: Path, samples_dir: Path) -> None:
    raw = published_raw(tmp_path, samples_dir, (2014, 2015, 2016, 2017))
    inputs = locate_raw_inputs(raw, income_year="2015-2016")
    assert [part.name for part in inputs.income_parts] == ["15zpallagi.csv", "16zpallagi.csv"]
    with pytest.raises(
        InputError,
        match=r"has no IRS file for 2012, 2013 of the range 2012-2015 \(expected "
        r"12zpallagi\.csv, 13zpallagi\.csv; it holds 14zpallagi\.csv, 15zp",
    ):
        locate_raw_inputs(raw, income_year="2012-2015")
    shutil.copy(raw / "15zpallagi.csv", raw / "15zpallagi.csv.gz.part")
    with pytest.raises(
        InputError, match=r"several IRS files for 2015 \(15zpallagi\.csv, 15zpallagi\.csv\.gz\.pa"
    ):
        locate_raw_inputs(raw, income_year="2015-2016")


# ---------------------------------------------------------------- prep (Spark)


def year_counts(spark: SparkSession, path: Path) -> dict[int | None, int]:
    """Rows per ``income_year``, after checking each row's income is its year's (one pass).

    N1 (``num_of_returns``) holds the year in each year's file.
    """
    written = spark.read.parquet(str(path))
    assert dict(written.dtypes)["income_year"] == "int"
    another_year = (F.col("num_of_returns") != F.col("income_year")).cast("int")
    rows = written.groupBy("income_year").agg(F.count("*"), F.sum(another_year)).collect()
    assert [row for row in rows if row[2]] == []
    return {row[0]: row[1] for row in rows}


def test_years_with_other_headers_are_stacked_by_column_name(
    spark: SparkSession, tmp_path: Path, samples_dir: Path
) -> None:
    # The IRS reorders and adds columns between years: each year is parsed with
    # its own header, so a value never lands in another year's column.
    raw = lake_raw(tmp_path, samples_dir, (2015, 2016))
    later = raw / "income-ny" / "year=2016" / "income.csv"
    header, rest = later.read_text().split("\n", 1)
    assert "N1,mars1" in header
    swapped = "\n".join(
        ",".join([*fields[:4], fields[5], fields[4], *fields[6:], "0"])
        for fields in (line.split(",") for line in rest.splitlines())
    )
    later.write_text(header.replace("N1,mars1", "mars1,N1") + ",EXTRA\n" + swapped + "\n")
    result = run_prep(spark, raw, tmp_path / "processed", day=DAY, income_year="2015-2016")
    counts = year_counts(spark, result.path)  # checks N1 holds each row's year
    assert counts[2015] == counts[2016] > 0


def test_one_folder_of_files_with_two_headers_is_refused(
    spark: SparkSession, tmp_path: Path, samples_dir: Path
) -> None:
    raw = lake_raw(tmp_path, samples_dir, (2016,))
    partition = raw / "income-ny" / "year=2016"
    header, rest = (partition / "income.csv").read_text().split("\n", 1)
    (partition / "more.csv").write_text(header.replace("N1,mars1", "mars1,N1") + "\n" + rest)
    with pytest.raises(
        InputError,
        match=r"year=2016/more\.csv has another header than .*year=2016/income\.csv "
        r"\(its column 5 is mars1, not N1\): the files of one income folder are parsed "
        r"with one header",
    ):
        run_prep(spark, raw, tmp_path / "processed", day=DAY)


def test_prep_over_a_raw_zone_range_tells_the_years_apart(
    spark: SparkSession, tmp_path: Path, samples_dir: Path
) -> None:
    raw = lake_raw(tmp_path, samples_dir, (2014, 2015, 2016))
    lake = tmp_path / "lake"
    result = run_prep(spark, raw, lake / "processed", day=DAY, income_year="2015-2016")
    assert result.columns == [*OUTPUT_COLUMNS, "income_year"]
    counts = year_counts(spark, result.path)
    assert set(counts) == {2015, 2016, None}  # None: playgrounds without income, kept once
    assert counts[2015] == counts[2016] > 0
    assert counts[None] + counts[2016] == SAMPLE_ROWS == result.rows - counts[2015]

    # The feature step is the notebook's, on one year: it refuses several.
    with pytest.raises(
        InputError,
        match=r"holds several income years \(column income_year\): run `playgrounds prep` "
        r"with one --income-year",
    ):
        build_features(spark, lake)


def test_prep_over_published_files_side_by_side_tells_the_years_apart(
    spark: SparkSession, tmp_path: Path, samples_dir: Path
) -> None:
    raw = published_raw(tmp_path, samples_dir, (2014, 2015, 2016))
    result = run_prep(spark, raw, tmp_path / "processed", day=DAY, income_year="2014-2015")
    assert result.columns == [*OUTPUT_COLUMNS, "income_year"]
    counts = year_counts(spark, result.path)
    assert set(counts) == {2014, 2015, None}
    assert counts[2014] == counts[2015] and counts[None] + counts[2014] == SAMPLE_ROWS


def test_a_bad_value_in_a_range_names_its_file_and_line(
    spark: SparkSession, tmp_path: Path, samples_dir: Path
) -> None:
    raw = lake_raw(tmp_path, samples_dir, (2015, 2016))
    later = raw / "income-ny" / "year=2016" / "income.csv"
    lines = later.read_text().splitlines(keepends=True)
    assert ",2016," in lines[30]  # line 31, a NY row (N1 holds the year)
    lines[30] = lines[30].replace(",2016,", ",20x6,", 1)
    later.write_text("".join(lines))
    with pytest.raises(
        InputError,
        match=r"year=2016/income\.csv line 31: column N1 holds '20x6', expected a whole number",
    ):
        run_prep(spark, raw, tmp_path / "processed", day=DAY, income_year="2015-2016")
