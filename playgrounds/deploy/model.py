"""The trained model on a SageMaker endpoint: artifact, role, model, endpoint config, endpoint.

``train`` writes ``model.tar.gz`` (``xgboost-model`` at its root) and, beside it,
``model_card.json`` naming the SageMaker XGBoost container version it targets.
Deploy uploads the tar to ``s3://<bucket>/<prefix>/models/<name>/model.tar.gz``
and creates, each tagged ``playgrounds:deployment=<prefix>`` and
``playgrounds:model=<name>``:

* an IAM role ``<prefix>-sm-<name>`` trusted by SageMaker, whose one inline
  policy (``deploy/sagemaker-model-policy.json``) reads that one object, pulls
  the XGBoost image and writes the endpoint's own log group;
* a SageMaker model and endpoint configuration named ``<name>-<digest>``, the
  digest being the first 12 hex digits of the tar's sha256 (both are immutable
  in SageMaker, so a new artifact gets new ones rather than edits);
* the endpoint ``<name>``, pointed at the configuration (``UpdateEndpoint``
  when it exists with another one).

Nothing here prints; failures are one sentence (``cloud.failure_sentence``).
"""

from __future__ import annotations

import hashlib
import json
import re
import tarfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from playgrounds.deploy.cloud import AwsCalls
from playgrounds.deploy.policy import TEMPLATES_DIR, render
from playgrounds.deploy.resources import Difference, differences
from playgrounds.deploy.target import DEPLOYMENT_TAG, check_prefix
from playgrounds.errors import InputError

# The names playgrounds.ml.artifact writes (not imported from there: it imports xgboost,
# seconds a deploy does not need; a test checks they agree).
XGBOOST_MODEL_FILE = "xgboost-model"
CARD_JSON_FILE = "model_card.json"
REGISTRY_FILE = "registry.json"

MODEL_POLICY_TEMPLATE = TEMPLATES_DIR / "sagemaker-model-policy.json"
MODEL_TRUST_TEMPLATE = TEMPLATES_DIR / "sagemaker-trust-policy.json"
MODEL_TAG = "playgrounds:model"
DIGEST_METADATA = "sha256"
DEFAULT_INSTANCE_TYPE = "ml.m5.large"
VARIANT_NAME = "AllTraffic"
IMAGE_REPOSITORY = "sagemaker-xgboost"

# The ECR account of SageMaker's framework XGBoost images (1.0-1 and later) per region,
# from the SageMaker Python SDK's image_uri_config/xgboost.json. Partitions other than
# aws (China, GovCloud, ISO) use other domains and are not offered.
XGBOOST_IMAGE_ACCOUNTS = {
    "af-south-1": "510948584623", "ap-east-1": "651117190479",
    "ap-northeast-1": "354813040037", "ap-northeast-2": "366743142698",
    "ap-northeast-3": "867004704886", "ap-south-1": "720646828776",
    "ap-south-2": "628508329040", "ap-southeast-1": "121021644041",
    "ap-southeast-2": "783357654285", "ap-southeast-3": "951798379941",
    "ap-southeast-4": "106583098589", "ca-central-1": "341280168497",
    "ca-west-1": "190319476487", "eu-central-1": "492215442770",
    "eu-central-2": "680994064768", "eu-north-1": "662702820516",
    "eu-south-1": "978288397137", "eu-south-2": "104374241257",
    "eu-west-1": "141502667606", "eu-west-2": "764974769150",
    "eu-west-3": "659782779980", "il-central-1": "898809789911",
    "me-central-1": "272398656194", "me-south-1": "801668240914",
    "sa-east-1": "737474898029", "us-east-1": "683313688378",
    "us-east-2": "257758044811", "us-west-1": "746614075791",
    "us-west-2": "246618743249",
}  # fmt: skip

