"""The crawler against a real embedded Hive metastore (the session's Spark)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from playgrounds.catalog.crawler import crawl
from playgrounds.catalog.model import Skip
from playgrounds.errors import InputError
from tests.support.zones import (
    INCOME_HEADER,
    basic_zone,
    events_json,
    income_csv,
    parks_parquet,
    parquet,
    write,
)


def _tables(spark: SparkSession, db: str) -> set[str]:
    return {t.name for t in spark.catalog.listTables(db)}


def _partitions(spark: SparkSession, table: str) -> list[str]:
    return sorted(r[0] for r in spark.sql(f"SHOW PARTITIONS {table}").collect())


def _relative_skips(zone: Path, skips: list[Skip]) -> list[tuple[str, str]]:
    """Skips as (path below the zone, reason), in the report's order."""
    return [(Path(s.path).relative_to(zone).as_posix(), s.reason) for s in skips]


def test_crawl_registers_one_external_table_per_folder(spark: SparkSession, tmp_path: Path) -> None:
    zone = basic_zone(tmp_path / "raw")
    report = crawl(spark, zone, "crawl1-raw", report_dir=tmp_path / "crawls")

    assert _tables(spark, "crawl1_raw") == {"events", "income_ny", "parks", "train"}
    assert {t.table: t.action for t in report.tables} == dict.fromkeys(
        ["events", "income_ny", "parks", "train"], "created"
    )
    income = spark.table("crawl1_raw.income_ny")
    assert income.columns == ["statefips", "state", "zipcode", "agi_stub", "n1", "a00100", "year"]
    assert dict(income.dtypes)["zipcode"] == "bigint"
    assert dict(income.dtypes)["year"] == "int"
    assert income.count() == 6  # header rows are not data
    assert _partitions(spark, "crawl1_raw.income_ny") == ["year=2016", "year=2017"]
    assert _partitions(spark, "crawl1_raw.parks") == [
        "year=2019/month=7/day=4",
        "year=2019/month=7/day=5",
    ]
    train = spark.table("crawl1_raw.train")
    assert train.columns == ["col0", "col1", "col2"]
    assert next(tuple(r) for r in train.orderBy("col2").collect()) == (1, 0.5, 3)
    events = spark.table("crawl1_raw.events")
    # JSON keys keep their case (Spark's JSON reader matches them by exact name).
    assert events.columns == ["Kind", "count", "extra", "partition_0"]
    assert events.where("partition_0 = 'b'").select("count").first()[0] == 3
    # External: dropping the table must never delete the lake's files.
    described = spark.sql("DESCRIBE TABLE EXTENDED crawl1_raw.parks").collect()
    assert any(r[0] == "Type" and r[1] == "EXTERNAL" for r in described)
    database = {r[0]: r[1] for r in spark.sql("DESCRIBE DATABASE EXTENDED crawl1_raw").collect()}
    assert database["Comment"] == "Glue database crawl1-raw"
    assert database["Properties"] == "((glue.name,crawl1-raw))"
    kept = json.loads(Path(report.saved_to or "").read_text())
    assert kept["database"] == "crawl1-raw"
    assert {t["table"] for t in kept["tables"]} == {"events", "income_ny", "parks", "train"}


