"""The prep step at 10x the real input size on a 2-worker standalone cluster vs ``local[2]``.

Both sides use the same two cores of this machine: the cluster's workers offer
one core each (``playgrounds cluster up --workers 2 --cores 1``), ``local[2]``
runs two task threads in the driver. The inputs are generated as in
``benchmarks/scale.py`` (``--size``, default 10). Each side gets its own
SparkSession in this process (one after the other: a process holds one
SparkContext at a time), a warm-up run, then ``--repeats`` timed runs; the two
outputs are compared row for row (sorted) before any figure is printed.
The executors get the driver's garbage collector (``-XX:+UseSerialGC``,
``--executor-java-options`` to change it), so the two sides differ by the
cluster and not by JVM flags. Target (issue 15): cluster / local <= 1.3x.

    .venv/bin/python benchmarks/cluster.py [--size 10] [--repeats 5]
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pyspark.sql import SparkSession

# The sibling benchmark's generator (a script's own folder is first on sys.path).
from scale import DAY, Inputs, generate

PARTITION = f"processed/year={DAY.year}/month={DAY.month}/day={DAY.day}"


def run_side(
    master: str, inputs: Inputs, out: Path, repeats: int, executor_java_options: str = ""
) -> tuple[list[float], list[tuple[object, ...]]]:
    """Timed prep runs on ``master`` (after a warm-up); the seconds and the sorted output rows."""
    from playgrounds.pipeline.prep import run_prep
    from playgrounds.spark import spark_session

    # Two shuffle partitions on both sides: one task per core. The executors
    # get the driver's garbage collector (playgrounds.spark), so the two sides
    # differ by the cluster, not by JVM flags.
    conf = {"spark.sql.shuffle.partitions": "2"}
    if executor_java_options:
        conf["spark.executor.extraJavaOptions"] = executor_java_options
    spark: SparkSession = spark_session(f"bench-cluster-{master}", master=master, conf=conf)
    try:
        run_prep(spark, inputs.raw, out, day=DAY)
        seconds = []
        for _ in range(repeats):
            gc.collect()
            spark.sparkContext._jvm.System.gc()  # type: ignore[union-attr]
            started = time.perf_counter()
            run_prep(spark, inputs.raw, out, day=DAY)
            seconds.append(time.perf_counter() - started)
        frame = spark.read.parquet(str(out / PARTITION))
        rows = sorted((tuple(row) for row in frame.collect()), key=repr)
    finally:
        spark.stop()
    return seconds, rows


def reused(folder: Path) -> Inputs:
    """The inputs :func:`generate` left in ``folder``."""
    raw = folder / "raw"
    income = next((raw / "income-ny").iterdir())
    rows = sum(sum(1 for _ in file.open()) - 1 for file in income.iterdir())
    total = sum(f.stat().st_size for f in raw.rglob("*") if f.is_file())
    parks, playgrounds = raw / "DPR_Parks_001.json", raw / "DPR_Playgrounds_001.json"
    return Inputs(raw, income, parks, playgrounds, folder / "crawl", rows, total)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--inputs", type=Path, help="reuse inputs generate() wrote there before (same --size)"
    )
    parser.add_argument(
        "--executor-java-options",
        default="-XX:+UseSerialGC",
        help="the executors' JVM flags ('' for the JVM's defaults: G1)",
    )
    options = parser.parse_args()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    # Large inputs: the driver JVM with C2 (playgrounds.spark.SPARK_JIT_ENV), as
    # docs/scale.md tells users to run them; quick=C1 only, the default.
    os.environ.setdefault("PLAYGROUNDS_SPARK_JIT", "full")
    print(f"driver JIT: {os.environ['PLAYGROUNDS_SPARK_JIT']}", flush=True)
    from playgrounds.cluster.standalone import cluster_down, cluster_up, free_port

    work = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    folder = work / "cluster"
    try:
        started = time.perf_counter()
        inputs = (
            reused(options.inputs) if options.inputs else generate(work / "inputs", options.size)
        )
        how = "reused" if options.inputs else f"generated in {time.perf_counter() - started:.0f} s"
        print(f"{options.size}x: {inputs.income_rows:,} IRS rows {how}", flush=True)
        local_s, local_rows = run_side("local[2]", inputs, work / "local", options.repeats)
        print(f"local[2]: {', '.join(f'{s:.2f}' for s in local_s)} s", flush=True)
        started = time.perf_counter()
        status = cluster_up(folder, workers=2, cores=1, memory="2g", port=free_port())
        print(f"cluster up in {time.perf_counter() - started:.1f} s: {status.master_url}")
        assert status.master_url is not None
        cluster_s, cluster_rows = run_side(
            status.master_url,
            inputs,
            work / "cluster-out",
            options.repeats,
            options.executor_java_options,
        )
        print(
            f"cluster (executors: {options.executor_java_options or 'JVM defaults'}): "
            f"{', '.join(f'{s:.2f}' for s in cluster_s)} s",
            flush=True,
        )
        if cluster_rows != local_rows:
            print("error: the cluster's output differs from local[2]'s")
            return 1
        ratio = statistics.median(cluster_s) / statistics.median(local_s)
        print(
            f"{options.size}x prep: cluster {statistics.median(cluster_s):.2f} s, local[2] "
            f"{statistics.median(local_s):.2f} s (medians of {options.repeats}); "
            f"cluster/local {ratio:.2f}x (target <= 1.3x); {len(local_rows):,} rows, identical"
        )
    finally:
        cluster_down(folder)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
