"""``playgrounds deploy`` and ``playgrounds teardown``: the workflow on AWS Glue, one definition.

The plan (a table) goes to stdout; progress, one line per resource, to stderr.
boto3 and the deploy package are imported inside the commands, so that
``playgrounds --help`` stays fast.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.table import Table

from playgrounds.cli.kit import console, stage_display

if TYPE_CHECKING:
    from playgrounds.deploy.cloud import Found
    from playgrounds.deploy.deployment import Plan
    from playgrounds.deploy.model import ModelPlan

DEFAULT_DEFINITION = (
    Path(__file__).resolve().parents[2] / "workflows" / "playgrounds_workflow_for_ml.json"
)
ACTION_STYLES = {"create": "green", "update": "yellow", "unchanged": "dim", "delete": "red"}


def default_region() -> str:
    """``$AWS_REGION``, then ``$AWS_DEFAULT_REGION`` (as the AWS CLI reads them), else us-east-1."""
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


prefix_option = click.option(
    "--prefix",
    default="playgrounds",
    show_default=True,
    help="Names this deployment: S3 folders <bucket>/<prefix>/..., databases <prefix>-raw and "
    "<prefix>-processed, role <prefix>-glue-role, tag playgrounds:deployment=<prefix>.",
)
region_option = click.option(
    "--region",
    default=default_region,
    show_default="$AWS_REGION, $AWS_DEFAULT_REGION, else us-east-1",
    help="AWS region of the Glue resources.",
)
dry_run_option = click.option(
    "--dry-run", is_flag=True, help="Print the plan and change nothing in AWS."
)


def changes_table(title: str, rows: Iterable[tuple[str, str, str, Iterable[object]]]) -> Table:
    """One row per resource: action, kind, name, and the fields that differ."""
    table = Table(title=title, title_justify="left")
    for column in ("action", "resource", "name", "changes"):
        table.add_column(column, overflow="fold")
    for action, kind, name, differences in rows:
        style = ACTION_STYLES[action]
        table.add_row(
            f"[{style}]{action}[/{style}]", kind, name, "\n".join(str(d) for d in differences)
        )
    return table


def plan_table(plan: Plan) -> Table:
    """The workflow deployment's plan."""
    return changes_table(
        f"Deploy plan for {plan.workflow} (prefix {plan.target.prefix}, {plan.target.region})",
        ((c.action, c.resource.kind, c.resource.name, c.differences) for c in plan.changes),
    )


@click.command("deploy")
@click.option(
    "--raw-bucket",
    required=True,
    help="Existing bucket for the raw zone, scripts and wheel (and --model's artifact).",
)
@click.option(
    "--processed-bucket",
    help="Existing bucket for the processed zone (needed to deploy the workflow).",
)
@click.option(
    "--model",
    "model_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also (or, without --processed-bucket, only) put this model.tar.gz on a SageMaker "
    "endpoint, as deploy-model does, its artifact in --raw-bucket.",
)
@prefix_option
@region_option
@dry_run_option
@click.option(
    "--definition",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_DEFINITION,
    show_default="workflows/playgrounds_workflow_for_ml.json",
    help="The workflow definition (Glue API shapes) to deploy.",
)
@click.option(
    "--wheel",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Deploy this library wheel instead of building one with pip wheel --no-deps.",
)
@click.pass_context
def deploy(
    ctx: click.Context,
    raw_bucket: str,
    processed_bucket: str | None,
    model_path: Path | None,
    prefix: str,
    region: str,
    dry_run: bool,
    definition: Path,
    wheel: Path | None,
) -> None:
    """Create or update the workflow's jobs, crawlers, triggers, databases and role on AWS Glue.

    Uploads jobs/*.py and the library wheel under s3://RAW_BUCKET/PREFIX/glue/,
    and fills the definition's zones with s3://RAW_BUCKET/PREFIX/raw and
    s3://PROCESSED_BUCKET/PREFIX/processed. Both buckets must exist. With
    --model, also deploys that model to a SageMaker endpoint (see deploy-model).
    """
    if processed_bucket is None and model_path is None:
        raise click.UsageError(
            "give --processed-bucket to deploy the workflow, or --model to deploy a model"
        )
    if processed_bucket is not None:
        _deploy_workflow(raw_bucket, processed_bucket, prefix, region, dry_run, definition, wheel)
    if model_path is not None:
        ctx.invoke(
            deploy_model,
            model_path=model_path,
            bucket=raw_bucket,
            name=None,
            instance_type="ml.m5.large",
            prefix=prefix,
            region=region,
            dry_run=dry_run,
        )


