"""Overhead of running the prep job through the awsglue shim vs the same transforms on bare PySpark.

Same inputs (the real NYC 2019 data in ../shared/data/nyc-2019, laid out as
the ingest jobs write the raw zone), same SparkSession, alternating runs, a
warm-up of each first. Prints the median of the per-pair ratios
shim / bare (target: at most 1.10). Skips (exit 0) when the data is absent.

    .venv/bin/python benchmarks/shim_overhead.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pyspark.sql import SparkSession

REPO = Path(__file__).resolve().parents[1]
REAL_DATA = REPO.parent / "shared" / "data" / "nyc-2019"
DAY = dt.date(2019, 7, 4)
PARTITION = f"year={DAY.year}/month={DAY.month}/day={DAY.day}"
DATABASE = "bench-raw"


def build_raw_zone(spark: SparkSession, raw: Path) -> Path:
    """The raw zone from the real files; returns a catalog map naming its three tables."""
    income = raw / "income-ny" / "year=2016"
    income.mkdir(parents=True)
    shutil.copy(REAL_DATA / "16zpallagi_ny.csv.gz", income / "income.csv.gz")
    for table, name in (
        ("parks", "DPR_Parks_001.json"),
        ("playgrounds", "DPR_Playgrounds_001.json"),
    ):
        frame = spark.read.option("multiLine", True).json(str(REAL_DATA / name))
        frame.write.parquet(str(raw / table / PARTITION))
    mapping = raw.parent / "catalog.json"
    mapping.write_text(
        json.dumps(
            {
                DATABASE: {
                    "income_ny": {
                        "path": str(raw / "income-ny"),
                        "format": "csv",
                        "format_options": {"withHeader": True},
                    },
                    "parks": {"path": str(raw / "parks")},
                    "playgrounds": {"path": str(raw / "playgrounds")},
                }
            }
        )
    )
    return mapping


def run_bare(spark: SparkSession, raw: Path, out: Path) -> None:
    """The prep job's work with the library on bare PySpark: read, transform, write."""
    from playgrounds.glue.helpers import processed_location
    from playgrounds.transforms.prep import prepare_for_ml

    income = (
        spark.read.option("header", True).option("inferSchema", True).csv(str(raw / "income-ny"))
    )
    income = income.where("year = 2016").where(income["STATE"] == "NY")
    parks = spark.read.parquet(str(raw / "parks")).where("year = 2019 and month = 7 and day = 4")
    playgrounds = spark.read.parquet(str(raw / "playgrounds")).where(
        "year = 2019 and month = 7 and day = 4"
    )
    prepared = prepare_for_ml(income, parks, playgrounds, state="NY")
    prepared.coalesce(1).write.mode("overwrite").parquet(processed_location(str(out), DAY))


def run_shim(spark: SparkSession, mapping: Path, out: Path, lake: Path) -> None:
    """jobs/prep_data_for_ml.py through the local runner (the glue-local way)."""
    from playgrounds.glue.runner import LocalRun, run_job

    args = (
        "--raw_database", DATABASE, "--processed_zone", str(out), "--date", DAY.isoformat(),
        "--income_year", "2016", "--state", "NY",
    )  # fmt: skip
    run = LocalRun(
        job=REPO / "jobs" / "prep_data_for_ml.py", args=args, lake=lake, catalog_map=mapping
    )
    run_job(run, spark=spark)


def main() -> int:
    """Run the pairs and print the median ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    options = parser.parse_args()
    if not REAL_DATA.is_dir():
        print(f"skipped: real data not found at {REAL_DATA}")
        return 0
    import os

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from playgrounds.spark import spark_session

    spark = spark_session("bench-shim-overhead")
    work = Path(tempfile.mkdtemp(prefix="shim-overhead-"))
    try:
        mapping = build_raw_zone(spark, work / "raw")
        bare_out, shim_out = work / "bare", work / "shim"
        run_bare(spark, work / "raw", bare_out)  # warm-up: JIT, Python workers, caches
        run_shim(spark, mapping, shim_out, work / "lake")
        written = spark.read.parquet(str(shim_out / "processed" / PARTITION))
        expected = spark.read.parquet(str(bare_out / "processed" / PARTITION))
        same = written.schema == expected.schema and not (
            written.exceptAll(expected).count() or expected.exceptAll(written).count()
        )
        if not same:
            print("error: the shim's output differs from the bare run's")
            return 1
        ratios = []
        for i in range(options.repeats):
            # Alternate which side goes first, so neither always runs on a warmer JVM.
            order = ("bare", "shim") if i % 2 == 0 else ("shim", "bare")
            seconds: dict[str, float] = {}
            for side in order:
                # Start each run with both heaps collected, so that neither side
                # pays for the other's garbage.
                gc.collect()
                spark.sparkContext._jvm.System.gc()  # type: ignore[union-attr]
                started = time.perf_counter()
                if side == "bare":
                    run_bare(spark, work / "raw", bare_out)
                else:
                    run_shim(spark, mapping, shim_out, work / "lake")
                seconds[side] = time.perf_counter() - started
            bare, shim = seconds["bare"], seconds["shim"]
            ratios.append(shim / bare)
            print(f"pair {i + 1}: bare {bare:.2f}s  shim {shim:.2f}s  ratio {shim / bare:.2f}")
        median = statistics.median(ratios)
        print(
            f"median shim/bare ratio over {options.repeats} pairs: {median:.2f}x (target <= 1.10x)"
        )
        print(f"rows: {spark.read.parquet(str(shim_out / 'processed' / PARTITION)).count()}")
        return 0
    finally:
        spark.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
