"""Overhead of running the prep job through the awsglue shim vs the same transforms on bare PySpark.

Same inputs (the real NYC 2019 data in ../shared/data/nyc-2019, laid out as
the ingest jobs write the raw zone), same SparkSession, alternating runs, a
warm-up of each first. Prints the median of the per-pair ratios
shim / bare (target: at most 1.10). Skips (exit 0) when the data is absent.

    .venv/bin/python benchmarks/shim_overhead.py [--repeats 5] [--catalog map|metastore]

``--catalog metastore`` crawls the raw zone into a local Hive metastore first,
as ``make run`` does, and both sides read its tables; the default reads the
files through a catalog map file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
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


def run_bare(spark: SparkSession, raw: Path, out: Path, metastore: bool = False) -> None:
    """The prep job's work with the library on bare PySpark: read, transform, write.

    The reads are the files themselves, or with ``metastore`` the crawled tables.
    """
    from playgrounds.catalog.names import metastore_name
    from playgrounds.pipeline.prep import write_processed
    from playgrounds.transforms.prep import prepare_for_ml

    day = "year = 2019 and month = 7 and day = 4"
    if metastore:
        db = metastore_name(DATABASE)
        income = spark.table(f"`{db}`.income_ny").where("year = 2016")
        parks = spark.table(f"`{db}`.parks").where(day)
        playgrounds = spark.table(f"`{db}`.playgrounds").where(day)
    else:
        income = (
            spark.read.option("header", True)
            .option("inferSchema", True)
            .csv(str(raw / "income-ny"))
        )
        # Whole numbers as bigint, as the crawler registers them (and the shim reads a map).
        as_long = [
            income[f.name].cast("bigint") if f.dataType.simpleString() == "int" else income[f.name]
            for f in income.schema.fields
        ]
        income = income.select(*as_long).where("year = 2016")
        parks = spark.read.parquet(str(raw / "parks")).where(day)
        playgrounds = spark.read.parquet(str(raw / "playgrounds")).where(day)
    prepared = prepare_for_ml(income, parks, playgrounds, state="NY")
    write_processed(prepared, out, DAY)


def run_shim(spark: SparkSession, mapping: Path | None, out: Path, lake: Path) -> None:
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


def measure(spark: SparkSession, work: Path, mapping: Path | None, repeats: int) -> float | None:
    """Print ``repeats`` alternating pairs, reading through ``mapping`` or (None) the crawled
    metastore; their median ratio, or None when the two sides' outputs differ."""
    metastore = mapping is None
    catalog = "metastore" if metastore else "map"
    lake = work / "lake"
    bare_out, shim_out = work / f"bare-{catalog}", work / f"shim-{catalog}"
    # Warm-up: JIT, Python workers, caches.
    run_bare(spark, work / "raw", bare_out, metastore)
    run_shim(spark, mapping, shim_out, lake)
    written = spark.read.parquet(str(shim_out / "processed" / PARTITION))
    expected = spark.read.parquet(str(bare_out / "processed" / PARTITION))
    if written.schema != expected.schema or (
        written.exceptAll(expected).count() or expected.exceptAll(written).count()
    ):
        print(f"error: with catalog {catalog}, the shim's output differs from the bare run's")
        return None
    ratios, bare_seconds = [], []
    for i in range(repeats):
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
                run_bare(spark, work / "raw", bare_out, metastore)
            else:
                run_shim(spark, mapping, shim_out, lake)
            seconds[side] = time.perf_counter() - started
        bare, shim = seconds["bare"], seconds["shim"]
        ratios.append(shim / bare)
        bare_seconds.append(bare)
        print(f"{catalog} pair {i + 1}: bare {bare:.2f}s  shim {shim:.2f}s  ratio {ratios[-1]:.2f}")
    median = statistics.median(ratios)
    # Once more with the shim's CSV choice decisions not made yet (memory cleared,
    # a new cache folder): what the first read of a set of files costs.
    from playgrounds.glue import csv_choices

    os.environ[csv_choices.CACHE_ENV] = str(work / f"choice-cache-{catalog}-first")
    csv_choices.forget_decisions()
    gc.collect()
    spark.sparkContext._jvm.System.gc()  # type: ignore[union-attr]
    started = time.perf_counter()
    run_shim(spark, mapping, shim_out, lake)
    first = time.perf_counter() - started
    print(
        f"{catalog} first read of the files (choices decided, then cached): shim {first:.2f}s, "
        f"{first / statistics.median(bare_seconds):.2f}x the median bare run"
    )
    rows = spark.read.parquet(str(shim_out / "processed" / PARTITION)).count()
    print(
        f"median shim/bare ratio over {repeats} pairs, catalog {catalog}: {median:.2f}x "
        f"(target <= 1.10x); {rows} rows"
    )
    return median


def main() -> int:
    """Run the pairs for each catalog and print the median ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--catalog",
        choices=("map", "metastore", "both"),
        default="both",
        help="where from_catalog finds the tables: a catalog map file over the raw files "
        "(bare reads the files), or the raw zone crawled into a local metastore (bare "
        "reads the same tables with spark.table); default both, one after the other",
    )
    options = parser.parse_args()
    if not REAL_DATA.is_dir():
        print(f"skipped: real data not found at {REAL_DATA}")
        return 0
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from playgrounds.catalog.crawler import crawl
    from playgrounds.catalog.metastore import catalog_dir
    from playgrounds.spark import spark_session

    catalogs = ("map", "metastore") if options.catalog == "both" else (options.catalog,)
    work = Path(tempfile.mkdtemp(prefix="shim-overhead-"))
    # The shim's CSV choice decisions are kept in the work folder, not the user's cache.
    from playgrounds.glue.csv_choices import CACHE_ENV

    os.environ[CACHE_ENV] = str(work / "choice-cache")
    # One session for both: a local run always has the lake's metastore.
    spark = spark_session("bench-shim-overhead", hive_metastore_dir=catalog_dir(work / "lake"))
    try:
        mapping = build_raw_zone(spark, work / "raw")
        if "metastore" in catalogs:
            crawl(spark, work / "raw", DATABASE)
        medians = [
            measure(spark, work, mapping if catalog == "map" else None, options.repeats)
            for catalog in catalogs
        ]
        return 1 if None in medians else 0
    finally:
        spark.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
