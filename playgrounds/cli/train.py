"""``playgrounds train``: the workshop's XGBoost, both evaluations, AutoML, the served model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.table import Table

from playgrounds.cli.kit import lake_folder, lake_option, stage_display

if TYPE_CHECKING:
    from playgrounds.ml.train import TrainingResult

# The evaluation table's rows, in the order a reader compares them.
METRICS: tuple[str, ...] = ("accuracy", "precision", "recall", "f1", "roc_auc", "log_loss")
LEADERBOARD_ROWS_SHOWN = 5


@click.command()
@lake_option("reads processed/train/train.csv and ml/features.json; writes ml/models/<NAME>/.")
@click.option(
    "--name",
    default="playgrounds-xgboost",
    show_default=True,
    help="Model name: the folder under <lake>/ml/models and the name SQL's predict uses.",
)
@click.option(
    "--automl-budget",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    metavar="SECONDS",
    help="Time for the AutoML leaderboard (FLAML: lgbm, xgboost, rf, extra_tree, lrl1); 0 skips.",
)
@click.option(
    "--folds",
    type=click.IntRange(min=2),
    default=5,
    show_default=True,
    help="k of the k-fold evaluation by playground (also the AutoML folds).",
)
@click.option(
    "--seed",
    type=int,
    default=1729,
    show_default=True,
    help="Seed of the split, the folds and the models: same data and seed, same model bytes.",
)
@click.option(
    "--spark-master",
    metavar="URL",
    help="Train the served XGBoost through xgboost.spark on this master (local[2], "
    "spark://host:7077, yarn), split over --spark-workers tasks (with more than one, an "
    "equivalent model, not the same bytes); the evaluations stay on this machine. Not "
    "`features --master`, which says where the matrix is built.",
)
@click.option(
    "--spark-workers",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="xgboost.spark workers (barrier tasks; at most the cluster's free task slots).",
)
@click.option(
    "--serve-best",
    is_flag=True,
    help="Serve the AutoML leaderboard's winner instead of the workshop's XGBoost.",
)
def train(
    lake: str,
    name: str,
    automl_budget: float,
    folds: int,
    seed: int,
    spark_master: str | None,
    spark_workers: int,
    serve_best: bool,
) -> None:
    """Train the workshop's XGBoost, evaluate it twice, run AutoML, write the model folder.

    Without --spark-master no Spark session starts: train.csv is read with pandas
    and the booster trains here, seeded and on one thread, so the model's bytes
    depend only on the matrix. Where `playgrounds features --master URL` (or
    $PLAYGROUNDS_SPARK_MASTER) built that matrix does not change it.
    """
    # Imported here: `playgrounds --help` must not load xgboost, scikit-learn or FLAML.
    from playgrounds.ml.train import run_training

    with stage_display("train") as show:
        result = run_training(
            lake_folder(lake),
            name=name,
            automl_budget=automl_budget,
            folds=folds,
            seed=seed,
            spark_master=spark_master,
            spark_workers=spark_workers,
            serve_best=serve_best,
            progress=show,
        )
    print_result(result)


def _cell(value: float) -> str:
    return f"{value:.3f}"


def evaluation_table(evaluation: dict[str, Any]) -> Table:
    """Both evaluations beside their majority-class baselines."""
    split, grouped = evaluation["random_split"], evaluation["group_kfold"]
    table = Table(title="Evaluation (majority-class baseline beside each)")
    table.add_column("metric")
    table.add_column("random 80/20", justify="right")
    table.add_column("baseline", justify="right")
    table.add_column(f"by playground, {grouped['folds']}-fold", justify="right")
    table.add_column("baseline", justify="right")
    for metric in METRICS:
        table.add_row(
            metric,
            _cell(split["metrics"][metric]),
            _cell(split["baseline"][metric]),
            f"{_cell(grouped['metrics_mean'][metric])} ± {_cell(grouped['metrics_std'][metric])}",
            _cell(grouped["baseline_mean"][metric]),
        )
    return table


def print_result(result: TrainingResult) -> None:
    """What the command did, on stdout: shapes, times, tables, paths."""
    out = Console()
    click.echo(f"Matrix: {result.rows} rows x {result.features} features")
    click.echo(f"Trained XGBoost on {result.trained_on} in {result.training_seconds:.2f} s")
    out.print(evaluation_table(result.evaluation))
    leaderboard = result.leaderboard
    if leaderboard is not None:
        table = Table(
            title=f"AutoML leaderboard: {leaderboard.wall_seconds:.1f} s wall "
            f"(budget {leaderboard.budget_seconds:g} s), grouped folds"
        )
        for column in ("rank", "learner", "ROC AUC", "log loss", "trials", "seconds"):
            table.add_column(column, justify="left" if column == "learner" else "right")
        for row in leaderboard.rows[:LEADERBOARD_ROWS_SHOWN]:
            table.add_row(
                str(row.rank),
                row.learner,
                f"{_cell(row.roc_auc_mean)} ± {_cell(row.roc_auc_std)}",
                _cell(row.log_loss_mean),
                str(row.trials),
                f"{row.seconds:.1f}",
            )
        out.print(table)
    click.echo(f"Served model: {result.served_learner}")
    for file in sorted(result.folder.iterdir()):
        click.echo(f"Wrote {file}")
