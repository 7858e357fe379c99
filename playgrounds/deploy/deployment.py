"""Deploy the workflow definition to AWS Glue, or plan it, or tear a deployment down.

``plan`` reads (never writes) and says per resource: create, update or
unchanged, with the fields that differ. ``deploy`` carries the plan out in
creation order. ``teardown`` deletes what a deployment's tag marks, nothing
else, and the data under its prefixes only when asked.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playgrounds.deploy.artifacts import Artifact, build_wheel, file_digest, wheel_digest
from playgrounds.deploy.cloud import Cloud, Found, Teardown
from playgrounds.deploy.policy import job_policy, trust_policy
from playgrounds.deploy.resources import Change, desired_resources, plan_change
from playgrounds.deploy.target import DeployTarget
from playgrounds.workflow.definition import WorkflowDefinition, load_definition, resolve

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@dataclass(frozen=True)
class Plan:
    """What deploy would do, and the files it would upload (by object key)."""

    target: DeployTarget
    workflow: str
    changes: tuple[Change, ...]
    artifacts: dict[str, Artifact]

    @property
    def pending(self) -> list[Change]:
        """The creates and updates."""
        return [change for change in self.changes if change.action != "unchanged"]


def script_artifacts(definition: WorkflowDefinition, target: DeployTarget) -> dict[str, Artifact]:
    """Each job's script as an upload: job name -> artifact under ``<prefix>/glue/scripts/``."""
    found = {}
    for job in definition.jobs:
        path = definition.script_path(job)
        found[job] = Artifact(path, target.script_key(path.name), file_digest(path),
                              "text/x-python")  # fmt: skip
    return found


def wheel_artifact(wheel: Path, target: DeployTarget) -> Artifact:
    """The library wheel as an upload under ``<prefix>/glue/wheels/``."""
    return Artifact(wheel, target.wheel_key(wheel.name), wheel_digest(wheel), "application/zip")


@contextmanager
def library_wheel(prebuilt: Path | None = None) -> Iterator[Path]:
    """The wheel to deploy: ``prebuilt``, else one built now into a temporary folder."""
    if prebuilt is not None:
        yield prebuilt
        return
    with tempfile.TemporaryDirectory(prefix="playgrounds-wheel-") as folder:
        yield build_wheel(Path(folder))


def make_plan(
    definition_path: Path,
    target: DeployTarget,
    wheel: Path,
    *,
    cloud: Cloud | None = None,
    on_progress: Progress = _quiet,
) -> Plan:
    """Compare the definition, deployed to ``target``, with what AWS holds; changes nothing."""
    definition = resolve(load_definition(definition_path), target.variables())
    cloud = cloud or Cloud(target)
    account_id = cloud.account_id
    cloud.check_buckets()
    scripts = script_artifacts(definition, target)
    wheel_upload = wheel_artifact(wheel, target)
    desired = desired_resources(
        definition,
        target,
        account_id=account_id,
        trust=trust_policy(target, account_id),
        policy=job_policy(target, account_id, sorted(definition.crawlers)),
        scripts=scripts,
        wheel=wheel_upload,
    )
    changes = []
    for resource in desired:
        on_progress(f"checking {resource.kind} {resource.name}")
        changes.append(plan_change(resource, cloud.current(resource)))
    artifacts = {a.key: a for a in [wheel_upload, *scripts.values()]}
    return Plan(target, definition.name, tuple(changes), artifacts)


def apply_plan(plan: Plan, *, cloud: Cloud | None = None, on_progress: Progress = _quiet) -> None:
    """Carry out a plan's creates and updates, in creation order."""
    cloud = cloud or Cloud(plan.target)
    for change in plan.pending:
        cloud.apply(change, plan.artifacts)
        done = "created" if change.action == "create" else "updated"
        on_progress(f"{done} {change.label}")


def find_deployment(
    prefix: str, region: str, *, delete_data: bool, teardown: Teardown | None = None
) -> tuple[Teardown, list[Found]]:
    """What teardown would delete: the tagged resources (and the data, with ``delete_data``)."""
    teardown = teardown or Teardown(prefix, region)
    found = teardown.find()
    if delete_data:
        known = {item.name for item in found}
        found = [
            *[item for item in teardown.data_objects() if item.name not in known],
            *found,
        ]
    return teardown, found


def delete_found(teardown: Teardown, found: list[Found], on_progress: Progress = _quiet) -> None:
    """Delete what :func:`find_deployment` found, in its order."""
    for item in found:
        teardown.delete(item)
        on_progress(f"deleted {item.kind} {item.name}")
