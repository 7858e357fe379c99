"""``playgrounds run``, ``prep`` and ``samples``: the pipeline's steps from the command line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from playgrounds.cli.kit import (
    SAMPLES_DIR,
    date_option,
    lake_folder,
    lake_option,
    stage_display,
    zip_match_option,
)
from playgrounds.errors import InputError
from playgrounds.transforms.choices import ZipMatch


@click.command()
@click.option(
    "--raw",
    type=click.Path(path_type=Path),
    required=True,
    help="Raw zone (income-ny/, parks/, playgrounds/) or a folder of the published files.",
)
@click.option(
    "--processed",
    type=click.Path(path_type=Path),
    required=True,
    help="Processed zone; output goes to <processed>/processed/year=/month=/day=.",
)
@date_option("Partition date of the output.")
@zip_match_option
@click.option("--state", default="NY", show_default=True, help="IRS STATE to keep.")
def prep(raw: Path, processed: Path, day: dt.date, zip_match: ZipMatch, state: str) -> None:
    """Join IRS income, parks and playgrounds into the processed zone (prep_data_for_ml)."""
    # Imported here: Spark's start-up cost is paid only by commands that use it.
    from playgrounds.pipeline.prep import run_prep
    from playgrounds.sources.inputs import locate_raw_inputs
    from playgrounds.spark import spark_session

    locate_raw_inputs(raw)  # a missing input fails here, before Spark's start-up cost
    with stage_display("prep") as show:
        show("Starting Spark")
        spark = spark_session("playgrounds-prep")
        result = run_prep(
            spark, raw, processed, day=day, state=state, zip_match=zip_match, progress=show
        )
    click.echo(f"Wrote {result.rows} rows x {len(result.columns)} columns to {result.path}")


@click.command()
@lake_option("raw/ and processed/ zones and the catalog/ live under it.")
@click.option(
    "--source",
    type=click.Path(path_type=Path),
    default=SAMPLES_DIR,
    show_default="data/samples",
    help="Folder holding the published files to ingest (IRS CSV, parks and playgrounds JSON).",
)
@click.option(
    "--prefix",
    default="playgrounds",
    show_default=True,
    help="Databases are <prefix>-raw and <prefix>-processed, as in the workshop.",
)
@date_option("Partition date of the ingested and prepared data.")
@zip_match_option
def run(lake: str, source: Path, prefix: str, day: dt.date, zip_match: ZipMatch) -> None:
    """Run the workshop here: ingest, crawl, prep, crawl, query (the README's first command)."""
    from playgrounds.pipeline.workshop import run_workshop

    if not source.is_dir():
        raise InputError(f"source folder {source} does not exist")
    with stage_display("run") as show:
        result = run_workshop(
            lake_folder(lake, must_exist=False),
            source,
            day=day,
            prefix=prefix,
            zip_match=zip_match,
            progress=show,
        )
    for line in [*result.ingested, *result.crawled]:
        click.echo(line)
    prep = result.prep
    click.echo(f"Wrote {prep.rows} rows x {len(prep.columns)} columns to {prep.path}")
    click.echo(f"\nAthena-style query on the catalog (playgrounds sql '...'):\n{result.query}")
    table = Table()
    for column in result.answer_columns:
        table.add_column(column)
    for row in result.answer:
        table.add_row(*[str(value) for value in row])
    Console().print(table)


@click.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=SAMPLES_DIR,
    show_default="data/samples",
    help="Folder to write the sample inputs to.",
)
def samples(out: Path) -> None:
    """Regenerate the small sample inputs (deterministic, in the real schemas)."""
    from playgrounds.sources.samples import generate

    counts = generate(out)
    for name, rows in counts.items():
        click.echo(f"{out / name}: {rows} rows")
