"""A crawled fixture zone shared by the SQL tests (the zone builders live in tests/support)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from playgrounds.catalog.crawler import crawl
from tests.support.zones import basic_zone

SQL_DB = "sqltest-raw"


@pytest.fixture(scope="session")
def sql_zone(spark: SparkSession, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The basic raw zone crawled into ``sqltest-raw`` (metastore ``sqltest_raw``)."""
    zone = basic_zone(tmp_path_factory.mktemp("sql") / "raw")
    crawl(spark, zone, SQL_DB)
    return zone
