"""Bad input to deploy and teardown: one sentence naming the resource, nothing changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from playgrounds.cli import main
from playgrounds.workflow.definition import DEFINITIONS_DIR
from tests.deploy.aws_fixtures import MotoDeployment

DEFINITION = DEFINITIONS_DIR / "playgrounds_workflow_for_ml.json"


def _deploy(deployment: MotoDeployment, *extra: str) -> list[str]:
    target = deployment.target
    return ["deploy", "--raw-bucket", target.raw_bucket, "--processed-bucket",
            target.processed_bucket, "--prefix", target.prefix, "--region", target.region,
            "--wheel", str(deployment.wheel), *extra]  # fmt: skip


def _error_line(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    assert main(args) == 1
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_missing_bucket_is_named_and_nothing_is_made(
    moto_deployment: MotoDeployment, capsys: pytest.CaptureFixture[str]
) -> None:
    args = _deploy(moto_deployment)
    args[args.index("--processed-bucket") + 1] = "no-such-bucket-q7"
    assert _error_line(capsys, args) == (
        "error: bucket no-such-bucket-q7 (--processed-bucket) does not exist; create it first "
        "(deploy never creates or deletes buckets)"
    )
    assert moto_deployment.client("glue").get_jobs()["Jobs"] == []
    assert moto_deployment.objects(moto_deployment.target.raw_bucket) == {}


def test_resource_of_another_owner_is_not_taken_over(
    moto_deployment: MotoDeployment, capsys: pytest.CaptureFixture[str]
) -> None:
    glue = moto_deployment.client("glue")
    glue.create_job(Name="prep_data_for_ml", Role="theirs",
                    Command={"Name": "glueetl", "ScriptLocation": "s3://theirs/x.py"})  # fmt: skip
    assert _error_line(capsys, _deploy(moto_deployment)) == (
        "error: glue job prep_data_for_ml already exists and it has no playgrounds:deployment "
        "tag, so playgrounds deploy did not make it; deploy will not take it over (remove it, "
        "or deploy with the prefix that owns it)"
    )
    assert glue.get_job(JobName="prep_data_for_ml")["Job"]["Role"] == "theirs"
    assert moto_deployment.objects(moto_deployment.target.raw_bucket) == {}


def test_no_credentials_is_one_sentence(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                 "AWS_ENDPOINT_URL"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no instance-metadata wait
    args = ["deploy", "--raw-bucket", "b-raw", "--processed-bucket", "b-processed",
            "--region", "eu-west-1", "--wheel", str(DEFINITION), "--dry-run"]  # fmt: skip
    assert _error_line(capsys, args) == (
        "error: no AWS credentials were found for deploying to region eu-west-1: configure "
        "them (aws configure, AWS_PROFILE or AWS_ACCESS_KEY_ID)"
    )
    teardown = ["teardown", "--prefix", "demo", "--region", "eu-west-1"]
    assert _error_line(capsys, teardown).startswith(
        "error: no AWS credentials were found for tearing down demo"
    )


def test_definition_error_is_the_definitions_sentence(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    document = json.loads(DEFINITION.read_text())
    document["Triggers"][1]["Actions"] = [{"CrawlerName": "crawl_everything"}]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document))
    args = ["deploy", "--raw-bucket", "b-raw", "--processed-bucket", "b-processed",
            "--definition", str(broken), "--wheel", str(DEFINITION)]  # fmt: skip
    assert _error_line(capsys, args) == (
        "error: workflow playgrounds_workflow_for_ml: trigger after_ingest starts crawler "
        "crawl_everything, which the definition does not define"
    )


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (["deploy", "--raw-bucket", "Raw_Bucket", "--processed-bucket", "ok-b"],
         "error: --raw-bucket 'Raw_Bucket' is not an S3 bucket name"),
        (["teardown", "--prefix", "../etc"], "error: --prefix '../etc' must be 1-31 lower-case"),
    ],
)  # fmt: skip
def test_bad_options(args: list[str], sentence: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _error_line(capsys, args).startswith(sentence)
