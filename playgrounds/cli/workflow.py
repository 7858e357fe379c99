"""``playgrounds workflow run|resume|history|runs|show|import|start``: the Glue workflow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from rich.live import Live

from playgrounds.cli.kit import (
    SAMPLES_DIR,
    console,
    date_option,
    lake_folder,
    lake_option,
    master_option,
)
from playgrounds.errors import PlaygroundsError
from playgrounds.workflow.display import graph_tree, history_table, run_table, shown_status

PREFIX_HELP = "Databases are <prefix>-raw and <prefix>-processed, as in the workshop."


@click.group("workflow")
def workflow_group() -> None:
    """Glue workflows: run one here with triggers and history, show, import."""


@dataclass(frozen=True)
class LiveCallbacks:
    """What the runner calls while a run goes: session up, record changed, a progress line."""

    on_session: Callable[[dict[str, Any]], None]
    on_change: Callable[[dict[str, Any]], None]
    on_progress: Callable[[str], None]


@contextmanager
def live_run(title: str) -> Iterator[LiveCallbacks]:
    """A live table of the run's nodes, progress lines above it (on stderr)."""
    with console.status(f"{title}: starting Spark over the lake's catalog") as status:

        def on_session(_: dict[str, Any]) -> None:
            status.stop()

        with Live(console=console, transient=False, refresh_per_second=4) as live:

            def on_change(record: dict[str, Any]) -> None:
                if record:
                    live.update(run_table(record))

            yield LiveCallbacks(on_session, on_change, console.log)


def print_outcome(record: dict[str, Any], lake: Path) -> None:
    """The end of a run: where its history is, and each failed node's sentence."""
    stats = record.get("Statistics") or {}
    click.echo(
        f"Workflow run {record['WorkflowRunId']} {shown_status(record)}: "
        f"{stats.get('SucceededActions', 0)} of {stats.get('TotalActions', 0)} actions succeeded"
    )
    click.echo(f"History: {lake}/workflows/{record['Name']}/runs/{record['WorkflowRunId']}.json")


@workflow_group.command("run")
@click.argument("name")
@master_option
@lake_option("raw/ and processed/ zones, the catalog/ and workflows/ history live under it.")
@click.option(
    "--source",
    default=str(SAMPLES_DIR),
    show_default="data/samples",
    help="Folder or URL of the published files the ingest jobs read (job argument --source).",
)
@date_option("Partition date of the ingested and prepared data (job argument --date).")
@click.option("--prefix", default="playgrounds", show_default=True, help=PREFIX_HELP)
def run_command(name: str, lake: str, source: str, day: dt.date, prefix: str) -> None:
    """Run workflow NAME here: jobs and crawlers on one Spark session, triggers as on Glue."""
    from playgrounds.workflow.local import local_definition, run_workflow

    folder = lake_folder(lake, must_exist=False)
    local_definition(name, folder, prefix)  # a bad definition fails before the live display
    with live_run(name) as live:
        record = run_workflow(
            name,
            folder,
            day=day,
            source=source,
            prefix=prefix,
            on_change=live.on_change,
            on_session=live.on_session,
            on_progress=live.on_progress,
        )
    print_outcome(record, folder)


@workflow_group.command("start")
@click.argument("name")
@click.option("--aws", "on_aws", is_flag=True, help="Start the run on AWS Glue (after `deploy`).")
@click.option("--region", default=None, help="AWS region (default: the AWS CLI's, else us-east-1).")
@click.option(
    "--poll",
    default=15.0,
    show_default=True,
    type=click.FloatRange(1),
    help="Seconds between polls.",
)
@click.option(
    "--timeout",
    default=None,
    type=click.FloatRange(1),
    help="Stop following after this many seconds (the run goes on in AWS).",
)
def start_command(
    name: str, on_aws: bool, region: str | None, poll: float, timeout: float | None
) -> None:
    """Start workflow NAME on AWS Glue (StartWorkflowRun) and follow it until it ends."""
    if not on_aws:
        raise click.UsageError(
            f"`workflow start` starts {name} on AWS Glue: add --aws, or run it here "
            f"with `playgrounds workflow run {name}`"
        )
    from playgrounds.deploy.runs import start_and_follow

    def show(run: dict[str, Any]) -> None:
        stats = run.get("Statistics") or {}
        console.log(
            f"{name} {run.get('WorkflowRunId', '')}: {run.get('Status', '?')}, "
            f"{stats.get('SucceededActions', 0)} succeeded, "
            f"{stats.get('FailedActions', 0)} failed, "
            f"{stats.get('RunningActions', 0)} running of {stats.get('TotalActions', 0)}"
        )

    run = start_and_follow(
        name, region=region, poll_seconds=poll, on_update=show, timeout_seconds=timeout
    )
    stats = run.get("Statistics") or {}
    click.echo(
        f"Workflow run {run.get('WorkflowRunId', '')} on AWS Glue {run.get('Status', '?')}: "
        f"{stats.get('SucceededActions', 0)} of {stats.get('TotalActions', 0)} actions succeeded"
    )
    if stats.get("FailedActions"):
        raise PlaygroundsError(
            f"workflow {name} run {run.get('WorkflowRunId', '')} on AWS Glue had "
            f"{stats['FailedActions']} failed action(s); see the Glue console's History tab"
        )


