"""The jobs/ files run end to end through ``playgrounds glue-local`` (a subprocess each)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from chispa import assert_df_equality
from pyspark.sql import SparkSession

from playgrounds.catalog.metastore import catalog_lock
from playgrounds.lake.layout import data_files
from tests.glue.jobdata import DAY, catalog_map, expected_output, write_raw_zone
from tests.support.snapshots import tree_snapshot

REPO = Path(__file__).resolve().parents[2]
PLAYGROUNDS = Path(sys.executable).parent / "playgrounds"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "PLAYGROUNDS_LOCAL_S3": str(tmp_path / "s3"), **extra}


def _run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PLAYGROUNDS), *args],
        cwd=tmp_path,
        env=_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=240,
    )


def _prep_job(mapping: Path, processed_zone: str) -> list[str]:
    """``glue-local prep_data_for_ml`` over the catalog map, for :data:`DAY`."""
    return [
        "glue-local", "--lake", "lake", "--catalog-map", str(mapping), "prep_data_for_ml",
        "--raw_database", "demo-raw", "--processed_zone", processed_zone,
        "--date", DAY.isoformat(), "--income_year", "2016", "--state", "NY",
    ]  # fmt: skip


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
    assert_df_equality(written, expected_output(spark), ignore_nullable=True, ignore_row_order=True)
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


def _dead_pid() -> int:
    """The PID of a process that has ended (what a killed writer's PID is afterwards)."""
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    return ended.pid


def _wait_for(find: Callable[[], Path | None], process: subprocess.Popen[str]) -> Path:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and process.poll() is None:
        found = find()
        if found is not None:
            return found
        time.sleep(0.01)
    raise AssertionError(f"never appeared (job exit status {process.poll()})")


def _without_write_ids(snapshot: dict[str, bytes]) -> dict[str, bytes]:
    # Spark names a data file after its write job (part-00000-<uuid>-c000...):
    # two runs' outputs are the same when all but that id is.
    return {
        re.sub(r"part-(\d+)-[0-9a-f-]{36}", r"part-\1", key): data for key, data in snapshot.items()
    }


@pytest.mark.e2e
def test_a_killed_prep_job_leaves_the_old_partition_and_the_next_run_cleans_up(
    spark: SparkSession, tmp_path: Path
) -> None:
    write_raw_zone(spark, tmp_path / "s3" / "demo-raw")
    mapping = tmp_path / "catalog.json"
    mapping.write_text(catalog_map("s3://demo-raw", "demo-raw"))
    job = _prep_job(mapping, "s3://demo-processed/zone")
    processed = tmp_path / "s3/demo-processed/zone"
    day = processed / "processed/year=2019/month=7/day=4"
    stages = tmp_path / "stages"  # the job's temporary folder (Zone.staging), to watch
    stages.mkdir()

    clean = _run(job, tmp_path, TMPDIR=str(stages))
    assert clean.returncode == 0, clean.stderr[-2000:]
    clean_output = tree_snapshot(processed)
    assert any(name.endswith(".parquet") for name in clean_output)
    shutil.copytree(day, tmp_path / "clean-run")
    # What earlier kills left beside the partition (a dead writer's staging and
    # set-aside folder), and the staging of a writer still running (this process).
    dead = _dead_pid()
    dead_staging = day.parent / f".day=4.tmp-{dead}-{'a' * 12}"
    dead_old = day.parent / f".day=4.old-{dead}-{'b' * 12}"
    live_staging = day.parent / f".day=4.tmp-{os.getpid()}-{'c' * 12}"
    for folder in (dead_staging, dead_old, live_staging):
        folder.mkdir()
        (folder / "part-00000.parquet").write_bytes(b"half")
    before = tree_snapshot(processed)

    killed = subprocess.Popen(
        [str(PLAYGROUNDS), *job],
        cwd=tmp_path,
        env=_env(tmp_path, TMPDIR=str(stages)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,  # its own process group: the JVM is killed with it
    )
    try:
        # Spark has started writing the new partition into the job's staging folder.
        writing = _wait_for(
            lambda: next(stages.glob(f"playgrounds-stage-{killed.pid}-*/parquet"), None), killed
        )
        os.killpg(killed.pid, signal.SIGKILL)
    finally:
        killed.wait()
    assert killed.returncode == -signal.SIGKILL
    assert tree_snapshot(processed) == before, "the killed job changed the processed zone"
    assert writing.parent.is_dir()  # a kill -9 runs no clean-up: the staging is left

    rerun = _run(job, tmp_path, TMPDIR=str(stages))
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert not writing.parent.exists()
    assert not dead_staging.exists() and not dead_old.exists()
    assert (live_staging / "part-00000.parquet").read_bytes() == b"half"
    shutil.rmtree(live_staging)
    after = tree_snapshot(processed)
    assert after != clean_output  # replaced: the data files come from the rerun's write
    # The same files as the clean run's, holding the same rows in the same schema
    # (the join may order them differently from one run to the next).
    assert _without_write_ids(after).keys() == _without_write_ids(clean_output).keys()
    assert_df_equality(
        spark.read.parquet(str(day)),
        spark.read.parquet(str(tmp_path / "clean-run")),
        ignore_row_order=True,
    )
    assert list(stages.iterdir()) == []


@pytest.mark.e2e
def test_glue_local_on_a_busy_catalog_is_one_line_naming_the_holder_at_once(
    tmp_path: Path,
) -> None:
    job = [
        "glue-local", "--lake", "lake", "prep_data_for_ml",
        "--raw_database", "demo-raw", "--processed_zone", "s3://demo-processed/zone",
        "--date", DAY.isoformat(), "--income_year", "2016", "--state", "NY",
    ]  # fmt: skip
    with catalog_lock(tmp_path / "lake", "crawl raw"):
        started = time.monotonic()
        busy = _run(job, tmp_path)
        elapsed = time.monotonic() - started
    assert busy.returncode == 1
    assert elapsed < 15, f"took {elapsed:.1f} s"  # no JVM, no Derby retries
    said = [line for line in busy.stderr.splitlines() if line.strip()]
    assert said[0].startswith("error: The catalog at lake/catalog is in use by process ")
    assert f"in use by process {os.getpid()} (crawl raw)" in said[0]
    assert len(said) == 2 and "--debug" in said[1], busy.stderr[-3000:]
    assert not (tmp_path / "s3/demo-processed").exists()
