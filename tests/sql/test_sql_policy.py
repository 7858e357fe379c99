"""The statement policy: Athena's statements with Athena's semantics, the rest refused
before Spark runs anything (one test per refused kind, one per allowed kind's semantics)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from playgrounds.catalog.crawler import crawl
from playgrounds.sql import (
    ALLOWED,
    REFUSED,
    StatementKind,
    StatementRefusedError,
    check_statement,
    run_statement,
)
from tests.support.snapshots import tree_snapshot
from tests.support.zones import basic_zone, parquet

REFUSED_STATEMENTS = [
    ('INSERT OVERWRITE TABLE "pol-raw"."parks" SELECT * FROM "pol-raw"."parks"',
     r"^INSERT OVERWRITE is not allowed: Athena appends with INSERT INTO"),
    ("INSERT OVERWRITE DIRECTORY '/tmp/x' SELECT 1", r"^INSERT OVERWRITE DIRECTORY is not allowed"),
    ("LOAD DATA INPATH '/etc/passwd' INTO TABLE t", r"^LOAD DATA is not allowed"),
    ("ADD JAR /tmp/evil.jar", r"^ADD JAR is not allowed"),
    ("SET spark.sql.runSQLOnFiles=true", r"^SET is not allowed"),
    ('DROP DATABASE "pol-raw" CASCADE', r"^DROP DATABASE is not allowed"),
    ('DROP TABLE "pol-raw"."parks" PURGE', r"^DROP TABLE PURGE is not allowed"),
    ('TRUNCATE TABLE "pol-raw"."parks"', r"^TRUNCATE is not allowed"),
    ('DELETE FROM "pol-raw"."parks" WHERE year = 2019', r"^DELETE is not allowed"),
    ('UPDATE "pol-raw"."parks" SET name = 1', r"^UPDATE is not allowed"),
    ('MERGE INTO "pol-raw".parks p USING "pol-raw".train t ON p.zip = t._c0 '
     "WHEN MATCHED THEN DELETE", r"^MERGE is not allowed"),
    ("CREATE FUNCTION f AS 'com.example.F'", r"^CREATE FUNCTION is not allowed"),
    ("SELECT reflect('java.lang.System', 'exit', 0)", r"^reflect/java_method is not allowed"),
    ('SELECT value FROM "text"."/etc/shadow"', r"^a query on a file path is not allowed"),
    ("SELECT 1; DROP TABLE t", r"^more than one statement is not allowed: .*\(found 2\)"),
    ("CREATE TABLE t (a int)", r"^CREATE TABLE without AS is not allowed"),
    ('CREATE DATABASE "x-raw"', r"^CREATE DATABASE is not allowed"),
    ("CREATE VIEW v AS SELECT 1", r"^CREATE VIEW is not allowed"),
    ("DROP VIEW v", r"^DROP VIEW is not allowed"),
    ('ALTER TABLE "pol-raw".parks SET LOCATION \'/tmp\'', r"^ALTER TABLE is not allowed"),
    ('MSCK REPAIR TABLE "pol-raw".parks SYNC PARTITIONS', r"^MSCK REPAIR TABLE DROP/SYNC"),
    ("UNLOAD (SELECT 1) TO 's3://b/x' WITH (format = 'PARQUET')", r"^UNLOAD is not allowed"),
    ('USE "pol-raw"', r"^USE is not allowed"),
    ("CACHE TABLE t", r"^CACHE TABLE is not allowed"),
    ("EXPLAIN INSERT OVERWRITE TABLE t SELECT 1", r"^INSERT OVERWRITE is not allowed"),
]  # fmt: skip


@pytest.fixture(scope="module")
def lake(spark: SparkSession, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A lake whose raw zone is crawled into ``pol-raw`` and whose processed zone holds
    ``scores`` (Parquet, crawled into ``pol-processed``)."""
    root = tmp_path_factory.mktemp("policy") / "lake"
    basic_zone(root / "raw")
    parquet(root / "processed" / "scores" / "part-0.parquet", [{"name": "a", "score": 1}])
    crawl(spark, root / "raw", "pol-raw")
    crawl(spark, root / "processed", "pol-processed")
    return root


