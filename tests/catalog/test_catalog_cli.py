"""``playgrounds crawl`` and ``playgrounds sql`` in this process (the session's metastore).

In a real run each command opens ``<lake>/catalog``; here ``spark_session``
returns the test session, so tables land in the test metastore. The process
boundary, the lock and the Thrift server are covered by test_catalog_serve.py.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from catalog_zones import basic_zone
from pyspark.sql import SparkSession

from playgrounds.cli import main


def test_crawl_then_query_from_the_command_line(
    spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lake = tmp_path / "lake"
    basic_zone(lake / "raw")
    assert main(["crawl", "raw", "--lake", str(lake), "--prefix", "cli1"]) == 0
    printed = capsys.readouterr().err
    assert "Crawled" in printed
    assert "parks: created (parquet, 4 columns, 2 partitions (+2))" in printed
    assert {t.name for t in spark.catalog.listTables("cli1_raw")} == {
        "events",
        "income_ny",
        "parks",
        "train",
    }
    assert len(list((lake / "catalog" / "crawls").glob("*-cli1-raw.json"))) == 1

    # The guard looks for <lake>/catalog/metastore_db, which the test session keeps elsewhere.
    (lake / "catalog" / "metastore_db").mkdir()
    query = (
        "SELECT substr(prop_id, 1, 1) AS borough_letter, count(*) AS parks "
        'FROM "cli1-raw"."parks" GROUP BY 1 ORDER BY 1'
    )
    assert main(["sql", query, "--lake", str(lake)]) == 0
    table = capsys.readouterr().out
    assert "borough_letter" in table
    assert "2 rows" in table
    out = tmp_path / "boroughs.csv"
    assert main(["sql", query, "--lake", str(lake), "--output", str(out)]) == 0
    with out.open() as stream:
        assert list(csv.reader(stream)) == [["borough_letter", "parks"], ["B", "2"], ["M", "4"]]
    assert main(["catalog", "tables", "--lake", str(lake)]) == 0
    assert "cli1_raw.parks" in capsys.readouterr().out.splitlines()
    assert main(["sql", 'SELECT * FROM "cli1-raw".nope', "--lake", str(lake)]) == 1
    assert "table 'nope' not found in database 'cli1-raw'" in capsys.readouterr().err

    (lake / "processed").mkdir()
    assert main(["crawl", "processed", "--lake", str(lake), "--prefix", "cli1"]) == 1
    assert "is empty: it has no table folders to crawl" in capsys.readouterr().err
