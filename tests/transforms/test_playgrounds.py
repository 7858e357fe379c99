"""Playgrounds: column clean-up and the left-outer join that keeps every playground."""

from __future__ import annotations

from chispa import assert_df_equality
from pyspark.sql import SparkSession

from playgrounds.transforms.playgrounds import attach_parks_income, prepare_playgrounds

PLAYGROUNDS_SCHEMA = (
    "Prop_ID string, Playground_ID string, Name string, Location string, Level string, "
    "year string, month string, day string"
)


def test_prepare_playgrounds_drops_clashing_and_partition_columns(spark: SparkSession) -> None:
    df = spark.createDataFrame(
        [("B001", "B001-01", "Maple", "Noble St", "4", "2019", "7", "4"),
         ("B", None, "PS 6K", "Snyder Ave", None, "2019", "7", "4")],
        PLAYGROUNDS_SCHEMA,
    )  # fmt: skip
    expected = spark.createDataFrame(
        [("B001", "B001-01", "4"), ("B", None, None)],
        "Playground_Prop_ID string, Playground_ID string, Level string",
    )
    assert_df_equality(df.transform(prepare_playgrounds), expected)


def test_prepare_playgrounds_accepts_catalog_lower_case_names(spark: SparkSession) -> None:
    # Read through the Glue catalog, every name arrives lower-cased.
    df = spark.createDataFrame(
        [("B001", "x", "y", "4")], "prop_id string, name string, location string, level string"
    )
    assert df.transform(prepare_playgrounds).columns == ["Playground_Prop_ID", "level"]


def test_attach_parks_income_keeps_every_playground(spark: SparkSession) -> None:
    playgrounds = spark.createDataFrame(
        [("B001", "B001-01", "4"), ("B", None, "2"), ("Q999", "Q999", None)],
        "Playground_Prop_ID string, Playground_ID string, Level string",
    )
    parks_income = spark.createDataFrame(
        [(11222, 1, "B001", "American", "11222", "2019"),
         (11222, 2, "B001", "American", "11222", "2019")],
        "zipcode long, size_of_adjusted_gross_income long, Prop_ID string, Name string, "
        "Zip string, year string",
    )  # fmt: skip
    joined = playgrounds.transform(attach_parks_income(parks_income))
    expected = spark.createDataFrame(
        [("B001-01", "4", 11222, 1, "B001", "American"),
         ("B001-01", "4", 11222, 2, "B001", "American"),
         (None, "2", None, None, None, None),
         ("Q999", None, None, None, None, None)],
        "Playground_ID string, Level string, zipcode long, size_of_adjusted_gross_income long, "
        "Prop_ID string, Name string",
    )  # fmt: skip
    # Zip, the renamed key and the partition columns are dropped; "B" (a borough
    # letter only) and an unknown property keep null park and income columns.
    assert_df_equality(joined, expected, ignore_row_order=True)