def _deploy_workflow(
    raw_bucket: str,
    processed_bucket: str,
    prefix: str,
    region: str,
    dry_run: bool,
    definition: Path,
    wheel: Path | None,
) -> None:
    from playgrounds.deploy.cloud import Cloud
    from playgrounds.deploy.deployment import apply_plan, library_wheel, make_plan
    from playgrounds.deploy.target import DeployTarget

    target = DeployTarget(raw_bucket, processed_bucket, prefix, region)
    cloud = Cloud(target)  # one set of clients for the plan and its execution
    with library_wheel(wheel) as built, stage_display("deploy") as show:
        if wheel is None:
            console.print(f"Built {built.name}", highlight=False)
        plan = make_plan(definition, target, built, cloud=cloud, on_progress=show)
        Console().print(plan_table(plan))
        if dry_run:
            console.print("Dry run: nothing was changed.", highlight=False)
            return
        apply_plan(plan, cloud=cloud, on_progress=show)
    if plan.pending:
        console.print(
            f"Deployed {plan.workflow}: {len(plan.pending)} resource(s) created or updated; "
            f"start it with: aws glue start-workflow-run --name {plan.workflow}",
            highlight=False,
        )
    else:
        console.print(f"{plan.workflow} is up to date: nothing to change.", highlight=False)


def teardown_table(found: list[Found], prefix: str) -> Table:
    """One row per resource teardown will delete."""
    table = Table(title=f"Teardown of deployment {prefix}", title_justify="left")
    for column in ("action", "resource", "name"):
        table.add_column(column, overflow="fold")
    for item in found:
        table.add_row("[red]delete[/red]", item.kind, item.name)
    return table


@click.command("teardown")
@prefix_option
@region_option
@dry_run_option
@click.option(
    "--delete-data",
    is_flag=True,
    help="Also delete every object under <prefix>/ in the two buckets (the lake's data).",
)
def teardown(prefix: str, region: str, dry_run: bool, delete_data: bool) -> None:
    """Delete what `playgrounds deploy --prefix PREFIX` made (found by its tag), nothing else.

    The buckets and their data stay unless --delete-data.
    """
    from playgrounds.deploy.deployment import delete_found, find_deployment
    from playgrounds.deploy.target import check_prefix

    check_prefix(prefix)
    with stage_display("teardown") as show:
        show(f"finding resources tagged playgrounds:deployment={prefix}")
        tearing, found = find_deployment(prefix, region, delete_data=delete_data)
        Console().print(teardown_table(found, prefix))
        if dry_run:
            console.print("Dry run: nothing was deleted.", highlight=False)
            return
        delete_found(tearing, found, on_progress=show)
    kept = "" if delete_data else "; the buckets' data was kept (--delete-data removes it)"
    console.print(f"Tore down deployment {prefix}: {len(found)} resource(s) deleted{kept}",
                  highlight=False)  # fmt: skip


model_prefix_option = click.option(
    "--prefix",
    default="playgrounds",
    show_default=True,
    help="Names the deployment: S3 folder <bucket>/<prefix>/models/, role <prefix>-sm-<name>, "
    "tag playgrounds:deployment=<prefix> (the workflow deploy's tag).",
)
model_region_option = click.option(
    "--region",
    default=default_region,
    show_default="$AWS_REGION, $AWS_DEFAULT_REGION, else us-east-1",
    help="AWS region of the SageMaker endpoint.",
)


