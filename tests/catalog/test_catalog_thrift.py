"""The Thrift JDBC server over the test session's catalog, with real PyHive clients.

``playgrounds catalog serve`` in its own process (and the lock it holds) is
tests/e2e/test_crawl_serve_cli.py; this starts the same server inside the test
JVM, so it costs no second JVM or metastore. One password-protected server over
one lake serves the whole module (authentication, the statement policy, and the
policy kept in step with ``playgrounds sql``'s).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pyspark.sql import SparkSession
from sqlglot import exp

from playgrounds.catalog.crawler import crawl
from playgrounds.catalog.serve import start_thrift_server, wait_for_port
from playgrounds.errors import InputError, PlaygroundsError
from playgrounds.sql import REFUSED, StatementKind, StatementRefusedError, check_statement
from tests.support.servers import free_port, thrift_query
from tests.support.snapshots import tree_snapshot
from tests.support.zones import basic_zone, parquet

# Starts Spark's Thrift server.
pytestmark = pytest.mark.slow

pytest.importorskip("pyhive.hive", reason="pip install 'pyhive[hive_pure_sasl]'")

PASSWORD = "correct horse battery staple"
SECRET = b"root:x:0:0:root:/root:/bin/bash\n"


@dataclass(frozen=True)
class Served:
    """The module's server: its port, its lake, and a folder outside the lake."""

    port: int
    lake: Path
    outside: Path

    @property
    def raw(self) -> Path:
        return self.lake / "raw"

    def query(self, sql: str) -> list[tuple[object, ...]]:
        """``sql`` through PyHive, logged in with the module's password."""
        return thrift_query(self.port, sql.format(lake=self.lake, outside=self.outside), PASSWORD)