@pytest.mark.parametrize(("query", "message"), REFUSED_STATEMENTS)
def test_refused_before_spark_runs(
    spark: SparkSession, lake: Path, query: str, message: str
) -> None:
    before = tree_snapshot(lake)
    with pytest.raises(StatementRefusedError, match=message) as error:
        run_statement(spark, query, dialect="spark" if "ADD JAR" in query else "athena", lake=lake)
    assert "\n" not in str(error.value)
    assert tree_snapshot(lake) == before
    assert {t.name for t in spark.catalog.listTables("pol_raw")} >= {"parks", "train"}


def test_every_refused_kind_has_a_reason_and_a_test() -> None:
    assert set(REFUSED) == set(StatementKind) - ALLOWED
    tested = set()
    for query, _ in REFUSED_STATEMENTS:
        try:
            check_statement(query, dialect="spark" if "ADD JAR" in query else "athena")
        except StatementRefusedError as error:
            tested |= {kind for kind in REFUSED if str(error).startswith(f"{kind.value} is not")}
    assert set(REFUSED) - tested == {StatementKind.OTHER}


def test_file_queries_refused_in_spark_dialect_too() -> None:
    for query in ("SELECT * FROM parquet.`/x`", "SELECT value FROM text.`/etc/shadow`"):
        with pytest.raises(StatementRefusedError, match=r"^a query on a file path is not allowed"):
            check_statement(query, dialect="spark")
        with pytest.raises(StatementRefusedError, match=r"^a query on a file path is not allowed"):
            check_statement(query, dialect="athena")  # not Athena syntax, still named


def test_insert_into_processed_appends_new_files(spark: SparkSession, lake: Path) -> None:
    table = lake / "processed" / "scores"
    old = {p.name: p.read_bytes() for p in table.iterdir()}
    result = run_statement(spark, "INSERT INTO \"pol-processed\".scores VALUES ('b', 2)", lake=lake)
    assert result.kind is StatementKind.INSERT_INTO
    assert result.note is not None and "1 new file(s)" in result.note
    after = {p.name: p.read_bytes() for p in table.iterdir() if not p.name.startswith((".", "_"))}
    assert {name: after[name] for name in old} == old
    assert len(after) == len(old) + 1
    rows = spark.sql("SELECT name, score FROM pol_processed.scores ORDER BY name").collect()
    assert [tuple(r) for r in rows] == [("a", 1), ("b", 2)]


def test_insert_into_a_raw_table_is_refused(spark: SparkSession, lake: Path) -> None:
    before = tree_snapshot(lake)
    with pytest.raises(StatementRefusedError, match=r"^INSERT INTO is not allowed: .*raw.*"
                       r"outside the processed zone .*`playgrounds ingest`"):  # fmt: skip
        run_statement(spark, 'INSERT INTO "pol-raw".train VALUES (1, 0.5, 3)', lake=lake)
    assert tree_snapshot(lake) == before


def test_drop_table_drops_the_catalog_entry_only(spark: SparkSession, lake: Path) -> None:
    crawl(spark, lake / "raw", "pol-drop")
    before = tree_snapshot(lake / "raw")
    result = run_statement(spark, 'DROP TABLE "pol-drop"."parks"', lake=lake)
    assert result.kind is StatementKind.DROP_TABLE
    assert result.note is not None
    assert result.note.startswith('Dropped table "pol-drop"."parks" from the catalog only; ')
    assert f"its files in file:{(lake / 'raw' / 'parks').resolve()} were kept" in result.note
    assert "parks" not in {t.name for t in spark.catalog.listTables("pol_drop")}
    assert tree_snapshot(lake / "raw") == before