# SageMaker model, endpoint and config names: letters, digits and single hyphens, <= 63.
_SAGEMAKER_NAME = re.compile(r"^[a-zA-Z0-9](-?[a-zA-Z0-9])*$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_NOT_FOUND = frozenset({"NoSuchEntity", "404", "NoSuchKey", "NotFound"})


# ---------------------------------------------------------------- the artifact


@dataclass(frozen=True)
class ModelArtifact:
    """A model.tar.gz that the SageMaker XGBoost container can load, and what it targets."""

    path: Path
    digest: str
    framework_version: str
    card_name: str


def read_artifact(path: Path) -> ModelArtifact:
    """The artifact and its model card, checked; else one sentence naming the file."""
    if not path.is_file():
        raise InputError(f"model artifact {path} does not exist (train writes model.tar.gz)")
    try:
        with tarfile.open(path, "r:gz") as archive:
            names = archive.getnames()
    except (tarfile.TarError, OSError, EOFError):
        raise InputError(
            f"model artifact {path} is not a tar.gz archive (expected {XGBOOST_MODEL_FILE} "
            "at its root, as train writes it)"
        ) from None
    if XGBOOST_MODEL_FILE not in names:
        raise InputError(
            f"model artifact {path} holds {', '.join(names) or 'nothing'}, not "
            f"{XGBOOST_MODEL_FILE} at its root, which the SageMaker XGBoost container loads"
        )
    card_path = path.parent / CARD_JSON_FILE
    registry_path = path.parent / REGISTRY_FILE
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"model card {card_path} is missing: deploy reads the container version from it"
        ) from None
    except (OSError, json.JSONDecodeError) as bad:
        raise InputError(f"model card {card_path} cannot be read: {bad}") from None
    flavors = {str(card.get("model", {}).get("flavor", ""))}
    if registry_path.is_file():
        try:
            flavors.add(str(json.loads(registry_path.read_text(encoding="utf-8"))["flavor"]))
        except (OSError, json.JSONDecodeError, KeyError, TypeError):
            raise InputError(f'{registry_path} has no readable "flavor"') from None
    if flavors != {"xgboost"}:
        named = ", ".join(sorted(f or "(none)" for f in flavors))
        raise InputError(
            f"model card {card_path} names flavor {named}, which the SageMaker XGBoost "
            "container cannot serve; deploy only serves an xgboost model"
        )
    container = card.get("container", {})
    version = container.get("framework_version")
    if container.get("image") != IMAGE_REPOSITORY or not isinstance(version, str):
        raise InputError(
            f"model card {card_path} names no SageMaker XGBoost container version "
            "(container.image sagemaker-xgboost and container.framework_version expected)"
        )
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return ModelArtifact(path, digest, version, str(card.get("name", "")))


# ---------------------------------------------------------------- the target


@dataclass(frozen=True)
class ModelTarget:
    """Where one model deployment lives, and every name derived from it."""

    bucket: str
    name: str
    prefix: str
    region: str
    instance_type: str = DEFAULT_INSTANCE_TYPE

    def __post_init__(self) -> None:
        if not _BUCKET.match(self.bucket) or ".." in self.bucket:
            raise InputError(
                f"--bucket {self.bucket!r} is not an S3 bucket name (3-63 lower-case letters, "
                "digits, dots and hyphens, starting and ending with a letter or digit)"
            )
        check_prefix(self.prefix)
        # The model and config names add "-" and 12 digest digits to the name.
        if not _SAGEMAKER_NAME.match(self.name) or len(self.name) > 50:
            raise InputError(
                f"--name {self.name!r} must be 1-50 letters, digits and single hyphens "
                "(it names a SageMaker endpoint, model and endpoint configuration)"
            )
        if len(self.role_name) > 64:
            raise InputError(
                f"role name {self.role_name} is over IAM's 64 characters: "
                "shorten --prefix or --name"
            )
        if self.region not in XGBOOST_IMAGE_ACCOUNTS:
            raise InputError(
                f"--region {self.region!r} has no SageMaker XGBoost image known to deploy "
                f"(regions: {', '.join(sorted(XGBOOST_IMAGE_ACCOUNTS))})"
            )

    @property
    def artifact_key(self) -> str:
        """``<prefix>/models/<name>/model.tar.gz``."""
        return f"{self.prefix}/models/{self.name}/model.tar.gz"

    @property
    def model_data_url(self) -> str:
        """The artifact's ``s3://`` URI."""
        return f"s3://{self.bucket}/{self.artifact_key}"

    @property
    def role_name(self) -> str:
        """The endpoint's execution role."""
        return f"{self.prefix}-sm-{self.name}"

    @property
    def policy_name(self) -> str:
        """The role's one inline policy."""
        return f"{self.name}-artifact"

    @property
    def endpoint_name(self) -> str:
        """The endpoint: the model's name, as ``USING FUNCTION`` calls it."""
        return self.name

    def versioned_name(self, artifact: ModelArtifact) -> str:
        """The model and endpoint configuration of one artifact: ``<name>-<digest[:12]>``."""
        return f"{self.name}-{artifact.digest[:12]}"

    @property
    def image_account(self) -> str:
        """The ECR account of the region's SageMaker XGBoost images."""
        return XGBOOST_IMAGE_ACCOUNTS[self.region]

    def image_uri(self, artifact: ModelArtifact) -> str:
        """The container image the artifact targets, in this region."""
        return (
            f"{self.image_account}.dkr.ecr.{self.region}.amazonaws.com/"
            f"{IMAGE_REPOSITORY}:{artifact.framework_version}"
        )

    @property
    def tags(self) -> dict[str, str]:
        """The workflow deploy's tag, plus the model's name (teardown finds them by both)."""
        return {DEPLOYMENT_TAG: self.prefix, MODEL_TAG: self.name}

    def tag_list(self) -> list[dict[str, str]]:
        """The tags in IAM's and SageMaker's ``[{"Key": ..., "Value": ...}]`` shape."""
        return [{"Key": key, "Value": value} for key, value in self.tags.items()]

    def template_values(self, account_id: str) -> dict[str, str]:
        """The placeholders of ``deploy/sagemaker-*.json``."""
        return {
            "bucket": self.bucket,
            "artifact_key": self.artifact_key,
            "region": self.region,
            "account_id": account_id,
            "image_account": self.image_account,
            "image_repository": IMAGE_REPOSITORY,
            "endpoint_name": self.endpoint_name,
        }


