"""Crawl a raw zone built from the published NYC 2019 files, then query it as an analyst would."""

from __future__ import annotations

import gzip
import json
import shutil
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pyspark.sql import SparkSession

from playgrounds.catalog.crawler import crawl
from playgrounds.sql import run_sql


def _raw_zone(data: Path, zone: Path) -> Path:
    """The raw lake layout the ingest jobs write, from the files in ../shared/data/nyc-2019."""
    income = zone / "income-ny" / "year=2016" / "income.csv"
    income.parent.mkdir(parents=True)
    with gzip.open(data / "16zpallagi_ny.csv.gz", "rb") as src, income.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    for table, name in (
        ("parks", "DPR_Parks_001.json"),
        ("playgrounds", "DPR_Playgrounds_001.json"),
    ):
        records = json.loads((data / name).read_text(encoding="utf-8"))
        # Every value as text, as the JSON has it for most fields: this test is about the crawl.
        rows = [{k: None if v is None else str(v) for k, v in r.items()} for r in records]
        folder = zone / table / "year=2019" / "month=7" / "day=4"
        folder.mkdir(parents=True)
        pq.write_table(pa.Table.from_pylist(rows), folder / "part-00000.parquet")
    return zone


@pytest.mark.e2e
@pytest.mark.real_data
def test_crawl_and_query_the_real_raw_zone(
    spark: SparkSession, real_data_dir: Path, tmp_path: Path
) -> None:
    # Throw-away test metastore: Derby without fsync (no effect if it already booted).
    spark.sparkContext._jvm.java.lang.System.setProperty("derby.system.durability", "test")  # type: ignore[union-attr]
    zone = _raw_zone(real_data_dir, tmp_path / "raw")
    started = time.perf_counter()
    report = crawl(spark, zone, "real-raw")
    seconds = time.perf_counter() - started

    assert {t.table: t.action for t in report.tables} == {
        "income_ny": "created",
        "parks": "created",
        "playgrounds": "created",
    }
    income = report.table("income_ny")
    assert income.partition_keys == ["year"]
    assert {"zipcode", "agi_stub", "n1", "a00100"} <= set(income.columns)
    assert seconds < 60

    boroughs = run_sql(
        spark,
        "SELECT substr(prop_id, 1, 1) AS borough_letter, count(*) AS parks "
        'FROM "real-raw"."parks" GROUP BY substr(prop_id, 1, 1) ORDER BY parks DESC',
    ).collect()
    counts = {row["borough_letter"]: row["parks"] for row in boroughs}
    assert set(counts) >= {"B", "M", "Q", "R", "X"}
    parks_total = len(json.loads((real_data_dir / "DPR_Parks_001.json").read_text()))
    assert sum(counts.values()) == parks_total
    returns = run_sql(
        spark,
        'SELECT count(*) AS n, sum(n1) AS returns FROM "real-raw".income_ny WHERE year = 2016',
    ).first()
    assert returns is not None
    assert returns["n"] > 1000
    assert returns["returns"] > 1_000_000