@pytest.fixture(scope="module")
def served(spark: SparkSession, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A server with PASSWORD over a lake whose raw zone is crawled into ``thrift_raw`` and
    whose processed zone holds ``scores`` (crawled into ``thrift_processed``)."""
    root = tmp_path_factory.mktemp("thrift")
    lake = root / "lake"
    basic_zone(lake / "raw")
    parquet(lake / "processed" / "scores" / "part-0.parquet", [{"name": "a", "score": 1}])
    crawl(spark, lake / "raw", "thrift-raw")
    crawl(spark, lake / "processed", "thrift-processed")
    outside = root / "outside"
    outside.mkdir()
    (outside / "passwd").write_bytes(SECRET)
    port = free_port()
    server = start_thrift_server(spark, "127.0.0.1", port, password=PASSWORD, lake=lake)
    yield Served(port, lake, outside)
    server.stop()


def test_thrift_server_answers_concurrent_clients(spark: SparkSession, served: Served) -> None:
    queries = {
        "boroughs": "SELECT substr(prop_id, 1, 1) AS b, count(*) FROM thrift_raw.parks "
        "GROUP BY substr(prop_id, 1, 1) ORDER BY b",
        "train": "SELECT col0, col2 FROM thrift_raw.train ORDER BY col2",
        "income": "SELECT year, count(*) FROM thrift_raw.income_ny GROUP BY year ORDER BY year",
        "tables": "SHOW TABLES IN thrift_raw",
    }
    results: dict[str, list[tuple[object, ...]]] = {}
    errors: list[BaseException] = []

    def run(name: str) -> None:
        try:
            results[name] = served.query(queries[name])
        except BaseException as error:  # reported below, with the query's name
            errors.append(error)

    clients = [threading.Thread(target=run, args=(name,)) for name in queries]
    for client in clients:
        client.start()
    for client in clients:
        client.join(timeout=60)
    assert errors == []
    assert results["boroughs"] == [("B", 2), ("M", 4)]
    assert results["train"] == [(1, 3), (0, 4), (1, 5)]
    assert results["income"] == [(2016, 3), (2017, 3)]
    assert {row[1] for row in results["tables"]} >= {"events", "income_ny", "parks", "train"}
    with pytest.raises(PlaygroundsError, match=f"cannot serve on 127.0.0.1:{served.port}"):
        start_thrift_server(spark, "127.0.0.1", served.port, password=PASSWORD)  # taken: no exit


@pytest.mark.parametrize(
    "password", ["wrong", PASSWORD[:-1], None], ids=["wrong", "prefix", "none"]
)
def test_a_login_without_the_password_is_refused(served: Served, password: str | None) -> None:
    from thrift.transport.TTransport import TTransportException

    with pytest.raises(TTransportException, match="Error validating the login"):
        thrift_query(served.port, "SELECT 1", password)  # None: PyHive's default, no password


def test_a_file_path_query_is_an_unknown_table(served: Served) -> None:
    (parquet_file,) = (served.raw / "parks" / "year=2019" / "month=7" / "day=4").glob("*.parquet")
    with pytest.raises(Exception, match="TABLE_OR_VIEW_NOT_FOUND"):
        served.query(f"SELECT * FROM parquet.`{parquet_file}`")
    # A client cannot turn it back on, neither when it connects nor with SET.
    with pytest.raises(Exception, match="TABLE_OR_VIEW_NOT_FOUND"):
        thrift_query(
            served.port,
            f"SELECT * FROM parquet.`{parquet_file}`",
            PASSWORD,
            configuration={"spark.sql.runSQLOnFiles": "true"},
        )
    with pytest.raises(Exception, match="SET is not allowed: Athena has no session settings"):
        served.query("SET spark.sql.runSQLOnFiles=true")
    assert served.query("SET spark.sql.runSQLOnFiles") == [("spark.sql.runSQLOnFiles", "false")]


@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        # Tables over folders outside the lake would read any file the server's user can.
        ("CREATE EXTERNAL TABLE thrift_raw.etc (line string) LOCATION '{outside}'",
         r"CREATE EXTERNAL TABLE is not allowed: its LOCATION 'file:[^']*/outside' is outside"
         r" the lake's zones \(.*/lake/raw or .*/lake/processed\)"),
        ("CREATE TABLE thrift_raw.etc (line string) USING text LOCATION 'file://{outside}'",
         "CREATE EXTERNAL TABLE is not allowed"),
        ("CREATE TABLE thrift_raw.etc (line string) USING text LOCATION '{lake}/raw/../..'",
         "CREATE EXTERNAL TABLE is not allowed"),
        ("CREATE TABLE thrift_raw.etc (line string) USING text LOCATION '{lake}/raw/link'",
         "CREATE EXTERNAL TABLE is not allowed"),  # a symlink in the zone, out of it
        ("CREATE TABLE thrift_raw.etc (line string) USING text LOCATION 'outside'",
         "CREATE EXTERNAL TABLE is not allowed"),  # relative: resolved against the server's cwd
        ("ALTER TABLE thrift_raw.parks ADD PARTITION (year=1, month=1, day=1) LOCATION"
         " '{outside}'", "ALTER TABLE ADD PARTITION is not allowed: its LOCATION"),
        ("ALTER TABLE thrift_raw.parks SET LOCATION '{outside}'", "ALTER TABLE is not allowed"),
        # CREATE TABLE AS writes a new folder of the processed zone or the results location.
        ("CREATE TABLE thrift_raw.c USING csv LOCATION '{outside}/new' AS SELECT 1 AS a",
         "CREATE TABLE AS is not allowed: its location .* is outside the processed zone and"
         " the results location"),
        ("CREATE TABLE thrift_raw.c USING csv LOCATION '{lake}/raw/new' AS SELECT 1 AS a",
         "CREATE TABLE AS is not allowed: its location .* is outside the processed zone"),
        ("CREATE TABLE thrift_raw.c USING csv LOCATION '{lake}/processed/../raw/new' AS"
         " SELECT 1 AS a", "CREATE TABLE AS is not allowed: its location .* is outside"),
        ("CREATE TABLE thrift_raw.c USING csv LOCATION '{lake}/processed/scores' AS SELECT 1"
         " AS a", "CREATE TABLE AS is not allowed: its location .*/scores already exists"),
        ("CREATE TABLE thrift_raw.c USING csv LOCATION '{lake}/processed' AS SELECT 1 AS a",
         "CREATE TABLE AS is not allowed: its location .*/processed is a whole zone"),
        ("CREATE TABLE thrift_raw.c USING parquet AS SELECT 1 AS a",
         "CREATE TABLE AS is not allowed: give it a LOCATION, a new folder in"),
        ("CREATE TABLE thrift_raw.c STORED AS PARQUET LOCATION '{outside}/new' AS SELECT 1 AS a",
         "CREATE TABLE AS is not allowed: its location"),  # Hive's CTAS
        ("CREATE TABLE thrift_raw.c (a int)", "CREATE TABLE without AS is not allowed"),
        # INSERT INTO appends to tables of the processed zone only.
        ("INSERT INTO thrift_raw.train SELECT 9, 9.0, 9",
         r"INSERT INTO is not allowed: thrift_raw.train is at file:.*/lake/raw/train, outside"
         r" the processed zone .*/lake/processed \(the raw zone is written only by"),
        ("INSERT INTO thrift_raw.parks SELECT 'X', 'x', '1', 1.0, 2019, 7, 4",
         "INSERT INTO is not allowed: thrift_raw.parks"),
        # What changes data or the server.
        ("INSERT OVERWRITE DIRECTORY '{outside}' SELECT 1", "INSERT OVERWRITE DIRECTORY is not"),
        ("INSERT OVERWRITE DIRECTORY '{outside}' USING csv SELECT 1",
         "INSERT OVERWRITE DIRECTORY is not allowed"),
        ("INSERT OVERWRITE TABLE thrift_processed.scores SELECT 'z', 9",
         "INSERT OVERWRITE is not allowed: Athena appends with INSERT INTO"),
        ("DROP DATABASE thrift_raw CASCADE", "DROP DATABASE is not allowed"),
        ("TRUNCATE TABLE thrift_raw.train", "TRUNCATE is not allowed"),
        ("LOAD DATA LOCAL INPATH '{outside}/passwd' INTO TABLE thrift_raw.train", "LOAD DATA is"),
        ("ADD JAR '{outside}/passwd'", "ADD JAR is not allowed"),
        ("ALTER TABLE thrift_raw.train SET TBLPROPERTIES ('EXTERNAL'='FALSE')", "ALTER TABLE is"),
        ("CREATE FUNCTION f AS 'java.lang.String'", "CREATE FUNCTION is not allowed"),
        ("SELECT reflect('java.lang.System', 'exit', 1)", "reflect/java_method is not allowed"),
        ("SELECT TRANSFORM(col0) USING 'cat' FROM thrift_raw.train", "TRANSFORM"),
    ],
    ids=lambda value: " ".join(value.split()[:3]) if " " in value else "",
)  # fmt: skip
def test_statements_outside_the_lakes_rules_are_refused(
    served: Served, statement: str, refusal: str
) -> None:
    link = served.raw / "link"
    if not link.is_symlink():
        link.symlink_to(served.outside, target_is_directory=True)
    before = tree_snapshot(served.lake), tree_snapshot(served.outside)
    with pytest.raises(Exception, match=refusal):
        served.query(statement)
    assert (tree_snapshot(served.lake), tree_snapshot(served.outside)) == before
    assert served.query("SELECT count(*) FROM thrift_raw.train") == [(3,)]
    assert not {"etc", "c"} & {row[1] for row in served.query("SHOW TABLES IN thrift_raw")}


def test_athena_statements_are_allowed_and_drop_table_is_catalog_only(
    spark: SparkSession, served: Served
) -> None:
    parks = tree_snapshot(served.raw / "parks")
    copy = served.lake / "results" / "copy"
    served.query(f"CREATE TABLE thrift_raw.copy USING parquet LOCATION '{copy}' AS "
                 "SELECT col0 FROM thrift_raw.train")  # fmt: skip
    assert served.query("SELECT col0 FROM thrift_raw.copy ORDER BY col0") == [(0,), (1,), (1,)]
    with pytest.raises(Exception, match=r"INSERT INTO is not allowed: thrift_raw\.copy is at"):
        served.query("INSERT INTO thrift_raw.copy SELECT 7")  # results: written once, by CTAS
    served.query("INSERT INTO thrift_processed.scores VALUES ('b', 2)")
    assert served.query("SELECT name, score FROM thrift_processed.scores ORDER BY name") == [
        ("a", 1),
        ("b", 2),
    ]
    spark.sql("CREATE TABLE thrift_raw.managed USING parquet AS SELECT 1 AS a")  # in Python
    with pytest.raises(Exception, match=r"DROP TABLE is not allowed: .*\.managed is a managed"):
        served.query("DROP TABLE thrift_raw.managed")  # would delete its data
    served.query("DROP TABLE thrift_raw.parks")  # external: the catalog forgets it, data stays
    assert tree_snapshot(served.raw / "parks") == parks
    served.query(f"CREATE TABLE thrift_raw.parks USING parquet LOCATION '{served.raw}/parks'")
    served.query("MSCK REPAIR TABLE thrift_raw.parks")
    assert served.query("SELECT count(*) FROM thrift_raw.parks") == [(6,)]


def _table_location(spark: SparkSession) -> Callable[[exp.Table], str | None]:
    def location(table: exp.Table) -> str | None:
        rows = spark.sql(f"DESCRIBE TABLE EXTENDED {table.db}.{table.name}").collect()
        return next((str(row[1]) for row in rows if row[0] == "Location"), None)

    return location


# The statements of tests/sql/test_sql_policy.py in the served database's Spark SQL, with the
# kind both policies name (None: both allow it), in the order they run.
IN_STEP: list[tuple[str, StatementKind | None]] = [
    ("INSERT OVERWRITE TABLE thrift_raw.train SELECT 9, 9.0, 9", StatementKind.INSERT_OVERWRITE),
    ("INSERT OVERWRITE DIRECTORY '{outside}' SELECT 1", StatementKind.INSERT_OVERWRITE_DIRECTORY),
    ("LOAD DATA LOCAL INPATH '{outside}/passwd' INTO TABLE thrift_raw.train",
     StatementKind.LOAD_DATA),
    ("ADD JAR {outside}/passwd", StatementKind.ADD_JAR),
    ("SET spark.sql.runSQLOnFiles=true", StatementKind.SET),
    ("DROP DATABASE thrift_raw CASCADE", StatementKind.DROP_DATABASE),
    ("DROP TABLE thrift_raw.parks PURGE", StatementKind.DROP_TABLE_PURGE),
    ("TRUNCATE TABLE thrift_raw.train", StatementKind.TRUNCATE),
    ("DELETE FROM thrift_raw.train WHERE col0 = 1", StatementKind.DELETE),
    ("UPDATE thrift_raw.train SET col0 = 1", StatementKind.UPDATE),
    ("MERGE INTO thrift_raw.train t USING thrift_raw.train s ON t.col0 = s.col0 "
     "WHEN MATCHED THEN DELETE", StatementKind.MERGE),
    ("CREATE FUNCTION f AS 'com.example.F'", StatementKind.CREATE_FUNCTION),
    ("SELECT reflect('java.lang.System', 'exit', 0)", StatementKind.JAVA_CALL),
    ("CREATE TABLE thrift_raw.t (a int)", StatementKind.CREATE_TABLE),
    ("CREATE DATABASE x_raw", StatementKind.CREATE_DATABASE),
    ("CREATE VIEW thrift_raw.v AS SELECT 1", StatementKind.CREATE_VIEW),
    ("DROP VIEW thrift_raw.v", StatementKind.DROP_VIEW),
    ("ALTER TABLE thrift_raw.parks SET LOCATION '{outside}'", StatementKind.ALTER_TABLE),
    ("MSCK REPAIR TABLE thrift_raw.parks SYNC PARTITIONS", StatementKind.MSCK_DROP_PARTITIONS),
    ("CREATE EXTERNAL TABLE thrift_raw.etc (line string) LOCATION '{outside}'",
     StatementKind.CREATE_EXTERNAL_TABLE),
    ("ALTER TABLE thrift_raw.parks ADD PARTITION (year=1, month=1, day=1) LOCATION '{outside}'",
     StatementKind.ALTER_TABLE_ADD_PARTITION),
    ("CREATE TABLE thrift_raw.x USING parquet LOCATION '{lake}/raw/new' AS SELECT 1 AS a",
     StatementKind.CREATE_TABLE_AS),
    ("CREATE TABLE thrift_raw.x USING parquet LOCATION '{lake}/processed/scores' AS SELECT 1 AS a",
     StatementKind.CREATE_TABLE_AS),
    ("INSERT INTO thrift_raw.train SELECT 9, 9.0, 9", StatementKind.INSERT_INTO),
    ("SELECT count(*) FROM thrift_raw.train", None),
    ("SHOW TABLES IN thrift_raw", None),
    ("DESCRIBE thrift_raw.parks", None),
    ("EXPLAIN SELECT col0 FROM thrift_raw.train", None),
    ("CREATE EXTERNAL TABLE thrift_raw.parks_again (prop_id string, name string) PARTITIONED BY"
     " (year int, month int, day int) STORED AS PARQUET LOCATION '{lake}/raw/parks'", None),
    ("ALTER TABLE thrift_raw.parks_again ADD PARTITION (year=2019, month=7, day=4) LOCATION "
     "'{lake}/raw/parks/year=2019/month=7/day=4'", None),
    ("MSCK REPAIR TABLE thrift_raw.parks", None),
    ("CREATE TABLE thrift_processed.boroughs USING parquet LOCATION '{lake}/processed/boroughs'"
     " AS SELECT substr(prop_id, 1, 1) AS letter, count(*) AS parks FROM thrift_raw.parks"
     " GROUP BY 1", None),
    ("INSERT INTO thrift_processed.boroughs VALUES ('Q', 0)", None),
    ("DROP TABLE thrift_raw.parks_again", None),
]  # fmt: skip


def test_the_server_and_playgrounds_sql_decide_alike(spark: SparkSession, served: Served) -> None:
    """Both policies refuse the same statements, naming the same kind in the same words,
    and allow the same ones; the raw zone and the folder outside stay as they were."""
    raw, outside = tree_snapshot(served.raw), tree_snapshot(served.outside)
    zones = {
        "raw_zone": served.raw,
        "processed_zone": served.lake / "processed",
        "results_location": served.lake / "results",
    }
    for template, kind in IN_STEP:
        statement = template.format(lake=served.lake, outside=served.outside)
        if kind is None:
            check_statement(
                statement, dialect="spark", table_location=_table_location(spark), **zones
            )
            served.query(statement)
            continue
        with pytest.raises(StatementRefusedError) as in_python:
            check_statement(
                statement, dialect="spark", table_location=_table_location(spark), **zones
            )
        expected = f"{kind.value} is not allowed: "
        assert str(in_python.value).startswith(expected), statement
        with pytest.raises(Exception) as on_server:
            served.query(statement)
        if str(in_python.value) == expected + REFUSED.get(kind, ""):
            expected = str(in_python.value)  # the reason in REFUSED's words, word for word
        assert expected in str(on_server.value), statement
    assert served.query("SELECT * FROM thrift_processed.boroughs ORDER BY letter") == [
        ("B", 2),
        ("M", 4),
        ("Q", 0),
    ]
    assert (tree_snapshot(served.raw), tree_snapshot(served.outside)) == (raw, outside)


def test_no_auth_is_for_loopback_only(spark: SparkSession) -> None:
    with pytest.raises(InputError, match=r"--no-auth is only allowed on 127\.0\.0\.1/localhost"):
        start_thrift_server(spark, "0.0.0.0", free_port(), password=None)
    port = free_port()
    server = start_thrift_server(spark, "127.0.0.1", port, password=None)
    try:
        assert thrift_query(port, "SELECT 1") == [(1,)]
        with pytest.raises(Exception, match="DROP DATABASE is not allowed"):
            thrift_query(port, "DROP DATABASE thrift_raw CASCADE")
        # Without a lake, no table may point anywhere and nothing may be written.
        with pytest.raises(Exception, match=r"its LOCATION .* is outside the lake's zones \(no"):
            thrift_query(port, "CREATE EXTERNAL TABLE default.t (a string) LOCATION '/tmp'")
    finally:
        server.stop()
    # The port closes once the server has stopped; a loaded machine may take a moment.
    deadline = time.monotonic() + 15
    while wait_for_port("127.0.0.1", port, timeout=0.2):
        assert time.monotonic() < deadline, f"port {port} still open after stop"
        time.sleep(0.2)
