"""Start or resume a workflow run on this machine: one session over the lake's catalog, held.

Embedded Derby admits one process, so the run takes the catalog lock and one
SparkSession for its whole length (one JVM start for every job and crawler,
and no second process to deadlock on the lock).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyspark.sql import SparkSession

from playgrounds.catalog.metastore import open_catalog
from playgrounds.errors import InputError
from playgrounds.workflow.definition import (
    WorkflowDefinition,
    find_definition,
    load_definition,
    local_variables,
    resolve,
)
from playgrounds.workflow.history import find_run, read_run
from playgrounds.workflow.runner import OnChange, check_resumable, resume_run, start_run


def local_definition(name: str, lake: Path, prefix: str = "playgrounds") -> WorkflowDefinition:
    """The definition of ``name``, its placeholders filled for ``lake``."""
    return resolve(load_definition(find_definition(name, lake=lake)), local_variables(lake, prefix))


def run_arguments(day: dt.date, source: Path | str) -> dict[str, str]:
    """The job-run arguments of a local run (Glue's StartJobRun ``Arguments``)."""
    # As given (the jobs run in this process and folder): the summaries show what was typed.
    return {"--date": day.isoformat(), "--source": str(source)}


def run_workflow(
    name: str,
    lake: Path,
    *,
    day: dt.date,
    source: Path | str,
    prefix: str = "playgrounds",
    on_change: OnChange = lambda record: None,
    on_session: OnChange = lambda record: None,
    on_progress: Callable[[str], None] = lambda message: None,
    extra_arguments: dict[str, str] | None = None,
    then: Callable[[SparkSession, dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Run workflow ``name`` here to its end; returns the run's record.

    ``extra_arguments`` go to every job run beside ``--date`` and ``--source``;
    ``then`` is called with the run's session and its record before the catalog
    is let go (``playgrounds run`` queries and trains there, with no second JVM start).
    """
    if "://" not in str(source) and not Path(source).is_dir():
        raise InputError(f"source folder {source} does not exist")
    definition = local_definition(name, lake, prefix)
    lake.mkdir(parents=True, exist_ok=True)
    with open_catalog(lake, f"workflow run {name}") as spark:
        on_session({})
        record = start_run(
            definition,
            lake,
            spark,
            run_arguments={**run_arguments(day, source), **(extra_arguments or {})},
            on_change=on_change,
            on_progress=on_progress,
        )
        if then is not None:
            then(spark, record)
        return record


def resume_workflow(
    run_id: str,
    lake: Path,
    *,
    prefix: str = "playgrounds",
    on_change: OnChange = lambda record: None,
    on_progress: Callable[[str], None] = lambda message: None,
) -> dict[str, Any]:
    """Resume run ``run_id`` of the history under ``lake``; returns its record."""
    path = find_run(lake, run_id)
    record = read_run(path)
    check_resumable(record)  # before Spark's start-up cost
    started_in = record.get("LocalWorkingFolder")
    if started_in and Path(started_in) != Path.cwd():
        # The run's lake and source may be relative paths, as they were typed.
        raise InputError(f"workflow run {run_id} was started in {started_in}; resume it from there")
    stored = record.get("LocalDefinition")
    source = Path(stored) if stored else find_definition(record["Name"], lake=lake)
    definition = resolve(load_definition(source), local_variables(lake, prefix))
    with open_catalog(lake, f"workflow resume {run_id}") as spark:
        return resume_run(
            definition, lake, spark, record, path, on_change=on_change, on_progress=on_progress
        )