@workflow_group.command("resume")
@click.argument("run_id")
@lake_option("the run's history lives under <ROOT>/workflows/.")
@click.option("--prefix", default="playgrounds", show_default=True, help=PREFIX_HELP)
def resume_command(run_id: str, lake: str, prefix: str) -> None:
    """Rerun a run's failed or interrupted nodes and all that follows them (ResumeWorkflowRun)."""
    from playgrounds.workflow.history import find_run, read_run
    from playgrounds.workflow.local import resume_workflow
    from playgrounds.workflow.runner import check_resumable

    folder = lake_folder(lake)
    check_resumable(read_run(find_run(folder, run_id)))  # before the live display
    with live_run(f"resume {run_id[:12]}") as live:
        record = resume_workflow(
            run_id, folder, prefix=prefix, on_change=live.on_change, on_progress=live.on_progress
        )
    print_outcome(record, folder)


@workflow_group.command("history")
@click.argument("name")
@lake_option("the history lives under <ROOT>/workflows/<NAME>/runs/.")
def history_command(name: str, lake: str) -> None:
    """List the runs of workflow NAME, newest first (the console's History tab)."""
    from playgrounds.workflow.history import all_runs, runs_dir

    folder = lake_folder(lake, must_exist=False)
    records = all_runs(folder, name)
    if not records:
        click.echo(f"No runs of {name} in {runs_dir(folder, name)}")
        return
    console.print(history_table(records), soft_wrap=True)


@workflow_group.command("runs")
@click.argument("run_id")
@lake_option("the history lives under <ROOT>/workflows/.")
def runs_command(run_id: str, lake: str) -> None:
    """Show one run: every node's attempts, states, times, figures and errors."""
    from playgrounds.workflow.history import find_run, read_run

    path = find_run(lake_folder(lake), run_id)
    record = read_run(path)
    console.print(run_table(record, every_attempt=True), soft_wrap=True)
    console.print(f"Status: {shown_status(record)}  ({path})", highlight=False, soft_wrap=True)


@workflow_group.command("show")
@click.argument("name")
@lake_option("imported definitions live under <ROOT>/workflows/<NAME>/.")
def show_command(name: str, lake: str) -> None:
    """Draw the graph of workflow NAME: triggers, the jobs and crawlers they start."""
    from playgrounds.workflow.definition import find_definition, load_definition

    path = find_definition(name, lake=lake_folder(lake, must_exist=False))
    console.print(graph_tree(load_definition(path)))
    click.echo(f"Definition: {path}")


@workflow_group.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@lake_option("the definition is stored under <ROOT>/workflows/<NAME>/definition.json.")
@click.option(
    "--jobs-dir",
    type=click.Path(path_type=Path),
    default=Path("jobs"),
    show_default=True,
    help="Folder holding each job's script as <JobName>.py.",
)
def import_command(file: Path, lake: str, jobs_dir: Path) -> None:
    """Store the workflow FILE describes (`aws glue get-workflow --include-graph` output)."""
    from playgrounds.workflow.definition import imported_definition_path
    from playgrounds.workflow.imported import import_workflow

    folder = lake_folder(lake, must_exist=False)
    definition = import_workflow(file, folder, jobs_dir)
    console.print(graph_tree(definition))
    stored = imported_definition_path(folder, definition.name)
    click.echo(f"Imported workflow {definition.name} to {stored}")