def model_policy(target: ModelTarget, account_id: str) -> dict[str, Any]:
    """The role's inline policy, rendered from ``deploy/sagemaker-model-policy.json``."""
    return render(MODEL_POLICY_TEMPLATE, target.template_values(account_id))


def model_trust_policy(target: ModelTarget, account_id: str) -> dict[str, Any]:
    """Who may assume the role: SageMaker, on behalf of this account only."""
    return render(MODEL_TRUST_TEMPLATE, target.template_values(account_id))


# ---------------------------------------------------------------- the plan


@dataclass(frozen=True)
class ModelChange:
    """One line of the plan."""

    kind: str
    name: str
    action: str
    differences: tuple[Difference, ...] = field(default=())


@dataclass
class ModelPlan:
    """What deploy will do, in order, and what it needs to do it."""

    target: ModelTarget
    artifact: ModelArtifact
    account_id: str
    changes: list[ModelChange]

    @property
    def pending(self) -> list[ModelChange]:
        """The changes that are not ``unchanged``."""
        return [c for c in self.changes if c.action != "unchanged"]


class ModelCloud(AwsCalls):
    """The AWS calls of one model deployment (clients made lazily, one per service)."""

    def is_missing(self, error: ClientError) -> bool:
        """Also SageMaker's answer for a missing model, config or endpoint."""
        info = error.response.get("Error", {})
        code = str(info.get("Code", ""))
        return code in _NOT_FOUND or (
            code == "ValidationException" and "not find" in str(info.get("Message", ""))
        )

    def account_id(self, what: str) -> str:
        """The caller's account: the first call, so missing credentials are said first."""
        return str(self.call("sts", "get_caller_identity", what)["Account"])

    def sagemaker_tags(self, arn: str, what: str) -> dict[str, str]:
        """A SageMaker resource's tags."""
        answer = self.call("sagemaker", "list_tags", f"reading the tags of {what}", ResourceArn=arn)
        return {t["Key"]: t["Value"] for t in answer.get("Tags", [])}


def _owned(target: ModelTarget, tags: dict[str, str], what: str) -> None:
    if tags.get(DEPLOYMENT_TAG) != target.prefix or tags.get(MODEL_TAG) != target.name:
        raise InputError(
            f"{what} already exists and it is not tagged {DEPLOYMENT_TAG}={target.prefix}, "
            f"{MODEL_TAG}={target.name}, so playgrounds deploy-model did not make it; deploy "
            "will not take it over (remove it, or choose another --name or --prefix)"
        )


