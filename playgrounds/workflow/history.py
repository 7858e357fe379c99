"""Run history beside the lake, in the shape of Glue's ``GetWorkflowRun``.

``<lake>/workflows/<name>/runs/<WorkflowRunId>.json`` holds one run: ``Name``,
``WorkflowRunId``, ``WorkflowRunProperties``, ``StartedOn``, ``CompletedOn``,
``Status``, ``ErrorMessage``, ``Statistics`` and the ``Graph``, whose job nodes
carry ``JobDetails.JobRuns`` and crawler nodes ``CrawlerDetails.Crawls``.
Fields Glue does not have are prefixed ``Local``: ``LocalProcess`` (the pid
writing the file, so a later command can tell a run whose process died) and
each attempt's ``LocalFigures`` (rows read and written) and ``LocalSuperseded``
(an attempt a ``resume`` replaced).

The file is replaced atomically (write a hidden sibling, fsync, rename) after
every state change, so a reader never sees a torn file, even after SIGKILL.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from playgrounds.errors import InputError
from playgrounds.lake.layout import WORKFLOWS_FOLDER
from playgrounds.workflow.definition import require_safe_name

RUNS_FOLDER = "runs"
RUN_ID_PREFIX = "wr_"

# Glue's job run and crawl states that are final.
JOB_FINAL = frozenset({"SUCCEEDED", "FAILED", "STOPPED", "TIMEOUT", "ERROR"})
CRAWL_FINAL = frozenset({"SUCCEEDED", "FAILED", "CANCELLED"})
FAILED_STATES = frozenset({"FAILED", "ERROR", "TIMEOUT", "CANCELLED"})


def now() -> str:
    """A timestamp as the AWS CLI prints them (ISO 8601, UTC, milliseconds)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def parse_time(value: str | None) -> dt.datetime | None:
    """The datetime of a stored timestamp (None stays None)."""
    return dt.datetime.fromisoformat(value) if value else None


# Also what a run id given on the command line must look like: it becomes a glob.
RUN_ID = re.compile(r"^wr_[0-9a-f]{1,128}$")


def new_run_id() -> str:
    """``wr_`` and 64 hex digits, as Glue spells workflow run ids."""
    return RUN_ID_PREFIX + secrets.token_hex(32)


def new_job_run_id() -> str:
    """``jr_`` and 64 hex digits, as Glue spells job run ids."""
    return "jr_" + secrets.token_hex(32)


def runs_dir(lake: Path, workflow: str) -> Path:
    """Where the runs of ``workflow`` are kept."""
    require_safe_name("workflow", workflow)
    return lake / WORKFLOWS_FOLDER / workflow / RUNS_FOLDER


def run_path(lake: Path, workflow: str, run_id: str) -> Path:
    """The history file of one run."""
    return runs_dir(lake, workflow) / f"{run_id}.json"


def write_run(path: Path, record: dict[str, Any]) -> None:
    """Replace ``path`` with ``record`` atomically (never a torn file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with staging.open("w", encoding="utf-8") as handle:
        json.dump(record, handle, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(staging, path)


def read_run(path: Path) -> dict[str, Any]:
    """One stored run."""
    try:
        record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as bad:
        raise InputError(f"run history {path} is not valid JSON: {bad.msg}") from bad
    return record


def all_runs(lake: Path, workflow: str) -> list[dict[str, Any]]:
    """Every stored run of ``workflow``, newest first."""
    folder = runs_dir(lake, workflow)
    if not folder.is_dir():
        return []
    records = [read_run(path) for path in folder.glob(f"{RUN_ID_PREFIX}*.json")]
    return sorted(records, key=lambda r: r.get("StartedOn") or "", reverse=True)


def find_run(lake: Path, run_id: str) -> Path:
    """The history file of ``run_id``, whichever workflow it belongs to."""
    if not RUN_ID.fullmatch(run_id):
        raise InputError(f"{run_id!r} is not a workflow run id (wr_ and hex digits)")
    root = lake / WORKFLOWS_FOLDER
    found = sorted(root.glob(f"*/{RUNS_FOLDER}/{run_id}.json")) if root.is_dir() else []
    if not found:
        raise InputError(f"workflow run {run_id} is not in the history under {root}")
    return found[0]


def process_alive(pid: int) -> bool:
    """True when process ``pid`` still exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def writer_died(record: dict[str, Any]) -> bool:
    """True for a RUNNING run whose writing process is gone (killed, crashed)."""
    pid = (record.get("LocalProcess") or {}).get("Pid")
    return record.get("Status") == "RUNNING" and isinstance(pid, int) and not process_alive(pid)


def attempts(node: dict[str, Any]) -> list[dict[str, Any]]:
    """A job node's runs or a crawler node's crawls (every attempt, superseded ones too)."""
    if node["Type"] == "JOB":
        runs: list[dict[str, Any]] = node.setdefault("JobDetails", {}).setdefault("JobRuns", [])
        return runs
    if node["Type"] == "CRAWLER":
        crawls: list[dict[str, Any]] = node.setdefault("CrawlerDetails", {}).setdefault(
            "Crawls", []
        )
        return crawls
    return []


def current_attempts(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The attempts that count for the run (those no resume replaced)."""
    return [a for a in attempts(node) if not a.get("LocalSuperseded")]


def attempt_state(attempt: dict[str, Any]) -> str:
    """A job run's ``JobRunState`` or a crawl's ``State``."""
    return str(attempt.get("JobRunState") or attempt.get("State"))


def statistics(record: dict[str, Any]) -> dict[str, int]:
    """Glue's ``Statistics`` of a run, counted from the current attempts."""
    counts = dict.fromkeys(
        (
            "TotalActions",
            "TimeoutActions",
            "FailedActions",
            "StoppedActions",
            "SucceededActions",
            "RunningActions",
            "ErroredActions",
            "WaitingActions",
        ),
        0,
    )
    key = {
        "TIMEOUT": "TimeoutActions",
        "FAILED": "FailedActions",
        "CANCELLED": "StoppedActions",
        "STOPPED": "StoppedActions",
        "SUCCEEDED": "SucceededActions",
        "RUNNING": "RunningActions",
        "STARTING": "RunningActions",
        "ERROR": "ErroredActions",
        "WAITING": "WaitingActions",
    }
    for node in record["Graph"]["Nodes"]:
        for attempt in current_attempts(node):
            counts["TotalActions"] += 1
            counts[key.get(attempt_state(attempt), "ErroredActions")] += 1
    return counts


def nodes_by_name(record: dict[str, Any]) -> Iterator[tuple[tuple[str, str], dict[str, Any]]]:
    """``((Type, Name), node)`` for every node of the run's graph."""
    for node in record["Graph"]["Nodes"]:
        yield (node["Type"], node["Name"]), node
