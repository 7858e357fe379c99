"""``playgrounds deploy-model`` / ``teardown-model`` against a moto server over HTTP."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import numpy as np
import pytest
import xgboost as xgb

from playgrounds.cli import main
from playgrounds.deploy import model as model_deploy
from playgrounds.deploy.model import ModelTarget, model_policy, read_artifact
from playgrounds.errors import InputError
from playgrounds.ml import artifact as ml_artifact
from playgrounds.ml.artifact import ModelRecord, write_model_folder, xgboost_archive
from tests.deploy.aws_fixtures import ACCOUNT_ID, MotoDeployment

FEATURES = ["a", "b", "c"]


def _shown(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()  # the plan on stdout, progress and the summary on stderr
    return captured.out + captured.err


def _record(name: str, learner: str = "xgboost") -> ModelRecord:
    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(40, 3))
    labels = (matrix[:, 0] > 0).astype(int)
    booster = xgb.train(
        {"max_depth": 2, "objective": "binary:logistic", "nthread": 1},
        xgb.DMatrix(matrix, label=labels, feature_names=FEATURES),
        num_boost_round=3,
    )
    metrics = {m: 0.5 for m in ("accuracy", "precision", "recall", "f1", "roc_auc", "log_loss")}
    return ModelRecord(
        name=name,
        learner=learner,
        archive=xgboost_archive(booster),
        feature_names=FEATURES,
        feature_types=["double"] * 3,
        label="Level_4",
        hyperparameters={"max_depth": 2},
        evaluation={
            "random_split": {"metrics": metrics, "baseline": metrics},
            "group_kfold": {
                "folds": 2,
                "metrics_mean": metrics,
                "metrics_std": metrics,
                "baseline_mean": metrics,
            },
        },
        data_version={"partition": "year=2019/month=7/day=4", "files": {}, "rows": 40},
        created="2026-01-01T00:00:00+00:00",
        training_seconds=0.01,
        trained_on="this machine",
    )


@pytest.fixture
def trained_model(tmp_path: Path) -> Path:
    """A real model folder, as train writes it; returns its model.tar.gz."""
    return write_model_folder(tmp_path / "lake", _record("tiny-xgb")) / "model.tar.gz"


def test_the_model_files_deploy_reads_are_the_ones_train_writes() -> None:
    assert model_deploy.XGBOOST_MODEL_FILE == ml_artifact.XGBOOST_MODEL_FILE
    assert model_deploy.CARD_JSON_FILE == ml_artifact.CARD_JSON_FILE
    assert model_deploy.REGISTRY_FILE == ml_artifact.REGISTRY_FILE
    assert ml_artifact.SAGEMAKER_CONTAINER["image"] == model_deploy.IMAGE_REPOSITORY


def test_deploy_creates_the_endpoint_then_is_unchanged_then_tears_down(
    moto_deployment: MotoDeployment, trained_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    region = moto_deployment.target.region
    bucket, prefix = moto_deployment.target.raw_bucket, moto_deployment.target.prefix
    args = ["deploy-model", "--model", str(trained_model), "--bucket", bucket, "--prefix", prefix]
    artifact = read_artifact(trained_model)
    versioned = f"tiny-xgb-{artifact.digest[:12]}"
    role = f"{prefix}-sm-tiny-xgb"
    key = f"{prefix}/models/tiny-xgb/model.tar.gz"
    sagemaker, iam = moto_deployment.client("sagemaker"), moto_deployment.client("iam")

    assert main([*args, "--dry-run"]) == 0
    shown = _shown(capsys)
    assert shown.count("create") >= 6 and "Dry run: nothing was changed." in shown
    assert sagemaker.list_models()["Models"] == []
    assert key not in moto_deployment.objects(bucket)

    assert main(args) == 0
    assert "Deployed model tiny-xgb: 6 resource(s)" in _shown(capsys)

    image = f"{model_deploy.XGBOOST_IMAGE_ACCOUNTS[region]}.dkr.ecr.{region}.amazonaws.com/"
    described = sagemaker.describe_model(ModelName=versioned)
    assert described["PrimaryContainer"]["Image"] == image + "sagemaker-xgboost:3.0-5"
    assert described["PrimaryContainer"]["ModelDataUrl"] == f"s3://{bucket}/{key}"
    assert described["ExecutionRoleArn"] == f"arn:aws:iam::{ACCOUNT_ID}:role/{role}"
    config = sagemaker.describe_endpoint_config(EndpointConfigName=versioned)
    [variant] = config["ProductionVariants"]
    assert (variant["VariantName"], variant["ModelName"]) == ("AllTraffic", versioned)
    assert (variant["InstanceType"], variant["InitialInstanceCount"]) == ("ml.m5.large", 1)
    endpoint = sagemaker.describe_endpoint(EndpointName="tiny-xgb")
    assert endpoint["EndpointConfigName"] == versioned
    for arn in (described["ModelArn"], config["EndpointConfigArn"], endpoint["EndpointArn"]):
        tags = {t["Key"]: t["Value"] for t in sagemaker.list_tags(ResourceArn=arn)["Tags"]}
        assert tags == {"playgrounds:deployment": prefix, "playgrounds:model": "tiny-xgb"}

    assert moto_deployment.objects(bucket)[key] == trained_model.read_bytes()
    object_tags = moto_deployment.client("s3").get_object_tagging(Bucket=bucket, Key=key)
    assert {t["Key"]: t["Value"] for t in object_tags["TagSet"]}["playgrounds:deployment"] == prefix

    got_role = iam.get_role(RoleName=role)["Role"]
    assert got_role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "sagemaker.amazonaws.com"
    }
    policy = iam.get_role_policy(RoleName=role, PolicyName="tiny-xgb-artifact")["PolicyDocument"]
    target = ModelTarget(bucket, "tiny-xgb", prefix, region)
    assert policy == model_policy(target, ACCOUNT_ID)
    statements = {s["Sid"]: s for s in policy["Statement"]}
    assert statements["ReadThisModelArtifactOnly"]["Action"] == "s3:GetObject"
    assert statements["ReadThisModelArtifactOnly"]["Resource"] == f"arn:aws:s3:::{bucket}/{key}"
    assert statements["PullTheXGBoostImage"]["Resource"] == (
        f"arn:aws:ecr:{region}:{model_deploy.XGBOOST_IMAGE_ACCOUNTS[region]}"
        ":repository/sagemaker-xgboost"
    )
    assert statements["TheEndpointsOwnLogStreams"]["Resource"].endswith(
        ":log-group:/aws/sagemaker/Endpoints/tiny-xgb:log-stream:*"
    )
    assert not any(s["Action"] == "s3:*" or s["Resource"] == f"arn:aws:s3:::{bucket}/*"
                   for s in policy["Statement"])  # fmt: skip

    assert main(args) == 0
    again = _shown(capsys)
    assert "Model tiny-xgb is up to date: nothing to change." in again
    assert again.count("unchanged") == 6

    assert main(["teardown-model", "--name", "tiny-xgb", "--prefix", prefix, "--dry-run"]) == 0
    assert sagemaker.describe_endpoint(EndpointName="tiny-xgb")["EndpointName"] == "tiny-xgb"
    assert main(["teardown-model", "--name", "tiny-xgb", "--prefix", prefix]) == 0
    assert "Tore down model tiny-xgb: 6 resource(s) deleted" in _shown(capsys)
    assert sagemaker.list_models()["Models"] == []
    assert sagemaker.list_endpoint_configs()["EndpointConfigs"] == []
    assert sagemaker.list_endpoints()["Endpoints"] == []
    assert key not in moto_deployment.objects(bucket)
    assert role not in [r["RoleName"] for r in iam.list_roles()["Roles"]]


def test_a_new_artifact_gets_a_new_model_and_config(
    moto_deployment: MotoDeployment, trained_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bucket, prefix = moto_deployment.target.raw_bucket, moto_deployment.target.prefix
    args = ["deploy-model", "--model", str(trained_model), "--bucket", bucket, "--prefix", prefix]
    assert main(args) == 0
    old = f"tiny-xgb-{read_artifact(trained_model).digest[:12]}"
    retrained = _record("tiny-xgb")
    with tarfile.open(fileobj=io.BytesIO(retrained.archive), mode="r:gz") as archive:
        member = archive.extractfile("xgboost-model")
        assert member is not None
        document = json.loads(member.read())
    document["learner"]["attributes"] = {"note": "retrained"}
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        content = json.dumps(document).encode()
        info = tarfile.TarInfo("xgboost-model")
        info.size = len(content)
        archive.addfile(info, io.BytesIO(content))
    trained_model.write_bytes(buffer.getvalue())
    new = f"tiny-xgb-{read_artifact(trained_model).digest[:12]}"
    capsys.readouterr()
    assert main([*args, "--dry-run"]) == 0
    plan = _shown(capsys)
    assert new in plan and old in plan  # the endpoint's config changes from old to new
    assert "sha256" in plan  # the artifact's digest differs


@pytest.mark.parametrize(
    ("break_it", "sentence"),
    [
        (lambda p: p.unlink(), "does not exist"),
        (lambda p: p.write_bytes(b"not a tar"), "is not a tar.gz archive"),
        (lambda p: (p.parent / "model_card.json").unlink(), "model card"),
    ],
)
def test_a_bad_artifact_is_one_sentence(
    trained_model: Path, break_it: object, sentence: str
) -> None:
    break_it(trained_model)  # type: ignore[operator]
    with pytest.raises(InputError, match=sentence):
        read_artifact(trained_model)


def test_a_tar_without_xgboost_model_is_refused(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    folder = write_model_folder(lake, _record("m"))
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo("model.joblib")
        archive.addfile(info, io.BytesIO(b""))
    (folder / "model.tar.gz").write_bytes(buffer.getvalue())
    with pytest.raises(InputError, match=r"holds model\.joblib, not xgboost-model"):
        read_artifact(folder / "model.tar.gz")


def test_a_sklearn_model_is_refused(trained_model: Path) -> None:
    registry = trained_model.parent / "registry.json"
    registry.write_text(json.dumps({**json.loads(registry.read_text()), "flavor": "sklearn"}))
    with pytest.raises(InputError, match="names flavor sklearn, xgboost, which the SageMaker"):
        read_artifact(trained_model)


def test_a_missing_bucket_is_one_sentence_and_nothing_is_made(
    moto_deployment: MotoDeployment, trained_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prefix = moto_deployment.target.prefix
    code = main(["deploy-model", "--model", str(trained_model), "--bucket", "no-such-bucket-q7",
                 "--prefix", prefix])  # fmt: skip
    assert code == 1
    err = capsys.readouterr()
    assert "bucket no-such-bucket-q7 (--bucket) does not exist" in err.out + err.err
    assert "testing" not in err.out + err.err  # the test credentials are never printed
    assert moto_deployment.client("sagemaker").list_models()["Models"] == []


def test_deploy_with_model_deploys_the_model_as_deploy_model_does(
    moto_deployment: MotoDeployment, trained_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `playgrounds deploy --model` (the spelling), the artifact in --raw-bucket.
    bucket, prefix = moto_deployment.target.raw_bucket, moto_deployment.target.prefix
    sagemaker = moto_deployment.client("sagemaker")
    args = ["deploy", "--raw-bucket", bucket, "--model", str(trained_model), "--prefix", prefix]
    assert main(args) == 0
    assert "Deployed model tiny-xgb: 6 resource(s)" in _shown(capsys)
    assert [m["ModelName"] for m in sagemaker.list_models()["Models"]] == [
        f"tiny-xgb-{read_artifact(trained_model).digest[:12]}"
    ]
    assert (
        sagemaker.list_models()["Models"] and not moto_deployment.client("glue").get_jobs()["Jobs"]
    )  # no workflow without --processed-bucket
    assert main(["deploy", "--raw-bucket", bucket, "--prefix", prefix]) == 2
    assert "--processed-bucket" in capsys.readouterr().err