def test_create_table_as_writes_a_new_external_table(spark: SparkSession, lake: Path) -> None:
    target = lake / "processed" / "boroughs"
    query = (
        f"CREATE TABLE \"pol-processed\".boroughs WITH (external_location = '{target}') AS "
        'SELECT substr(prop_id, 1, 1) AS letter, count(*) AS parks FROM "pol-raw".parks GROUP BY 1'
    )
    result = run_statement(spark, query, lake=lake)
    assert result.kind is StatementKind.CREATE_TABLE_AS
    assert any(p.suffix == ".parquet" for p in target.iterdir())  # Athena's default format
    rows = spark.sql("SELECT * FROM pol_processed.boroughs ORDER BY letter").collect()
    assert [tuple(r) for r in rows] == [("B", 2), ("M", 4)]
    details = {r[0]: r[1] for r in spark.sql("DESCRIBE EXTENDED pol_processed.boroughs").collect()}
    assert details["Type"] == "EXTERNAL"


def test_create_table_as_without_location_goes_to_the_results(
    spark: SparkSession, lake: Path
) -> None:
    result = run_statement(spark, 'CREATE TABLE "pol-processed".one AS SELECT 1 AS a', lake=lake)
    assert result.note is not None and str((lake / "results" / "tables").resolve()) in result.note
    assert spark.sql("SELECT a FROM pol_processed.one").first() == (1,)


def test_create_table_as_over_existing_data_is_refused(spark: SparkSession, lake: Path) -> None:
    existing = lake / "processed" / "scores"
    before = tree_snapshot(lake)
    for location, message in [
        (existing, r"already exists, and Athena's CREATE TABLE AS writes only into a new"),
        (lake / "raw" / "new", r"outside the processed zone and the results location"),
        (lake / "processed", r"is a whole zone"),
    ]:
        query = f"CREATE TABLE x WITH (external_location = '{location}') AS SELECT 1 AS a"
        with pytest.raises(StatementRefusedError, match="^CREATE TABLE AS is not allowed: .*"
                           + message):  # fmt: skip
            run_statement(spark, query, lake=lake)
    assert tree_snapshot(lake) == before


def test_external_tables_and_partitions_stay_in_the_lake(spark: SparkSession, lake: Path) -> None:
    with pytest.raises(StatementRefusedError, match=r"LOCATION '/etc' is outside the lake's zones"):
        check_statement("CREATE EXTERNAL TABLE t (a string) LOCATION '/etc'", raw_zone=lake / "raw")
    parks = (lake / "raw" / "parks").resolve()
    query = (
        f'CREATE EXTERNAL TABLE "pol-raw".parks_again (prop_id string, name string) '
        f"PARTITIONED BY (year int) STORED AS PARQUET LOCATION '{parks}'"
    )
    assert run_statement(spark, query, lake=lake).kind is StatementKind.CREATE_EXTERNAL_TABLE
    add = (
        'ALTER TABLE "pol-raw".parks_again ADD PARTITION (year = 2019) '
        f"LOCATION '{parks}/year=2019/month=7/day=4'"
    )
    assert run_statement(spark, add, lake=lake).kind is StatementKind.ALTER_TABLE_ADD_PARTITION
    assert spark.sql("SELECT count(*) FROM pol_raw.parks_again").first() == (3,)
    msck = run_statement(spark, 'MSCK REPAIR TABLE "pol-raw"."parks"', lake=lake)
    assert msck.kind is StatementKind.MSCK_REPAIR_TABLE


def test_read_only_kinds(spark: SparkSession, lake: Path) -> None:
    for query, kind in [
        ('SHOW TABLES IN "pol-raw"', StatementKind.SHOW),
        ('DESCRIBE "pol-raw".parks', StatementKind.DESCRIBE),
        ('EXPLAIN SELECT approx_distinct(zip) FROM "pol-raw".parks', StatementKind.EXPLAIN),
        ("VALUES 1, 2", StatementKind.SELECT),
    ]:
        result = run_statement(spark, query, lake=lake)
        assert result.kind is kind and result.returns_rows and result.note is None
        assert result.frame.count() > 0
    explained = run_statement(spark, 'EXPLAIN SELECT approx_distinct(zip) FROM "pol-raw".parks')
    assert explained.spark_sql == "EXPLAIN SELECT APPROX_COUNT_DISTINCT(zip) FROM pol_raw.parks"
