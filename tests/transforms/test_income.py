"""Income transforms: state filter and the workshop's column renames."""

from __future__ import annotations

from chispa import assert_df_equality
from pyspark.sql import SparkSession
from pyspark.sql.types import LongType, StringType, StructField, StructType

from playgrounds.transforms.income import (
    INCOME_COLUMNS,
    drop_non_zip_rows,
    keep_state,
    prepare_income,
    rename_income_columns,
)

# A slice of the IRS layout as published: mixed case, ``mars1`` lower case.
IRS_CODES = ["STATE", "zipcode", "agi_stub", "N1", "mars1", "MARS2", "MARS4", "PREP", "N2",
             "NUMDEP", "TOTAL_VITA", "VITA", "TCE", "A00100"]  # fmt: skip
IRS_SCHEMA = StructType(
    [StructField("STATE", StringType())] + [StructField(code, LongType()) for code in IRS_CODES[1:]]
)


def irs_row(state: str | None, zipcode: int, stub: int, base: int | None) -> tuple[object, ...]:
    values = [None if base is None else base + i for i in range(len(IRS_CODES) - 3)]
    return (state, zipcode, stub, *values)


def test_keep_state_keeps_only_that_state_and_drops_null_state(spark: SparkSession) -> None:
    df = spark.createDataFrame(
        [irs_row("NY", 10001, 1, 10), irs_row("NJ", 7001, 1, 20), irs_row(None, 10002, 1, 30)],
        IRS_SCHEMA,
    )
    expected = spark.createDataFrame([irs_row("NY", 10001, 1, 10)], IRS_SCHEMA)
    assert_df_equality(df.transform(keep_state("NY")), expected)


def test_keep_state_matches_the_column_name_case_insensitively(spark: SparkSession) -> None:
    # The Glue catalog lower-cases names: a job sees ``state``, not ``STATE``.
    df = spark.createDataFrame([("NY", 1), ("CT", 2)], "state string, zipcode long")
    assert df.transform(keep_state("NY")).collect() == [("NY", 1)]


def test_rename_income_columns_selects_and_renames_in_contract_order(spark: SparkSession) -> None:
    df = spark.createDataFrame(
        [irs_row("NY", 10001, 3, 100), irs_row("NY", 0, 1, None)], IRS_SCHEMA
    )
    renamed = df.transform(rename_income_columns)
    assert renamed.columns == list(INCOME_COLUMNS.values())
    rows = renamed.collect()
    # mars1 (lower case in the file) is found as MARS1 and becomes num_of_single_returns.
    assert rows[0]["num_of_single_returns"] == 101
    assert rows[0]["size_of_adjusted_gross_income"] == 3
    assert rows[0][INCOME_COLUMNS["TCE"]] == 109
    assert rows[1]["zipcode"] == 0 and rows[1]["num_of_returns"] is None


def test_prepare_income_filters_then_renames(spark: SparkSession) -> None:
    df = spark.createDataFrame(
        [irs_row("NY", 11201, 2, 5), irs_row("CT", 6001, 2, 6), irs_row(None, 11202, 1, 7)],
        IRS_SCHEMA,
    )
    expected = spark.createDataFrame(
        [(11201, 2, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14)],
        StructType([StructField(name, LongType()) for name in INCOME_COLUMNS.values()]),
    )
    assert_df_equality(df.transform(prepare_income("NY")), expected)


def test_drop_non_zip_rows_removes_state_total_and_other_zips(spark: SparkSession) -> None:
    df = spark.createDataFrame([(0,), (99999,), (10001,), (None,)], "zipcode long")
    expected = spark.createDataFrame([(10001,)], "zipcode long")
    # A null ZIP is not a ZIP either: isin() on null is null, which filter drops.
    assert_df_equality(df.transform(drop_non_zip_rows), expected)
