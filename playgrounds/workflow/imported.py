"""``workflow import``: a definition from what ``aws glue get-workflow --include-graph`` prints.

GetWorkflow's graph names the jobs and crawlers and carries each trigger whole
(``TriggerDetails.Trigger``: Type, Predicate, Actions), but not the jobs' or
crawlers' own settings. So a job's script is found by its name in a local
jobs folder (``<jobs-dir>/<JobName>.py``), and a job's ``DefaultArguments`` or a
crawler's ``DatabaseName`` and ``Targets`` are taken from a repository
definition that has a node of the same name; a crawler found nowhere is
stored without targets, and running it fails naming the file to complete.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playgrounds.errors import InputError
from playgrounds.workflow.definition import (
    DEFINITIONS_DIR,
    WorkflowDefinition,
    imported_definition_path,
    load_definition,
    parse_definition,
)
from playgrounds.workflow.history import write_run

# Trigger fields CreateTrigger takes (GetWorkflow adds Id and State).
TRIGGER_FIELDS = ("Name", "WorkflowName", "Type", "Schedule", "Predicate", "Actions", "Description")


def _known_nodes() -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    jobs: dict[str, dict[str, Any]] = {}
    crawlers: dict[str, dict[str, Any]] = {}
    for path in sorted(DEFINITIONS_DIR.glob("*.json")):
        try:
            definition = load_definition(path)
        except InputError:
            continue
        jobs.update(definition.jobs)
        crawlers.update(definition.crawlers)
    return jobs, crawlers


def definition_from_get_workflow(document: object, source: Path, jobs_dir: Path) -> dict[str, Any]:
    """The definition (file shape) of the workflow ``document`` describes."""
    workflow = document.get("Workflow") if isinstance(document, dict) else None
    if not isinstance(workflow, dict) or not isinstance(workflow.get("Name"), str):
        raise InputError(
            f"{source} is not what `aws glue get-workflow --include-graph` prints "
            "(no Workflow.Name)"
        )
    name = workflow["Name"]
    nodes = (workflow.get("Graph") or {}).get("Nodes")
    if not isinstance(nodes, list) or not nodes:
        raise InputError(
            f"{source}: workflow {name} has no Graph.Nodes (was it fetched with --include-graph?)"
        )
    known_jobs, known_crawlers = _known_nodes()
    jobs, crawlers, triggers, missing = [], [], [], []
    for node in nodes:
        kind, node_name = node.get("Type"), node.get("Name")
        if kind == "JOB":
            script = (jobs_dir / f"{node_name}.py").resolve()
            if not script.is_file():
                missing.append(str(node_name))
            known = known_jobs.get(node_name, {})
            jobs.append(
                {
                    "Name": node_name,
                    "Command": {"Name": "glueetl", "ScriptLocation": str(script)},
                    "DefaultArguments": dict(known.get("DefaultArguments") or {}),
                }
            )
        elif kind == "CRAWLER":
            known = known_crawlers.get(node_name, {})
            crawler = {"Name": node_name}
            crawler.update({k: known[k] for k in ("DatabaseName", "Targets") if k in known})
            crawlers.append(crawler)
        elif kind == "TRIGGER":
            trigger = (node.get("TriggerDetails") or {}).get("Trigger") or {"Name": node_name}
            triggers.append({k: trigger[k] for k in TRIGGER_FIELDS if k in trigger})
    if missing:
        raise InputError(
            f"workflow {name}: no script in {jobs_dir} for job(s) {', '.join(missing)} "
            f"(expected {jobs_dir}/<JobName>.py)"
        )
    block = {
        k: workflow[k] for k in ("Name", "Description", "DefaultRunProperties") if k in workflow
    }
    if "MaxConcurrentRuns" in workflow:
        block["MaxConcurrentRuns"] = workflow["MaxConcurrentRuns"]
    return {"Workflow": block, "Jobs": jobs, "Crawlers": crawlers, "Triggers": triggers}


def import_workflow(file: Path, lake: Path, jobs_dir: Path) -> WorkflowDefinition:
    """Validate the workflow ``file`` describes and store it under ``lake``; the definition."""
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError as missing:
        raise InputError(f"{file} does not exist") from missing
    except json.JSONDecodeError as bad:
        raise InputError(f"{file} line {bad.lineno} is not valid JSON: {bad.msg}") from bad
    shaped = definition_from_get_workflow(document, file, jobs_dir)
    target = imported_definition_path(lake, shaped["Workflow"]["Name"])
    definition = parse_definition(shaped, target)  # validated before anything is stored
    write_run(target, shaped)  # the same atomic replace as the run history
    return definition
