"""The notebook's feature steps, one transform at a time, with the real data's quirk rows."""

from __future__ import annotations

import math

from chispa import assert_df_equality
from pyspark.sql import SparkSession

from playgrounds.transforms.features import (
    cast_numeric,
    drop_rows_with_nulls,
    drop_suppressed_rows,
    encode_yes_no,
    group_key,
    label_first,
    one_hot,
    with_borough,
    with_group_key,
    with_label,
    with_normalized_returns,
)

IDS_SCHEMA = "Playground_ID string, Prop_ID string, Name string"
IDS = [
    ("B001", "B001", "Maple Park"),
    (None, "Q005", "Queens Park"),  # a school playground: no Playground_ID
    ("", "M010", "Elm, Park"),  # blank counts as missing
    (None, None, None),  # matched no park
]


def test_borough_from_playground_id_gives_the_notebooks_n_where_it_is_missing(
    spark: SparkSession,
) -> None:
    frame = spark.createDataFrame(IDS, IDS_SCHEMA).transform(with_borough("playground_id"))
    assert [row.Borough for row in frame.collect()] == ["B", "N", "N", "N"]


def test_borough_from_prop_id_takes_the_property_letter(spark: SparkSession) -> None:
    frame = spark.createDataFrame(IDS, IDS_SCHEMA).transform(with_borough("prop_id", "b"))
    assert [row.b for row in frame.collect()] == ["B", "Q", "M", None]


def test_group_key_is_the_playground_or_its_property_and_park(spark: SparkSession) -> None:
    frame = spark.createDataFrame(IDS, IDS_SCHEMA).transform(with_group_key)
    keys = [row.group for row in frame.collect()]
    assert keys == ["B001", "Q005:Queens Park", "M010:Elm, Park", ""]
    # The Python twin (for the report, which reads without Spark) agrees row by row.
    assert [group_key(*ids) for ids in IDS] == keys


def test_encode_yes_no_keeps_the_suppressed_marker_for_the_next_step(spark: SparkSession) -> None:
    frame = spark.createDataFrame(
        [("Y", "N"), ("N", "**"), (None, ""), ("y", "Y")],
        "Accessible string, Adaptive_Swing string",
    )
    expected = spark.createDataFrame(
        [("1", "0"), ("0", "**"), (None, None), (None, "1")],
        "Accessible string, Adaptive_Swing string",
    )
    assert_df_equality(frame.transform(encode_yes_no("Accessible", "Adaptive_Swing")), expected)


def test_drop_suppressed_rows_keeps_nulls_and_numbers(spark: SparkSession) -> None:
    frame = spark.createDataFrame(
        [("1", 10), ("**", 20), (None, 30), ("0", None)], "Accessible string, num_of_returns long"
    )
    kept = frame.transform(drop_suppressed_rows("Accessible", "num_of_returns"))
    assert sorted(kept.collect(), key=str) == sorted([("1", 10), (None, 30), ("0", None)], key=str)


def test_cast_numeric_keeps_whole_numbers_whole(spark: SparkSession) -> None:
    frame = spark.createDataFrame(
        [("1", 10, "2.5", 3.0)],
        "Adaptive_Swing string, num_of_returns long, num_of_exemptions string, "
        "num_of_dependents double",
    )
    cast = frame.transform(cast_numeric(*frame.columns))
    assert cast.dtypes == [
        ("Adaptive_Swing", "bigint"),
        ("num_of_returns", "bigint"),
        ("num_of_exemptions", "double"),
        ("num_of_dependents", "double"),
    ]
    assert cast.first() == (1, 10, 2.5, 3.0)


def test_label_is_1_for_level_4_only_and_takes_levels_place(spark: SparkSession) -> None:
    frame = spark.createDataFrame(
        [("a", "4"), ("b", "1"), ("c", "2"), ("d", "3"), ("e", None), ("f", " 4")],
        "Playground_ID string, Level string",
    )
    labelled = frame.transform(with_label)
    assert labelled.columns == ["Playground_ID", "Level_4"]
    assert [row.Level_4 for row in labelled.collect()] == [1, 0, 0, 0, 0, 1]


def test_normalized_shares_and_a_bracket_without_returns(spark: SparkSession) -> None:
    frame = spark.createDataFrame(
        [(100, 20, 10, 70), (0, 0, 0, 0), (0, 5, 0, 0)],
        "num_of_returns long, num_of_joint_returns long, num_of_head_of_household_returns long, "
        "num_of_single_returns long",
    )
    shares = frame.transform(with_normalized_returns).select(
        "normalized_num_of_joint_returns",
        "normalized_num_of_head_of_household_returns",
        "normalized_num_of_single_returns",
    )
    rows = [tuple(row) for row in shares.collect()]
    # No returns and none of a kind: share 0 (pandas: 0/0 = NaN); returns of a
    # kind without returns: null, which the feature step reports as bad input.
    assert rows == [(0.2, 0.1, 0.7), (0.0, 0.0, 0.0), (None, 0.0, 0.0)]
    assert not any(isinstance(v, float) and math.isnan(v) for row in rows for v in row)


def test_drop_rows_with_nulls_ignores_the_group_key(spark: SparkSession) -> None:
    frame = spark.createDataFrame(
        [(1, None, "g1"), (None, 2, "g2"), (3, 4, None)], "a long, b long, group string"
    )
    assert frame.transform(drop_rows_with_nulls).collect() == [(3, 4, None)]


def test_one_hot_appends_sorted_indicators_and_label_goes_first(spark: SparkSession) -> None:
    frame = spark.createDataFrame(
        [("X", 0.5, 1, "g1"), ("B", 0.25, 0, "g2"), ("N", 0.0, 1, "g3")],
        "Borough string, share double, Level_4 long, group string",
    )
    encoded = frame.transform(one_hot(["X", "B", "N", "B"])).transform(label_first)
    expected = spark.createDataFrame(
        [(1, 0.5, 0, 0, 1, "g1"), (0, 0.25, 1, 0, 0, "g2"), (1, 0.0, 0, 1, 0, "g3")],
        "Level_4 long, share double, Borough_B long, Borough_N long, Borough_X long, group string",
    )
    assert_df_equality(encoded, expected, ignore_nullable=True)
