"""Destructive and forbidden SQL through ``playgrounds sql``: one sentence, no stack, the lake
(raw and processed zones, catalog folder) byte for byte as it was (see tests/support/bad_input.py).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from playgrounds.catalog.crawler import crawl
from tests.support.bad_input import Case, run_case
from tests.support.zones import basic_zone, parquet


def _sql(query: str, *extra: str) -> list[str]:
    return ["sql", query, "--lake", "{lake}", *extra]


CASES = [
    Case("insert-overwrite-raw", _sql('INSERT OVERWRITE TABLE "bad-raw"."parks" SELECT * FROM '
         '"bad-raw"."parks"'), r"INSERT OVERWRITE is not allowed: Athena appends with INSERT INTO"),
    Case("insert-into-raw", _sql('INSERT INTO "bad-raw"."train" VALUES (1, 0.5, 3)'),
         r"INSERT INTO is not allowed: .* outside the processed zone"),
    Case("insert-overwrite-directory", _sql("INSERT OVERWRITE DIRECTORY '{lake}/raw' SELECT 1"),
         r"INSERT OVERWRITE DIRECTORY is not allowed"),
    Case("drop-database-cascade", _sql('DROP DATABASE "bad-raw" CASCADE'),
         r"DROP DATABASE is not allowed"),
    Case("drop-table-purge", _sql('DROP TABLE "bad-raw"."parks" PURGE'),
         r"DROP TABLE PURGE is not allowed"),
    Case("truncate", _sql('TRUNCATE TABLE "bad-raw"."parks"'), r"TRUNCATE is not allowed"),
    Case("delete", _sql('DELETE FROM "bad-raw"."parks" WHERE year = 2019'),
         r"DELETE is not allowed"),
    Case("load-data", _sql("LOAD DATA INPATH '/etc/passwd' INTO TABLE \"bad-raw\".train"),
         r"LOAD DATA is not allowed"),
    Case("add-jar", _sql("ADD JAR /tmp/evil.jar", "--dialect", "spark"), r"ADD JAR is not allowed"),
    Case("set", _sql("SET spark.sql.runSQLOnFiles=true"), r"SET is not allowed"),
    Case("file-query-athena", _sql('SELECT value FROM "text"."/etc/shadow"'),
         r"a query on a file path is not allowed"),
    Case("file-query-spark", _sql("SELECT value FROM text.`/etc/shadow`", "--dialect", "spark"),
         r"a query on a file path is not allowed"),
    Case("two-statements", _sql('SELECT 1; DROP TABLE "bad-raw"."parks"'),
         r"more than one statement is not allowed: give one SQL statement at a time \(found 2\)"),
    Case("create-function", _sql("CREATE TEMPORARY FUNCTION f AS 'x.Y' USING JAR '/tmp/x.jar'"),
         r"CREATE FUNCTION is not allowed"),
    Case("ctas-over-existing", _sql("CREATE TABLE t WITH (external_location = "
         "'{lake}/processed/scores') AS SELECT 1 AS a"), r"CREATE TABLE AS is not allowed: .*"
         r"already exists"),
    Case("ctas-into-raw", _sql("CREATE TABLE t WITH (external_location = '{lake}/raw/new') AS "
         "SELECT 1 AS a"), r"CREATE TABLE AS is not allowed: .*outside the processed zone"),
    Case("external-table-on-etc", _sql("CREATE EXTERNAL TABLE t (a string) LOCATION '/etc'"),
         r"CREATE EXTERNAL TABLE is not allowed: its LOCATION '/etc' is outside the lake's zones"),
    Case("java-reflection", _sql("SELECT reflect('java.lang.System', 'exit', 0)"),
         r"reflect/java_method is not allowed"),
    Case("alter-set-location", _sql('ALTER TABLE "bad-raw".parks SET LOCATION \'/etc\''),
         r"ALTER TABLE is not allowed"),
    Case("output-into-raw-zone", _sql('SELECT * FROM "bad-raw".parks', "--output",
         "{lake}/raw/parks/out.csv"), r"cannot write .*out\.csv: it is inside the lake's raw"),
    Case("output-exists", _sql('SELECT * FROM "bad-raw".parks', "--output", "{tmp}/taken.csv"),
         r"taken\.csv already exists: give another file name, or --force",
         spoil=lambda lake: (lake.parent / "taken.csv").write_text("keep me\n")),
    Case("limit-too-large", _sql('SELECT * FROM "bad-raw".parks', "--limit", "1000000"),
         r"1000000 rows is more than the terminal shows .* --output", status=2),
]  # fmt: skip


@pytest.fixture(scope="module")
def crawled(spark: SparkSession, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A lake with a crawled raw zone (``bad-raw``) and a processed table, built once."""
    root = tmp_path_factory.mktemp("bad-sql") / "lake"
    basic_zone(root / "raw")
    parquet(root / "processed" / "scores" / "part-0.parquet", [{"name": "a", "score": 1}])
    crawl(spark, root / "raw", "bad-raw")
    # The guard looks for <lake>/catalog/metastore_db, which the test session keeps elsewhere.
    (root / "catalog" / "metastore_db").mkdir(parents=True, exist_ok=True)
    # The lock file a command holds names its process; written as the command writes it,
    # so that a refused statement leaves the catalog folder byte for byte as it was.
    (root / "catalog" / "catalog.lock").write_text(f"process {os.getpid()} (sql)\n")
    return root


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_sql(
    case: Case, crawled: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    run_case(case, crawled, crawled.parent, capfd)
    assert (
        (crawled.parent / "taken.csv").read_text() == "keep me\n"
        if case.id == "output-exists"
        else True
    )
