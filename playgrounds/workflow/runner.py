"""Run a workflow's graph here: triggers, concurrent actions, history after every change.

One SparkSession (opened by the caller under the catalog lock) serves every
node of the run: jobs run as the same ``jobs/`` scripts in threads (see
:mod:`playgrounds.workflow.host`), crawlers through the local crawler. The
start trigger's actions run at once; when an action ends, each CONDITIONAL
trigger that has not fired is evaluated as Glue does (a condition on a node
holds when every current attempt of that node in this run ended in the named
state), and a trigger that holds starts its actions. A failed node therefore
stops what depends on it, and the run ends COMPLETED with failed actions, as
on Glue. :func:`resume_run` is Glue's ResumeWorkflowRun: it reruns the failed
(or died-while-running) attempts and everything downstream, in the same record.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyspark.sql import SparkSession

from playgrounds.catalog.crawler import crawl
from playgrounds.catalog.metastore import crawls_dir
from playgrounds.errors import InputError, PlaygroundsError, describe_error
from playgrounds.glue.runner import LocalRun
from playgrounds.sources.ingest import IngestResult
from playgrounds.workflow.definition import (
    NodeType,
    WorkflowDefinition,
    actions,
    conditions,
    edges,
    graph,
    logical,
    script_file,
)
from playgrounds.workflow.history import (
    CRAWL_FINAL,
    FAILED_STATES,
    JOB_FINAL,
    attempt_state,
    attempts,
    current_attempts,
    new_job_run_id,
    new_run_id,
    now,
    parse_time,
    process_alive,
    run_path,
    statistics,
    write_run,
)
from playgrounds.workflow.host import job_host, run_script

NodeKey = tuple[NodeType, str]
OnChange = Callable[[dict[str, Any]], None]
# Enough for the workshop's widest layer (three imports); Spark shares the cores.
MAX_CONCURRENT_ACTIONS = 4


@dataclass(frozen=True)
class Outcome:
    """How one action ended: its state, error sentence and figures."""

    state: str
    error: str | None = None
    figures: dict[str, Any] = field(default_factory=dict)


def _flag_arguments(arguments: Mapping[str, str]) -> list[str]:
    flat: list[str] = []
    for key, value in arguments.items():
        flat += [key, str(value)]
    return flat


def _parquet_shape(spark: SparkSession, address: str) -> tuple[int | None, int | None]:
    try:
        written = spark.read.parquet(address)
        return int(written.count()), len(written.columns)
    except Exception:  # a figure, not a result: unknown rather than a failed job
        return None, None


def job_figures(spark: SparkSession, namespace: Mapping[str, Any]) -> dict[str, Any]:
    """Rows read and written, from what the job script left in its globals.

    An ingest job leaves its :class:`IngestResult` (a copy: rows read = rows
    written); the prep job leaves the address it wrote, whose Parquet rows are
    counted. Rows a job read through Spark are not measured (None).
    """
    figures: dict[str, Any] = {"RowsRead": None, "RowsWritten": None, "Output": None}
    result = namespace.get("result")
    if isinstance(result, IngestResult):
        figures.update(Output=result.path, Summary=[result.summary()])
        if result.skipped:
            figures.update(RowsRead=0, RowsWritten=0, Note="already in the lake, skipped")
        else:
            figures.update(RowsRead=result.rows, RowsWritten=result.rows)
        return figures
    written = namespace.get("written")
    if isinstance(written, str):
        rows, columns = _parquet_shape(spark, written)
        figures.update(Output=written, RowsWritten=rows)
        if rows is not None:
            figures["Summary"] = [f"Wrote {rows} rows x {columns} columns to {written}"]
    return figures


@dataclass
class WorkflowRun:
    """One run of a resolved definition, recorded in ``record`` at ``path``."""

    definition: WorkflowDefinition
    lake: Path
    spark: SparkSession
    record: dict[str, Any]
    path: Path
    on_change: OnChange = lambda record: None
    on_progress: Callable[[str], None] = lambda message: None
    _nodes: dict[NodeKey, dict[str, Any]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self._nodes = {(n["Type"], n["Name"]): n for n in self.record["Graph"]["Nodes"]}

    # ------------------------------------------------------------ record

    def save(self) -> None:
        """Write the record (atomically) and tell the display."""
        self.record["Statistics"] = statistics(self.record)
        write_run(self.path, self.record)
        self.on_change(self.record)

    def _run_arguments(self) -> dict[str, str]:
        return dict(self.record.get("LocalRunArguments") or {})

    # ------------------------------------------------------------ actions

    def _start_attempt(self, key: NodeKey, arguments: Mapping[str, str]) -> dict[str, Any]:
        node = self._nodes[key]
        attempt: dict[str, Any] = {"StartedOn": now()}
        if key[0] == "JOB":
            given = {**self._run_arguments(), **arguments}
            # Glue's Attempt counts retries of one job run: earlier tries with these arguments.
            tries = [a for a in attempts(node) if a.get("Arguments") == given]
            attempt.update(
                Id=new_job_run_id(),
                Attempt=len(tries),
                JobName=key[1],
                JobRunState="RUNNING",
                Arguments=given,
            )
        else:
            attempt.update(State="RUNNING")
        attempts(node).append(attempt)
        return attempt

    def _execute(self, key: NodeKey, attempt: Mapping[str, Any]) -> Outcome:
        """Run one action (in a worker thread); never raises."""
        try:
            if key[0] == "JOB":
                return self._execute_job(key[1], attempt)
            return self._execute_crawler(key[1])
        except Exception as error:  # one sentence per node, as Glue's ErrorMessage
            return Outcome("FAILED", error=describe_error(error))

    def _execute_job(self, name: str, attempt: Mapping[str, Any]) -> Outcome:
        job = self.definition.jobs[name]
        arguments = {
            **(job.get("DefaultArguments") or {}),
            **self._run_arguments(),
            **attempt["Arguments"],
            "--JOB_RUN_ID": attempt["Id"],
        }
        bookmark_option = arguments.pop("--job-bookmark-option", None)
        run = LocalRun(
            job=script_file(job),
            args=tuple(_flag_arguments(arguments)),
            lake=self.lake,
            job_name=name,
            bookmark_option=bookmark_option,
        )
        dataset = arguments.get("--dataset")
        self.on_progress(f"Running job {name}" + (f" ({dataset})" if dataset else ""))
        namespace = run_script(run)
        return Outcome("SUCCEEDED", figures=job_figures(self.spark, namespace))

    def _execute_crawler(self, name: str) -> Outcome:
        crawler = self.definition.crawlers[name]
        targets = (crawler.get("Targets") or {}).get("S3Targets") or []
        if not targets:
            raise InputError(f"crawler {name} has no Targets.S3Targets to crawl")
        lines: list[str] = []
        tables = partitions_added = 0
        for target in targets:
            self.on_progress(f"Crawling the {Path(target['Path']).name} zone ({name})")
            report = crawl(
                self.spark,
                target["Path"],
                crawler["DatabaseName"],
                report_dir=crawls_dir(self.lake),
                progress=self.on_progress,
            )
            skipped = [t for t in report.tables if t.action == "skipped"]
            if skipped and len(skipped) == len(report.tables):
                raise InputError(
                    f"crawler {name} registered no table in {target['Path']}: "
                    + "; ".join(f"{t.table}: {t.reason}" for t in skipped)
                )
            lines += report.lines()
            tables += len(report.tables) - len(skipped)
            partitions_added += report.partitions_added
        return Outcome(
            "SUCCEEDED",
            figures={"Tables": tables, "PartitionsAdded": partitions_added, "Summary": lines},
        )

    def _finish_attempt(self, key: NodeKey, attempt: dict[str, Any], outcome: Outcome) -> None:
        completed = now()
        attempt["CompletedOn"] = completed
        started, ended = parse_time(attempt["StartedOn"]), parse_time(completed)
        seconds = (ended - started).total_seconds() if started and ended else 0.0
        attempt["LocalSeconds"] = round(seconds, 2)
        if key[0] == "JOB":
            attempt["JobRunState"] = outcome.state
            attempt["ExecutionTime"] = round(seconds)
        else:
            attempt["State"] = outcome.state
        attempt["ErrorMessage"] = outcome.error
        attempt["LocalFigures"] = outcome.figures

    # ------------------------------------------------------------ triggers

    def _node_in_state(self, key: NodeKey, state: str) -> bool:
        final = JOB_FINAL if key[0] == "JOB" else CRAWL_FINAL
        current = current_attempts(self._nodes[key])
        states = [attempt_state(a) for a in current]
        return bool(states) and all(s in final for s in states) and all(s == state for s in states)

    def _trigger_holds(self, trigger: Mapping[str, Any]) -> bool:
        met = [self._node_in_state((c.node_type, c.name), c.state) for c in conditions(trigger)]
        return all(met) if logical(trigger) == "AND" else any(met)

    def _fire(self, name: str) -> list[tuple[NodeKey, dict[str, str]]]:
        node = self._nodes[("TRIGGER", name)]
        node.setdefault("TriggerDetails", {})["LocalFiredOn"] = now()
        trigger = self.definition.triggers[name]
        return [((a.node_type, a.name), dict(a.arguments)) for a in actions(trigger)]

    def _due_triggers(self) -> list[str]:
        due = []
        for name, trigger in self.definition.triggers.items():
            fired = self._nodes[("TRIGGER", name)].get("TriggerDetails", {}).get("LocalFiredOn")
            if trigger.get("Type") == "CONDITIONAL" and not fired and self._trigger_holds(trigger):
                due.append(name)
        return due

    # ------------------------------------------------------------ the loop

    def _warm_catalog(self) -> None:
        # The first metastore call boots Derby and Hive's client (measured 10-20 s on
        # a new catalog); done beside the first actions, the first crawl need not wait.
        with contextlib.suppress(Exception):
            self.spark.sql("SHOW DATABASES").collect()

    def _loop(
        self,
        pool: ThreadPoolExecutor,
        queue: list[tuple[NodeKey, dict[str, str]]],
        running: dict[Future[Outcome], tuple[NodeKey, dict[str, Any]]],
    ) -> None:
        while queue or running:
            for key, arguments in queue:
                attempt = self._start_attempt(key, arguments)
                running[pool.submit(self._execute, key, attempt)] = (key, attempt)
            queue = []
            self.save()
            done, _ = wait(running, timeout=0.25, return_when=FIRST_COMPLETED)
            if not done:
                self.on_change(self.record)  # the display's clocks move on
                continue
            for future in done:
                key, attempt = running.pop(future)
                self._finish_attempt(key, attempt, future.result())
            for name in self._due_triggers():
                queue += self._fire(name)
            self.save()

    def execute(self, pending: list[tuple[NodeKey, dict[str, str]]]) -> dict[str, Any]:
        """Run ``pending`` actions and whatever the triggers start after them, to the end."""
        running: dict[Future[Outcome], tuple[NodeKey, dict[str, Any]]] = {}
        self.record["Status"] = "RUNNING"
        try:
            with (
                job_host(self.spark, self.lake),
                ThreadPoolExecutor(MAX_CONCURRENT_ACTIONS, thread_name_prefix="workflow") as pool,
            ):
                # Worth it only while other actions run before the first crawl.
                if self.definition.crawlers and all(key[0] == "JOB" for key, _ in pending):
                    pool.submit(self._warm_catalog)
                try:
                    self._loop(pool, list(pending), running)
                except KeyboardInterrupt:
                    # Before the pool waits for its threads: their Spark jobs end now.
                    self.spark.sparkContext.cancelAllJobs()
                    raise
        except KeyboardInterrupt:
            for key, attempt in running.values():
                self._finish_attempt(key, attempt, Outcome("STOPPED", error="stopped by the user"))
            self.record.update(Status="STOPPED", CompletedOn=now())
            self.save()
            raise
        except BaseException as error:
            self.record.update(
                Status="ERROR", CompletedOn=now(), ErrorMessage=describe_error(error)
            )
            self.save()
            raise
        self.record.update(Status="COMPLETED", CompletedOn=now())
        self.save()
        return self.record


def new_record(
    definition: WorkflowDefinition,
    *,
    run_arguments: Mapping[str, str],
    lake: Path,
) -> dict[str, Any]:
    """A fresh ``GetWorkflowRun``-shaped record with every node of the graph, nothing run."""
    shown = graph(definition)
    for node in shown["Nodes"]:
        if node["Type"] == "TRIGGER":
            node["TriggerDetails"] = {"Trigger": definition.triggers[node["Name"]]}
        elif node["Type"] == "JOB":
            node["JobDetails"] = {"JobRuns": []}
        else:
            node["CrawlerDetails"] = {"Crawls": []}
    return {
        "Name": definition.name,
        "WorkflowRunId": new_run_id(),
        "WorkflowRunProperties": dict(definition.workflow.get("DefaultRunProperties") or {}),
        "StartedOn": now(),
        "CompletedOn": None,
        "Status": "RUNNING",
        "ErrorMessage": None,
        "Statistics": {},
        "Graph": shown,
        "LocalProcess": {"Pid": os.getpid()},
        "LocalDefinition": str(definition.source.resolve()),
        "LocalLake": str(lake),
        "LocalWorkingFolder": str(Path.cwd()),
        "LocalRunArguments": dict(run_arguments),
    }


def start_run(
    definition: WorkflowDefinition,
    lake: Path,
    spark: SparkSession,
    *,
    run_arguments: Mapping[str, str],
    on_change: OnChange = lambda record: None,
    on_progress: Callable[[str], None] = lambda message: None,
) -> dict[str, Any]:
    """Glue's StartWorkflowRun, here: fire the ON_DEMAND trigger and run to the end."""
    record = new_record(definition, run_arguments=run_arguments, lake=lake)
    path = run_path(lake, definition.name, record["WorkflowRunId"])
    run = WorkflowRun(definition, lake, spark, record, path, on_change, on_progress)
    run.save()
    return run.execute(run._fire(definition.start_trigger()["Name"]))


