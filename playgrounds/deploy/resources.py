"""The desired resources of a deployment and the plan: what to create, update or leave alone.

Pure: no AWS calls. A resource's ``config`` is in the shape its Create/Update
call takes (Glue's field names); what Get* returns is compared against it field
by field, where the comparison ignores fields Glue fills in on its own
(``MaxRetries``, a target's empty ``Exclusions``...) but not a key-value map
that lost an entry (a removed job argument is a change).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from playgrounds.deploy.artifacts import Artifact
from playgrounds.deploy.target import DeployTarget
from playgrounds.workflow.definition import WorkflowDefinition

Kind = Literal[
    "iam role",
    "iam policy",
    "s3 object",
    "glue database",
    "glue job",
    "glue crawler",
    "glue workflow",
    "glue trigger",
]
Action = Literal["create", "update", "unchanged"]

# The order resources are created in (what a resource names exists first);
# teardown goes the other way round.
KIND_ORDER: tuple[Kind, ...] = (
    "iam role",
    "iam policy",
    "s3 object",
    "glue database",
    "glue job",
    "glue crawler",
    "glue workflow",
    "glue trigger",
)

# What each kind's Update call can change, so the plan never promises an update
# the API cannot make (a trigger's Type or WorkflowName, say).
COMPARED_FIELDS: dict[Kind, tuple[str, ...]] = {
    "iam role": ("AssumeRolePolicyDocument",),
    "iam policy": ("PolicyDocument",),
    "s3 object": ("sha256",),
    "glue database": ("Description",),
    "glue job": (
        "Description", "Role", "Command", "DefaultArguments", "NonOverridableArguments",
        "ExecutionProperty", "GlueVersion", "WorkerType", "NumberOfWorkers", "Timeout",
        "MaxRetries", "Connections", "SecurityConfiguration", "NotificationProperty",
        "ExecutionClass",
    ),
    "glue crawler": (
        "Role", "DatabaseName", "Description", "Targets", "Schedule", "Classifiers",
        "TablePrefix", "SchemaChangePolicy", "RecrawlPolicy", "LineageConfiguration",
        "Configuration", "CrawlerSecurityConfiguration",
    ),
    "glue workflow": ("Description", "DefaultRunProperties", "MaxConcurrentRuns"),
    "glue trigger": ("Description", "Schedule", "Actions", "Predicate", "EventBatchingCondition"),
}  # fmt: skip

# Key-value maps compared whole: an entry missing on one side is a difference.
EXACT_MAPS = frozenset(
    {"DefaultArguments", "NonOverridableArguments", "Arguments", "DefaultRunProperties"}
)

# Glue 5's pip installs the wheel; --no-deps keeps pip from installing our
# install_requires (pyspark among them) over the Spark Glue provides.
WHEEL_INSTALLER_OPTION = "--no-deps"


@dataclass(frozen=True)
class Resource:
    """One resource as deploy wants it."""

    kind: Kind
    name: str
    config: dict[str, Any]


@dataclass(frozen=True)
class Difference:
    """One field whose value on AWS differs from the definition's."""

    path: str
    current: Any
    desired: Any

    def __str__(self) -> str:
        return f"{self.path}: {_shown(self.current)} -> {_shown(self.desired)}"


@dataclass(frozen=True)
class Change:
    """One line of the plan: a resource, what deploy will do with it, and why."""

    resource: Resource
    action: Action
    differences: tuple[Difference, ...] = field(default=())

    @property
    def label(self) -> str:
        """``glue job import_income_data``."""
        return f"{self.resource.kind} {self.resource.name}"


class _Missing:
    def __repr__(self) -> str:
        return "(none)"


MISSING: Any = _Missing()


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


# ---------------------------------------------------------------- desired


def role_arn(target: DeployTarget, account_id: str) -> str:
    """The role's ARN (Glue jobs and crawlers name it so)."""
    return f"arn:aws:iam::{account_id}:role/{target.role_name}"


def s3_uri(bucket: str, key: str) -> str:
    """``s3://bucket/key``."""
    return f"s3://{bucket}/{key}"


