"""How the prep step (and the crawler) grow with their input, against a bare Spark scan.

At each size K (default 1x and 10x; ``--sizes 1,10,100`` adds 100x) of the real
inputs (``../shared/data/nyc-2019/``: 9,977 IRS rows, 1,675 parks, 1,269
playgrounds), synthetic inputs in the published schemas are generated with
``playgrounds.sources.scale``: IRS rows for K x 1,663 ZIPs over every state
(about K x 10k rows, all 147 columns; up to one year's worth of ZIPs in one
file, beyond that whole-US years of 27,600 ZIPs, one file per year) and the
samples' parks and playgrounds x 28K. Then, in the same session (``local[2]``
unless ``--master``), warm-up first:

* bare scan: ``spark.read`` + ``count()`` of the same three inputs;
* prep: ``run_prep`` (check, read, join, write the processed partition);
* parts of prep, to find what costs: the state's income rows alone, and the
  two JSON files alone (each evaluated with Spark's ``noop`` writer);
* crawl: the crawler on that size's income table;

and at the end the crawler on ``--crawl-years`` (default 10) whole-US IRS
years, ``income-ny/year=YYYY/``, the issue's "10 years of full-US files".

Printed per size: wall times (median of ``--repeats``), prep / bare scan,
rows/s, and the driver's peak memory (Python ``ru_maxrss``, the JVM's VmHWM
and heap in use). Targets (issue 15): prep <= 2x the bare scan at every size,
10x the data <= 12x the time, driver memory flat (< 4 GB at 100x), the crawl of
ten years in seconds.

    .venv/bin/python benchmarks/scale.py [--sizes 1,10] [--repeats 3] [--crawl-years 10]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
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
    # Beyond one year's ZIPs: a range of whole years, one ``year=`` partition each.
    income_years: str | None = None


# Where whole-US years are generated once (``--years-cache`` keeps them between runs).
YEARS_CACHE: list[Path] = []


def whole_year(work: Path, year: int) -> tuple[Path, int]:
    """A whole-US IRS file for ``year`` (27,600 ZIPs), generated once; its rows."""
    from playgrounds.sources.scale import DEFAULT_ZIPS, irs_file_name, write_irs_year

    folder = YEARS_CACHE[0] if YEARS_CACHE else work / "years"
    target = folder / irs_file_name(year)
    rows_file = target.with_suffix(".rows")
    if not target.exists():
        written = write_irs_year(folder, year, zip_count=DEFAULT_ZIPS)
        rows_file.write_text(str(written.rows))
    return target, int(rows_file.read_text())


def generate(work: Path, size: int) -> Inputs:
    """The inputs of size ``size`` under ``work/<size>x``: raw/ for prep, crawl/ for the crawler."""
    from playgrounds.lake.layout import INCOME_TABLE
    from playgrounds.sources.scale import DEFAULT_ZIPS, write_irs_year, write_parks

    folder = work / f"{size}x"
    raw = folder / "raw"
    table = raw / INCOME_TABLE
    zips = size * ZIPS_PER_UNIT
    years = None
    if zips <= DEFAULT_ZIPS:
        rows = write_irs_year(table / f"year={BASE_YEAR}", BASE_YEAR, zip_count=zips).rows
    else:
        # Whole-US years, one partition each, hard-linked from the cache (100x
        # reuses them); prep reads them as a range, one row per year.
        count = round(zips / DEFAULT_ZIPS)
        rows = 0
        for year in range(BASE_YEAR - count + 1, BASE_YEAR + 1):
            year_file, year_rows = whole_year(work, year)
            (table / f"year={year}").mkdir(parents=True)
            os.link(year_file, table / f"year={year}" / year_file.name)
            rows += year_rows
        years = f"{BASE_YEAR - count + 1}-{BASE_YEAR}"
    parks, playgrounds = write_parks(raw, size * PARKS_FACTOR_PER_UNIT)
    # The crawler's zone holds the income table only (hard links: no second copy).
    crawl_zone = folder / "crawl"
    for file in table.rglob("*.csv"):
        target = crawl_zone / INCOME_TABLE / file.parent.name / file.name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(file, target)
    total = sum(f.stat().st_size for f in raw.rglob("*") if f.is_file())
    return Inputs(raw, table, parks.path, playgrounds.path, crawl_zone, rows, total, years)


def bare_scan(spark: SparkSession, inputs: Inputs) -> int:
    """``spark.read`` + ``count()`` of the three inputs, as prep reads them (header, multiLine)."""
    return (
        spark.read.option("header", True).csv(str(inputs.income)).count()
        + spark.read.option("multiLine", True).json(str(inputs.parks)).count()
        + spark.read.option("multiLine", True).json(str(inputs.playgrounds)).count()
    )


def full_parse(spark: SparkSession, inputs: Inputs) -> int:
    """The same reads with every column parsed (Spark's ``noop`` writer), as prep must."""
    for frame in (
        spark.read.option("header", True).csv(str(inputs.income)),
        spark.read.option("multiLine", True).json(str(inputs.parks)),
        spark.read.option("multiLine", True).json(str(inputs.playgrounds)),
    ):
        frame.write.format("noop").mode("overwrite").save()
    return 0


def prep(spark: SparkSession, inputs: Inputs, out: Path) -> int:
    from playgrounds.pipeline.prep import run_prep

    return run_prep(spark, inputs.raw, out, day=DAY, income_year=inputs.income_years).rows


def state_income(spark: SparkSession, inputs: Inputs) -> int:
    """The part of prep that reads the income: NY's rows, the twelve columns, checked."""
    from playgrounds.sources.inputs import locate_raw_inputs, read_located_income
    from playgrounds.transforms.income import prepare_income

    located = locate_raw_inputs(inputs.raw, income_year=inputs.income_years)
    frame = read_located_income(spark, located, state="NY").transform(prepare_income("NY"))
    frame.write.format("noop").mode("overwrite").save()
    return 0


def json_inputs(spark: SparkSession, inputs: Inputs) -> int:
    """The part of prep that reads parks and playgrounds (schema inference and parse)."""
    from playgrounds.sources.inputs import read_parks, read_playgrounds

    for frame in (read_parks(spark, inputs.parks), read_playgrounds(spark, inputs.playgrounds)):
        frame.write.format("noop").mode("overwrite").save()
    return 0


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
    inputs = generate(work, size)
    print(
        f"{size}x: generated {inputs.income_rows:,} IRS rows, "
        f"{inputs.input_bytes / 2**20:.0f} MB in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    out = folder / "processed"
    bare_scan(spark, inputs)  # warm-up: JIT, file listing caches
    prep(spark, inputs, out)
    bare, rows_in = timed(lambda: bare_scan(spark, inputs), repeats, spark)
    parsed, _ = timed(lambda: full_parse(spark, inputs), repeats, spark)
    prep_s, rows_out = timed(lambda: prep(spark, inputs, out), repeats, spark)
    print(
        f"{size}x: bare scan {bare:.2f} s ({rows_in / bare:,.0f} rows/s), "
        f"prep {prep_s:.2f} s ({rows_in / prep_s:,.0f} input rows/s, {rows_out:,} rows "
        f"out), prep/bare {prep_s / bare:.2f}x (target <= 2x); {driver_memory(spark)}",
        flush=True,
    )
    print(
        f"{size}x: full parse of the same inputs {parsed:.2f} s "
        f"(bare x{parsed / bare:.2f}); prep/full parse {prep_s / parsed:.2f}x",
        flush=True,
    )
    if not options.no_parts:
        income_s, _ = timed(lambda: state_income(spark, inputs), repeats, spark)
        json_s, _ = timed(lambda: json_inputs(spark, inputs), repeats, spark)
        print(
            f"{size}x: parts: NY income read and checked {income_s:.2f} s, "
            f"parks and playgrounds read {json_s:.2f} s",
            flush=True,
        )
    runs = iter(range(10**6))
    crawl_s, _ = timed(lambda: crawl_income(spark, inputs, size, next(runs)), repeats, spark)
    print(f"{size}x: crawl of the income table {crawl_s:.2f} s", flush=True)
    shutil.rmtree(folder, ignore_errors=True)
    return bare, prep_s


def crawl_years(spark: SparkSession, work: Path, years: int, repeats: int) -> None:
    """The crawler on ``years`` whole-US IRS years, one ``year=`` partition each."""
    from playgrounds.catalog.crawler import crawl
    from playgrounds.lake.layout import INCOME_TABLE

    started = time.perf_counter()
    zone = work / "crawl-years"
    for year in range(BASE_YEAR + 3 - years + 1, BASE_YEAR + 4):
        source, _ = whole_year(work, year)
        partition = zone / INCOME_TABLE / f"year={year}"
        partition.mkdir(parents=True)
        os.link(source, partition / source.name)
    size = sum(f.stat().st_size for f in zone.rglob("*") if f.is_file())
    print(
        f"crawl: {years} whole-US IRS years, {size / 2**20:.0f} MB "
        f"(ready in {time.perf_counter() - started:.0f} s)",
        flush=True,
    )
    runs = iter(range(10**6))
    seconds, tables = timed(
        lambda: len(crawl(spark, zone, f"bench-years-{next(runs)}").tables), repeats, spark
    )
    print(f"crawl: {years} years in {seconds:.2f} s ({tables} table)", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10", help="multiples of the real input size")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--no-parts", action="store_true", help="skip the prep breakdown")
    parser.add_argument(
        "--years-cache",
        type=Path,
        help="keep the generated whole-US years here and reuse them (about 91 MB each)",
    )
    parser.add_argument(
        "--crawl-years", type=int, default=10, help="whole-US years to crawl at the end (0: none)"
    )
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(",")]
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    # Large inputs: the driver JVM with C2 (playgrounds.spark.SPARK_JIT_ENV), as
    # docs/scale.md tells users to run them; quick=C1 only, the default.
    os.environ.setdefault("PLAYGROUNDS_SPARK_JIT", "full")
    print(f"driver JIT: {os.environ['PLAYGROUNDS_SPARK_JIT']}", flush=True)
    from playgrounds.spark import spark_session

    work = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    if options.years_cache:
        options.years_cache.mkdir(parents=True, exist_ok=True)
        YEARS_CACHE.append(options.years_cache)
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
        if options.crawl_years:
            crawl_years(spark, work, options.crawl_years, options.repeats)
    finally:
        spark.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
