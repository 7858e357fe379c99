"""``workflow import`` of get-workflow output, and the history/show commands (no Spark)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from playgrounds.cli.main import cli
from playgrounds.errors import InputError
from playgrounds.workflow.definition import (
    DEFINITIONS_DIR,
    REPO_ROOT,
    find_definition,
    graph,
    load_definition,
)
from playgrounds.workflow.history import run_path, write_run
from playgrounds.workflow.imported import import_workflow
from playgrounds.workflow.runner import new_record

WORKSHOP = DEFINITIONS_DIR / "playgrounds_workflow_for_ml.json"


def _get_workflow_output() -> dict[str, Any]:
    """What `aws glue get-workflow --include-graph` prints for the deployed workshop workflow."""
    definition = load_definition(WORKSHOP)
    shown = graph(definition)
    for node in shown["Nodes"]:
        if node["Type"] == "TRIGGER":
            trigger = dict(definition.triggers[node["Name"]])
            node["TriggerDetails"] = {"Trigger": {**trigger, "Id": "t-1", "State": "ACTIVATED"}}
        elif node["Type"] == "JOB":
            node["JobDetails"] = {}
        else:
            node["CrawlerDetails"] = {}
    return {
        "Workflow": {
            "Name": "workshop_on_aws",
            "CreatedOn": "2026-11-01T10:00:00+00:00",
            "LastModifiedOn": "2026-11-01T10:00:00+00:00",
            "DefaultRunProperties": {"state": "NY"},
            "MaxConcurrentRuns": 1,
            "Graph": shown,
        }
    }


def test_import_stores_a_definition_that_runs_here(tmp_path: Path) -> None:
    document = _get_workflow_output()
    for trigger in document["Workflow"]["Graph"]["Nodes"]:
        if trigger["Type"] == "TRIGGER":
            trigger["TriggerDetails"]["Trigger"]["WorkflowName"] = "workshop_on_aws"
    file = tmp_path / "get-workflow.json"
    file.write_text(json.dumps(document))
    lake = tmp_path / "lake"

    definition = import_workflow(file, lake, REPO_ROOT / "jobs")
    stored = find_definition("workshop_on_aws", lake=lake)
    assert stored == lake / "workflows" / "workshop_on_aws" / "definition.json"
    again = load_definition(stored)
    assert again.name == definition.name == "workshop_on_aws"
    assert again.script_path("prep_data_for_ml") == REPO_ROOT / "jobs" / "prep_data_for_ml.py"
    # Settings get-workflow does not show come from the repository's node of the same name.
    assert again.crawlers["crawl_raw_data"]["DatabaseName"] == "${raw_database}"
    assert again.jobs["prep_data_for_ml"]["DefaultArguments"]["--state"] == "NY"
    assert again.triggers["after_ingest"]["Predicate"]["Logical"] == "AND"
    assert "Id" not in again.triggers["after_ingest"]  # GetWorkflow's, not CreateTrigger's
    assert again.workflow == {
        "Name": "workshop_on_aws",
        "DefaultRunProperties": {"state": "NY"},
        "MaxConcurrentRuns": 1,
    }


def test_import_names_the_missing_job_scripts(tmp_path: Path) -> None:
    file = tmp_path / "get-workflow.json"
    file.write_text(json.dumps(_get_workflow_output()))
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    (jobs / "prep_data_for_ml.py").write_text("")
    with pytest.raises(InputError) as error:
        import_workflow(file, tmp_path / "lake", jobs)
    assert str(error.value) == (
        f"workflow workshop_on_aws: no script in {jobs} for job(s) import_income_data, "
        f"import_json_data (expected {jobs}/<JobName>.py)"
    )
    assert not (tmp_path / "lake").exists()  # nothing stored


def test_import_refuses_what_is_not_get_workflow_output(tmp_path: Path) -> None:
    file = tmp_path / "workflow.json"
    file.write_text(json.dumps({"Workflow": {"Name": "x"}}))
    with pytest.raises(InputError, match=r"has no Graph\.Nodes \(was it fetched with"):
        import_workflow(file, tmp_path / "lake", REPO_ROOT / "jobs")


def test_history_lists_runs_and_marks_one_whose_process_died(tmp_path: Path) -> None:
    definition = load_definition(WORKSHOP)
    lake = tmp_path / "lake"
    done = new_record(definition, run_arguments={}, lake=lake)
    done.update(
        Status="COMPLETED",
        StartedOn="2026-11-26T10:00:00.000+00:00",
        CompletedOn="2026-11-26T10:00:42.500+00:00",
        Statistics={"SucceededActions": 6, "FailedActions": 0},
    )
    died = new_record(definition, run_arguments={}, lake=lake)
    died.update(StartedOn="2026-11-27T10:00:00.000+00:00", LocalProcess={"Pid": 2**22 + 7})
    for record in (done, died):
        write_run(run_path(lake, definition.name, record["WorkflowRunId"]), record)

    runner = CliRunner()
    shown = runner.invoke(
        cli, ["workflow", "history", definition.name, "--lake", str(lake)], env={"COLUMNS": "250"}
    )
    assert shown.exit_code == 0, shown.output
    lines = [line for line in shown.output.splitlines() if "wr_" in line]
    assert len(lines) == 2
    assert died["WorkflowRunId"] in lines[0] and "died (resume it)" in lines[0]
    assert done["WorkflowRunId"] in lines[1] and "42.5 s" in lines[1] and "COMPLETED" in lines[1]

    one = runner.invoke(
        cli,
        ["workflow", "runs", done["WorkflowRunId"], "--lake", str(lake)],
        env={"COLUMNS": "200"},
    )
    assert one.exit_code == 0, one.output
    assert "prep_data_for_ml" in one.output and "not run" in one.output


def test_show_draws_the_graph_from_the_start_trigger() -> None:
    shown = CliRunner().invoke(
        cli, ["workflow", "show", "playgrounds_workflow_for_ml"], env={"COLUMNS": "200"}
    )
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert "start_ingest (ON_DEMAND)" in lines[1]
    order = [
        next(i for i, line in enumerate(lines) if name in line)
        for name in ("import_income_data", "crawl_raw_data", "prep_data_for_ml", "crawl_processed")
    ]
    assert order == sorted(order)
    assert any("import_json_data --dataset playgrounds" in line for line in lines)
