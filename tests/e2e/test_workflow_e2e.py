"""The workshop workflow end to end: SIGKILL mid prep write, resume, output identical.

The uninterrupted run is made in this process on the suite's session (no JVM
start); the interrupted one is a real ``playgrounds workflow run`` process,
killed with SIGKILL as soon as the prep job's atomic write has staged its
folder, then ``playgrounds workflow resume`` in a new process.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from pyspark.sql import SparkSession

from playgrounds.lake.layout import processed_key
from playgrounds.workflow.definition import DEFINITIONS_DIR, load_definition, local_variables
from playgrounds.workflow.definition import resolve as fill
from playgrounds.workflow.history import all_runs, read_run, writer_died
from playgrounds.workflow.local import run_arguments
from playgrounds.workflow.runner import start_run

pytestmark = pytest.mark.e2e

WORKFLOW = "playgrounds_workflow_for_ml"
DAY = dt.date(2026, 11, 26)
PLAYGROUNDS = str(Path(sys.executable).parent / "playgrounds")


def _sorted_rows(partition: Path) -> list[tuple[Any, ...]]:
    files = sorted(p for p in partition.rglob("*.parquet") if not p.name.startswith((".", "_")))
    table = pq.ParquetDataset(files).read() if files else None
    assert table is not None, f"no parquet under {partition}"
    return sorted(
        (tuple(row.values()) for row in table.to_pylist()), key=lambda r: json.dumps(r, default=str)
    )


def _prep_attempts(record: dict[str, Any]) -> list[dict[str, Any]]:
    node = next(n for n in record["Graph"]["Nodes"] if n["Name"] == "prep_data_for_ml")
    return list(node["JobDetails"]["JobRuns"])


def _prep_running(lake: Path) -> bool:
    runs = all_runs(lake, WORKFLOW) if (lake / "workflows").is_dir() else []
    return bool(runs) and [a["JobRunState"] for a in _prep_attempts(runs[0])] == ["RUNNING"]


def _kill_mid_prep_write(process: subprocess.Popen[bytes], lake: Path, temp: Path) -> None:
    """SIGKILL the run once the prep job runs and Spark is writing its staging folder."""
    # Zone.replace_with_parquet stages in <temp>/playgrounds-stage-<pid>-*/parquet.
    pattern = f"playgrounds-stage-{process.pid}-*/parquet"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        assert process.poll() is None, "the run ended before the prep job's write was seen"
        if any(temp.glob(pattern)) and _prep_running(lake):
            process.send_signal(signal.SIGKILL)
            process.wait()
            return
        time.sleep(0.005)
    process.kill()
    raise AssertionError("the prep job never started writing")


def test_sigkill_mid_prep_then_resume_matches_an_uninterrupted_run(
    spark: SparkSession, samples_dir: Path, tmp_path: Path
) -> None:
    # The uninterrupted run, in process (its catalog is the suite's own metastore).
    clean_lake = tmp_path / "clean"
    definition = fill(
        load_definition(DEFINITIONS_DIR / f"{WORKFLOW}.json"),
        local_variables(clean_lake, prefix="wfe2e"),
    )
    clean = start_run(definition, clean_lake, spark, run_arguments=run_arguments(DAY, samples_dir))
    assert clean["Statistics"]["SucceededActions"] == 6

    lake = tmp_path / "killed"
    command = [PLAYGROUNDS, "workflow", "run", WORKFLOW, "--lake", str(lake)]
    command += ["--source", str(samples_dir), "--date", DAY.isoformat()]
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "COLUMNS": "120", "TMPDIR": str(temp)}
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    _kill_mid_prep_write(process, lake, temp)

    (killed,) = all_runs(lake, WORKFLOW)
    assert killed["Status"] == "RUNNING" and writer_died(killed)
    assert [a["JobRunState"] for a in _prep_attempts(killed)] == ["RUNNING"]
    history = subprocess.run(
        [PLAYGROUNDS, "workflow", "history", WORKFLOW, "--lake", str(lake)],
        capture_output=True,
        text=True,
        env={**env, "COLUMNS": "250"},
        check=True,
    )
    assert "died (resume it)" in history.stdout + history.stderr

    resumed = subprocess.run(
        [PLAYGROUNDS, "workflow", "resume", killed["WorkflowRunId"], "--lake", str(lake)],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    (record,) = all_runs(lake, WORKFLOW)
    assert record == read_run(
        lake / "workflows" / WORKFLOW / "runs" / f"{record['WorkflowRunId']}.json"
    )
    assert record["Status"] == "COMPLETED"
    assert record["Statistics"]["SucceededActions"] == 6
    prep = _prep_attempts(record)
    assert [(a["JobRunState"], bool(a.get("LocalSuperseded"))) for a in prep] == [
        ("ERROR", True),
        ("SUCCEEDED", False),
    ]
    assert "died" in prep[0]["ErrorMessage"]
    # The ingest jobs ran once: resume reran only the interrupted node and what follows.
    imports = [n for n in record["Graph"]["Nodes"] if n["Name"].startswith("import_")]
    assert sum(len(n["JobDetails"]["JobRuns"]) for n in imports) == 3

    expected = _sorted_rows(clean_lake / "processed" / processed_key(DAY))
    assert len(expected) == 345
    assert _sorted_rows(lake / "processed" / processed_key(DAY)) == expected
