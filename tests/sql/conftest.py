"""A crawled fixture zone shared by the SQL tests (the zone builders live in tests/catalog)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

_CATALOG_TESTS = str(Path(__file__).resolve().parents[1] / "catalog")
if _CATALOG_TESTS not in sys.path:
    sys.path.insert(0, _CATALOG_TESTS)

from catalog_zones import basic_zone  # noqa: E402

from playgrounds.catalog.crawler import crawl  # noqa: E402

SQL_DB = "sqltest-raw"


@pytest.fixture(scope="session", autouse=True)
def fast_test_derby_for_sql(spark: SparkSession) -> None:
    """No fsync in the throw-away test metastore's Derby (see tests/catalog/conftest.py)."""
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    jvm.java.lang.System.setProperty("derby.system.durability", "test")


@pytest.fixture(scope="session")
def sql_zone(
    spark: SparkSession, fast_test_derby_for_sql: None, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The basic raw zone crawled into ``sqltest-raw`` (metastore ``sqltest_raw``)."""
    zone = basic_zone(tmp_path_factory.mktemp("sql") / "raw")
    crawl(spark, zone, SQL_DB)
    return zone
