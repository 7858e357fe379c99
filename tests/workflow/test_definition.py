"""The workflow definition: loading, each bad-input sentence, placeholders, graph."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from playgrounds.errors import InputError
from playgrounds.workflow.definition import (
    DEFINITIONS_DIR,
    find_definition,
    graph,
    imported_definition_path,
    load_definition,
    local_variables,
    resolve,
)

WORKSHOP = DEFINITIONS_DIR / "playgrounds_workflow_for_ml.json"


def _document() -> dict[str, Any]:
    return json.loads(WORKSHOP.read_text())


def _load(tmp_path: Path, document: dict[str, Any]) -> None:
    path = tmp_path / "wf.json"
    path.write_text(json.dumps(document))
    load_definition(path)


def _trigger(document: dict[str, Any], name: str) -> dict[str, Any]:
    return next(t for t in document["Triggers"] if t["Name"] == name)


def test_the_workshop_definition_loads_with_its_nodes_by_name() -> None:
    definition = load_definition(WORKSHOP)
    assert definition.name == "playgrounds_workflow_for_ml"
    assert list(definition.jobs) == ["import_income_data", "import_json_data", "prep_data_for_ml"]
    assert list(definition.crawlers) == ["crawl_raw_data", "crawl_processed_data"]
    assert definition.start_trigger()["Name"] == "start_ingest"
    assert definition.script_path("prep_data_for_ml").name == "prep_data_for_ml.py"


def _broken(document: dict[str, Any], case: str) -> None:
    if case == "unknown top-level key":
        document["Jbos"] = []
    elif case == "dangling action":
        _trigger(document, "after_raw_crawl")["Actions"] = [{"JobName": "prep_for_ml"}]
    elif case == "dangling condition":
        _trigger(document, "after_prep")["Predicate"]["Conditions"][0]["JobName"] = "nope"
    elif case == "cycle":
        _trigger(document, "after_prep")["Actions"].append({"JobName": "prep_data_for_ml"})
    elif case == "no start":
        _trigger(document, "start_ingest")["Type"] = "CONDITIONAL"
        _trigger(document, "start_ingest")["Predicate"] = {
            "Conditions": [{"CrawlerName": "crawl_processed_data", "CrawlState": "SUCCEEDED"}]
        }
    elif case == "two starts":
        second = copy.deepcopy(_trigger(document, "start_ingest"))
        second["Name"] = "start_again"
        document["Triggers"].append(second)
    elif case == "unreachable state":
        _trigger(document, "after_prep")["Predicate"]["Conditions"][0]["State"] = "RUNNING"
    elif case == "crawler condition with State":
        condition = _trigger(document, "after_raw_crawl")["Predicate"]["Conditions"][0]
        condition["State"] = condition.pop("CrawlState")
    elif case == "watches a node nobody starts":
        _trigger(document, "start_ingest")["Actions"] = [{"JobName": "import_income_data"}]
    elif case == "missing script":
        document["Jobs"][2]["Command"]["ScriptLocation"] = "jobs/prep_for_ml.py"
    elif case == "script outside jobs":
        document["Jobs"][2]["Command"]["ScriptLocation"] = "playgrounds/cli/main.py"


@pytest.mark.parametrize(
    ("case", "sentence"),
    [
        ("unknown top-level key", "unknown top-level key(s) Jbos"),
        ("dangling action", "trigger after_raw_crawl starts job prep_for_ml, which the defin"),
        ("dangling condition", "trigger after_prep watches job nope, which the definition"),
        ("cycle", "has a cycle: job prep_data_for_ml -> trigger after_prep -> job prep_data"),
        ("no start", "has no ON_DEMAND trigger"),
        ("two starts", "has 2 ON_DEMAND triggers (start_ingest, start_again)"),
        ("unreachable state", "waits for job prep_data_for_ml to be RUNNING, a state a trigger"),
        ("crawler condition with State", "crawler crawl_raw_data has no CrawlState (crawler"),
        ("watches a node nobody starts", "watches job import_json_data, which no trigger starts"),
        ("missing script", "job prep_data_for_ml's script jobs/prep_for_ml.py does not exist"),
        ("script outside jobs", "ScriptLocation playgrounds/cli/main.py is not under jobs/"),
    ],
)
def test_a_bad_definition_is_one_sentence_naming_workflow_and_node(
    tmp_path: Path, case: str, sentence: str
) -> None:
    document = _document()
    _broken(document, case)
    with pytest.raises(InputError) as error:
        _load(tmp_path, document)
    message = str(error.value)
    assert sentence in message
    assert "playgrounds_workflow_for_ml" in message
    assert "\n" not in message


def test_a_condition_that_closes_a_loop_is_named_as_a_cycle(tmp_path: Path) -> None:
    document = _document()
    # after_ingest waits for both imports with AND; make it wait for a crawler
    # that only after_prep starts, so everything downstream can never fire.
    conditions = _trigger(document, "after_ingest")["Predicate"]["Conditions"]
    conditions.append({"CrawlerName": "crawl_processed_data", "CrawlState": "SUCCEEDED"})
    with pytest.raises(InputError, match="cycle"):
        _load(tmp_path, document)


def test_resolve_fills_every_placeholder_and_names_an_unknown_one(tmp_path: Path) -> None:
    definition = load_definition(WORKSHOP)
    resolved = resolve(definition, local_variables(tmp_path / "lake", prefix="demo"))
    assert resolved.crawlers["crawl_raw_data"]["DatabaseName"] == "demo-raw"
    assert resolved.crawlers["crawl_processed_data"]["Targets"]["S3Targets"] == [
        {"Path": str(tmp_path / "lake" / "processed")}
    ]
    assert resolved.jobs["prep_data_for_ml"]["DefaultArguments"]["--raw_database"] == "demo-raw"
    assert "${" not in json.dumps(resolved.as_json())
    # The original is untouched (frozen, filled into copies).
    assert definition.crawlers["crawl_raw_data"]["DatabaseName"] == "${raw_database}"

    with pytest.raises(InputError) as error:
        resolve(definition, {"raw_zone": "r", "processed_zone": "p", "raw_database": "d"})
    assert str(error.value) == (
        "workflow playgrounds_workflow_for_ml: crawler crawl_processed_data uses placeholder "
        "${processed_database}, which has no value (known: processed_zone, raw_database, raw_zone)"
    )


def test_find_definition_prefers_the_repository_then_the_lake(tmp_path: Path) -> None:
    assert find_definition("playgrounds_workflow_for_ml", lake=tmp_path) == WORKSHOP
    imported = imported_definition_path(tmp_path, "from_aws")
    imported.parent.mkdir(parents=True)
    imported.write_text("{}")
    assert find_definition("from_aws", lake=tmp_path) == imported
    with pytest.raises(InputError, match="workflow nowhere is not defined"):
        find_definition("nowhere", lake=tmp_path)


def test_graph_has_glue_shaped_nodes_and_edges() -> None:
    shown = graph(load_definition(WORKSHOP))
    by_id = {node["UniqueId"]: (node["Type"], node["Name"]) for node in shown["Nodes"]}
    assert len(by_id) == 4 + 3 + 2
    pairs = {(by_id[e["SourceId"]], by_id[e["DestinationId"]]) for e in shown["Edges"]}
    assert pairs == {
        (("TRIGGER", "start_ingest"), ("JOB", "import_income_data")),
        (("TRIGGER", "start_ingest"), ("JOB", "import_json_data")),
        (("JOB", "import_income_data"), ("TRIGGER", "after_ingest")),
        (("JOB", "import_json_data"), ("TRIGGER", "after_ingest")),
        (("TRIGGER", "after_ingest"), ("CRAWLER", "crawl_raw_data")),
        (("CRAWLER", "crawl_raw_data"), ("TRIGGER", "after_raw_crawl")),
        (("TRIGGER", "after_raw_crawl"), ("JOB", "prep_data_for_ml")),
        (("JOB", "prep_data_for_ml"), ("TRIGGER", "after_prep")),
        (("TRIGGER", "after_prep"), ("CRAWLER", "crawl_processed_data")),
    }
    # Ids are stable across loads (a run's history refers to them).
    assert graph(load_definition(WORKSHOP)) == shown


@pytest.mark.parametrize("name", ["../escape", "a/b", ".hidden", "", "x" * 256, "nul\x00"])
def test_names_that_would_leave_their_folder_are_refused(tmp_path: Path, name: str) -> None:
    # Workflow and node names become folders and file names (history, imports, scripts).
    with pytest.raises(InputError, match="is not allowed here"):
        find_definition(name, lake=tmp_path)
    document = _document()
    document["Jobs"][0]["Name"] = name or "-"
    with pytest.raises(InputError, match="is not allowed here"):
        _load(tmp_path, document)


@pytest.mark.parametrize("run_id", ["wr_*", "../wr_00", "wr_", "jr_00"])
def test_a_run_id_that_is_not_one_is_refused_before_any_lookup(tmp_path: Path, run_id: str) -> None:
    from playgrounds.workflow.history import find_run

    with pytest.raises(InputError, match="is not a workflow run id"):
        find_run(tmp_path, run_id)
