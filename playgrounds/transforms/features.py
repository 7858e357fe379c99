"""The workshop notebook's feature steps on the processed table, as small pure transforms.

The SageMaker notebook does these steps in pandas; here each is a
``DataFrame -> DataFrame`` function, applied in the notebook's order by
:mod:`playgrounds.ml.features`, which also counts the rows after each step
and checks the input. Two columns ride along beside the features
without being one: the group key (the playground, for the grouped
evaluation) and the borough the other option would give (to count how many
rows the choice changes).
"""

from __future__ import annotations

from collections.abc import Sequence

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import (
    ByteType,
    DataType,
    IntegerType,
    LongType,
    ShortType,
)

from playgrounds.transforms.choices import BoroughSource
from playgrounds.transforms.columns import Transform, drop_columns

# Where the borough letter comes from: the workshop's Playground_ID, or the
# property's Prop_ID (the better option: it is never missing once income matched).
BOROUGH_SOURCE_COLUMNS: dict[BoroughSource, str] = {
    "playground_id": "Playground_ID",
    "prop_id": "Prop_ID",
}
# The notebook takes str(Playground_ID)[0]; for a school playground without
# one, that is the first letter of the string "None".
NOTEBOOK_MISSING_BOROUGH = "N"

BOROUGH = "Borough"
LABEL = "Level_4"
LEVEL = "Level"
ACCESSIBLE_LEVEL = "4"
# The IRS marks suppressed counts with "**"; the notebook drops those rows.
SUPPRESSED = "**"

# Beside the features, never one of them (not counted, not null-checked).
GROUP = "group"
OTHER_BOROUGH = "other_borough"
ASIDE_COLUMNS: tuple[str, ...] = (GROUP, OTHER_BOROUGH)
# A school playground has no Playground_ID: its group is "<Prop_ID>:<Name>".
# Name is the park's (prep keeps the park's Name), so the school playgrounds
# of one park share a group, which only makes the grouped evaluation stricter.
# No published Playground_ID holds a ":", so such a key cannot collide with one.
GROUP_KEY_SEPARATOR = ":"

YES_NO_COLUMNS: tuple[str, ...] = ("Accessible", "Adaptive_Swing")
# The columns the notebook cleans of "**", in its order.
CLEANED_COLUMNS: tuple[str, ...] = (
    "Adaptive_Swing",
    "num_of_exemptions",
    "Accessible",
    "num_of_dependents",
    "num_of_returns",
    "num_of_joint_returns",
    "num_of_head_of_household_returns",
    "num_of_single_returns",
)
INCOME_BRACKET = "size_of_adjusted_gross_income"
# Made numeric by the cast step: the cleaned columns and the AGI bracket (a feature).
NUMERIC_COLUMNS: tuple[str, ...] = (*CLEANED_COLUMNS, INCOME_BRACKET)
UNUSED_COLUMNS: tuple[str, ...] = (
    "lat",
    "lon",
    "Name",
    "Location",
    "Prop_ID",
    "zipcode",
    "School_ID",
    "Status",
    "Playground_ID",
    "num_with_paid_preparers_signature",
    "num_of_volunteer_prepared_returns_Total",
    "num_of_volunteer_prepared_returns_Num_of_volunteer_income_tax_assistance_prepared_returns",
    "num_of_volunteer_prepared_returns_Num_of_tax_counseling_for_the_elderly_prepared_returns",
)
RETURNS = "num_of_returns"
RETURN_KINDS: tuple[str, ...] = (
    "num_of_joint_returns",
    "num_of_head_of_household_returns",
    "num_of_single_returns",
)
NORMALIZED_COLUMNS: tuple[str, ...] = tuple(f"normalized_{kind}" for kind in RETURN_KINDS)
RAW_COUNT_COLUMNS: tuple[str, ...] = (
    "Accessible",
    RETURNS,
    "num_of_dependents",
    *RETURN_KINDS,
)
# What the steps read from the processed table (the rest of it is dropped unseen).
FEATURE_INPUT_COLUMNS: tuple[str, ...] = (
    "Playground_ID",
    "Prop_ID",
    "Name",
    LEVEL,
    *CLEANED_COLUMNS,
    INCOME_BRACKET,
)

_INTEGRAL_TYPES = (ByteType, ShortType, IntegerType, LongType)


def _blank_as_null(column: Column) -> Column:
    return F.when(F.trim(column) != "", column)


def group_key(playground_id: str | None, prop_id: str | None, name: str | None) -> str:
    """The group of one processed row, in Python: what :func:`with_group_key` computes.

    For readers of the processed table without Spark (the report).
    """
    if playground_id is not None and playground_id.strip():
        return playground_id
    return GROUP_KEY_SEPARATOR.join(part for part in (prop_id, name) if part is not None)


def with_group_key(df: DataFrame) -> DataFrame:
    """Add ``group``: the Playground_ID, or ``<Prop_ID>:<Name>`` for rows without one."""
    school_key = F.concat_ws(GROUP_KEY_SEPARATOR, F.col("Prop_ID"), F.col("Name"))
    return df.withColumn(GROUP, F.coalesce(_blank_as_null(F.col("Playground_ID")), school_key))


def borough_letter(source: BoroughSource) -> Column:
    """The first letter of the source column; a missing Playground_ID gives the notebook's "N".

    A missing Prop_ID gives null: such a row matched no park, so it has no
    income and the null-dropping step removes it in either option.
    """
    first_letter = F.substring(_blank_as_null(F.col(BOROUGH_SOURCE_COLUMNS[source])), 1, 1)
    if source == "playground_id":
        return F.coalesce(first_letter, F.lit(NOTEBOOK_MISSING_BOROUGH))
    return first_letter


