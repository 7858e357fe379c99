"""Income of several years: each row keeps its year through the joins, as the last column."""

from __future__ import annotations

from chispa import assert_column_equality
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from playgrounds.transforms.income import with_income_year
from playgrounds.transforms.prep import OUTPUT_COLUMNS, prepare_for_ml

IRS_CODES = ["STATE", "zipcode", "agi_stub", "N1", "mars1", "MARS2", "MARS4", "PREP", "N2",
             "NUMDEP", "TOTAL_VITA", "VITA", "TCE"]  # fmt: skip
# As the catalog gives them: every input carries its own `year` partition (a string).
INCOME_SCHEMA = ", ".join(
    ["STATE string", *[f"{code} bigint" for code in IRS_CODES[1:]], "year string"]
)
PARKS_SCHEMA = "Prop_ID string, Name string, Location string, Zip string, year string"
PLAYGROUNDS_SCHEMA = (
    "Prop_ID string, Playground_ID string, School_ID string, Status string, Name string, "
    "Location string, Accessible string, Level string, Adaptive_Swing string, lat string, "
    "lon string, year string"
)


def test_with_income_year_turns_the_year_partition_into_an_int(spark: SparkSession) -> None:
    df = spark.createDataFrame([("2014", 2014), ("2016", 2016), (None, None)], "YEAR string, e int")
    typed = df.transform(with_income_year)
    assert typed.columns == ["e", "income_year"]  # the partition column is gone (any case)
    assert dict(typed.dtypes)["income_year"] == "int"
    assert_column_equality(typed, "income_year", "e")


def test_each_playground_gets_a_row_a_year_and_the_year_last(spark: SparkSession) -> None:
    income = spark.createDataFrame(
        [("NY", 11222, 1, year, *range(9), str(year)) for year in (2015, 2016)]
        + [("NJ", 11222, 1, 1, *range(9), "2016")],
        INCOME_SCHEMA,
    )
    parks = spark.createDataFrame([("B001", "Park", "Franklin St.", "11222", "2019")], PARKS_SCHEMA)
    playgrounds = spark.createDataFrame(
        [("B001", "B001-01", None, None, "PG", "St", "Y", "4", "N", "40.7", "-73.9", "2019"),
         ("B", "B-01", None, None, "PG", "St", "N", "2", "N", "40.6", "-73.9", "2019")],
        PLAYGROUNDS_SCHEMA,
    )  # fmt: skip

    by_year = prepare_for_ml(income.transform(with_income_year), parks, playgrounds)
    assert by_year.columns == [*OUTPUT_COLUMNS, "income_year"]
    rows = by_year.select("Playground_ID", "num_of_returns", "income_year").collect()
    assert sorted(map(tuple, rows), key=str) == [
        ("B-01", None, None),  # no park: kept once, without income
        ("B001-01", 2015, 2015),
        ("B001-01", 2016, 2016),
    ]
    # Without it, a frame holding `year` (the catalog's single year) keeps the workshop's 23.
    single = prepare_for_ml(income.filter(F.col("year") == "2016"), parks, playgrounds)
    assert single.columns == list(OUTPUT_COLUMNS)
