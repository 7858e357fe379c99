"""``playgrounds features`` and ``report``: the notebook's feature steps, and the HTML report."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from playgrounds.cli.kit import (
    TypedChoice,
    lake_folder,
    lake_option,
    master_option,
    stage_display,
)
from playgrounds.transforms.choices import BOROUGH_SOURCES, BoroughSource


@click.command()
@lake_option("reads processed/processed/ (newest partition), writes processed/train/ and ml/.")
@click.option(
    "--borough-from",
    type=TypedChoice(BOROUGH_SOURCES),
    default="playground_id",
    show_default=True,
    help="playground_id: the notebook's first letter of Playground_ID (school playgrounds "
    "without one get 'N'); prop_id: the first letter of the property's Prop_ID.",
)
@master_option
def features(lake: str, borough_from: BoroughSource) -> None:
    """Build the training matrix from the processed table (the notebook's feature steps)."""
    # Imported here: Spark's start-up cost is paid only by commands that use it.
    from playgrounds.ml.features import build_features, write_features
    from playgrounds.spark import spark_session

    root = lake_folder(lake)
    with stage_display("features") as show:
        show("Starting Spark")
        spark = spark_session("playgrounds-features")
        result = build_features(spark, root, borough_from=borough_from, progress=show)
        show("Writing train.csv, groups.csv and features.json")
        paths = write_features(result, root)
    table = Table(title="Row counts after each step (the notebook's shapes)")
    for heading in ("step", "rows", "columns"):
        table.add_column(heading, justify="left" if heading == "step" else "right")
    for step in result.steps:
        table.add_row(step.step, f"{step.rows:,}", str(step.columns))
    Console().print(table)
    click.echo(
        f"Matrix: {result.rows:,} rows x {1 + len(result.features)} columns "
        f"(label {result.label} + {len(result.features)} features), "
        f"read from {root / result.source.partition}"
    )
    other = "prop_id" if borough_from == "playground_id" else "playground_id"
    click.echo(
        f"Borough from {borough_from}: {result.borough_rows_differing:,} rows would differ "
        f"with --borough-from {other}"
    )
    if result.rows_without_returns:
        click.echo(
            f"{result.rows_without_returns:,} rows have no returns in their bracket: "
            "their return shares are 0 (pandas would give NaN)"
        )
    click.echo(f"Wrote {paths.train_csv}")
    click.echo(f"Wrote {paths.groups_csv}")
    click.echo(f"Wrote {paths.features_json}")


@click.command()
@lake_option("reads ml/features.json, processed/train/ and ml/models/<name>/, writes ml/.")
@click.option(
    "--model",
    "model_name",
    default=None,
    show_default="playgrounds-xgboost",
    help="Model folder under ml/models/ whose evaluation and leaderboard to show.",
)
def report(lake: str, model_name: str | None) -> None:
    """Write a self-contained HTML report: data, evaluations, leaderboard (ml/report.html)."""
    from playgrounds.ml.report import write_report

    root = lake_folder(lake)
    with stage_display("report") as show:
        written = write_report(root, model_name=model_name, progress=show)
    if not written.model_found:
        click.echo(
            f"No trained model {written.model_name} under {written.model_folder}: the report "
            "shows the data only (run `playgrounds train` for the model sections)"
        )
    click.echo(f"Wrote {written.path} ({written.figures} figures)")
