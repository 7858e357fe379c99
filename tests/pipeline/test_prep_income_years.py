"""The prep Glue job over a range of income years: one push-down predicate, every year there."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from playgrounds.errors import InputError
from playgrounds.glue.runner import LocalRun, run_job
from playgrounds.transforms.prep import OUTPUT_COLUMNS
from tests.glue.jobdata import (
    DAY,
    INCOME_HEADER,
    INCOME_ROWS,
    register_raw_tables,
    write_raw_zone,
)

REPO = Path(__file__).resolve().parents[2]
PREP_JOB = REPO / "jobs" / "prep_data_for_ml.py"


def add_income_year(raw: Path, year: int, returns: int) -> None:
    """``income-ny/year=<year>/``: the job data's rows with N1 (num_of_returns) ``returns``."""
    partition = raw / "income-ny" / f"year={year}"
    partition.mkdir(parents=True)
    rows = [
        ",".join([*row.split(",")[:3], str(returns), *row.split(",")[4:]]) for row in INCOME_ROWS
    ]
    (partition / "income.csv").write_text("\n".join([INCOME_HEADER, *rows]) + "\n")


def crawled_raw_database(spark: SparkSession, raw: Path) -> str:
    """The raw tables registered as the crawler does (income partitions by ``year`` string)."""
    database = f"years-raw-{uuid.uuid4().hex[:8]}"
    register_raw_tables(spark, raw, database)
    return database


def test_the_prep_job_reads_the_year_partitions_of_a_range(
    spark: SparkSession, tmp_path: Path
) -> None:
    raw = tmp_path / "raw"
    write_raw_zone(spark, raw)  # year=2016: N1 is 100 for the row that matches a park
    add_income_year(raw, 2015, returns=2015)
    add_income_year(raw, 2014, returns=2014)  # outside the range: never read
    database = crawled_raw_database(spark, raw)
    processed = tmp_path / "processed"

    def prep(income_year: str) -> None:
        args = (
            "--raw_database", database, "--processed_zone", str(processed),
            "--date", DAY.isoformat(), "--income_year", income_year, "--state", "NY",
        )  # fmt: skip
        run_job(LocalRun(job=PREP_JOB, args=args, lake=tmp_path / "lake"), spark=spark)

    prep("2015-2016")
    written = spark.read.parquet(str(processed / "processed" / "year=2019/month=7/day=4"))
    assert written.columns == [*OUTPUT_COLUMNS, "income_year"]
    rows = {
        (row.Playground_ID, row.income_year, row.num_of_returns)
        for row in written.select("Playground_ID", "income_year", "num_of_returns").collect()
    }
    # B001-01's park matches one ZIP: one row a year; the other two playgrounds keep nulls once.
    assert rows == {
        ("B001-01", 2015, 2015),
        ("B001-01", 2016, 100),
        ("M002-01", None, None),
        ("B-01", None, None),
    }

    with pytest.raises(
        InputError,
        match=r"table years-raw-\w+\.income_ny has no year= partition for 2013 of the range "
        r"2013-2015",
    ):
        prep("2013-2015")
