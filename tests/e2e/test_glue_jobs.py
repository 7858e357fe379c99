"""The jobs/ files run end to end through ``playgrounds glue-local`` (a subprocess each)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from chispa import assert_df_equality
from pyspark.sql import SparkSession

from playgrounds.lake.layout import data_files
from tests.glue.jobdata import DAY, catalog_map, expected_output, write_raw_zone

REPO = Path(__file__).resolve().parents[2]
PLAYGROUNDS = Path(sys.executable).parent / "playgrounds"


def _run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PLAYGROUNDS_LOCAL_S3": str(tmp_path / "s3")}
    return subprocess.run(
        [str(PLAYGROUNDS), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


@pytest.mark.e2e
def test_prep_job_via_glue_local_with_a_catalog_map_and_s3_output(
    spark: SparkSession, tmp_path: Path
) -> None:
    raw = tmp_path / "s3" / "demo-raw"
    write_raw_zone(spark, raw)
    mapping = tmp_path / "catalog.json"
    mapping.write_text(catalog_map("s3://demo-raw", "demo-raw"))
    result = _run(
        [
            "glue-local", "--lake", "lake", "--catalog-map", str(mapping),
            "--bookmarks", "job-bookmark-enable", "prep_data_for_ml",
            "--raw_database", "demo-raw", "--processed_zone", "s3://demo-processed/zone",
            "--date", DAY.isoformat(), "--income_year", "2016", "--state", "NY",
        ],
        tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    written = spark.read.parquet(
        str(tmp_path / "s3/demo-processed/zone/processed/year=2019/month=7/day=4")
    )
    assert_df_equality(
        written, expected_output(spark, "int"), ignore_nullable=True, ignore_row_order=True
    )
    # The three sources were bookmarked under the job's name in the lake.
    marks = sorted(p.name for p in (tmp_path / "lake/_glue_bookmarks/prep_data_for_ml").iterdir())
    assert marks == ["income_ny.json", "parks.json", "playgrounds.json"]
    # Each bookmark holds the one Parquet file of its table's day, by its resolved path.
    bookmarked = json.loads(
        (tmp_path / "lake/_glue_bookmarks/prep_data_for_ml/parks.json").read_text()
    )
    assert list(bookmarked["files"]) == [str(f.resolve()) for f in data_files(raw / "parks")]


@pytest.mark.e2e
def test_a_missing_argument_is_one_sentence_without_a_stack(tmp_path: Path) -> None:
    result = _run(["glue-local", "prep_data_for_ml", "--raw_database", "demo-raw"], tmp_path)
    assert result.returncode == 1
    assert "the following arguments are required: --processed_zone" in result.stderr
    assert "Traceback" not in result.stderr and "py4j" not in result.stderr.lower()
