"""``playgrounds ingest income|parks|playgrounds|all``: the import jobs from the command line."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from playgrounds.cli.kit import byte_progress, console, date_option, lake_option
from playgrounds.lake.layout import PARKS_TABLE, PLAYGROUNDS_TABLE

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from playgrounds.lake.zones import Zone
    from playgrounds.sources.ingest import IngestResult

_DATASETS = (PARKS_TABLE, PLAYGROUNDS_TABLE)


def _raw_zone(lake: str, raw: str | None, s3: str | None) -> Zone:
    from playgrounds.lake.zones import Lake, open_zone

    if raw:
        return open_zone(raw, s3=s3)
    return Lake(lake, s3=s3).raw


def _report(result: IngestResult, zone: Zone) -> None:
    from playgrounds.lake.zones import LocalZone

    line = result.summary()
    if isinstance(zone, LocalZone) and zone.uri.startswith("s3://"):
        line += f" (s3:// kept locally in {zone.folder})"
    click.echo(line)


def _spark() -> SparkSession:
    from playgrounds.spark import spark_session

    with console.status("Starting Spark"):
        return spark_session("playgrounds-ingest")


def _income(zone: Zone, year: int, source: str | None, force: bool) -> None:
    from playgrounds.sources.ingest import ingest_income

    with byte_progress(f"income {year}") as progress:
        result = ingest_income(zone, year=year, source=source, force=force, progress=progress)
    _report(result, zone)


def _json(spark: SparkSession, zone: Zone, dataset: str, day: dt.date, source: str | None) -> None:
    from playgrounds.sources.ingest import ingest_nyc_parks_json

    with byte_progress(dataset) as progress:
        result = ingest_nyc_parks_json(
            spark, zone, dataset, day=day, source=source, progress=progress
        )
    _report(result, zone)


def _where(function: Callable[..., Any]) -> Callable[..., Any]:
    """The options every ingest command takes: where the raw zone is, and the source."""
    for option in reversed(
        [
            lake_option("data goes to <ROOT>/raw."),
            click.option(
                "--raw",
                metavar="ZONE",
                default=None,
                help="The raw zone itself (folder or s3://...), instead of <lake>/raw.",
            ),
            click.option(
                "--s3",
                type=click.Choice(["aws", "local"]),
                default=None,
                help="For s3:// roots: aws = boto3 (honours AWS_ENDPOINT_URL); local = the "
                "local folder mapping Spark uses. [default: $PLAYGROUNDS_S3, else aws when "
                "AWS_ENDPOINT_URL is set, else local]",
            ),
            click.option(
                "--source",
                metavar="URL|PATH",
                default=None,
                help="Read from this URL, file or folder instead of the published URL "
                "(offline: a folder like data/samples).",
            ),
        ]
    ):
        function = option(function)
    return function


_year_option = click.option(
    "--year", type=int, default=2016, show_default=True, help="IRS tax year to ingest."
)
_force_option = click.option(
    "--force", is_flag=True, help="Replace the income file even when it is already there."
)
_date_option = date_option("Partition date to write.")


@click.group("ingest")
def ingest_group() -> None:
    """Import the raw inputs into the lake's raw zone (the workshop's import jobs)."""


@ingest_group.command("income")
@_where
@_year_option
@_force_option
def income(
    lake: str, raw: str | None, s3: str | None, source: str | None, year: int, force: bool
) -> None:
    """IRS SOI ZIP-code income CSV to <raw>/income-ny/year=YYYY/income.csv (skipped if present)."""
    _income(_raw_zone(lake, raw, s3), year, source, force)


def _json_command(dataset: str) -> click.Command:
    @_where
    @_date_option
    def command(
        lake: str, raw: str | None, s3: str | None, source: str | None, day: dt.date
    ) -> None:
        _json(_spark(), _raw_zone(lake, raw, s3), dataset, day, source)

    command.__doc__ = (
        f"NYC Parks {dataset} JSON to Parquet at <raw>/{dataset}/year=Y/month=M/day=D/ "
        "(the partition is replaced)."
    )
    return click.command(dataset)(command)


for _dataset in _DATASETS:
    ingest_group.add_command(_json_command(_dataset))


@ingest_group.command("all")
@_where
@_year_option
@_date_option
@_force_option
def ingest_all(
    lake: str,
    raw: str | None,
    s3: str | None,
    source: str | None,
    year: int,
    day: dt.date,
    force: bool,
) -> None:
    """Income, parks and playgrounds in one go (--source: a folder holding all three)."""
    if source and not os.path.isdir(source):
        raise click.BadParameter(
            "with `all`, --source must be a folder; give a file or URL to each command instead",
            param_hint="--source",
        )
    zone = _raw_zone(lake, raw, s3)
    _income(zone, year, source, force)
    spark = _spark()
    for dataset in _DATASETS:
        _json(spark, zone, dataset, day, source)
