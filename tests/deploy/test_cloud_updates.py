"""The update path, which moto 5.2.5 does not serve (no UpdateJob, UpdateCrawler, UpdateTrigger).

Each Update* request deploy makes goes through a real botocore client whose
Stubber checks it against botocore's model of the real Glue and IAM APIs
(parameter names, nesting, types, required members) and against the exact
parameters expected; nothing reaches a server. The same Stubber answers an
AccessDenied, whose sentence is checked.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber

from playgrounds.deploy.cloud import Cloud
from playgrounds.deploy.deployment import script_artifacts, wheel_artifact
from playgrounds.deploy.resources import Change, Resource, desired_resources
from playgrounds.deploy.target import DeployTarget
from playgrounds.errors import PlaygroundsError
from playgrounds.lake import aws
from playgrounds.workflow.definition import DEFINITIONS_DIR, load_definition, resolve
from tests.deploy.aws_fixtures import tiny_wheel

TARGET = DeployTarget("lake-raw", "lake-processed", "demo", "eu-west-1")
ACCOUNT = "111122223333"


@pytest.fixture(scope="module")
def clients() -> Iterator[dict[str, Any]]:
    """Real botocore clients (made once: each costs ~0.5 s of model loading), never sent."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_GLUE", "AWS_ENDPOINT_URL_IAM",
                     "AWS_PROFILE"):  # fmt: skip
            patch.delenv(name, raising=False)
        patch.setenv("AWS_ACCESS_KEY_ID", "testing")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        yield {service: aws.client(service, region=TARGET.region) for service in ("glue", "iam")}


@pytest.fixture
def stubbed(clients: dict[str, Any]) -> Iterator[tuple[Cloud, Stubber, Stubber]]:
    with Stubber(clients["glue"]) as glue_stub, Stubber(clients["iam"]) as iam_stub:
        yield Cloud(TARGET, clients=clients), glue_stub, iam_stub
        glue_stub.assert_no_pending_responses()
        iam_stub.assert_no_pending_responses()


@pytest.fixture
def desired(tmp_path: Path) -> dict[str, Resource]:
    definition = resolve(
        load_definition(DEFINITIONS_DIR / "playgrounds_workflow_for_ml.json"), TARGET.variables()
    )
    resources = desired_resources(
        definition, TARGET, account_id=ACCOUNT, trust={"Version": "2012-10-17", "Statement": []},
        policy={"Version": "2012-10-17", "Statement": []},
        scripts=script_artifacts(definition, TARGET),
        wheel=wheel_artifact(tiny_wheel(tmp_path), TARGET),
    )  # fmt: skip
    return {f"{r.kind} {r.name}": r for r in resources}


def _update(cloud: Cloud, resource: Resource) -> None:
    cloud.apply(Change(resource, "update"), {})


def test_update_job_sends_the_whole_job(
    stubbed: tuple[Cloud, Stubber, Stubber], desired: dict[str, Resource]
) -> None:
    cloud, glue, _ = stubbed
    job = desired["glue job prep_data_for_ml"]
    expected: dict[str, Any] = {
        "JobName": "prep_data_for_ml",
        "JobUpdate": {key: value for key, value in job.config.items() if key != "Name"},
    }
    assert expected["JobUpdate"]["Command"]["ScriptLocation"].startswith("s3://lake-raw/")
    glue.add_response("update_job", {"JobName": "prep_data_for_ml"}, expected)
    _update(cloud, job)


