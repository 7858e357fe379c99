"""The workshop's defaults for ``playgrounds run``: its workflow, its query, its model.

``playgrounds run`` runs the Glue workflow ``playgrounds_workflow_for_ml``
(``workflows/``: ingest, crawl, prep, crawl) on the samples with the local
workflow runner, asks the catalog the borough question below, then does the
notebook's half (:func:`train_and_report`): features, the ``train`` table,
XGBoost with both evaluations, and the report. The workshop runs that half in
SageMaker, not in the Glue workflow, so it is a step of ``run``, not a node of
the workflow that ``deploy`` sends to Glue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyspark.sql import SparkSession

from playgrounds.catalog.crawler import crawl
from playgrounds.catalog.metastore import crawls_dir
from playgrounds.lake.layout import PROCESSED_ZONE
from playgrounds.ml.features import build_features, write_features
from playgrounds.ml.report import write_report
from playgrounds.ml.train import run_training
from playgrounds.sql.query import run_sql

WORKSHOP_WORKFLOW = "playgrounds_workflow_for_ml"

# The analyst query `playgrounds run` ends with, in Athena's dialect: accessible
# (Level 4) playgrounds per borough, the question the model will learn to answer.
BOROUGH_QUERY = """
SELECT substr(prop_id, 1, 1) AS borough_letter,
       count(*) AS playgrounds,
       sum(CASE WHEN level = '4' THEN 1 ELSE 0 END) AS level_4
FROM "{prefix}-raw"."playgrounds"
GROUP BY 1
ORDER BY 1
"""


@dataclass(frozen=True)
class QueryAnswer:
    """A query as asked and what it returned."""

    query: str
    columns: list[str]
    rows: list[tuple[object, ...]]


def borough_answer(spark: SparkSession, prefix: str = "playgrounds") -> QueryAnswer:
    """Run :data:`BOROUGH_QUERY` on the catalog of ``spark``."""
    query = BOROUGH_QUERY.format(prefix=prefix).strip()
    answer = run_sql(spark, query)
    return QueryAnswer(query, answer.columns, [tuple(row) for row in answer.collect()])


@dataclass(frozen=True)
class ModelOutcome:
    """What the notebook's half of ``playgrounds run`` made."""

    matrix: str
    model_folder: Path
    evaluation: dict[str, Any]
    report: str


def train_and_report(
    spark: SparkSession,
    lake: Path,
    *,
    prefix: str = "playgrounds",
    automl_budget: float = 0,
    progress: Callable[[str], None] = lambda message: None,
) -> ModelOutcome:
    """Features, the crawled ``train`` table, the workshop's XGBoost (both evaluations), report."""
    features = build_features(spark, lake, progress=progress)
    write_features(features, lake)
    progress("Crawling the processed zone for the train table")
    crawl(spark, lake / PROCESSED_ZONE, f"{prefix}-processed", report_dir=crawls_dir(lake))
    trained = run_training(lake, automl_budget=automl_budget, progress=progress)
    report = write_report(lake, progress=progress)
    return ModelOutcome(
        matrix=f"{trained.rows:,} rows x {trained.features} features",
        model_folder=trained.folder,
        evaluation=trained.evaluation,
        report=report.path,
    )
