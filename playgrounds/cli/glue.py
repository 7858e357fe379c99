"""``playgrounds glue-local``, ``glue-pytest`` and ``glue-run``: Glue jobs and their tests
on plain PySpark, or a job in Glue's image."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from playgrounds.cli.kit import REPO_ROOT, lake_folder, lake_option, master_option
from playgrounds.glue.errors import GlueShimError

JOBS_DIR = REPO_ROOT / "jobs"
# Options after the job's name belong to the job, as on Glue.
_JOB_ARGUMENTS = {"ignore_unknown_options": True, "allow_interspersed_args": False}


def job_file(job: str) -> Path:
    """A job given as a path, or as a name of ``jobs/<name>.py``."""
    given = Path(job)
    if given.suffix == ".py" or given.exists():
        return given
    candidate = JOBS_DIR / f"{job}.py"
    if candidate.is_file():
        return candidate
    raise GlueShimError(f"job {job!r} not found: give a .py path or a name from {JOBS_DIR}")


@click.command("glue-local", context_settings=_JOB_ARGUMENTS)
@click.argument("job")
@click.argument("job_args", nargs=-1, type=click.UNPROCESSED)
@lake_option("s3/ (buckets), catalog/ (metastore), _glue_bookmarks/ live under it.")
@click.option("--job-name", help="--JOB_NAME given to the script [default: the file's name].")
@click.option(
    "--bookmarks",
    "bookmark_option",
    type=click.Choice(["job-bookmark-enable", "job-bookmark-pause", "job-bookmark-disable"]),
    help="--job-bookmark-option given to the script (or pass it among ARGS).",
)
@click.option(
    "--local-s3-buckets",
    default="",
    metavar="B1,B2",
    help="Buckets to mount besides those named by s3:// job arguments.",
)
@click.option(
    "--catalog-map",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="JSON table-to-path map for from_catalog (instead of the local metastore).",
)
@click.option(
    "--metastore",
    type=click.Path(path_type=Path),
    help="Hive metastore folder [default: <lake>/catalog, the crawler's].",
)
@click.option("--conf", "conf", multiple=True, metavar="KEY=VALUE", help="Extra Spark setting.")
@master_option
def glue_local(
    job: str,
    job_args: tuple[str, ...],
    lake: str,
    job_name: str | None,
    bookmark_option: str | None,
    local_s3_buckets: str,
    catalog_map: Path | None,
    metastore: Path | None,
    conf: tuple[str, ...],
) -> None:
    """Run a Glue job file (jobs/<JOB>.py or a path) through the awsglue shim.

    Options for the job itself go after the job, as on Glue:
    `playgrounds glue-local prep_data_for_ml --raw_database demo-raw ...`.
    """
    # Imported here: Spark's start-up cost is paid only by commands that use it.
    from playgrounds.glue.runner import LocalRun, parse_conf, run_job

    run = LocalRun(
        job=job_file(job),
        args=job_args,
        lake=lake_folder(lake, must_exist=False),
        job_name=job_name,
        bookmark_option=bookmark_option,
        extra_buckets=tuple(b.strip() for b in local_s3_buckets.split(",") if b.strip()),
        catalog_map=catalog_map,
        metastore=metastore,
        conf=parse_conf(conf),
    )
    run_job(run)
    click.echo(f"Job {run.job.name} finished.")


@click.command("glue-pytest", context_settings=_JOB_ARGUMENTS)
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
def glue_pytest(pytest_args: tuple[str, ...]) -> None:
    """Run your Glue project's pytest suite here, as in the Glue image (run it from the project).

    `import awsglue` finds the shim and `SparkContext.getOrCreate()` a fast local
    session; every argument goes to pytest: `playgrounds glue-pytest -q tests/`.
    """
    from playgrounds.glue.pytest_runner import run_pytest

    status = run_pytest(pytest_args)
    if status:
        sys.exit(status)


@click.command("glue-run", context_settings=_JOB_ARGUMENTS)
@click.argument("job")
@click.argument("job_args", nargs=-1, type=click.UNPROCESSED)
@lake_option("mounted at /home/hadoop/workspace/lake in the container.")
@click.option("--print", "only_print", is_flag=True, help="Only print the docker command.")
@click.option(
    "--no-aws", is_flag=True, help="Mount no ~/.aws and pass no AWS_PROFILE (file:// jobs)."
)
def glue_run(
    job: str, job_args: tuple[str, ...], lake: str, only_print: bool, no_aws: bool
) -> None:
    """Run jobs/<JOB>.py in AWS's Glue 5 Docker image with the real awsglue (needs Docker).

    Options for the job itself go after the job:
    `playgrounds glue-run import_json_data --raw_zone file:///home/hadoop/workspace/lake/raw ...`.
    """
    from playgrounds.glue.docker import docker_command, run_in_docker

    folder = lake_folder(lake, must_exist=False)
    if only_print:
        click.echo(" ".join(docker_command(job, job_args, lake=folder, aws=not no_aws)))
        return
    status = run_in_docker(job, job_args, lake=folder, aws=not no_aws)
    if status:
        sys.exit(status)
