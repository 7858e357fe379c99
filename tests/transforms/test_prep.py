"""prepare_for_ml: the three transforms composed, ending in the schema contract."""

from __future__ import annotations

from chispa import assert_df_equality
from pyspark.sql import SparkSession
from pyspark.sql.types import LongType, StringType, StructField, StructType

from playgrounds.transforms.income import INCOME_COLUMNS
from playgrounds.transforms.prep import OUTPUT_COLUMNS, prepare_for_ml

IRS_CODES = ["STATE", "zipcode", "agi_stub", "N1", "mars1", "MARS2", "MARS4", "PREP", "N2",
             "NUMDEP", "TOTAL_VITA", "VITA", "TCE"]  # fmt: skip
IRS_SCHEMA = StructType(
    [StructField("STATE", StringType())] + [StructField(c, LongType()) for c in IRS_CODES[1:]]
)
PARKS_SCHEMA = "Prop_ID string, Name string, Location string, Zip string, year string"
PLAYGROUNDS_SCHEMA = (
    "Prop_ID string, Playground_ID string, School_ID string, Status string, Name string, "
    "Location string, Accessible string, Level string, Adaptive_Swing string, lat string, "
    "lon string, year string"
)
OUTPUT_SCHEMA = StructType(
    [StructField(name, StringType()) for name in OUTPUT_COLUMNS[:8]]
    + [StructField(name, LongType()) for name in INCOME_COLUMNS.values()]
    + [StructField(name, StringType()) for name in OUTPUT_COLUMNS[-3:]]
)


def income_row(state: str, zipcode: int, stub: int) -> tuple[object, ...]:
    return (state, zipcode, stub, *[stub * 10 + i for i in range(10)])


def test_prepare_for_ml_reproduces_the_workshop_join(spark: SparkSession) -> None:
    income = spark.createDataFrame(
        [income_row("NY", 11222, 1), income_row("NY", 11222, 2), income_row("NJ", 11222, 3),
         income_row("NY", 0, 1)],
        IRS_SCHEMA,
    )  # fmt: skip
    parks = spark.createDataFrame(
        [("B001", "American", "Franklin St.", "11222", "2019"),
         ("B002", "Two ZIP", "Ave. I", "11236, 11239", "2019"),
         ("B003", "No ZIP", "Prospect W.", None, "2019")],
        PARKS_SCHEMA,
    )  # fmt: skip
    playgrounds = spark.createDataFrame(
        [("B001", "B001-01", None, None, "Maple", "Noble", "Y", "4", "N", "40.7", "-73.9", "2019"),
         ("B002", "B002", None, None, "Ave I", "Ave I", "Y", None, "", None, None, "2019"),
         ("B", None, "K006", "Open to the Public", "PS 6K", "Snyder", None, "2", None,
          "40.6", "-73.9", "2019")],
        PLAYGROUNDS_SCHEMA,
    )  # fmt: skip

    prepared = prepare_for_ml(income, parks, playgrounds)

    nulls = (None,) * 15
    expected = spark.createDataFrame(
        [("B001-01", None, None, "Y", "4", "N", "40.7", "-73.9",
          11222, 1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, "B001", "American", "Franklin St."),
         ("B001-01", None, None, "Y", "4", "N", "40.7", "-73.9",
          11222, 2, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, "B001", "American", "Franklin St."),
         ("B002", None, None, "Y", None, "", None, None, *nulls),
         (None, "K006", "Open to the Public", None, "2", None, "40.6", "-73.9", *nulls)],
        OUTPUT_SCHEMA,
    )  # fmt: skip
    # NJ's row for the same ZIP is filtered out; the state total (0) matches no park;
    # the two-ZIP park and the borough-only "B" keep their playground with nulls.
    assert_df_equality(prepared, expected, ignore_row_order=True, ignore_nullable=True)


def test_zip_match_all_gives_multi_zip_parks_their_income(spark: SparkSession) -> None:
    income = spark.createDataFrame(
        [income_row("NY", 11236, 1), income_row("NY", 11239, 1)], IRS_SCHEMA
    )
    parks = spark.createDataFrame(
        [("B002", "Two ZIP", "Ave. I", "11236, 11239", "2019")], PARKS_SCHEMA
    )
    playgrounds = spark.createDataFrame(
        [("B002", "B002", None, None, "n", "l", "Y", "4", "N", None, None, "2019")],
        PLAYGROUNDS_SCHEMA,
    )
    workshop = prepare_for_ml(income, parks, playgrounds)
    every_zip = prepare_for_ml(income, parks, playgrounds, zip_match="all")
    assert [row["zipcode"] for row in workshop.collect()] == [None]
    assert sorted(row["zipcode"] for row in every_zip.collect()) == [11236, 11239]
    assert every_zip.columns == list(OUTPUT_COLUMNS)


def test_output_columns_are_the_contract() -> None:
    assert len(OUTPUT_COLUMNS) == 23
    assert OUTPUT_COLUMNS[:2] == ("Playground_ID", "School_ID")
    assert OUTPUT_COLUMNS[8:10] == ("zipcode", "size_of_adjusted_gross_income")
    assert OUTPUT_COLUMNS[-3:] == ("Prop_ID", "Name", "Location")
    assert "Zip" not in OUTPUT_COLUMNS and "Playground_Prop_ID" not in OUTPUT_COLUMNS
