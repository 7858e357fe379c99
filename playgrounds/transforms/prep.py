"""The workshop's prep_data_for_ml step, composed from the three input transforms."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from playgrounds.transforms.choices import ZipMatch
from playgrounds.transforms.columns import resolve_column
from playgrounds.transforms.income import INCOME_COLUMNS, INCOME_YEAR, prepare_income
from playgrounds.transforms.parks import join_income_to_parks
from playgrounds.transforms.playgrounds import attach_parks_income, prepare_playgrounds

PLAYGROUND_COLUMNS: tuple[str, ...] = (
    "Playground_ID",
    "School_ID",
    "Status",
    "Accessible",
    "Level",
    "Adaptive_Swing",
    "lat",
    "lon",
)
PARK_COLUMNS: tuple[str, ...] = ("Prop_ID", "Name", "Location")

# The schema contract of the processed zone: the workshop's column order
# (playground fields, the twelve income fields, then the park's).
OUTPUT_COLUMNS: tuple[str, ...] = (
    *PLAYGROUND_COLUMNS,
    *INCOME_COLUMNS.values(),
    *PARK_COLUMNS,
)
# Prep over a range of income years: the same, and each row's income year last.
OUTPUT_COLUMNS_BY_YEAR: tuple[str, ...] = (*OUTPUT_COLUMNS, INCOME_YEAR)

# What each input must hold for the prep step to run (compared case-insensitively).
REQUIRED_PARKS_COLUMNS: tuple[str, ...] = ("Prop_ID", "Name", "Location", "Zip")
REQUIRED_PLAYGROUNDS_COLUMNS: tuple[str, ...] = ("Prop_ID", "Name", "Location", *PLAYGROUND_COLUMNS)


def select_output_columns(df: DataFrame) -> DataFrame:
    """Select the output columns in contract order under their contract spelling.

    Rows that carry ``income_year`` (prep over a range of years) keep it last.
    """
    names = OUTPUT_COLUMNS_BY_YEAR if INCOME_YEAR in df.columns else OUTPUT_COLUMNS
    return df.select(*[F.col(resolve_column(df, name)).alias(name) for name in names])


def prepare_for_ml(
    income: DataFrame,
    parks: DataFrame,
    playgrounds: DataFrame,
    *,
    state: str = "NY",
    zip_match: ZipMatch = "workshop",
) -> DataFrame:
    """One row per playground and matching income row: the processed zone's table.

    ``income.zipcode`` must be numeric (the IRS file's type); ``zip_match``
    chooses how a park's Zip string is matched (see ``join_income_to_parks``).
    Income of several years (``with_income_year`` applied) gives each
    playground the rows of every year, ``income_year`` last.
    """
    parks_income = income.transform(prepare_income(state)).transform(
        join_income_to_parks(parks, zip_match)
    )
    return (
        playgrounds.transform(prepare_playgrounds)
        .transform(attach_parks_income(parks_income))
        .transform(select_output_columns)
    )