def test_recrawl_adds_partitions_and_reports_schema_changes(
    spark: SparkSession, tmp_path: Path
) -> None:
    zone = tmp_path / "raw"
    income_csv(zone, 2016)
    parks_parquet(zone, 2019, 7, 4)
    crawl(spark, zone, "crawl2-raw")

    # A new day with an extra column, and a new year whose N1 holds text.
    parquet(
        zone / "parks" / "year=2019" / "month=7" / "day=6" / "part-0.parquet",
        [{"Prop_ID": "Q9", "Name": "New", "Zip": "11101", "Acres": 3.0, "Borough": "Q"}],
    )
    write(
        zone / "income-ny" / "year=2018" / "income.csv",
        "STATEFIPS,STATE,zipcode,agi_stub,N1,A00100\n36,NY,10001,1,n/a,1.5\n",
    )
    again = crawl(spark, zone, "crawl2-raw")

    parks = again.table("parks")
    assert parks.action == "updated"
    assert parks.partitions_added == ["year=2019/month=7/day=6"]
    assert parks.schema_changes == ["added borough (string)"]
    assert spark.table("crawl2_raw.parks").columns == [
        "prop_id",
        "name",
        "zip",
        "acres",
        "borough",
        "year",
        "month",
        "day",
    ]
    assert spark.table("crawl2_raw.parks").where("day = 6").select("borough").first()[0] == "Q"

    income = again.table("income_ny")
    assert income.partitions_added == ["year=2018"]
    assert income.schema_changes == ["retyped n1: bigint -> string"]
    assert income.schema_applied is False
    assert dict(spark.table("crawl2_raw.income_ny").dtypes)["n1"] == "bigint"  # kept
    assert again.lines()[1:] == [
        "  income_ny: updated (csv, 6 columns, 2 partitions (+1))",
        "    schema change (not applied): retyped n1: bigint -> string",
        "  parks: updated (parquet, 5 columns, 2 partitions (+1))",
        "    schema change: added borough (string)",
    ]

    unchanged = crawl(spark, zone, "crawl2-raw")
    assert unchanged.table("parks").action == "unchanged"
    assert unchanged.partitions_added == 0

    replaced = crawl(spark, zone, "crawl2-raw", on_schema_change="replace")
    assert replaced.table("income_ny").action == "replaced"
    assert dict(spark.table("crawl2_raw.income_ny").dtypes)["n1"] == "string"
    assert spark.table("crawl2_raw.income_ny").count() == 4
    assert (zone / "income-ny" / "year=2016" / "income.csv").exists()  # data untouched


def test_bad_partitions_and_files_are_skipped_and_reported(
    spark: SparkSession, tmp_path: Path
) -> None:
    zone = tmp_path / "raw"
    parks_parquet(zone, 2019, 7, 4)
    parks_parquet(zone, 2019, 7, 5)
    bad_year = parquet(zone / "parks" / "year=abc" / "month=7" / "day=4" / "p.parquet", [{"a": 1}])
    cut = zone / "parks" / "year=2019" / "month=7" / "day=5" / "part-1.parquet"
    cut.write_bytes(bad_year.read_bytes()[:-10])
    income_csv(zone, 2016)
    write(zone / "income-ny" / "year=2017" / "income.csv", "<html>Service unavailable</html>\n")
    write(zone / "mixed" / "year=2019" / "a.csv", "a,b\nx,1\n")
    write(zone / "mixed" / "yr=2020" / "a.csv", "a,b\ny,2\n")
    write(zone / "flat" / "good.csv", "a,b\nx,1\n")
    write(zone / "flat" / "other.csv", "c,d,e\nx,1,2\n")

    report = crawl(spark, zone, "crawl3-raw")

    parks = report.table("parks")
    assert parks.action == "created"
    assert parks.partitions_added == ["year=2019/month=7/day=4"]
    assert _relative_skips(zone, parks.skipped) == [
        ("parks/year=2019/month=7/day=5/part-1.parquet", "is a truncated Parquet file (no footer)"),
        ("parks/year=2019/month=7/day=5", "partition not registered: a file in it was skipped"),
        ("parks/year=abc/month=7/day=4", "year=abc is not an integer like the other year values"),
    ]
    assert spark.table("crawl3_raw.parks").count() == 3  # queries never meet the cut file
    income = report.table("income_ny")
    assert income.partitions_added == ["year=2016"]
    assert _relative_skips(zone, income.skipped) == [
        ("income-ny/year=2017/income.csv", "looks like HTML or XML, not CSV"),
        ("income-ny/year=2017", "partition not registered: a file in it was skipped"),
    ]
    mixed = report.table("mixed")
    assert mixed.action == "skipped"
    assert mixed.reason == "partition folders at level 1 mix keys year and yr (year=2019, yr=2020)"
    flat = report.table("flat")
    assert flat.action == "skipped"
    assert flat.reason == (
        "a file of this unpartitioned table cannot be used, so the table is not registered "
        f"({zone / 'flat' / 'good.csv'}: has a different header (a, b) from the table's (c, d, e))"
    )
    assert _tables(spark, "crawl3_raw") == {"parks", "income_ny"}


