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

import pyarrow.parquet as pq
from pyspark.sql import DataFrame, SparkSession

from playgrounds.catalog.names import glue_table_name
from playgrounds.errors import InputError
from playgrounds.lake.layout import (
    INCOME_TABLE,
    PARKS_TABLE,
    PLAYGROUNDS_TABLE,
    IncomeYears,
    data_files,
    date_partition,
    day_predicate,
    income_years_predicate,
    processed_key,
)
from playgrounds.lake.zones import LocalZone, Zone, open_zone
from playgrounds.pipeline.jobs import PrepOptions
from playgrounds.sources.inputs import (
    RawInputs,
    evaluating_income,
    locate_raw_inputs,
    read_located_income,
    read_parks,
    read_playgrounds,
)
from playgrounds.transforms.choices import ZipMatch
from playgrounds.transforms.income import INCOME_YEAR, with_income_year
from playgrounds.transforms.prep import prepare_for_ml

Progress = Callable[[str], None]


def no_progress(stage: str) -> None:
    return None


def _shown(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def _income_shown(inputs: RawInputs, root: Path) -> str:
    if not inputs.income_parts:
        return _shown(inputs.income, root)
    return ", ".join(_shown(part, root) for part in inputs.income_parts)


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
    income_year: int | str | IncomeYears | None = None,
    progress: Progress = no_progress,
) -> PrepResult:
    """Read the raw inputs under ``raw``, prepare them, and write one processed partition.

    The partition ``processed/<table>/year=/month=/day=`` is replaced
    atomically: a failed run leaves the previous output as it was.
    ``income_year``: one year, or a range (``2014-2016``), whose output rows
    carry ``income_year`` last.
    """
    progress("Finding inputs")
    inputs = locate_raw_inputs(raw, income_year=income_year)
    progress(f"Reading income ({_income_shown(inputs, raw)})")
    income = read_located_income(spark, inputs, state=state)
    if inputs.income_parts:
        income = income.transform(with_income_year)
    progress(f"Reading parks ({_shown(inputs.parks, raw)})")
    parks = read_parks(spark, inputs.parks, inputs.parks_base)
    progress(f"Reading playgrounds ({_shown(inputs.playgrounds, raw)})")
    playgrounds = read_playgrounds(spark, inputs.playgrounds, inputs.playgrounds_base)

    prepared = prepare_for_ml(income, parks, playgrounds, state=state, zip_match=zip_match)
    zone = LocalZone(processed)
    target = zone.path_of(processed_key(day or dt.date.today()))
    progress(f"Joining and writing {target}")
    with evaluating_income(inputs.income, parts=inputs.income_parts):
        write_processed(prepared, zone, day or dt.date.today())
    # The Parquet footers hold the row count and schema: no Spark job to read them.
    files = data_files(target)
    rows = sum(pq.ParquetFile(file).metadata.num_rows for file in files)
    columns = pq.read_schema(files[0]).names if files else list(prepared.columns)
    return PrepResult(path=target, rows=rows, columns=columns)


def prep_from_catalog(glue_context: Any, options: PrepOptions) -> str:
    """The Glue job's prep: read the crawled raw tables, prepare them, write ``day``'s partition.

    ``glue_context`` is an ``awsglue`` GlueContext (the real one or the shim);
    each table is read with a push-down predicate on its partitions, so only
    the income year (or years) and the day asked for are listed and read; the
    state is kept by ``prepare_for_ml``. A range of income years gives rows
    carrying ``income_year``. Returns the address written.
    """
    # A zone that cannot be written fails here, before any table is read.
    open_zone(options.processed_zone).check_writable()
    years = options.income_years

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

    income = read(INCOME_TABLE, income_years_predicate(years), f"year={years}")
    if years.is_range:
        income = income.transform(with_income_year)
        _require_every_year(
            income, years, f"{options.raw_database}.{glue_table_name(INCOME_TABLE)}"
        )
    prepared = prepare_for_ml(
        income,
        read(PARKS_TABLE, day_predicate(options.day), date_partition(options.day)),
        read(PLAYGROUNDS_TABLE, day_predicate(options.day), date_partition(options.day)),
        state=options.state,
        zip_match=options.zip_match,
    )
    return write_processed(prepared, options.processed_zone, options.day)


def _require_every_year(income: DataFrame, years: IncomeYears, table: str) -> None:
    """A range with a year the catalog has no partition for would look complete and not be."""
    found = {row[0] for row in income.select(INCOME_YEAR).distinct().collect()}
    missing = [str(year) for year in years.years if year not in found]
    if missing:
        raise InputError(
            f"table {table} has no year= partition for {', '.join(missing)} of the range {years}"
        )
