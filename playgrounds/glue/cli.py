"""``playgrounds glue-local JOB [ARGS]...``: run a Glue job file on plain PySpark."""

from __future__ import annotations

from pathlib import Path

import click

from playgrounds.glue.errors import GlueShimError

JOBS_DIR = Path(__file__).resolve().parent.parent.parent / "jobs"


def job_file(job: str) -> Path:
    """A job given as a path, or as a name of ``jobs/<name>.py``."""
    given = Path(job)
    if given.suffix == ".py" or given.exists():
        return given
    candidate = JOBS_DIR / f"{job}.py"
    if candidate.is_file():
        return candidate
    raise GlueShimError(f"job {job!r} not found: give a .py path or a name from {JOBS_DIR}")


@click.command(
    "glue-local",
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
)
@click.argument("job")
@click.argument("job_args", nargs=-1, type=click.UNPROCESSED)
@click.option(
    "--lake",
    type=click.Path(path_type=Path),
    default=Path("lake"),
    show_default=True,
    help="Lake root: s3/ (buckets), catalog/ (metastore), _glue_bookmarks/ live under it.",
)
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
def glue_local(
    job: str,
    job_args: tuple[str, ...],
    lake: Path,
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
    from playgrounds.glue.runner import LocalRun, parse_conf, run_job

    run = LocalRun(
        job=job_file(job),
        args=job_args,
        lake=lake,
        job_name=job_name,
        bookmark_option=bookmark_option,
        extra_buckets=tuple(b.strip() for b in local_s3_buckets.split(",") if b.strip()),
        catalog_map=catalog_map,
        metastore=metastore,
        conf=parse_conf(conf),
    )
    run_job(run)
    click.echo(f"Job {run.job.name} finished.")
