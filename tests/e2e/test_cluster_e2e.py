"""End to end: the prep step on a 2-worker Spark standalone cluster gives the local output.

The cluster's master and workers are real ``spark-class`` JVMs started from the
pyspark wheel; the prep step runs as a subprocess with ``PLAYGROUNDS_SPARK_MASTER``
set (the suite's own session stays local[1]); the local run uses the suite's
session. Nothing may be left running afterwards.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from playgrounds.cluster import standalone
from playgrounds.errors import InputError
from playgrounds.pipeline.prep import run_prep
from playgrounds.spark import SPARK_MASTER_ENV

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DAY = dt.date(2019, 7, 4)
PARTITION = "processed/year=2019/month=7/day=4"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[standalone.ClusterStatus]:
    """Two workers of one core each, for this file's tests (the last one kills worker-1);
    stopped, and checked stopped, whatever the tests did."""
    folder = tmp_path_factory.mktemp("cluster-lake") / "cluster"
    status = standalone.cluster_up(
        folder, workers=2, cores=1, memory="1g", port=standalone.free_port()
    )
    pids = [process.pid for process in status.running]
    try:
        yield status
    finally:
        standalone.cluster_down(folder)
        for pid in pids:
            assert not standalone.is_daemon_alive(pid)
            assert not standalone.group_members(pid), f"process group {pid} still runs"
        assert not (folder / standalone.STATE_FILE).exists()


@pytest.fixture(scope="module")
def local_rows(
    spark: SparkSession, tmp_path_factory: pytest.TempPathFactory, samples_dir: Path
) -> list[tuple[object, ...]]:
    """The prep step's output on the samples, run in the suite's local session."""
    out = tmp_path_factory.mktemp("local-out")
    run_prep(spark, samples_dir, out, day=DAY)
    return sorted_rows(spark, out / PARTITION)


def prep_on(master: str, raw: Path, out: Path) -> subprocess.Popen[str]:
    env = {**os.environ, SPARK_MASTER_ENV: master, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "playgrounds.cli", "prep", "--raw", str(raw),
         "--processed", str(out), "--date", DAY.isoformat()],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip


def sorted_rows(spark: SparkSession, folder: Path) -> list[tuple[object, ...]]:
    frame = spark.read.parquet(str(folder))
    return sorted((tuple(row) for row in frame.collect()), key=repr)


def executor_folders(status: standalone.ClusterStatus, role: str) -> list[Path]:
    """The executor folders a worker made (``work/<role>/app-*/<n>``): proof the job ran there."""
    return sorted((status.folder / "work" / role).glob("app-*/*"))


def test_prep_on_a_two_worker_cluster_matches_local(
    spark: SparkSession,
    tmp_path: Path,
    samples_dir: Path,
    cluster: standalone.ClusterStatus,
    local_rows: list[tuple[object, ...]],
) -> None:
    assert cluster.master_url is not None
    assert len(cluster.alive_workers) == 2
    assert all(worker.cores == 1 for worker in cluster.alive_workers)
    # A second `up` on the same folder is refused in one sentence, the cluster untouched.
    with pytest.raises(InputError, match="already running"):
        standalone.cluster_up(cluster.folder, port=standalone.free_port())

    on_cluster = prep_on(cluster.master_url, samples_dir, tmp_path / "cluster-out")
    stdout, stderr = on_cluster.communicate(timeout=240)
    assert on_cluster.returncode == 0, stderr
    assert "Wrote 345 rows x 23 columns" in stdout
    # Both workers ran executors for it: the job was the cluster's, not a local one.
    assert executor_folders(cluster, "worker-1") and executor_folders(cluster, "worker-2")

    assert len(local_rows) == 345
    assert sorted_rows(spark, tmp_path / "cluster-out" / PARTITION) == local_rows


def test_a_worker_killed_mid_job_leaves_the_job_to_the_other(
    spark: SparkSession,
    tmp_path: Path,
    samples_dir: Path,
    cluster: standalone.ClusterStatus,
    local_rows: list[tuple[object, ...]],
) -> None:
    # Runs last: it leaves the module's cluster with one worker.
    assert cluster.master_url is not None
    worker = next(p for p in cluster.running if p.role == "worker-1")
    job = prep_on(cluster.master_url, samples_dir, tmp_path / "out")
    # Kill worker-1 with its executor as soon as that executor exists, before the job's
    # first stage can have finished (the driver still reads its inputs then).
    deadline = time.monotonic() + 120
    while not executor_folders(cluster, "worker-1") and job.poll() is None:
        assert time.monotonic() < deadline, "worker-1 never got an executor"
        time.sleep(0.1)
    assert job.poll() is None, "the job ended before the worker could be killed"
    os.killpg(worker.pid, signal.SIGKILL)
    stdout, stderr = job.communicate(timeout=240)
    assert job.returncode == 0, stderr
    assert "Wrote 345 rows x 23 columns" in stdout
    assert not standalone.is_daemon_alive(worker.pid)
    assert sorted_rows(spark, tmp_path / "out" / PARTITION) == local_rows
