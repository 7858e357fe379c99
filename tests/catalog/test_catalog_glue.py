"""``--catalog glue`` against a real moto server (boto3 over HTTP)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest

from playgrounds.catalog.crawler import crawl
from playgrounds.cli import main
from playgrounds.errors import InputError
from tests.support.zones import basic_zone, parks_parquet, parquet


@pytest.fixture
def glue(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A Glue client on the moto server, with the environment pointing there too."""
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL_GLUE": moto_endpoint,
    }.items():
        monkeypatch.setenv(key, value)
    return boto3.client("glue", endpoint_url=moto_endpoint, region_name="us-east-1")


def _partitions(glue: Any, db: str, table: str) -> list[list[str]]:
    pages = glue.get_paginator("get_partitions").paginate(DatabaseName=db, TableName=table)
    return sorted(p["Values"] for page in pages for p in page["Partitions"])


def test_glue_crawl_creates_tables_like_a_glue_crawler(glue: Any, tmp_path: Path) -> None:
    zone = basic_zone(tmp_path / "raw")
    report = crawl(None, zone, "glue1-raw", catalog="glue", glue_client=glue)
    assert report.catalog == "glue"

    tables = {t["Name"]: t for t in glue.get_tables(DatabaseName="glue1-raw")["TableList"]}
    assert set(tables) == {"events", "income_ny", "parks", "train"}
    income = tables["income_ny"]
    assert income["TableType"] == "EXTERNAL_TABLE"
    assert income["Parameters"] == {
        "classification": "csv",
        "crawler": "playgrounds",
        "delimiter": ",",
        "skip.header.line.count": "1",
    }
    columns = [(c["Name"], c["Type"]) for c in income["StorageDescriptor"]["Columns"]]
    assert columns == [
        ("statefips", "bigint"),
        ("state", "string"),
        ("zipcode", "bigint"),
        ("agi_stub", "bigint"),
        ("n1", "bigint"),
        ("a00100", "double"),
    ]
    assert income["PartitionKeys"] == [{"Name": "year", "Type": "int"}]
    # No header in train.csv, so no line to skip.
    assert tables["train"]["Parameters"] == {
        "classification": "csv",
        "crawler": "playgrounds",
        "delimiter": ",",
    }
    assert tables["parks"]["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"] == (
        "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    )
    assert _partitions(glue, "glue1-raw", "parks") == [["2019", "7", "4"], ["2019", "7", "5"]]
    assert _partitions(glue, "glue1-raw", "events") == [["a"], ["b"]]

    parks_parquet(zone, 2019, 7, 6)
    parquet(zone / "parks" / "year=x" / "month=1" / "day=1" / "p.parquet", [{"a": 1}])
    again = crawl(None, zone, "glue1-raw", catalog="glue", glue_client=glue)
    assert again.table("parks").partitions_added == ["year=2019/month=7/day=6"]
    assert [(s.path, s.reason) for s in again.table("parks").skipped] == [
        (
            str(zone / "parks" / "year=x" / "month=1" / "day=1"),
            "year=x is not an integer like the other year values",
        )
    ]
    assert again.table("income_ny").action == "unchanged"
    assert _partitions(glue, "glue1-raw", "parks") == [
        ["2019", "7", "4"],
        ["2019", "7", "5"],
        ["2019", "7", "6"],
    ]


def test_glue_cli_and_an_empty_zone(glue: Any, tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    basic_zone(lake / "raw")
    assert (
        main(["crawl", "raw", "--lake", str(lake), "--prefix", "glue2", "--catalog", "glue"]) == 0
    )
    names = {t["Name"] for t in glue.get_tables(DatabaseName="glue2-raw")["TableList"]}
    assert names == {"events", "income_ny", "parks", "train"}
    assert len(list((lake / "catalog" / "crawls").glob("*-glue2-raw.json"))) == 1

    (lake / "processed").mkdir()
    with pytest.raises(InputError, match="is empty"):
        crawl(None, lake / "processed", "glue2-processed", catalog="glue", glue_client=glue)
    databases = {d["Name"] for d in glue.get_databases()["DatabaseList"]}
    assert "glue2-processed" not in databases
    assert main(["crawl", "processed", "--lake", str(tmp_path / "none"), "--catalog", "glue"]) == 1


def test_s3_zone_keeps_s3_locations(
    glue: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without the s3a connector an s3:// lake is a local folder per bucket (lake.local_s3).
    monkeypatch.setenv("PLAYGROUNDS_LOCAL_S3", str(tmp_path / "s3"))
    parks_parquet(tmp_path / "s3" / "demo-bucket" / "raw", 2019, 7, 4)
    report = crawl(None, "s3://demo-bucket/raw", "glue3-raw", catalog="glue", glue_client=glue)
    assert report.table("parks").partitions_added == ["year=2019/month=7/day=4"]
    table = glue.get_table(DatabaseName="glue3-raw", Name="parks")["Table"]
    assert table["StorageDescriptor"]["Location"] == "s3://demo-bucket/raw/parks/"
    partition = glue.get_partition(
        DatabaseName="glue3-raw", TableName="parks", PartitionValues=["2019", "7", "4"]
    )["Partition"]
    assert partition["StorageDescriptor"]["Location"] == (
        "s3://demo-bucket/raw/parks/year=2019/month=7/day=4/"
    )
