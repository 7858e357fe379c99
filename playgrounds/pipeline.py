"""The pipeline's steps as library calls: read inputs, run the transforms, write the lake.

Jobs, the command line and (later) the workflow call these; all the logic worth
testing lives in ``playgrounds.transforms``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pyspark.sql import SparkSession

from playgrounds.lake.atomic import replace_folder_atomically
from playgrounds.lake.raw import locate_raw_inputs, read_income, read_parks, read_playgrounds
from playgrounds.transforms.parks import ZipMatch
from playgrounds.transforms.prep import prepare_for_ml

# The workshop's crawler names the processed table after its folder.
PROCESSED_TABLE = "processed"

Progress = Callable[[str], None]


def _no_progress(stage: str) -> None:
    return None


def date_partition(day: dt.date) -> str:
    """The workshop's partition path: ``year=2019/month=7/day=4`` (not zero-padded)."""
    return f"year={day.year}/month={day.month}/day={day.day}"


def _shown(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


@dataclass(frozen=True)
class PrepResult:
    """What the prep step wrote."""

    path: Path
    rows: int
    columns: list[str]


def run_prep(
    spark: SparkSession,
    raw: Path,
    processed: Path,
    *,
    day: dt.date | None = None,
    state: str = "NY",
    zip_match: ZipMatch = "workshop",
    progress: Progress = _no_progress,
) -> PrepResult:
    """Read the raw inputs under ``raw``, prepare them, and write one processed partition.

    The partition ``processed/<table>/year=/month=/day=`` is replaced
    atomically: a failed run leaves the previous output as it was.
    """
    progress("Finding inputs")
    inputs = locate_raw_inputs(raw)
    progress(f"Reading income ({_shown(inputs.income, raw)})")
    income = read_income(spark, inputs.income)
    progress(f"Reading parks ({_shown(inputs.parks, raw)})")
    parks = read_parks(spark, inputs.parks, inputs.parks_base)
    progress(f"Reading playgrounds ({_shown(inputs.playgrounds, raw)})")
    playgrounds = read_playgrounds(spark, inputs.playgrounds, inputs.playgrounds_base)

    prepared = prepare_for_ml(income, parks, playgrounds, state=state, zip_match=zip_match)
    target = processed / PROCESSED_TABLE / date_partition(day or dt.date.today())
    progress(f"Joining and writing {target}")
    replace_folder_atomically(
        target, lambda staging: prepared.coalesce(1).write.parquet(str(staging))
    )
    progress("Counting what was written")
    written = spark.read.parquet(str(target))
    return PrepResult(path=target, rows=written.count(), columns=written.columns)


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
    progress: Progress = _no_progress,
) -> WorkshopResult:
    """The workshop end to end on one machine: ingest, crawl, prep, crawl, query.

    ``source`` holds the three published files (``data/samples/`` by default).
    The catalog of ``lake`` is held for the whole run (see ``catalog.metastore``).
    """
    from playgrounds.catalog.crawler import crawl
    from playgrounds.catalog.metastore import crawls_dir, open_catalog
    from playgrounds.sources.ingest import ingest_income, ingest_nyc_parks_json
    from playgrounds.sql.query import run_sql

    day = day or dt.date.today()
    raw, processed = lake / "raw", lake / "processed"
    progress("Starting Spark over the lake's catalog")
    with open_catalog(lake, "run") as spark:
        progress(f"Ingesting income from {source}")
        ingested = [ingest_income(raw, source=source)]
        for dataset in ("parks", "playgrounds"):
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
