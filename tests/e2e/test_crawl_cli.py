"""`playgrounds crawl` then `playgrounds sql` as a user runs them: two processes, one catalog."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# The zone builders live beside the catalog tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "catalog"))
from catalog_zones import basic_zone

PLAYGROUNDS = str(Path(sys.executable).parent / "playgrounds")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    # A throw-away catalog: Derby without fsync halves its creation.
    env = {**os.environ, "JAVA_TOOL_OPTIONS": "-Dderby.system.durability=test"}
    return subprocess.run(
        [PLAYGROUNDS, *args], capture_output=True, text=True, timeout=180, env=env
    )


@pytest.mark.e2e
def test_crawl_and_sql_share_the_catalog_beside_the_lake(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    basic_zone(lake / "raw")
    crawled = _run("crawl", "raw", "--lake", str(lake))
    assert crawled.returncode == 0, crawled.stderr
    assert "income_ny: created (csv, 6 columns, 2 partitions (+2))" in crawled.stderr
    assert (lake / "catalog" / "metastore_db").is_dir()
    (report,) = (lake / "catalog" / "crawls").glob("*-playgrounds-raw.json")
    assert json.loads(report.read_text())["tables"][1]["table"] == "income_ny"

    out = tmp_path / "by_year.csv"
    queried = _run(
        "sql",
        'SELECT year, count(*) AS zips, sum(n1) AS returns FROM "playgrounds-raw"."income_ny"\n'
        "GROUP BY year ORDER BY year",
        "--lake",
        str(lake),
        "--output",
        str(out),
    )
    assert queried.returncode == 0, queried.stderr
    with out.open() as stream:
        assert list(csv.reader(stream)) == [
            ["year", "zips", "returns"],
            ["2016", "3", "303"],
            ["2017", "3", "303"],
        ]
