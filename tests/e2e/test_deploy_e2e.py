"""``playgrounds deploy`` / ``teardown`` end to end: the CLI, boto3 over HTTP, a moto server.

Every resource deploy makes is read back from the server and compared with the
definition: the role and its two policy documents, the uploaded objects, the
databases, jobs, crawlers, workflow and triggers, and their tags. What moto
cannot serve (UpdateJob, UpdateCrawler, UpdateTrigger) is covered in
tests/deploy/test_cloud_updates.py; see docs/deploy.md.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from playgrounds.cli import main
from playgrounds.deploy.cloud import Cloud
from playgrounds.deploy.deployment import apply_plan, make_plan
from playgrounds.deploy.policy import job_policy, trust_policy
from playgrounds.workflow.definition import DEFINITIONS_DIR
from tests.deploy.aws_fixtures import ACCOUNT_ID, MotoDeployment, moto_deployment, tiny_wheel

__all__ = ["moto_deployment"]  # the fixture, shared with tests/deploy/

pytestmark = pytest.mark.e2e

DEFINITION = DEFINITIONS_DIR / "playgrounds_workflow_for_ml.json"
REPO = DEFINITION.parents[1]
TAG = "playgrounds:deployment"
ACTIONS = ("create", "update", "unchanged", "delete")


def plan_rows(stdout: str) -> list[tuple[str, str, str]]:
    """(action, resource kind, name) of each row of a printed plan table."""
    rows = []
    for line in stdout.splitlines():
        cells = [cell.strip() for cell in line.split("│")]
        if len(cells) >= 4 and cells[1] in ACTIONS:
            rows.append((cells[1], cells[2], cells[3]))
    return rows


def deploy_args(deployment: MotoDeployment, *extra: str) -> list[str]:
    target = deployment.target
    return ["deploy", "--raw-bucket", target.raw_bucket, "--processed-bucket",
            target.processed_bucket, "--prefix", target.prefix, "--region", target.region,
            "--wheel", str(deployment.wheel), *extra]  # fmt: skip


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def assert_deployed(deployment: MotoDeployment) -> None:
    """Every resource on the server, as the definition and the target say."""
    target = deployment.target
    prefix, raw, processed = target.prefix, target.raw_bucket, target.processed_bucket
    role_arn = f"arn:aws:iam::{ACCOUNT_ID}:role/{prefix}-glue-role"
    iam, glue = deployment.client("iam"), deployment.client("glue")

    role = iam.get_role(RoleName=f"{prefix}-glue-role")["Role"]
    assert role["AssumeRolePolicyDocument"] == trust_policy(target, ACCOUNT_ID)
    assert {t["Key"]: t["Value"] for t in role["Tags"]} == {
        TAG: prefix, "playgrounds:raw-bucket": raw, "playgrounds:processed-bucket": processed,
    }  # fmt: skip
    assert iam.list_role_policies(RoleName=role["RoleName"])["PolicyNames"] == [
        f"{prefix}-glue-pipeline"
    ]
    stored = iam.get_role_policy(RoleName=role["RoleName"], PolicyName=f"{prefix}-glue-pipeline")
    policy = stored["PolicyDocument"]
    assert policy == job_policy(target, ACCOUNT_ID, ["crawl_processed_data", "crawl_raw_data"])
    assert iam.list_attached_role_policies(RoleName=role["RoleName"])["AttachedPolicies"] == []
    s3_resources = {r for s in policy["Statement"] for r in s["Resource"] if ":s3:" in r}
    assert s3_resources == {
        f"arn:aws:s3:::{raw}/{prefix}/glue/scripts/*", f"arn:aws:s3:::{raw}/{prefix}/glue/wheels/*",
        f"arn:aws:s3:::{raw}/{prefix}/raw/*", f"arn:aws:s3:::{raw}/{prefix}/glue/temp/*",
        f"arn:aws:s3:::{processed}/{prefix}/processed/*", f"arn:aws:s3:::{raw}",
        f"arn:aws:s3:::{processed}",
    }  # fmt: skip

    wheel_key = f"{prefix}/glue/wheels/{deployment.wheel.name}"
    scripts = ("import_income_data.py", "import_json_data.py", "prep_data_for_ml.py")
    objects = deployment.objects(raw)
    assert objects == {
        wheel_key: deployment.wheel.read_bytes(),
        **{
            f"{prefix}/glue/scripts/{name}": (REPO / "jobs" / name).read_bytes() for name in scripts
        },
    }
    assert deployment.objects(processed) == {}
    s3 = deployment.client("s3")
    for key in objects:
        assert s3.get_object_tagging(Bucket=raw, Key=key)["TagSet"] == [
            {"Key": TAG, "Value": prefix}
        ]

    def tags(kind: str, name: str) -> dict[str, str]:
        arn = f"arn:aws:glue:{target.region}:{ACCOUNT_ID}:{kind}/{name}"
        return dict(glue.get_tags(ResourceArn=arn)["Tags"])

    for database in (f"{prefix}-raw", f"{prefix}-processed"):
        assert glue.get_database(Name=database)["Database"]["Name"] == database
        assert tags("database", database) == {TAG: prefix}

    definition = json.loads(DEFINITION.read_text())
    fill = {
        "${raw_zone}": f"s3://{raw}/{prefix}/raw",
        "${processed_zone}": f"s3://{processed}/{prefix}/processed",
        "${raw_database}": f"{prefix}-raw",
        "${processed_database}": f"{prefix}-processed",
    }

    def filled(value: Any) -> Any:
        text = json.dumps(value)
        for placeholder, uri in fill.items():
            text = text.replace(placeholder, uri)
        return json.loads(text)

    for job in filled(definition["Jobs"]):
        got = glue.get_job(JobName=job["Name"])["Job"]
        script = Path(job["Command"]["ScriptLocation"]).name
        assert got["Role"] == role_arn
        assert got["Command"] == {
            **job["Command"], "ScriptLocation": f"s3://{raw}/{prefix}/glue/scripts/{script}",
        }  # fmt: skip
        assert got["Command"]["Name"] == "glueetl" and got["GlueVersion"] == "5.0"
        assert got["DefaultArguments"] == {
            **job["DefaultArguments"],
            "--additional-python-modules": f"s3://{raw}/{wheel_key}",
            "--python-modules-installer-option": "--no-deps",
            "--TempDir": f"s3://{raw}/{prefix}/glue/temp/",
        }
        for field in ("WorkerType", "NumberOfWorkers", "Timeout", "ExecutionProperty",
                      "Description"):  # fmt: skip
            assert got[field] == job[field], field
        assert tags("job", job["Name"]) == {TAG: prefix}
    for crawler in filled(definition["Crawlers"]):
        got = glue.get_crawler(Name=crawler["Name"])["Crawler"]
        assert got["Role"] == role_arn
        assert got["DatabaseName"] == crawler["DatabaseName"]
        assert [t["Path"] for t in got["Targets"]["S3Targets"]] == [
            t["Path"] for t in crawler["Targets"]["S3Targets"]
        ]
        assert got["SchemaChangePolicy"] == crawler["SchemaChangePolicy"]
        assert tags("crawler", crawler["Name"]) == {TAG: prefix}
    workflow = glue.get_workflow(Name="playgrounds_workflow_for_ml")["Workflow"]
    for field in ("Description", "DefaultRunProperties", "MaxConcurrentRuns"):
        assert workflow[field] == definition["Workflow"][field]
    assert tags("workflow", workflow["Name"]) == {TAG: prefix}
    for trigger in definition["Triggers"]:
        got = glue.get_trigger(Name=trigger["Name"])["Trigger"]
        assert got["WorkflowName"] == "playgrounds_workflow_for_ml"
        assert (got["Type"], got["Actions"]) == (trigger["Type"], trigger["Actions"])
        assert got.get("Predicate") == trigger.get("Predicate")
        assert tags("trigger", trigger["Name"]) == {TAG: prefix}


def test_deploy_redeploy_update_and_teardown(
    moto_deployment: MotoDeployment, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = moto_deployment.target
    glue = moto_deployment.client("glue")

    # --dry-run: the plan, and nothing touched.
    code, out, err = run(deploy_args(moto_deployment, "--dry-run"), capsys)
    assert code == 0, err
    rows = plan_rows(out)
    assert len(rows) == 18 and {row[0] for row in rows} == {"create"}
    assert "Dry run: nothing was changed." in err
    assert glue.get_jobs()["Jobs"] == [] and moto_deployment.objects(target.raw_bucket) == {}

    code, out, err = run(deploy_args(moto_deployment), capsys)
    assert code == 0, err
    assert "created glue job import_income_data" in err  # progress per resource
    assert_deployed(moto_deployment)

    # A second deploy: everything unchanged (compared with what Get* returns).
    code, out, err = run(deploy_args(moto_deployment), capsys)
    assert code == 0, err
    assert {row[0] for row in plan_rows(out)} == {"unchanged"}, out
    assert "is up to date: nothing to change" in err

    # A changed definition and wheel: the plan says update, with the fields.
    changed = json.loads(DEFINITION.read_text())
    changed["Workflow"]["Description"] = "Nightly."
    changed["Jobs"][0]["DefaultArguments"]["--income_year"] = "2017"
    definition = tmp_path / "workflows" / "changed.json"
    definition.parent.mkdir()
    definition.write_text(json.dumps(changed))
    new_wheel = tiny_wheel(tmp_path / "new", body="VERSION = 2\n")
    args = deploy_args(moto_deployment, "--definition", str(definition), "--dry-run")
    args[args.index("--wheel") + 1] = str(new_wheel)
    code, out, err = run(args, capsys)
    assert code == 0, err
    updates = {(kind, name) for action, kind, name in plan_rows(out) if action == "update"}
    assert updates == {
        ("glue workflow", "playgrounds_workflow_for_ml"),
        ("glue job", "import_income_data"),
        ("s3 object", f"s3://{target.raw_bucket}/{target.prefix}/glue/wheels/{new_wheel.name}"),
    }
    assert "DefaultArguments.--income_year: '2016' -> '2017'" in out
    assert "Description: \"The workshop's ETL" in out and "-> 'Nightly.'" in out

    # The updates moto serves (UpdateWorkflow, PutObject) run for real: drop the job change.
    changed["Jobs"][0]["DefaultArguments"]["--income_year"] = "2016"
    definition.write_text(json.dumps(changed))
    args.remove("--dry-run")
    code, out, err = run(args, capsys)
    assert code == 0, err
    assert "updated glue workflow playgrounds_workflow_for_ml" in err
    assert glue.get_workflow(Name="playgrounds_workflow_for_ml")["Workflow"]["Description"] == (
        "Nightly."
    )
    wheel_key = f"{target.prefix}/glue/wheels/{new_wheel.name}"
    assert moto_deployment.objects(target.raw_bucket)[wheel_key] == new_wheel.read_bytes()

    # What deploy did not make survives teardown: data in the zones, another object,
    # a job without the tag, the buckets.
    s3 = moto_deployment.client("s3")
    data_key = f"{target.prefix}/raw/income-ny/year=2016/income.csv"
    s3.put_object(Bucket=target.raw_bucket, Key=data_key, Body=b"zipcode\n10001\n")
    s3.put_object(Bucket=target.raw_bucket, Key="elsewhere/keep.txt", Body=b"keep")
    glue.create_job(
        Name="not_ours", Role="r", Command={"Name": "glueetl", "ScriptLocation": "s3://x/y.py"}
    )
    teardown = ["teardown", "--prefix", target.prefix, "--region", target.region]

    code, out, err = run([*teardown, "--dry-run"], capsys)
    assert code == 0, err
    assert len(plan_rows(out)) == 18  # what deploy made: 14 Glue and IAM resources, 4 objects
    assert glue.get_job(JobName="import_income_data")

    code, out, err = run(teardown, capsys)
    assert code == 0, err
    assert "the buckets' data was kept" in err
    assert [job["Name"] for job in glue.get_jobs()["Jobs"]] == ["not_ours"]
    assert glue.list_crawlers()["CrawlerNames"] == []
    assert glue.list_triggers()["TriggerNames"] == []
    assert glue.list_workflows()["Workflows"] == []
    assert [d["Name"] for d in glue.get_databases()["DatabaseList"]] == []
    assert moto_deployment.objects(target.raw_bucket) == {
        data_key: b"zipcode\n10001\n", "elsewhere/keep.txt": b"keep",
    }  # fmt: skip
    iam = moto_deployment.client("iam")
    assert f"{target.prefix}-glue-role" not in [r["RoleName"] for r in iam.list_roles()["Roles"]]


def test_teardown_delete_data_removes_only_the_prefixes(
    moto_deployment: MotoDeployment, capsys: pytest.CaptureFixture[str]
) -> None:
    target = moto_deployment.target
    cloud = Cloud(target)
    apply_plan(make_plan(DEFINITION, target, moto_deployment.wheel, cloud=cloud), cloud=cloud)
    s3 = moto_deployment.client("s3")
    kept = {"elsewhere/keep.txt": b"keep", f"{target.prefix}-other/keep.txt": b"keep"}
    for key, body in kept.items():
        s3.put_object(Bucket=target.processed_bucket, Key=key, Body=body)
    processed_key = f"{target.prefix}/processed/processed/year=2019/month=7/day=4/part-0.parquet"
    s3.put_object(Bucket=target.processed_bucket, Key=processed_key, Body=b"PAR1")
    raw_key = f"{target.prefix}/raw/parks/year=2019/month=7/day=4/part-0.parquet"
    s3.put_object(Bucket=target.raw_bucket, Key=raw_key, Body=b"PAR1")

    teardown = ["teardown", "--prefix", target.prefix, "--region", target.region, "--delete-data"]
    code, out, err = run(teardown, capsys)
    assert code == 0, err
    assert ("delete", "s3 object", f"s3://{target.raw_bucket}/{raw_key}") in plan_rows(out)
    assert moto_deployment.objects(target.raw_bucket) == {}
    assert moto_deployment.objects(target.processed_bucket) == kept
    assert moto_deployment.client("glue").get_jobs()["Jobs"] == []


def test_deploy_builds_the_real_wheel_and_never_shows_credentials(
    moto_deployment: MotoDeployment,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    key_id, secret = "AKIAZZDISTINCTIVE7Q4X", "sEcReT/distinctive+Value9x8w7v6u5t4s3r2q1p0"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    monkeypatch.setenv("AWS_SESSION_TOKEN", "tOkEn-distinctive-FwoGZXIvYXdzE")
    monkeypatch.chdir(tmp_path)
    args = deploy_args(moto_deployment)
    del args[args.index("--wheel") : args.index("--wheel") + 2]  # build it: pip wheel --no-deps
    code, out, err = run(["--debug", *args], capsys)
    assert code == 0, err
    assert "Built playgrounds-" in err
    target = moto_deployment.target
    objects = moto_deployment.objects(target.raw_bucket)
    (wheel_key,) = [key for key in objects if key.endswith(".whl")]
    assert wheel_key.startswith(f"{target.prefix}/glue/wheels/playgrounds-")
    # A bad deploy too (a missing bucket): errors are where secrets leak most often.
    code, _, bad_err = run([*args[:2], "no-such-bucket-zz", *args[3:]], capsys)
    assert code == 1
    glue = moto_deployment.client("glue")
    written = [out, err, bad_err, *(v.decode("latin-1") for v in objects.values())]
    written += [json.dumps(glue.get_job(JobName=n)["Job"], default=str) for n in
                ("import_income_data", "import_json_data", "prep_data_for_ml")]  # fmt: skip
    written += [p.read_text("latin-1") for p in tmp_path.rglob("*") if p.is_file()]
    for text in written:
        for secret_part in (key_id, secret, "tOkEn-distinctive"):
            assert secret_part not in text
    shutil.rmtree(tmp_path / "wheel", ignore_errors=True)