def _document(value: Any) -> Any:
    # IAM answers policy documents URL-encoded by the API and decoded by boto3, as dicts,
    # though some servers answer a JSON string.
    return json.loads(value) if isinstance(value, str) else value


def make_model_plan(
    artifact: ModelArtifact,
    target: ModelTarget,
    *,
    cloud: ModelCloud,
    on_progress: Callable[[str], None] = lambda _: None,
) -> ModelPlan:
    """Read what exists and compare it with what the artifact needs; change nothing."""
    account = cloud.account_id(f"deploying model {target.name} to region {target.region}")
    on_progress(f"checking bucket {target.bucket}")
    cloud.require_bucket(target.bucket, "--bucket")
    changes: list[ModelChange] = []

    on_progress(f"reading {target.model_data_url}")
    head = cloud.maybe(
        "s3", "head_object", f"reading {target.model_data_url}",
        Bucket=target.bucket, Key=target.artifact_key,
    )  # fmt: skip
    if head is None:
        changes.append(ModelChange("s3 object", target.model_data_url, "create"))
    else:
        found = differences(
            {DIGEST_METADATA: artifact.digest}, head.get("Metadata", {}), "Metadata"
        )
        changes.append(
            ModelChange("s3 object", target.model_data_url,
                        "update" if found else "unchanged", tuple(found))
        )  # fmt: skip

    on_progress(f"reading IAM role {target.role_name}")
    role = cloud.maybe("iam", "get_role", f"reading IAM role {target.role_name}",
                       RoleName=target.role_name)  # fmt: skip
    trust = model_trust_policy(target, account)
    if role is None:
        changes.append(ModelChange("iam role", target.role_name, "create"))
    else:
        tags = {t["Key"]: t["Value"] for t in role["Role"].get("Tags", [])}
        _owned(target, tags, f"IAM role {target.role_name}")
        current = _document(role["Role"].get("AssumeRolePolicyDocument"))
        found = differences(trust, current, "AssumeRolePolicyDocument")
        changes.append(ModelChange("iam role", target.role_name,
                                   "update" if found else "unchanged", tuple(found)))  # fmt: skip

    policy_label = f"{target.role_name}/{target.policy_name}"
    policy = cloud.maybe(
        "iam", "get_role_policy", f"reading IAM policy {policy_label}",
        RoleName=target.role_name, PolicyName=target.policy_name,
    ) if role is not None else None  # fmt: skip
    if policy is None:
        changes.append(ModelChange("iam policy", policy_label, "create"))
    else:
        found = differences(
            model_policy(target, account), _document(policy["PolicyDocument"]), "PolicyDocument"
        )
        changes.append(ModelChange("iam policy", policy_label,
                                   "update" if found else "unchanged", tuple(found)))  # fmt: skip

    versioned = target.versioned_name(artifact)
    for kind, operation, key in (
        ("sagemaker model", "describe_model", "ModelName"),
        ("sagemaker endpoint config", "describe_endpoint_config", "EndpointConfigName"),
    ):
        on_progress(f"reading {kind} {versioned}")
        answer = cloud.maybe("sagemaker", operation, f"reading {kind} {versioned}",
                             **{key: versioned})  # fmt: skip
        if answer is None:
            changes.append(ModelChange(kind, versioned, "create"))
            continue
        arn = answer["ModelArn"] if kind == "sagemaker model" else answer["EndpointConfigArn"]
        _owned(target, cloud.sagemaker_tags(arn, f"{kind} {versioned}"), f"{kind} {versioned}")
        # Immutable in SageMaker; its name carries the artifact's digest, so it is current.
        changes.append(ModelChange(kind, versioned, "unchanged"))

    on_progress(f"reading sagemaker endpoint {target.endpoint_name}")
    endpoint = cloud.maybe("sagemaker", "describe_endpoint",
                           f"reading sagemaker endpoint {target.endpoint_name}",
                           EndpointName=target.endpoint_name)  # fmt: skip
    if endpoint is None:
        changes.append(ModelChange("sagemaker endpoint", target.endpoint_name, "create"))
    else:
        _owned(target, cloud.sagemaker_tags(endpoint["EndpointArn"], "the endpoint"),
               f"sagemaker endpoint {target.endpoint_name}")  # fmt: skip
        found = differences(versioned, endpoint.get("EndpointConfigName"), "EndpointConfigName")
        changes.append(ModelChange("sagemaker endpoint", target.endpoint_name,
                                   "update" if found else "unchanged", tuple(found)))  # fmt: skip
    return ModelPlan(target, artifact, account, changes)