def desired_resources(
    definition: WorkflowDefinition,
    target: DeployTarget,
    *,
    account_id: str,
    trust: dict[str, Any],
    policy: dict[str, Any],
    scripts: Mapping[str, Artifact],
    wheel: Artifact,
) -> list[Resource]:
    """Every resource of the deployment, in creation order.

    ``definition`` has its placeholders filled already; ``scripts`` maps each
    job name to its uploaded script.
    """
    role = role_arn(target, account_id)
    wheel_uri = s3_uri(target.raw_bucket, wheel.key)
    found = [
        Resource("iam role", target.role_name, {"AssumeRolePolicyDocument": trust}),
        Resource("iam policy", f"{target.role_name}/{target.policy_name}",
                 {"PolicyDocument": policy}),
        Resource("s3 object", s3_uri(target.raw_bucket, wheel.key), {"sha256": wheel.digest}),
    ]  # fmt: skip
    uploaded = {artifact.key: artifact for artifact in scripts.values()}
    for artifact in uploaded.values():
        found.append(
            Resource("s3 object", s3_uri(target.raw_bucket, artifact.key),
                     {"sha256": artifact.digest})
        )  # fmt: skip
    for database, zone in (
        (target.raw_database, target.raw_zone),
        (target.processed_database, target.processed_zone),
    ):
        found.append(
            Resource(
                "glue database",
                database,
                {"Description": f"{definition.name}: tables of {zone} (playgrounds deploy)"},
            )
        )
    for name, job in definition.jobs.items():
        config = copy.deepcopy(job)
        config["Role"] = role
        config["Command"]["ScriptLocation"] = s3_uri(target.raw_bucket, scripts[name].key)
        config["DefaultArguments"] = {
            **config.get("DefaultArguments", {}),
            "--additional-python-modules": wheel_uri,
            "--python-modules-installer-option": WHEEL_INSTALLER_OPTION,
            "--TempDir": target.temp_dir,
        }
        found.append(Resource("glue job", name, config))
    for name, crawler in definition.crawlers.items():
        found.append(Resource("glue crawler", name, {**copy.deepcopy(crawler), "Role": role}))
    found.append(Resource("glue workflow", definition.name, copy.deepcopy(definition.workflow)))
    for name, trigger in definition.triggers.items():
        found.append(Resource("glue trigger", name, copy.deepcopy(trigger)))
    return found


# ---------------------------------------------------------------- comparison


def _normal(value: Any) -> Any:
    # Glue answers numbers as floats or ints depending on the field; 30 == 30.0.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def differences(desired: Any, current: Any, path: str = "") -> list[Difference]:
    """Where ``current`` differs from ``desired``: fields only ``current`` has are ignored,
    except inside the key-value maps of :data:`EXACT_MAPS`."""
    leaf = path.rsplit(".", 1)[-1]
    if isinstance(desired, dict) and isinstance(current, dict):
        keys: Iterable[str] = (
            sorted(set(desired) | set(current)) if leaf in EXACT_MAPS else list(desired)
        )
        found: list[Difference] = []
        for key in keys:
            found += differences(
                desired.get(key, MISSING), current.get(key, MISSING), f"{path}.{key}".lstrip(".")
            )
        return found
    if isinstance(desired, list) and isinstance(current, list) and len(desired) == len(current):
        found = []
        for index, (want, have) in enumerate(zip(desired, current, strict=True)):
            found += differences(want, have, f"{path}[{index}]")
        return found
    if _normal(desired) == _normal(current):
        return []
    return [Difference(path, current, desired)]


def plan_change(resource: Resource, current: Mapping[str, Any] | None) -> Change:
    """Create when absent, else update when a compared field differs, else unchanged."""
    if current is None:
        return Change(resource, "create")
    compared = COMPARED_FIELDS[resource.kind]
    found: list[Difference] = []
    for key in compared:
        if key in resource.config:
            found += differences(resource.config[key], current.get(key, MISSING), key)
    return Change(resource, "update" if found else "unchanged", tuple(found))


def summary(changes: Sequence[Change]) -> str:
    """``3 to create, 1 to update, 12 unchanged``."""
    counts = {action: sum(c.action == action for c in changes) for action in
              ("create", "update", "unchanged")}  # fmt: skip
    return (
        f"{counts['create']} to create, {counts['update']} to update, "
        f"{counts['unchanged']} unchanged"
    )
