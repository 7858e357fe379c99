"""A tiny raw zone in the ingest jobs' layout, for running the prep job end to end."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession

from playgrounds.catalog.names import metastore_name
from playgrounds.transforms.prep import OUTPUT_COLUMNS

DAY = dt.date(2019, 7, 4)
INCOME_HEADER = "STATE,zipcode,agi_stub,N1,mars1,MARS2,MARS4,PREP,N2,NUMDEP,TOTAL_VITA,VITA,TCE"
INCOME_ROWS = [
    "NY,11201,1,100,50,30,20,40,150,60,5,3,2",
    "NY,10001,2,200,90,70,40,80,300,120,8,5,3",
    "NJ,11201,1,999,9,9,9,9,9,9,9,9,9",
]
PARKS = [
    {"Prop_ID": "B001", "Name": "Brooklyn Park", "Location": "Court St", "Zip": "11201"},
    {"Prop_ID": "M002", "Name": "Chelsea Park", "Location": "9th Ave", "Zip": "10001, 10011"},
]
PLAYGROUND_FIELDS = [
    "Prop_ID", "Name", "Location", "Playground_ID", "School_ID", "Status",
    "Accessible", "Level", "Adaptive_Swing", "lat", "lon",
]  # fmt: skip
PLAYGROUNDS = [
    ["B001", "PG A", "Court St", "B001-01", None, "Open", "Y", "3", "N", "40.69", "-73.99"],
    ["M002", "PG B", "9th Ave", "M002-01", "M123", "Open", "N", "1", "Y", "40.75", "-74.00"],
    ["B", "PG C", "Somewhere", "B-01", None, "Closed", "N", "2", "N", "40.60", "-73.95"],
]


def write_raw_zone(spark: SparkSession, raw: Path) -> None:
    """``income-ny/year=2016/income.csv``, ``parks/`` and ``playgrounds/`` for :data:`DAY`."""
    income = raw / "income-ny" / "year=2016"
    income.mkdir(parents=True)
    (income / "income.csv").write_text("\n".join([INCOME_HEADER, *INCOME_ROWS]) + "\n")
    partition = f"year={DAY.year}/month={DAY.month}/day={DAY.day}"
    parks = spark.createDataFrame([tuple(p.values()) for p in PARKS], list(PARKS[0]))
    parks.coalesce(1).write.parquet(str(raw / "parks" / partition))
    playgrounds = spark.createDataFrame(PLAYGROUNDS, PLAYGROUND_FIELDS)
    playgrounds.coalesce(1).write.parquet(str(raw / "playgrounds" / partition))


def register_raw_tables(spark: SparkSession, raw: Path, database: str) -> None:
    """The raw zone's tables in the metastore as the crawler registers them (CSV header
    skipped, numbers typed, ``year`` a string partition)."""
    db = metastore_name(database)
    spark.sql(f"CREATE DATABASE `{db}`")
    columns = ", ".join(
        f"{name} {'string' if name == 'STATE' else 'bigint'}" for name in INCOME_HEADER.split(",")
    )
    spark.sql(
        f"CREATE TABLE `{db}`.income_ny ({columns}, year string) USING csv "
        f"OPTIONS (header 'true') PARTITIONED BY (year) LOCATION '{raw / 'income-ny'}'"
    )
    spark.sql(f"ALTER TABLE `{db}`.income_ny RECOVER PARTITIONS")
    for table in ("parks", "playgrounds"):
        spark.sql(f"CREATE TABLE `{db}`.{table} USING parquet LOCATION '{raw / table}'")
        spark.sql(f"ALTER TABLE `{db}`.{table} RECOVER PARTITIONS")


def catalog_map(raw: str, database: str) -> str:
    """A catalog map file's JSON naming the three raw tables under ``raw``."""
    return json.dumps(
        {
            database: {
                "income_ny": {
                    "path": f"{raw}/income-ny",
                    "format": "csv",
                    "format_options": {"withHeader": True},
                },
                "parks": {"path": f"{raw}/parks"},
                "playgrounds": {"path": f"{raw}/playgrounds"},
            }
        }
    )


# What the prep step makes of the rows above, worked out by hand: the NY income
# row of 11201 reaches B001's playground through its one-ZIP park; M002's park
# lists two ZIPs, so (workshop matching) it matches no income and its playground
# keeps nulls, park fields included; "B" is no park at all. NJ is filtered out.
EXPECTED_ROWS = [
    ("B001-01", None, "Open", "Y", "3", "N", "40.69", "-73.99",
     11201, 1, 100, 50, 30, 20, 40, 150, 60, 5, 3, 2,
     "B001", "Brooklyn Park", "Court St"),
    ("M002-01", "M123", "Open", "N", "1", "Y", "40.75", "-74.00", *[None] * 15),
    ("B-01", None, "Closed", "N", "2", "N", "40.60", "-73.95", *[None] * 15),
]  # fmt: skip


def expected_output(spark: SparkSession) -> DataFrame:
    """:data:`EXPECTED_ROWS` in the processed schema (counts are ``bigint``, as the crawler
    types whole numbers, through the metastore or a catalog map)."""
    # The playground and park fields are text; the income fields are counts.
    schema = ", ".join(
        f"`{name}` {'string' if name in PLAYGROUND_FIELDS else 'bigint'}" for name in OUTPUT_COLUMNS
    )
    return spark.createDataFrame(EXPECTED_ROWS, schema)