def apply_model_plan(
    plan: ModelPlan, *, cloud: ModelCloud, on_progress: Callable[[str], None] = lambda _: None
) -> None:
    """Create or update what the plan says, in its order (the role before the model)."""
    target, artifact = plan.target, plan.artifact
    versioned = target.versioned_name(artifact)
    role_arn = f"arn:aws:iam::{plan.account_id}:role/{target.role_name}"
    for change in plan.pending:
        verb = "creating" if change.action == "create" else "updating"
        what = f"{verb} {change.kind} {change.name}"
        on_progress(what)
        if change.kind == "s3 object":
            cloud.call(
                "s3", "put_object", what,
                Bucket=target.bucket, Key=target.artifact_key, Body=artifact.path.read_bytes(),
                ContentType="application/x-gzip", Metadata={DIGEST_METADATA: artifact.digest},
                Tagging="&".join(f"{k}={v}" for k, v in target.tags.items()),
            )  # fmt: skip
        elif change.kind == "iam role" and change.action == "create":
            cloud.call(
                "iam", "create_role", what,
                RoleName=target.role_name,
                AssumeRolePolicyDocument=json.dumps(model_trust_policy(target, plan.account_id)),
                Description=f"SageMaker endpoint {target.endpoint_name} of playgrounds deployment "
                f"{target.prefix}",
                Tags=target.tag_list(),
            )  # fmt: skip
        elif change.kind == "iam role":
            cloud.call(
                "iam", "update_assume_role_policy", what, RoleName=target.role_name,
                PolicyDocument=json.dumps(model_trust_policy(target, plan.account_id)),
            )  # fmt: skip
        elif change.kind == "iam policy":
            cloud.call(
                "iam", "put_role_policy", what,
                RoleName=target.role_name, PolicyName=target.policy_name,
                PolicyDocument=json.dumps(model_policy(target, plan.account_id)),
            )  # fmt: skip
        elif change.kind == "sagemaker model":
            cloud.call(
                "sagemaker", "create_model", what,
                ModelName=versioned, ExecutionRoleArn=role_arn,
                PrimaryContainer={"Image": target.image_uri(artifact),
                                  "ModelDataUrl": target.model_data_url},
                Tags=target.tag_list(),
            )  # fmt: skip
        elif change.kind == "sagemaker endpoint config":
            cloud.call(
                "sagemaker", "create_endpoint_config", what,
                EndpointConfigName=versioned,
                ProductionVariants=[{
                    "VariantName": VARIANT_NAME, "ModelName": versioned,
                    "InitialInstanceCount": 1, "InstanceType": target.instance_type,
                    "InitialVariantWeight": 1.0,
                }],
                Tags=target.tag_list(),
            )  # fmt: skip
        elif change.action == "create":
            cloud.call(
                "sagemaker", "create_endpoint", what,
                EndpointName=target.endpoint_name, EndpointConfigName=versioned,
                Tags=target.tag_list(),
            )  # fmt: skip
        else:
            cloud.call(
                "sagemaker", "update_endpoint", what,
                EndpointName=target.endpoint_name, EndpointConfigName=versioned,
            )  # fmt: skip


# ---------------------------------------------------------------- teardown


@dataclass(frozen=True)
class ModelFound:
    """One resource of a model deployment that teardown will delete."""

    kind: str
    name: str


