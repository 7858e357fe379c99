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
    progress(f"Reading income ({inputs.income.name})")
    income = read_income(spark, inputs.income)
    progress(f"Reading parks ({inputs.parks.name})")
    parks = read_parks(spark, inputs.parks, inputs.parks_base)
    progress(f"Reading playgrounds ({inputs.playgrounds.name})")
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
