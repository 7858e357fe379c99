"""What a terminal shows of a workflow: its graph, a run's nodes as they go, the History tab."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from playgrounds.workflow.definition import WorkflowDefinition, actions, conditions, logical
from playgrounds.workflow.history import (
    attempt_state,
    attempts,
    current_attempts,
    parse_time,
    writer_died,
)

STATE_STYLES = {
    "SUCCEEDED": "green",
    "RUNNING": "yellow",
    "FAILED": "red",
    "ERROR": "red",
    "TIMEOUT": "red",
    "STOPPED": "magenta",
    "CANCELLED": "magenta",
    "COMPLETED": "green",
}


def _styled(state: str) -> Text:
    return Text(state, style=STATE_STYLES.get(state, "dim"))


def _seconds(attempt: dict[str, Any]) -> float | None:
    if "LocalSeconds" in attempt:
        return float(attempt["LocalSeconds"])
    started = parse_time(attempt.get("StartedOn"))
    if started is None:
        return None
    return (dt.datetime.now(dt.UTC) - started).total_seconds()


def _rows(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else "n/a"


def _label(node: dict[str, Any], attempt: dict[str, Any]) -> str:
    dataset = (attempt.get("Arguments") or {}).get("--dataset")
    return f"{node['Name']} ({dataset})" if dataset else node["Name"]


def _rows_of(record: dict[str, Any], *, every_attempt: bool) -> list[tuple[dict, dict | None]]:
    rows: list[tuple[dict, dict | None]] = []
    for node in record["Graph"]["Nodes"]:
        if node["Type"] == "TRIGGER":
            continue
        shown = attempts(node) if every_attempt else current_attempts(node)
        rows += [(node, a) for a in shown] or [(node, None)]
    # In the order they ran; nodes not run last, in the graph's order.
    return sorted(rows, key=lambda row: (row[1] is None, (row[1] or {}).get("StartedOn") or ""))


def shown_path(path: str) -> str:
    """``lake/raw/...`` for a path under the working folder, else the path as it is."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except (ValueError, OSError):
        return path


def run_table(record: dict[str, Any], *, every_attempt: bool = False) -> Table:
    """One row per action: node, state, time, rows read and written, output or error."""
    table = Table(title=f"{record['Name']} {record['WorkflowRunId'][:15]}… {record['Status']}")
    table.add_column("node", no_wrap=True)
    table.add_column("state", no_wrap=True)
    for column in ("time", "read", "written"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("output / error", overflow="fold", ratio=1)
    for node, attempt in _rows_of(record, every_attempt=every_attempt):
        if attempt is None:
            table.add_row(node["Name"], Text("not run", style="dim"))
            continue
        state = attempt_state(attempt)
        if attempt.get("LocalSuperseded"):
            state = f"{state} (replaced)"
        figures = attempt.get("LocalFigures") or {}
        seconds = _seconds(attempt)
        if node["Type"] == "CRAWLER":
            read, written = "", f"{figures['Tables']} tables" if "Tables" in figures else ""
            detail = f"+{figures['PartitionsAdded']} partitions" if figures else ""
        else:
            read, written = _rows(figures.get("RowsRead")), _rows(figures.get("RowsWritten"))
            output = figures.get("Output")
            detail = figures.get("Note") or (shown_path(output) if output else "")
        error = attempt.get("ErrorMessage")
        table.add_row(
            _label(node, attempt),
            _styled(state),
            f"{seconds:.1f} s" if seconds is not None else "",
            read if figures else "",
            written if figures else "",
            Text(error, style="red") if error else Text(str(detail)),
        )
    return table


def shown_status(record: dict[str, Any]) -> str:
    """The run's status, or that its process died while it ran."""
    if writer_died(record):
        return f"RUNNING, but its process {record['LocalProcess']['Pid']} died (resume it)"
    return str(record.get("Status"))


def history_table(records: list[dict[str, Any]]) -> Table:
    """The console's History tab: run id, status, started, completed, duration, actions."""
    table = Table()
    table.add_column("run id", no_wrap=True)  # whole: it is what `runs` and `resume` take
    for column in ("status", "started", "completed", "duration", "succeeded", "failed"):
        table.add_column(column)
    for record in records:
        started, completed = (
            parse_time(record.get("StartedOn")),
            parse_time(record.get("CompletedOn")),
        )
        duration = f"{(completed - started).total_seconds():.1f} s" if started and completed else ""
        stats = record.get("Statistics") or {}
        failed = sum(stats.get(k, 0) for k in ("FailedActions", "ErroredActions", "TimeoutActions"))
        table.add_row(
            record["WorkflowRunId"],
            _styled(shown_status(record)),
            started.strftime("%Y-%m-%d %H:%M:%S") if started else "",
            completed.strftime("%Y-%m-%d %H:%M:%S") if completed else "",
            duration,
            str(stats.get("SucceededActions", 0)),
            str(failed),
        )
    return table


def _trigger_text(definition: WorkflowDefinition, name: str) -> str:
    trigger = definition.triggers[name]
    if trigger.get("Type") != "CONDITIONAL":
        return f"[bold]{name}[/bold] ({trigger.get('Type')})"
    joined = f" {logical(trigger)} ".join(f"{c.name} {c.state}" for c in conditions(trigger))
    return f"[bold]{name}[/bold] (when {joined})"


def graph_tree(definition: WorkflowDefinition) -> Tree:
    """The graph as a tree: trigger -> the nodes it starts -> the triggers watching them -> ..."""
    tree = Tree(f"workflow [bold]{definition.name}[/bold]")
    watchers: dict[str, list[str]] = {}
    for name, trigger in definition.triggers.items():
        for condition in conditions(trigger):
            watchers.setdefault(condition.name, [])
            if name not in watchers[condition.name]:
                watchers[condition.name].append(name)
    shown: set[str] = set()

    def add_trigger(parent: Tree, name: str) -> None:
        branch = parent.add(_trigger_text(definition, name))
        if name in shown:
            branch.add("[dim](shown above)[/dim]")
            return
        shown.add(name)
        for action in actions(definition.triggers[name]):
            extra = "".join(f" {k} {v}" for k, v in action.arguments.items())
            node = branch.add(f"{action.node_type.lower()} [cyan]{action.name}[/cyan]{extra}")
            for watcher in watchers.get(action.name, []):
                add_trigger(node, watcher)

    add_trigger(tree, definition.start_trigger()["Name"])
    return tree
