"""The prep step: read the three inputs, join them with the transforms, write the processed zone.

Two ways in, one way out. :func:`run_prep` reads the raw zone's files (or the
published files) for ``playgrounds prep`` and ``playgrounds run``;
:func:`prep_from_catalog` reads the crawled tables through a GlueContext for
``jobs/prep_data_for_ml.py``. Both end in :func:`write_processed`, the lake's
atomic writer. All the logic worth testing lives in ``playgrounds.transforms``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyspark.sql import DataFrame, SparkSession

from playgrounds.catalog.names import glue_table_name
from playgrounds.lake.layout import (
    INCOME_TABLE,
    PARKS_TABLE,
    PLAYGROUNDS_TABLE,
    date_partition,
    day_predicate,
    processed_key,
    year_predicate,
)
from playgrounds.lake.zones import LocalZone, Zone, open_zone
from playgrounds.pipeline.jobs import PrepOptions
from playgrounds.sources.inputs import (
    locate_raw_inputs,
    read_income,
    read_parks,
    read_playgrounds,
)
from playgrounds.transforms.choices import ZipMatch
from playgrounds.transforms.prep import prepare_for_ml

Progress = Callable[[str], None]


def no_progress(stage: str) -> None:
    return None


def _shown(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


@dataclass(frozen=True)
class PrepResult:
    """What the prep step wrote."""

    path: Path
    rows: int
    columns: list[str]


def write_processed(
    prepared: DataFrame, processed_zone: str | os.PathLike[str] | Zone, day: dt.date
) -> str:
    """Replace the processed partition of ``day`` with ``prepared``, atomically; its address."""
    return open_zone(processed_zone).replace_with_parquet(processed_key(day), prepared)


def run_prep(
    spark: SparkSession,
    raw: Path,
    processed: Path,
    *,
    day: dt.date | None = None,
    state: str = "NY",
    zip_match: ZipMatch = "workshop",
    income_year: int | None = None,
    progress: Progress = no_progress,
) -> PrepResult:
    """Read the raw inputs under ``raw``, prepare them, and write one processed partition.

    The partition ``processed/<table>/year=/month=/day=`` is replaced
    atomically: a failed run leaves the previous output as it was.
    """
    progress("Finding inputs")
    inputs = locate_raw_inputs(raw, income_year=income_year)
    progress(f"Reading income ({_shown(inputs.income, raw)})")
    income = read_income(spark, inputs.income)
    progress(f"Reading parks ({_shown(inputs.parks, raw)})")
    parks = read_parks(spark, inputs.parks, inputs.parks_base)
    progress(f"Reading playgrounds ({_shown(inputs.playgrounds, raw)})")
    playgrounds = read_playgrounds(spark, inputs.playgrounds, inputs.playgrounds_base)

    prepared = prepare_for_ml(income, parks, playgrounds, state=state, zip_match=zip_match)
    zone = LocalZone(processed)
    target = zone.path_of(processed_key(day or dt.date.today()))
    progress(f"Joining and writing {target}")
    write_processed(prepared, zone, day or dt.date.today())
    progress("Counting what was written")
    written = spark.read.parquet(str(target))
    return PrepResult(path=target, rows=written.count(), columns=written.columns)


def prep_from_catalog(glue_context: Any, options: PrepOptions) -> str:
    """The Glue job's prep: read the crawled raw tables, prepare them, write ``day``'s partition.

    ``glue_context`` is an ``awsglue`` GlueContext (the real one or the shim);
    each table is read with a push-down predicate on its partitions, so only
    the income year and the day asked for are listed and read; the state is
    kept by ``prepare_for_ml``. Returns the address written.
    """
    # A zone that cannot be written fails here, before any table is read.
    open_zone(options.processed_zone).check_writable()

    def read(folder: str, predicate: str, partition: str) -> DataFrame:
        # In the job's log as `playgrounds prep` names its inputs.
        glue_context.get_logger().info(f"Reading {folder.split('-')[0]} ({folder}/{partition})")
        table = glue_table_name(folder)
        frame = glue_context.create_dynamic_frame.from_catalog(
            database=options.raw_database,
            table_name=table,
            push_down_predicate=predicate,
            transformation_ctx=table,
        )
        return frame.toDF()

    prepared = prepare_for_ml(
        read(INCOME_TABLE, year_predicate(options.income_year), f"year={options.income_year}"),
        read(PARKS_TABLE, day_predicate(options.day), date_partition(options.day)),
        read(PLAYGROUNDS_TABLE, day_predicate(options.day), date_partition(options.day)),
        state=options.state,
        zip_match=options.zip_match,
    )
    return write_processed(prepared, options.processed_zone, options.day)
