"""End to end: `make run`'s command on the samples, and the prep step on the real data."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from pyspark.sql import SparkSession
from pyspark.sql.types import LongType, StringType

from playgrounds.pipeline.prep import run_prep
from playgrounds.transforms.income import INCOME_COLUMNS
from playgrounds.transforms.prep import OUTPUT_COLUMNS

pytestmark = pytest.mark.e2e

# Playgrounds in data/samples/ times the IRS rows their park's ZIP matches
# (six per ZIP), one row for a playground without a match: see README.
SAMPLE_ROWS = 345
# The same on the published files, reproducing the workshop exactly (README).
REAL_ROWS = 5429
REAL_ROWS_ALL_ZIPS = 8698


def check_schema(spark: SparkSession, path: Path) -> int:
    written = spark.read.parquet(str(path))
    assert written.columns == list(OUTPUT_COLUMNS)
    types = {field.name: field.dataType for field in written.schema.fields}
    assert all(types[name] == LongType() for name in INCOME_COLUMNS.values())
    assert types["Level"] == StringType() and types["Prop_ID"] == StringType()
    return written.count()


def test_make_run_command_on_the_samples(
    spark: SparkSession, tmp_path: Path, samples_dir: Path
) -> None:
    # The command `make run` runs, in its own process, as a new user would:
    # ingest data/samples/, crawl raw, prep, crawl processed, query.
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "120"}
    result = subprocess.run(
        [sys.executable, "-m", "playgrounds.cli", "run", "--lake", str(tmp_path / "lake"),
         "--date", "2019-07-04"],
        capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lake = tmp_path / "lake"
    target = lake / "processed" / "processed" / "year=2019" / "month=7" / "day=4"
    assert f"Wrote {SAMPLE_ROWS} rows x 23 columns to {target}" in result.stdout
    assert check_schema(spark, target) == SAMPLE_ROWS
    assert (lake / "raw" / "income-ny" / "year=2016" / "income.csv").is_file()
    assert "income_ny: created (csv, 147 columns" in result.stdout
    assert "processed: created (parquet, 23 columns" in result.stdout
    # The closing query's answer, recounted here from the sample JSON itself.
    records = json.loads((samples_dir / "DPR_Playgrounds_sample.json").read_text())
    per_borough = Counter(r["Prop_ID"][0] for r in records)
    level_4 = Counter(r["Prop_ID"][0] for r in records if r["Level"] == "4")
    for letter, count in per_borough.items():
        assert re.search(rf"│ {letter}\s+│ {count}\s+│ {level_4[letter]}\s+│", result.stdout)
    # The progress display named each stage on stderr.
    assert "Crawling the processed zone" in result.stderr
    assert "Reading income (income-ny/year=2016)" in result.stderr


@pytest.mark.real_data
def test_prep_on_the_published_files(
    spark: SparkSession, real_data_dir: Path, tmp_path: Path
) -> None:
    result = run_prep(spark, real_data_dir, tmp_path, day=dt.date(2019, 7, 4))
    assert result.rows == REAL_ROWS
    assert check_schema(spark, result.path) == REAL_ROWS
    prepared = spark.read.parquet(str(result.path))
    # Every published playground is kept (left outer join): the 1,269 records
    # hold 1,263 distinct (Playground_ID, School_ID, lat, lon), counted from the JSON.
    fields = ("Playground_ID", "School_ID", "lat", "lon")
    published = json.loads((real_data_dir / "DPR_Playgrounds_001.json").read_text())
    expected = {tuple(record.get(field) for field in fields) for record in published}
    kept = {tuple(row) for row in prepared.select(*fields).distinct().collect()}
    assert len(expected) == 1263
    assert kept == expected
    # A matched playground carries the IRS rows of its ZIP: six AGI brackets each.
    matched = prepared.filter("zipcode IS NOT NULL").groupBy("Prop_ID", "zipcode").count()
    assert matched.filter("count % 6 != 0").count() == 0


@pytest.mark.real_data
def test_all_zip_match_on_the_published_files(
    spark: SparkSession, real_data_dir: Path, tmp_path: Path
) -> None:
    result = run_prep(spark, real_data_dir, tmp_path, day=dt.date(2019, 7, 4), zip_match="all")
    assert result.rows == REAL_ROWS_ALL_ZIPS