def with_borough(source: BoroughSource, name: str = BOROUGH) -> Transform:
    """Add the borough letter taken from ``source`` as column ``name``."""

    def transform(df: DataFrame) -> DataFrame:
        return df.withColumn(name, borough_letter(source))

    return transform


def encode_yes_no(*columns: str) -> Transform:
    """``Y`` -> ``"1"``, ``N`` -> ``"0"``, ``"**"`` kept for the next step, anything else null.

    Null and ``""`` become null as the notebook's ``map({'Y': 1, 'N': 0})`` makes
    them NaN: the null-dropping step then removes them (seven ``""`` rows of
    Adaptive_Swing in the published data).
    """

    def transform(df: DataFrame) -> DataFrame:
        encoded = {
            name: F.when(F.col(name) == "Y", "1")
            .when(F.col(name) == "N", "0")
            .when(F.col(name) == SUPPRESSED, SUPPRESSED)
            for name in columns
        }
        return df.withColumns(encoded)

    return transform


def is_suppressed(name: str) -> Column:
    """True where the column holds ``"**"`` (never null; any type compared as text)."""
    return F.coalesce(F.col(name).cast("string") == SUPPRESSED, F.lit(False))


def drop_suppressed_rows(*columns: str) -> Transform:
    """Drop the rows where any of ``columns`` holds the IRS's suppressed marker ``"**"``."""

    def transform(df: DataFrame) -> DataFrame:
        any_suppressed = F.lit(False)
        for name in columns:
            any_suppressed = any_suppressed | is_suppressed(name)
        return df.filter(~any_suppressed)

    return transform


def numeric_type(data_type: DataType) -> str:
    """``bigint`` for whole-number columns, ``double`` for the others (text included)."""
    return "bigint" if isinstance(data_type, _INTEGRAL_TYPES) else "double"


def cast_numeric(*columns: str, whole: Sequence[str] = YES_NO_COLUMNS) -> Transform:
    """Cast ``columns`` to numbers: ``whole`` and integer columns to bigint, the rest to double."""

    def transform(df: DataFrame) -> DataFrame:
        types = {field.name: field.dataType for field in df.schema.fields}
        return df.withColumns(
            {
                name: F.col(name).cast("bigint" if name in whole else numeric_type(types[name]))
                for name in columns
            }
        )

    return transform


def with_label(df: DataFrame) -> DataFrame:
    """Replace ``Level`` by ``Level_4`` in place: 1 for level "4", 0 for anything else or null."""
    is_accessible = F.coalesce(F.trim(F.col(LEVEL)) == ACCESSIBLE_LEVEL, F.lit(False))
    label = F.when(is_accessible, 1).otherwise(0).cast("bigint").alias(LABEL)
    return df.select(*[label if name == LEVEL else F.col(name) for name in df.columns])


def drop_unused_columns(df: DataFrame) -> DataFrame:
    """Drop the columns the notebook does not learn from (location, ids, names, tax preparers)."""
    return df.transform(drop_columns(*UNUSED_COLUMNS))


def drop_rows_with_nulls(df: DataFrame) -> DataFrame:
    """Drop rows with a null in any column but those kept aside (the group key)."""
    return df.na.drop(subset=[name for name in df.columns if name not in ASIDE_COLUMNS])


def with_normalized_returns(df: DataFrame) -> DataFrame:
    """Add each kind of return as a share of ``num_of_returns``.

    A ZIP's bracket with no returns at all (four Bronx ZIPs' top bracket in the
    published data) has no returns of any kind either: its shares are 0, where
    pandas would give 0/0 = NaN. Returns of a kind without any returns is not
    a count the IRS can publish: the share stays null for the caller to report.
    """
    returns = F.col(RETURNS)
    shares = {
        f"normalized_{kind}": F.when(returns != 0, F.col(kind) / returns)
        .when(F.col(kind) == 0, F.lit(0.0))
        .cast("double")
        for kind in RETURN_KINDS
    }
    return df.withColumns(shares)


def drop_raw_counts(df: DataFrame) -> DataFrame:
    """Drop the counts the shares replace, and Accessible (it gives the label away)."""
    return df.transform(drop_columns(*RAW_COUNT_COLUMNS))


def one_hot_name(value: str, column: str = BOROUGH) -> str:
    """``Borough_B``: the indicator column of one value, named as pandas' get_dummies does."""
    return f"{column}_{value}"


def one_hot(values: Sequence[str], column: str = BOROUGH) -> Transform:
    """Replace ``column`` by one 0/1 column per value, appended in sorted order of the values.

    The values come from the caller (the data's own, as get_dummies takes
    them); sorting makes the column order independent of row order.
    """

    def transform(df: DataFrame) -> DataFrame:
        indicators = {
            one_hot_name(value, column): F.when(F.col(column) == value, 1)
            .otherwise(0)
            .cast("bigint")
            for value in sorted(set(values))
        }
        return df.withColumns(indicators).drop(column)

    return transform


def label_first(df: DataFrame) -> DataFrame:
    """The label, then the features in their order, then the columns kept aside."""
    aside = [name for name in ASIDE_COLUMNS if name in df.columns]
    features = [name for name in df.columns if name != LABEL and name not in aside]
    return df.select(LABEL, *features, *aside)
