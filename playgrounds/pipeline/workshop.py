"""The workshop end to end here (``playgrounds run``): ingest, crawl, prep, crawl, query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from playgrounds.catalog.crawler import crawl
from playgrounds.catalog.metastore import crawls_dir, open_catalog
from playgrounds.lake.layout import PROCESSED_ZONE, RAW_ZONE
from playgrounds.pipeline.prep import PrepResult, Progress, no_progress, run_prep
from playgrounds.sources.ingest import JSON_DATASETS, ingest_income, ingest_nyc_parks_json
from playgrounds.sql.query import run_sql
from playgrounds.transforms.choices import ZipMatch

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
class WorkshopResult:
    """What `playgrounds run` did at each step."""

    ingested: list[str]
    crawled: list[str]
    prep: PrepResult
    query: str
    answer: list[tuple[object, ...]]
    answer_columns: list[str]


def run_workshop(
    lake: Path,
    source: Path,
    *,
    day: dt.date | None = None,
    prefix: str = "playgrounds",
    zip_match: ZipMatch = "workshop",
    progress: Progress = no_progress,
) -> WorkshopResult:
    """The workshop end to end on one machine: ingest, crawl, prep, crawl, query.

    ``source`` holds the three published files (``data/samples/`` by default).
    The catalog of ``lake`` is held for the whole run (see ``catalog.metastore``).
    """
    day = day or dt.date.today()
    raw, processed = lake / RAW_ZONE, lake / PROCESSED_ZONE
    progress("Starting Spark over the lake's catalog")
    with open_catalog(lake, "run") as spark:
        progress(f"Ingesting income from {source}")
        ingested = [ingest_income(raw, source=source)]
        for dataset in JSON_DATASETS:
            progress(f"Ingesting {dataset} from {source}")
            ingested.append(ingest_nyc_parks_json(spark, raw, dataset, day=day, source=source))
        progress("Crawling the raw zone")
        crawled = crawl(spark, raw, f"{prefix}-raw", progress=progress, report_dir=crawls_dir(lake))
        prep = run_prep(spark, raw, processed, day=day, zip_match=zip_match, progress=progress)
        progress("Crawling the processed zone")
        crawled_processed = crawl(
            spark, processed, f"{prefix}-processed", progress=progress, report_dir=crawls_dir(lake)
        )
        progress("Querying the catalog")
        query = BOROUGH_QUERY.format(prefix=prefix).strip()
        answer = run_sql(spark, query)
        rows = [tuple(row) for row in answer.collect()]
    return WorkshopResult(
        ingested=[result.summary() for result in ingested],
        crawled=[*crawled.lines(), *crawled_processed.lines()],
        prep=prep,
        query=query,
        answer=rows,
        answer_columns=answer.columns,
    )