def find_model_deployment(
    name: str, prefix: str, region: str, *, cloud: ModelCloud
) -> list[ModelFound]:
    """What ``deploy-model --name NAME --prefix PREFIX`` made, found by its tags, in deletion
    order: the endpoint, its configurations, the models, the artifact, the policy, the role."""
    check_prefix(prefix)
    cloud.account_id(f"tearing down model {name}")
    wanted = {DEPLOYMENT_TAG: prefix, MODEL_TAG: name}

    def ours(arn: str, what: str) -> bool:
        tags = cloud.sagemaker_tags(arn, what)
        return all(tags.get(k) == v for k, v in wanted.items())

    found: list[ModelFound] = []
    endpoint = cloud.maybe("sagemaker", "describe_endpoint", f"reading sagemaker endpoint {name}",
                           EndpointName=name)  # fmt: skip
    if endpoint is not None and ours(endpoint["EndpointArn"], f"sagemaker endpoint {name}"):
        found.append(ModelFound("sagemaker endpoint", name))
    for kind, operation, key, arn_key, name_key in (
        ("sagemaker endpoint config", "list_endpoint_configs", "EndpointConfigs",
         "EndpointConfigArn", "EndpointConfigName"),
        ("sagemaker model", "list_models", "Models", "ModelArn", "ModelName"),
    ):  # fmt: skip
        token: str | None = None
        while True:
            extra = {"NextToken": token} if token else {}
            answer = cloud.call("sagemaker", operation, f"listing {kind}s named {name}-*",
                                NameContains=f"{name}-", **extra)  # fmt: skip
            for item in answer.get(key, []):
                if item[name_key].startswith(f"{name}-") and ours(item[arn_key], kind):
                    found.append(ModelFound(kind, item[name_key]))
            token = answer.get("NextToken")
            if not token:
                break
    role = f"{prefix}-sm-{name}"
    answer = cloud.maybe("iam", "get_role", f"reading IAM role {role}", RoleName=role)
    role_tags = {t["Key"]: t["Value"] for t in (answer or {}).get("Role", {}).get("Tags", [])}
    if answer is not None and all(role_tags.get(k) == v for k, v in wanted.items()):
        bucket_key = _artifact_of(cloud, role)
        if bucket_key is not None:
            found.append(ModelFound("s3 object", bucket_key))
        policies = cloud.call("iam", "list_role_policies", f"listing IAM role {role}'s policies",
                              RoleName=role)["PolicyNames"]  # fmt: skip
        found += [ModelFound("iam policy", f"{role}/{p}") for p in policies]
        found.append(ModelFound("iam role", role))
    return found


def _artifact_of(cloud: ModelCloud, role: str) -> str | None:
    # The role's policy names the one object it may read: that is the artifact deploy uploaded.
    policies = cloud.call("iam", "list_role_policies", f"listing IAM role {role}'s policies",
                          RoleName=role)["PolicyNames"]  # fmt: skip
    for policy_name in policies:
        document = _document(cloud.call(
            "iam", "get_role_policy", f"reading IAM policy {role}/{policy_name}",
            RoleName=role, PolicyName=policy_name,
        )["PolicyDocument"])  # fmt: skip
        for statement in document.get("Statement", []):
            resource = statement.get("Resource")
            if statement.get("Action") == "s3:GetObject" and isinstance(resource, str):
                return "s3://" + resource.removeprefix("arn:aws:s3:::")
    return None


def delete_model_found(
    found: list[ModelFound],
    *,
    cloud: ModelCloud,
    on_progress: Callable[[str], None] = lambda _: None,
) -> None:
    """Delete what :func:`find_model_deployment` found, in its order."""
    for item in found:
        what = f"deleting {item.kind} {item.name}"
        on_progress(what)
        if item.kind == "sagemaker endpoint":
            cloud.call("sagemaker", "delete_endpoint", what, EndpointName=item.name)
        elif item.kind == "sagemaker endpoint config":
            cloud.call("sagemaker", "delete_endpoint_config", what, EndpointConfigName=item.name)
        elif item.kind == "sagemaker model":
            cloud.call("sagemaker", "delete_model", what, ModelName=item.name)
        elif item.kind == "s3 object":
            bucket, key = item.name.removeprefix("s3://").split("/", 1)
            cloud.call("s3", "delete_object", what, Bucket=bucket, Key=key)
        elif item.kind == "iam policy":
            role, policy = item.name.split("/", 1)
            cloud.call("iam", "delete_role_policy", what, RoleName=role, PolicyName=policy)
        else:
            cloud.call("iam", "delete_role", what, RoleName=item.name)
