"""``playgrounds crawl`` and ``playgrounds sql`` in this process (the session's metastore).

In a real run each command opens ``<lake>/catalog``; here ``spark_session``
returns the test session, so tables land in the test metastore. The process
boundary, the lock and the Thrift server are covered by test_catalog_serve.py.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from playgrounds.cli import main
from tests.support.zones import basic_zone


def _table_cells(printed: str) -> list[list[str]]:
    """The cells of a table as rich prints it, header row first, box-drawing lines left out."""
    rows = []
    for line in printed.replace("┃", "│").splitlines():
        if line.startswith("│"):
            rows.append([cell.strip() for cell in line.strip().strip("│").split("│")])
    return rows


def test_crawl_then_query_from_the_command_line(
    spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lake = tmp_path / "lake"
    basic_zone(lake / "raw")
    assert main(["crawl", "raw", "--lake", str(lake), "--prefix", "cli1"]) == 0
    printed = capsys.readouterr().err
    assert f"Crawled {lake / 'raw'} into local database 'cli1-raw' in " in printed
    for line in [
        "  events: created (json, 3 columns, 2 partitions (+2))",
        "  income_ny: created (csv, 6 columns, 2 partitions (+2))",
        "  parks: created (parquet, 4 columns, 2 partitions (+2))",
        "  train: created (csv, 3 columns)",
    ]:
        assert line in printed.splitlines()
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
    assert _table_cells(table) == [["borough_letter", "parks"], ["B", "2"], ["M", "4"]]
    assert table.splitlines()[-1] == "2 rows"
    out = tmp_path / "boroughs.csv"
    assert main(["sql", query, "--lake", str(lake), "--output", str(out)]) == 0
    with out.open() as stream:
        assert list(csv.reader(stream)) == [["borough_letter", "parks"], ["B", "2"], ["M", "4"]]
    assert main(["catalog", "tables", "--lake", str(lake)]) == 0
    # The test metastore is shared, so other tests' databases are listed too.
    listed = capsys.readouterr().out.splitlines()
    assert [line for line in listed if line.startswith("cli1_raw.")] == [
        "cli1_raw.events",
        "cli1_raw.income_ny",
        "cli1_raw.parks",
        "cli1_raw.train",
    ]
    assert main(["sql", 'SELECT * FROM "cli1-raw".nope', "--lake", str(lake)]) == 1
    assert "table 'nope' not found in database 'cli1-raw'" in capsys.readouterr().err

    (lake / "processed").mkdir()
    assert main(["crawl", "processed", "--lake", str(lake), "--prefix", "cli1"]) == 1
    assert "is empty: it has no table folders to crawl" in capsys.readouterr().err