def model_plan_table(plan: ModelPlan) -> Table:
    """The model deployment's plan."""
    return changes_table(
        f"Deploy plan for model {plan.target.name} (prefix {plan.target.prefix}, "
        f"{plan.target.region})",
        ((c.action, c.kind, c.name, c.differences) for c in plan.changes),
    )


@click.command("deploy-model")
@click.option(
    "--model",
    "model_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The model.tar.gz train wrote; model_card.json must sit beside it.",
)
@click.option("--bucket", required=True, help="Existing bucket for the artifact.")
@click.option(
    "--name",
    help="The endpoint's name (default: the model card's name, e.g. playgrounds-xgboost).",
)
@click.option(
    "--instance-type", default="ml.m5.large", show_default=True, help="The endpoint's instance."
)
@model_prefix_option
@model_region_option
@dry_run_option
def deploy_model(
    model_path: Path,
    bucket: str,
    name: str | None,
    instance_type: str,
    prefix: str,
    region: str,
    dry_run: bool,
) -> None:
    """Put a trained model on a SageMaker endpoint (the XGBoost container its card names).

    Uploads the artifact to s3://BUCKET/PREFIX/models/NAME/model.tar.gz and creates
    an execution role that may read only that object, the SageMaker model and
    endpoint configuration NAME-<digest>, and the endpoint NAME, all tagged
    playgrounds:deployment=PREFIX and playgrounds:model=NAME.
    """
    from playgrounds.deploy.model import (
        ModelCloud,
        ModelTarget,
        apply_model_plan,
        make_model_plan,
        read_artifact,
    )

    artifact = read_artifact(model_path)
    target = ModelTarget(bucket, name or artifact.card_name, prefix, region, instance_type)
    cloud = ModelCloud(region)
    with stage_display("deploy-model") as show:
        plan = make_model_plan(artifact, target, cloud=cloud, on_progress=show)
        Console().print(model_plan_table(plan))
        if dry_run:
            console.print("Dry run: nothing was changed.", highlight=False)
            return
        apply_model_plan(plan, cloud=cloud, on_progress=show)
    if plan.pending:
        console.print(
            f"Deployed model {target.name}: {len(plan.pending)} resource(s) created or updated; "
            f"endpoint {target.endpoint_name} serves {target.model_data_url} "
            f"({target.image_uri(artifact)})",
            highlight=False,
        )
    else:
        console.print(f"Model {target.name} is up to date: nothing to change.", highlight=False)


@click.command("teardown-model")
@click.option("--name", required=True, help="The endpoint's name, as deploy-model made it.")
@model_prefix_option
@model_region_option
@dry_run_option
def teardown_model(name: str, prefix: str, region: str, dry_run: bool) -> None:
    """Delete what `playgrounds deploy-model --name NAME` made (found by its tags), nothing else.

    The endpoint, its configurations and models, the uploaded artifact, the role
    and its policy; the bucket stays.
    """
    from playgrounds.deploy.model import ModelCloud, delete_model_found, find_model_deployment

    cloud = ModelCloud(region)
    with stage_display("teardown-model") as show:
        show(f"finding resources tagged playgrounds:model={name}")
        found = find_model_deployment(name, prefix, region, cloud=cloud)
        table = Table(title=f"Teardown of model {name} (prefix {prefix})", title_justify="left")
        for column in ("action", "resource", "name"):
            table.add_column(column, overflow="fold")
        for item in found:
            table.add_row("[red]delete[/red]", item.kind, item.name)
        Console().print(table)
        if dry_run:
            console.print("Dry run: nothing was deleted.", highlight=False)
            return
        delete_model_found(found, cloud=cloud, on_progress=show)
    console.print(f"Tore down model {name}: {len(found)} resource(s) deleted", highlight=False)
