"""The plan, without AWS: desired resources from the definition, and the field-by-field diff."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from playgrounds.deploy.artifacts import Artifact, wheel_digest
from playgrounds.deploy.deployment import script_artifacts, wheel_artifact
from playgrounds.deploy.resources import (
    Difference,
    Resource,
    desired_resources,
    plan_change,
    summary,
)
from playgrounds.deploy.target import DeployTarget
from playgrounds.workflow.definition import DEFINITIONS_DIR, load_definition, resolve
from tests.deploy.aws_fixtures import tiny_wheel

TARGET = DeployTarget("lake-raw", "lake-processed", "demo", "eu-west-1")
DEFINITION = DEFINITIONS_DIR / "playgrounds_workflow_for_ml.json"


@pytest.fixture
def desired(tmp_path: Path) -> dict[str, Resource]:
    definition = resolve(load_definition(DEFINITION), TARGET.variables())
    resources = desired_resources(
        definition,
        TARGET,
        account_id="111122223333",
        trust={"trust": 1},
        policy={"policy": 1},
        scripts=script_artifacts(definition, TARGET),
        wheel=wheel_artifact(tiny_wheel(tmp_path), TARGET),
    )
    return {f"{r.kind} {r.name}": r for r in resources}


def test_desired_resources_in_creation_order(desired: dict[str, Resource]) -> None:
    assert list(desired) == [
        "iam role demo-glue-role",
        "iam policy demo-glue-role/demo-glue-pipeline",
        "s3 object s3://lake-raw/demo/glue/wheels/playgrounds-0.1.0-py3-none-any.whl",
        "s3 object s3://lake-raw/demo/glue/scripts/import_income_data.py",
        "s3 object s3://lake-raw/demo/glue/scripts/import_json_data.py",
        "s3 object s3://lake-raw/demo/glue/scripts/prep_data_for_ml.py",
        "glue database demo-raw",
        "glue database demo-processed",
        "glue job import_income_data",
        "glue job import_json_data",
        "glue job prep_data_for_ml",
        "glue crawler crawl_raw_data",
        "glue crawler crawl_processed_data",
        "glue workflow playgrounds_workflow_for_ml",
        "glue trigger start_ingest",
        "glue trigger after_ingest",
        "glue trigger after_raw_crawl",
        "glue trigger after_prep",
    ]


def test_job_runs_the_uploaded_script_with_the_wheel(desired: dict[str, Resource]) -> None:
    job = desired["glue job prep_data_for_ml"].config
    assert job["Role"] == "arn:aws:iam::111122223333:role/demo-glue-role"
    assert job["Command"] == {
        "Name": "glueetl",
        "ScriptLocation": "s3://lake-raw/demo/glue/scripts/prep_data_for_ml.py",
        "PythonVersion": "3",
    }
    assert (job["GlueVersion"], job["WorkerType"], job["NumberOfWorkers"]) == ("5.0", "G.1X", 2)
    assert job["DefaultArguments"] == {
        "--raw_database": "demo-raw",
        "--processed_zone": "s3://lake-processed/demo/processed",
        "--income_year": "2016",
        "--state": "NY",
        "--job-language": "python",
        "--additional-python-modules":
            "s3://lake-raw/demo/glue/wheels/playgrounds-0.1.0-py3-none-any.whl",
        "--python-modules-installer-option": "--no-deps",
        "--TempDir": "s3://lake-raw/demo/glue/temp/",
    }  # fmt: skip
    crawler = desired["glue crawler crawl_raw_data"].config
    assert crawler["Targets"] == {"S3Targets": [{"Path": "s3://lake-raw/demo/raw"}]}
    assert crawler["DatabaseName"] == "demo-raw"


def test_what_aws_returns_unchanged_is_unchanged(desired: dict[str, Resource]) -> None:
    job = desired["glue job import_income_data"]
    # Glue answers with fields it fills in itself; they are not differences.
    returned = {**copy.deepcopy(job.config), "MaxRetries": 0, "MaxCapacity": 2.0,
                "CreatedOn": "2026-01-01", "Timeout": 30.0}  # fmt: skip
    assert plan_change(job, returned).action == "unchanged"
    crawler = desired["glue crawler crawl_raw_data"]
    returned = copy.deepcopy(crawler.config)
    returned["Targets"]["S3Targets"][0]["Exclusions"] = []
    returned["State"] = "READY"
    assert plan_change(crawler, returned).action == "unchanged"
    assert plan_change(crawler, None).action == "create"


def test_changed_definition_is_an_update_with_the_exact_diff(
    desired: dict[str, Resource],
) -> None:
    job = desired["glue job import_income_data"]
    deployed = copy.deepcopy(job.config)
    deployed["DefaultArguments"]["--income_year"] = "2015"
    deployed["DefaultArguments"]["--stale"] = "x"  # an argument the definition no longer has
    deployed["NumberOfWorkers"] = 10
    change = plan_change(job, deployed)
    assert change.action == "update"
    assert change.differences == (
        Difference("DefaultArguments.--income_year", "2015", "2016"),
        Difference("DefaultArguments.--stale", "x", change.differences[1].desired),
        Difference("NumberOfWorkers", 10, 2),
    )
    assert str(change.differences[0]) == "DefaultArguments.--income_year: '2015' -> '2016'"
    assert str(change.differences[1]) == "DefaultArguments.--stale: 'x' -> (none)"

    trigger = desired["glue trigger after_ingest"]
    deployed = copy.deepcopy(trigger.config)
    deployed["Predicate"]["Logical"] = "ANY"
    deployed["Predicate"]["Conditions"].pop()
    change = plan_change(trigger, deployed)
    assert [d.path for d in change.differences] == ["Predicate.Logical", "Predicate.Conditions"]
    assert summary([change, plan_change(trigger, None)]) == "1 to create, 1 to update, 0 unchanged"


def test_wheel_digest_ignores_zip_timestamps_but_not_content(tmp_path: Path) -> None:
    first = tiny_wheel(tmp_path / "a")
    again = tiny_wheel(tmp_path / "b", stamp=(2027, 6, 1, 12, 0, 0))  # other zip timestamps
    assert again.read_bytes() != first.read_bytes()
    changed = tiny_wheel(tmp_path / "c", body="VERSION = 2\n")
    assert wheel_digest(first) == wheel_digest(again)
    assert wheel_digest(first) != wheel_digest(changed)
    assert isinstance(wheel_artifact(first, TARGET), Artifact)
