"""Parks: the income-to-park ZIP join, workshop semantics and the multi-ZIP option."""

from __future__ import annotations

import pytest
from chispa import assert_df_equality
from pyspark.sql import SparkSession

from playgrounds.transforms.parks import join_income_to_parks, with_zip_codes

PARKS_SCHEMA = "Prop_ID string, Name string, Location string, Zip string"
PARKS = [
    ("B001", "American Playground", "Franklin St.", "11222"),
    ("B002", "Two ZIP Park", "Ave. I", "11236, 11239"),
    ("B003", "No ZIP Square", "Prospect Park W.", None),
    ("B004", "Cut Short Park", "Bay Pkwy", "11208, 1"),
    ("B005", "Blank ZIP Park", "Nowhere", ""),
]
INCOME_SCHEMA = "zipcode long, size_of_adjusted_gross_income long, num_of_returns long"
INCOME = [(11222, 1, 100), (11222, 2, 50), (11236, 1, 70), (11239, 1, 80), (11208, 1, 90)]


def test_workshop_match_joins_single_zip_parks_only(spark: SparkSession) -> None:
    parks = spark.createDataFrame(PARKS, PARKS_SCHEMA)
    income = spark.createDataFrame(INCOME, INCOME_SCHEMA)
    joined = income.transform(join_income_to_parks(parks, "workshop"))
    # Multi-ZIP, null, blank and cut-short Zip values cast to null and match nothing.
    expected = spark.createDataFrame(
        [
            (11222, 1, 100, "B001", "American Playground", "Franklin St.", "11222"),
            (11222, 2, 50, "B001", "American Playground", "Franklin St.", "11222"),
        ],
        f"{INCOME_SCHEMA}, {PARKS_SCHEMA}",
    )
    assert_df_equality(joined, expected, ignore_row_order=True)


def test_all_match_joins_every_zip_a_park_lists(spark: SparkSession) -> None:
    parks = spark.createDataFrame(PARKS, PARKS_SCHEMA)
    income = spark.createDataFrame(INCOME, INCOME_SCHEMA)
    joined = income.transform(join_income_to_parks(parks, "all"))
    pairs = sorted((row["Prop_ID"], row["zipcode"]) for row in joined.collect())
    assert pairs == [
        ("B001", 11222),
        ("B001", 11222),
        ("B002", 11236),
        ("B002", 11239),
        ("B004", 11208),  # "1", the cut-short piece, is not a ZIP and is skipped
    ]
    assert joined.columns == [*income.columns, *parks.columns]


def test_with_zip_codes_explodes_valid_five_digit_pieces(spark: SparkSession) -> None:
    df = spark.createDataFrame(
        [("11236, 11239",), (" 10001 ",), (None,), ("1",), ("11208, 11209, 1",)], "Zip string"
    )
    expected = spark.createDataFrame(
        [
            ("11236, 11239", 11236),
            ("11236, 11239", 11239),
            (" 10001 ", 10001),
            ("11208, 11209, 1", 11208),
            ("11208, 11209, 1", 11209),
        ],
        "Zip string, park_zipcode long",
    )
    assert_df_equality(
        df.transform(with_zip_codes), expected, ignore_row_order=True, ignore_nullable=True
    )


def test_unknown_zip_match_is_a_clear_error(spark: SparkSession) -> None:
    parks = spark.createDataFrame(PARKS, PARKS_SCHEMA)
    with pytest.raises(ValueError, match="zip_match must be one of workshop, all"):
        join_income_to_parks(parks, "first")  # type: ignore[arg-type]
