"""How the prep step (and the crawler) grow with their input, against a bare Spark scan.

At each size K (default 1x and 10x; ``--sizes 1,10,100`` adds 100x) of the real
inputs (``../shared/data/nyc-2019/``: 9,977 IRS rows, 1,675 parks, 1,269
playgrounds), synthetic inputs in the published schemas are generated with
``playgrounds.sources.scale``: an IRS file of K x 1,663 ZIPs over every state
(about K x 10k rows; beyond one year's worth of ZIPs, several files, one per
year) and the samples' parks and playgrounds x 28K. Then, in the same session
(``local[2]`` unless ``--master``), warm-up first:

* bare scan: ``spark.read`` + ``count()`` of the same three inputs;
* prep: ``run_prep`` (validate, read, join, write the processed partition);
* parts of prep, to find what costs: the income validation pass alone
  (``read_income`` + one action), and the same join written without the
  lake writer's ``coalesce(1)``;
* crawl: the crawler on the income table (``income-ny/year=Y/``) alone.

Printed per size: wall times (median of ``--repeats``), prep / bare scan,
rows/s, and the driver's peak memory (Python ``ru_maxrss``, the JVM's VmHWM
and heap in use). Targets (issue 15): prep <= 2x the bare scan at every size,
10x the data <= 12x the time, driver memory flat.

    .venv/bin/python benchmarks/scale.py [--sizes 1,10] [--repeats 3] [--master local[2]]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import math
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pyspark.sql import SparkSession

REPO = Path(__file__).resolve().parents[1]
REAL_DATA = REPO.parent / "shared" / "data" / "nyc-2019"
DAY = dt.date(2019, 7, 4)
# The real inputs' size: 9,977 IRS rows of NY = 1,663 ZIPs x 6; 1,675 parks ~ 60 x 28.
ZIPS_PER_UNIT = 1_663
PARKS_FACTOR_PER_UNIT = 28
BASE_YEAR = 2016


@dataclass
class Inputs:
    raw: Path
    income: Path
    parks: Path
    playgrounds: Path
    crawl_zone: Path
    income_rows: int
    input_bytes: int


def generate(folder: Path, size: int) -> Inputs:
    """The inputs of size ``size`` under ``folder``: raw/ for prep, crawl/ for the crawler."""
    from playgrounds.lake.layout import INCOME_TABLE
    from playgrounds.sources.scale import MAX_ZIPS, write_irs_year, write_parks

    raw = folder / "raw"
    income = raw / INCOME_TABLE / f"year={BASE_YEAR}"
    zips = size * ZIPS_PER_UNIT
    files = math.ceil(zips / min(MAX_ZIPS, 27_600))
    rows = 0
    for part in range(files):
        written = write_irs_year(income, BASE_YEAR - part, zip_count=math.ceil(zips / files))
        rows += written.rows
    parks, playgrounds = write_parks(raw, size * PARKS_FACTOR_PER_UNIT)
    # The crawler's zone holds the income table only (hard links: no second copy).
    crawl_zone = folder / "crawl"
    target = crawl_zone / INCOME_TABLE / f"year={BASE_YEAR}"
    target.mkdir(parents=True)
    for file in income.iterdir():
        os.link(file, target / file.name)
    total = sum(f.stat().st_size for f in raw.rglob("*") if f.is_file())
    return Inputs(raw, income, parks.path, playgrounds.path, crawl_zone, rows, total)


def bare_scan(spark: SparkSession, inputs: Inputs) -> int:
    """``spark.read`` + ``count()`` of the three inputs, as prep reads them (header, multiLine)."""
    return (
        spark.read.option("header", True).csv(str(inputs.income)).count()
        + spark.read.option("multiLine", True).json(str(inputs.parks)).count()
        + spark.read.option("multiLine", True).json(str(inputs.playgrounds)).count()
    )


def prep(spark: SparkSession, inputs: Inputs, out: Path) -> int:
    from playgrounds.pipeline.prep import run_prep

    return run_prep(spark, inputs.raw, out, day=DAY).rows


def income_validation(spark: SparkSession, inputs: Inputs) -> int:
    """``read_income`` (its scan for non-numeric values) plus a count of what it returns."""
    from playgrounds.sources.inputs import read_income

    return read_income(spark, inputs.income).count()


def prep_without_coalesce(spark: SparkSession, inputs: Inputs, out: Path) -> int:
    """The same reads and join, written with a plain ``write.parquet`` (no ``coalesce(1)``)."""
    from playgrounds.sources.inputs import read_income, read_parks, read_playgrounds
    from playgrounds.transforms.prep import prepare_for_ml

    prepared = prepare_for_ml(
        read_income(spark, inputs.income),
        read_parks(spark, inputs.parks),
        read_playgrounds(spark, inputs.playgrounds),
    )
    prepared.write.mode("overwrite").parquet(str(out))
    return spark.read.parquet(str(out)).count()


def crawl_income(spark: SparkSession, inputs: Inputs, size: int, run: int) -> int:
    from playgrounds.catalog.crawler import crawl

    report = crawl(spark, inputs.crawl_zone, f"bench-scale-{size}x-{run}")
    return len(report.tables)


def timed(work: Callable[[], int], repeats: int, spark: SparkSession) -> tuple[float, int]:
    """The median wall time of ``repeats`` runs (heaps collected before each) and the result."""
    seconds: list[float] = []
    result = 0
    for _ in range(repeats):
        gc.collect()
        spark.sparkContext._jvm.System.gc()  # type: ignore[union-attr]
        started = time.perf_counter()
        result = work()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), result


def driver_memory(spark: SparkSession) -> str:
    """Peak RSS of this Python process and of the driver JVM, and the JVM heap in use now."""
    python_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    pid = jvm.java.lang.ProcessHandle.current().pid()
    status = Path(f"/proc/{pid}/status").read_text()
    hwm_kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))
    runtime = jvm.java.lang.Runtime.getRuntime()
    heap_mb = (runtime.totalMemory() - runtime.freeMemory()) / 2**20
    return (
        f"python peak {python_mb:.0f} MB, JVM peak RSS {hwm_kb / 1024:.0f} MB, "
        f"heap {heap_mb:.0f} MB"
    )


def measure_size(
    spark: SparkSession, work: Path, size: int, options: argparse.Namespace
) -> tuple[float, float]:
    """Generate size ``size``, print its figures; the median bare scan and prep seconds."""
    repeats = options.repeats
    started = time.perf_counter()
    folder = work / f"{size}x"
    inputs = generate(folder, size)
    print(
        f"{size}x: generated {inputs.income_rows:,} IRS rows, "
        f"{inputs.input_bytes / 2**20:.0f} MB in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    out = folder / "processed"
    bare_scan(spark, inputs)  # warm-up: JIT, file listing caches
    prep(spark, inputs, out)
    bare, rows_in = timed(lambda: bare_scan(spark, inputs), repeats, spark)
    prep_s, rows_out = timed(lambda: prep(spark, inputs, out), repeats, spark)
    print(
        f"{size}x: bare scan {bare:.2f} s ({rows_in / bare:,.0f} rows/s), "
        f"prep {prep_s:.2f} s ({rows_in / prep_s:,.0f} input rows/s, {rows_out:,} rows "
        f"out), prep/bare {prep_s / bare:.2f}x (target <= 2x); {driver_memory(spark)}",
        flush=True,
    )
    if not options.no_parts:
        check, _ = timed(lambda: income_validation(spark, inputs), repeats, spark)
        plain, plain_rows = timed(
            lambda: prep_without_coalesce(spark, inputs, folder / "plain"), repeats, spark
        )
        assert plain_rows == rows_out, (plain_rows, rows_out)
        print(
            f"{size}x: parts: read_income + count {check:.2f} s; "
            f"same join written without coalesce(1) {plain:.2f} s ({plain / bare:.2f}x bare)",
            flush=True,
        )
    runs = iter(range(10**6))
    crawl_s, _ = timed(lambda: crawl_income(spark, inputs, size, next(runs)), repeats, spark)
    print(f"{size}x: crawl of the income table {crawl_s:.2f} s", flush=True)
    shutil.rmtree(folder, ignore_errors=True)
    return bare, prep_s


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10", help="multiples of the real input size")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--no-parts", action="store_true", help="skip the prep breakdown")
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(",")]
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from playgrounds.spark import spark_session

    work = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    spark = spark_session(
        "bench-scale", master=options.master, hive_metastore_dir=work / "metastore"
    )
    results: list[tuple[int, float, float]] = []
    try:
        for size in sizes:
            results.append((size, *measure_size(spark, work, size, options)))
        base = results[0]
        for size, bare, prep_s in results[1:]:
            growth = prep_s / base[2]
            allowed = 1.2 * size / base[0]
            print(
                f"{size}x vs {base[0]}x: prep time x{growth:.2f} (target <= x{allowed:.0f}), "
                f"bare scan x{bare / base[1]:.2f}"
            )
    finally:
        spark.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
