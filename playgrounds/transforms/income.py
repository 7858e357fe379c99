"""IRS SOI ZIP-code income: keep one state, keep and rename the workshop's columns."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from playgrounds.transforms.columns import Transform, resolve_column

# IRS column code -> readable name, in output order. The rename table is data:
# the workshop's prep job keeps exactly these twelve columns.
INCOME_COLUMNS: dict[str, str] = {
    "zipcode": "zipcode",
    "agi_stub": "size_of_adjusted_gross_income",
    "N1": "num_of_returns",
    "MARS1": "num_of_single_returns",
    "MARS2": "num_of_joint_returns",
    "MARS4": "num_of_head_of_household_returns",
    "PREP": "num_with_paid_preparers_signature",
    "N2": "num_of_exemptions",
    "NUMDEP": "num_of_dependents",
    "TOTAL_VITA": "num_of_volunteer_prepared_returns_Total",
    "VITA": "num_of_volunteer_prepared_returns_Num_of_volunteer_income_tax_assistance_prepared_returns",  # noqa: E501
    "TCE": "num_of_volunteer_prepared_returns_Num_of_tax_counseling_for_the_elderly_prepared_returns",  # noqa: E501
}

# What the prep step needs from the IRS file (STATE only for the filter).
REQUIRED_INCOME_COLUMNS: tuple[str, ...] = ("STATE", *INCOME_COLUMNS)

# IRS rows that are not a ZIP code: 0 is the state total, 99999 "other ZIPs".
NON_ZIP_CODES: tuple[int, ...] = (0, 99999)

# Rows of several income years carry their year in this column (the raw
# table's ``year`` partition, renamed: the parks' own ``year`` is a day's).
INCOME_YEAR = "income_year"
INCOME_PARTITION = "year"


def keep_state(state: str) -> Transform:
    """Keep the rows of one state (``STATE`` matched case-insensitively, as Glue does)."""

    def transform(df: DataFrame) -> DataFrame:
        return df.filter(F.col(resolve_column(df, "STATE")) == state)

    return transform


def with_income_year(df: DataFrame) -> DataFrame:
    """Replace the income's ``year`` partition column by ``income_year`` (int).

    For a range of income years: the rows of each year stay told apart
    through the joins, and cannot clash with the parks' ``year`` partition.
    """
    year = resolve_column(df, INCOME_PARTITION)
    return df.withColumn(INCOME_YEAR, F.col(year).cast("int")).drop(year)


def rename_income_columns(df: DataFrame) -> DataFrame:
    """Select the workshop's twelve IRS columns under their readable names.

    The published file spells ``mars1`` in lower case while the workshop asks for
    ``MARS1``; the Glue catalog matches column names case-insensitively, so we
    resolve each code the same way instead of trusting the file's spelling.
    ``income_year``, when the rows carry one, is kept last.
    """
    year = [INCOME_YEAR] if INCOME_YEAR in df.columns else []
    return df.select(
        *[F.col(resolve_column(df, code)).alias(name) for code, name in INCOME_COLUMNS.items()],
        *year,
    )


def drop_non_zip_rows(df: DataFrame) -> DataFrame:
    """Drop the IRS state-total (0) and "other ZIPs" (99999) rows.

    Not part of the workshop's semantics (those rows never match a park ZIP
    there either); offered for users who reuse the income table on its own.
    """
    return df.filter(~F.col("zipcode").isin(*NON_ZIP_CODES))


def prepare_income(state: str = "NY") -> Transform:
    """Income rows of ``state`` with the workshop's renamed columns."""

    def transform(df: DataFrame) -> DataFrame:
        return df.transform(keep_state(state)).transform(rename_income_columns)

    return transform