def test_missing_and_empty_zones_change_nothing(spark: SparkSession, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"zone .*nowhere does not exist"):
        crawl(spark, tmp_path / "nowhere", "crawl4-raw")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="is empty: it has no table folders"):
        crawl(spark, tmp_path / "empty", "crawl4-raw")
    hollow = tmp_path / "hollow"
    (hollow / "parks" / "year=2019").mkdir(parents=True)
    (hollow / "parks" / "_SUCCESS").touch()
    report = crawl(spark, hollow, "crawl4-raw")
    assert report.table("parks").reason == "has no data files"
    assert spark.catalog.databaseExists("crawl4_raw") is False


def test_a_table_the_metastore_refuses_is_reported_and_the_others_are_crawled(
    spark: SparkSession, tmp_path: Path
) -> None:
    zone = tmp_path / "raw"
    parks_parquet(zone, 2019, 7, 4)
    crawl(spark, zone, "crawl5-raw")
    # A new partition for parks, and a table whose JSON key holds a comma (Hive refuses it).
    parks_parquet(zone, 2019, 7, 5)
    events_json(zone, "a", [{"Kind": "open", "count, total": 1}])
    crawls = tmp_path / "crawls"

    report = crawl(spark, zone, "crawl5-raw", report_dir=crawls)

    events = report.table("events")
    assert events.action == "skipped"
    assert events.reason is not None
    assert events.reason.startswith("the local catalog refused it: ")
    assert "count, total" in events.reason
    assert report.table("parks").partitions_added == ["year=2019/month=7/day=5"]
    assert _partitions(spark, "crawl5_raw.parks") == [
        "year=2019/month=7/day=4",
        "year=2019/month=7/day=5",
    ]
    assert _tables(spark, "crawl5_raw") == {"parks"}
    kept = json.loads(Path(report.saved_to or "").read_text())
    assert {t["table"]: t["action"] for t in kept["tables"]} == {
        "events": "skipped",
        "parks": "updated",
    }
    assert f"  events: skipped: {events.reason}" in report.lines()


def test_a_header_with_a_byte_order_mark_is_still_the_header(
    spark: SparkSession, tmp_path: Path
) -> None:
    zone = tmp_path / "raw"
    body = "36,NY,10001,1,100,2500.5\n36,NY,10002,2,101,2501.5\n"
    path = zone / "income-ny" / "year=2016" / "income.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xef\xbb\xbf" + (INCOME_HEADER + body).encode())

    report = crawl(spark, zone, "crawl6-raw")

    assert report.table("income_ny").action == "created"
    income = spark.table("crawl6_raw.income_ny")
    assert income.columns == ["statefips", "state", "zipcode", "agi_stub", "n1", "a00100", "year"]
    assert sorted(r["zipcode"] for r in income.collect()) == [10001, 10002]  # header not a row
    assert income.select("statefips").distinct().collect()[0][0] == 36


def test_a_csv_header_naming_a_column_twice_is_reported(
    spark: SparkSession, tmp_path: Path
) -> None:
    zone = tmp_path / "raw"
    income_csv(zone, 2016)
    twice = "STATEFIPS,STATE,zipcode,agi_stub,N1,N1\n36,NY,10009,1,5,6\n"
    write(zone / "income-ny" / "year=2017" / "income.csv", twice)

    report = crawl(spark, zone, "crawl7-raw")

    income = report.table("income_ny")
    assert income.partitions_added == ["year=2016"]
    assert income.columns == ["statefips", "state", "zipcode", "agi_stub", "n1", "a00100"]
    assert _relative_skips(zone, income.skipped) == [
        ("income-ny/year=2017/income.csv", "has header column N1 twice: header columns 5 and 6"),
        ("income-ny/year=2017", "partition not registered: a file in it was skipped"),
    ]


def test_folders_that_make_one_table_name_are_an_error_naming_both(
    spark: SparkSession, tmp_path: Path
) -> None:
    zone = tmp_path / "raw"
    income_csv(zone, 2016)
    write(zone / "income_ny" / "year=2017" / "income.csv", INCOME_HEADER + "36,NY,1,1,2,3.5\n")
    parks_parquet(zone, 2019, 7, 4)

    report = crawl(spark, zone, "crawl8-raw")
    again = crawl(spark, zone, "crawl8-raw")

    for result in (report, again):
        income = result.table("income_ny")
        assert income.action == "skipped"
        assert income.reason == (
            "folders income-ny and income_ny would both be table income_ny: rename one of them"
        )
        assert income.partitions_missing == []
        assert result.table("parks").action in ("created", "unchanged")
    assert _tables(spark, "crawl8_raw") == {"parks"}