def downstream(definition: WorkflowDefinition, roots: set[NodeKey]) -> set[NodeKey]:
    """Every node and trigger reachable from ``roots`` (not the roots themselves)."""
    following: dict[NodeKey, list[NodeKey]] = {}
    for source, target in edges(definition):
        following.setdefault(source, []).append(target)
    seen: set[NodeKey] = set()
    stack = [t for root in roots for t in following.get(root, [])]
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack += following.get(node, [])
    return seen - roots


def check_resumable(record: dict[str, Any]) -> None:
    """One sentence when ``record`` cannot be resumed now."""
    pid = (record.get("LocalProcess") or {}).get("Pid")
    run_id = record["WorkflowRunId"]
    if record.get("Status") == "RUNNING" and isinstance(pid, int) and process_alive(pid):
        raise PlaygroundsError(
            f"workflow run {run_id} is still running in process {pid}; wait for it to end"
        )


def resume_run(
    definition: WorkflowDefinition,
    lake: Path,
    spark: SparkSession,
    record: dict[str, Any],
    path: Path,
    *,
    on_change: OnChange = lambda record: None,
    on_progress: Callable[[str], None] = lambda message: None,
) -> dict[str, Any]:
    """Glue's ResumeWorkflowRun: rerun failed or died attempts and all that follows them."""
    check_resumable(record)
    run = WorkflowRun(definition, lake, spark, record, path, on_change, on_progress)
    died_pid = (record.get("LocalProcess") or {}).get("Pid")
    retry: list[tuple[NodeKey, dict[str, str]]] = []
    failed: set[NodeKey] = set()
    for key, node in run._nodes.items():
        for attempt in current_attempts(node):
            state = attempt_state(attempt)
            if state == "RUNNING":
                # Its process died mid-action (SIGKILL, power cut): Glue would call it ERROR.
                attempt.update(
                    ErrorMessage=f"the process running it (pid {died_pid}) died",
                    CompletedOn=attempt.get("CompletedOn") or now(),
                )
                attempt["JobRunState" if key[0] == "JOB" else "State"] = "ERROR"
                state = "ERROR"
            if state in FAILED_STATES or state == "STOPPED":
                attempt["LocalSuperseded"] = True
                retry.append((key, dict(attempt.get("Arguments") or {})))
                failed.add(key)
    if not failed:
        raise InputError(
            f"workflow run {record['WorkflowRunId']} has no failed or interrupted node to resume"
        )
    for key in downstream(definition, failed):
        node = run._nodes[key]
        for attempt in current_attempts(node):
            attempt["LocalSuperseded"] = True
        node.get("TriggerDetails", {}).pop("LocalFiredOn", None)
    record["LocalProcess"] = {"Pid": os.getpid()}
    record.setdefault("LocalResumedOn", []).append(now())
    record.update(CompletedOn=None, ErrorMessage=None)
    started = time.perf_counter()
    result = run.execute(retry)
    result.setdefault("LocalResumeSeconds", []).append(round(time.perf_counter() - started, 2))
    write_run(path, result)
    return result


def summary_lines(record: dict[str, Any]) -> list[str]:
    """What each current action reported (ingest, prep, crawl lines), in the order they ran."""
    ran = [
        attempt
        for node in record["Graph"]["Nodes"]
        for attempt in current_attempts(node)
        if node["Type"] != "TRIGGER"
    ]
    ran.sort(key=lambda attempt: attempt.get("CompletedOn") or "")
    return [line for a in ran for line in (a.get("LocalFigures") or {}).get("Summary", [])]
