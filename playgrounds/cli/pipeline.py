"""``playgrounds run``, ``prep`` and ``samples``: the pipeline's steps from the command line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.table import Table

from playgrounds.cli.kit import (
    SAMPLES_DIR,
    date_option,
    lake_folder,
    lake_option,
    master_option,
    stage_display,
    zip_match_option,
)
from playgrounds.errors import InputError, PlaygroundsError
from playgrounds.lake.layout import IncomeYears, parse_income_years
from playgrounds.transforms.choices import ZipMatch

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


class IncomeYearsType(click.ParamType):
    """An IRS income year, ``2016``, or an inclusive range of them, ``2014-2016``."""

    name = "YYYY[-YYYY]"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> IncomeYears:
        """The years, or a usage error saying what a year or a range looks like."""
        try:
            return parse_income_years(value)
        except InputError as bad:
            self.fail(str(bad), param, ctx)


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
@master_option
@click.option("--state", default="NY", show_default=True, help="IRS STATE to keep.")
@click.option(
    "--income-year",
    type=IncomeYearsType(),
    help="IRS year to read where several are present (income-ny/year=YYYY/ or YYzpallagi.csv), "
    "or a range, 2014-2016 (each year read with its own header), whose rows carry an "
    "income_year column "
    "[default: the raw zone's newest year, or the folder's only IRS file].",
)
def prep(
    raw: Path,
    processed: Path,
    day: dt.date,
    zip_match: ZipMatch,
    state: str,
    income_year: IncomeYears | None,
) -> None:
    """Join IRS income, parks and playgrounds into the processed zone (prep_data_for_ml)."""
    # Imported here: Spark's start-up cost is paid only by commands that use it.
    from playgrounds.pipeline.prep import run_prep
    from playgrounds.sources.inputs import locate_raw_inputs
    from playgrounds.spark import spark_session

    # A missing input fails here, before Spark's start-up cost.
    locate_raw_inputs(raw, income_year=income_year)
    with stage_display("prep") as show:
        show("Starting Spark")
        spark = spark_session("playgrounds-prep")
        result = run_prep(
            spark,
            raw,
            processed,
            day=day,
            state=state,
            zip_match=zip_match,
            income_year=income_year,
            progress=show,
        )
    click.echo(f"Wrote {result.rows} rows x {len(result.columns)} columns to {result.path}")


@click.command()
@lake_option("raw/ and processed/ zones, the catalog/ and workflows/ history live under it.")
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
@master_option
@click.option(
    "--automl-budget",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0),
    help="Seconds for the AutoML leaderboard after the workshop's XGBoost (0: none).",
)
def run(
    lake: str, source: Path, prefix: str, day: dt.date, zip_match: ZipMatch, automl_budget: float
) -> None:
    """Run the workshop here: its Glue workflow (ingest, crawl, prep, crawl), a query, the model.

    After the workflow, in the same Spark session: the notebook's features, the
    crawled train table, XGBoost with both evaluations, and the HTML report.
    """
    from playgrounds.cli.workflow import live_run, print_outcome
    from playgrounds.pipeline.workshop import (
        WORKSHOP_WORKFLOW,
        ModelOutcome,
        QueryAnswer,
        borough_answer,
        train_and_report,
    )
    from playgrounds.workflow.local import run_workflow
    from playgrounds.workflow.runner import summary_lines

    if not source.is_dir():
        raise InputError(f"source folder {source} does not exist")
    folder = lake_folder(lake, must_exist=False)
    if source.resolve().is_relative_to(Path.cwd()):
        source = source.resolve().relative_to(Path.cwd())  # summaries read data/samples/...
    answers: list[QueryAnswer] = []
    models: list[ModelOutcome] = []

    def then(spark: SparkSession, record: dict[str, Any]) -> None:
        stats = record.get("Statistics") or {}
        if stats.get("SucceededActions") != stats.get("TotalActions"):
            return  # print_outcome names the failed nodes; `workflow resume` goes on
        answers.append(borough_answer(spark, prefix))
        models.append(
            train_and_report(
                spark, folder, prefix=prefix, automl_budget=automl_budget, progress=progress[0]
            )
        )

    progress: list[Callable[[str], None]] = []
    with live_run(WORKSHOP_WORKFLOW) as live:
        progress.append(live.on_progress)
        record = run_workflow(
            WORKSHOP_WORKFLOW,
            folder,
            day=day,
            source=source,
            prefix=prefix,
            on_change=live.on_change,
            on_session=live.on_session,
            on_progress=live.on_progress,
            # The prep job's default is the workshop's matching: passed only when asked.
            extra_arguments={} if zip_match == "workshop" else {"--zip_match": zip_match},
            then=then,
        )
    for line in summary_lines(record):
        click.echo(line)
    print_outcome(record, folder)
    if not answers:
        raise PlaygroundsError(
            f"workflow {WORKSHOP_WORKFLOW} did not finish: see the failed nodes above, "
            f"fix them and run `playgrounds workflow resume {record['WorkflowRunId']}`"
        )
    answer = answers[0]
    click.echo(f"\nAthena-style query on the catalog (playgrounds sql '...'):\n{answer.query}")
    table = Table()
    for column in answer.columns:
        table.add_column(column)
    for row in answer.rows:
        table.add_row(*[str(value) for value in row])
    Console().print(table)
    model = models[0]
    random_split, grouped = model.evaluation["random_split"], model.evaluation["group_kfold"]
    click.echo(
        f"\nModel: the workshop's XGBoost on {model.matrix}, in {model.model_folder}\n"
        f"  ROC AUC {random_split['metrics']['roc_auc']:.3f} on the workshop's random 80/20 split, "
        f"{grouped['metrics_mean']['roc_auc']:.3f} ± {grouped['metrics_std']['roc_auc']:.3f} "
        f"by playground ({grouped['folds']} folds); the majority-class baseline: 0.500\n"
        f"Report: {model.report}"
    )


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