def test_update_crawler_trigger_workflow_database(
    stubbed: tuple[Cloud, Stubber, Stubber], desired: dict[str, Resource]
) -> None:
    cloud, glue, _ = stubbed
    crawler = desired["glue crawler crawl_raw_data"]
    glue.add_response("update_crawler", {}, dict(crawler.config))
    trigger = desired["glue trigger after_ingest"]
    glue.add_response("update_trigger", {"Trigger": {"Name": "after_ingest"}}, {
        "Name": "after_ingest",
        "TriggerUpdate": {
            "Name": "after_ingest",
            "Actions": [{"CrawlerName": "crawl_raw_data"}],
            "Predicate": trigger.config["Predicate"],
        },
    })  # fmt: skip
    workflow = desired["glue workflow playgrounds_workflow_for_ml"]
    glue.add_response("update_workflow", {"Name": workflow.name}, dict(workflow.config))
    database = desired["glue database demo-raw"]
    glue.add_response("update_database", {}, {
        "Name": "demo-raw",
        "DatabaseInput": {"Name": "demo-raw", "Description": database.config["Description"]},
    })  # fmt: skip
    for resource in (crawler, trigger, workflow, database):
        _update(cloud, resource)


def test_update_role_and_its_policy(
    stubbed: tuple[Cloud, Stubber, Stubber], desired: dict[str, Resource]
) -> None:
    cloud, _, iam = stubbed
    document = json.dumps({"Version": "2012-10-17", "Statement": []})
    iam.add_response(
        "update_assume_role_policy", {}, {"RoleName": "demo-glue-role", "PolicyDocument": document}
    )
    iam.add_response("put_role_policy", {}, {
        "RoleName": "demo-glue-role",
        "PolicyName": "demo-glue-pipeline",
        "PolicyDocument": document,
    })  # fmt: skip
    _update(cloud, desired["iam role demo-glue-role"])
    _update(cloud, desired["iam policy demo-glue-role/demo-glue-pipeline"])


def test_access_denied_names_the_call_and_resource(
    stubbed: tuple[Cloud, Stubber, Stubber], desired: dict[str, Resource]
) -> None:
    cloud, glue, _ = stubbed
    glue.add_client_error(
        "update_job",
        service_error_code="AccessDeniedException",
        service_message="User: arn:aws:iam::111122223333:user/dev is not authorized to "
        "perform: glue:UpdateJob",
        http_status_code=400,
    )
    with pytest.raises(PlaygroundsError) as raised:
        _update(cloud, desired["glue job import_income_data"])
    assert str(raised.value) == (
        "AWS denied updating glue job import_income_data: AccessDeniedException (User: "
        "arn:aws:iam::111122223333:user/dev is not authorized to perform: glue:UpdateJob); "
        "the caller lacks that permission"
    )


def test_the_model_check_rejects_a_field_the_real_api_lacks(clients: dict[str, Any]) -> None:
    # What makes the tests above worth something: UpdateTrigger cannot move a trigger to
    # another workflow, and botocore's model says so before any request is sent.
    from botocore.exceptions import ParamValidationError

    with Stubber(clients["glue"]) as glue:
        glue.add_response("update_trigger", {})
        with pytest.raises(ParamValidationError, match="WorkflowName"):
            clients["glue"].update_trigger(
                Name="t", TriggerUpdate={"Name": "t", "WorkflowName": "other"}
            )


def test_create_crawler_waits_for_a_new_role(
    stubbed: tuple[Cloud, Stubber, Stubber], desired: dict[str, Resource]
) -> None:
    cloud, glue, _ = stubbed
    cloud.role_wait_seconds = 0.0
    crawler = desired["glue crawler crawl_raw_data"]
    unseen = "Service is unable to assume provided role. Please verify role's TrustPolicy"
    for _ in range(2):
        glue.add_client_error("create_crawler", "InvalidInputException", unseen)
    glue.add_response("create_crawler", {}, {**crawler.config, "Tags": TARGET.tags})
    cloud.apply(Change(crawler, "create"), {})


def test_create_crawler_gives_up_on_other_errors(
    stubbed: tuple[Cloud, Stubber, Stubber], desired: dict[str, Resource]
) -> None:
    cloud, glue, _ = stubbed
    glue.add_client_error("create_crawler", "InvalidInputException", "Bad S3 path")
    with pytest.raises(PlaygroundsError, match="AWS refused creating glue crawler crawl_raw_data: "
                       r"InvalidInputException \(Bad S3 path\)"):  # fmt: skip
        cloud.apply(Change(desired["glue crawler crawl_raw_data"], "create"), {})
