"""The Thrift JDBC server over the test session's catalog, with real PyHive clients.

``playgrounds catalog serve`` in its own process (and the lock it holds) is
tests/e2e/test_crawl_serve_cli.py; this starts the same server inside the test
JVM, so it costs no second JVM or metastore. One password-protected server
serves the whole module (the authentication and statement-policy tests).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pyspark.sql import SparkSession

from playgrounds.catalog.crawler import crawl
from playgrounds.catalog.serve import start_thrift_server, wait_for_port
from playgrounds.errors import InputError, PlaygroundsError
from tests.support.servers import free_port
from tests.support.zones import basic_zone

# Starts Spark's Thrift server.
pytestmark = pytest.mark.slow

pytest.importorskip("pyhive.hive", reason="pip install 'pyhive[hive_pure_sasl]'")

PASSWORD = "correct horse battery staple"
RETURNS_ROWS = frozenset({"SELECT", "SHOW", "DESCRIBE", "SET", "EXPLAIN"})


def query(port: int, sql: str, **login: Any) -> list[tuple[object, ...]]:
    """Run ``sql`` through PyHive; ``login`` defaults to the module's password."""
    from pyhive import hive

    login = login or {"auth": "CUSTOM", "password": PASSWORD}
    connection = hive.connect(host="127.0.0.1", port=port, username="analyst", **login)
    try:
        cursor = connection.cursor()
        cursor.execute(sql)
        if sql.split()[0].upper() not in RETURNS_ROWS:
            return []  # PyHive's fetchall fails on a statement without a result set
        return [tuple(row) for row in cursor.fetchall()]
    finally:
        connection.close()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def served(spark: SparkSession, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """``(port, zone)``: a server with PASSWORD over a crawled zone ``thrift_raw``."""
    zone = basic_zone(tmp_path_factory.mktemp("thrift") / "raw")
    crawl(spark, zone, "thrift-raw")
    port = free_port()
    server = start_thrift_server(spark, "127.0.0.1", port, password=PASSWORD)
    yield port, zone
    server.stop()


def test_thrift_server_answers_concurrent_clients(spark: SparkSession, served: Any) -> None:
    port, _ = served
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
            results[name] = query(port, queries[name])
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
    assert {row[1] for row in results["tables"]} == {"events", "income_ny", "parks", "train"}
    with pytest.raises(PlaygroundsError, match=f"cannot serve on 127.0.0.1:{port}"):
        start_thrift_server(spark, "127.0.0.1", port, password=PASSWORD)  # taken: no exit


@pytest.mark.parametrize(
    "login",
    [
        {"auth": "CUSTOM", "password": "wrong"},
        {"auth": "CUSTOM", "password": PASSWORD[:-1]},
        {"auth": "NONE"},  # PyHive's default: any name, no password
    ],
    ids=["wrong", "prefix", "none"],
)
def test_a_login_without_the_password_is_refused(served: Any, login: dict[str, str]) -> None:
    from thrift.transport.TTransport import TTransportException

    port, _ = served
    with pytest.raises(TTransportException, match="Error validating the login"):
        query(port, "SELECT 1", **login)


def test_a_file_path_query_is_an_unknown_table(served: Any) -> None:
    port, zone = served
    (parquet_file,) = (zone / "parks" / "year=2019" / "month=7" / "day=4").glob("*.parquet")
    with pytest.raises(Exception, match="TABLE_OR_VIEW_NOT_FOUND"):
        query(port, f"SELECT * FROM parquet.`{parquet_file}`")
    # A client cannot turn it back on, neither when it connects nor with SET.
    with pytest.raises(Exception, match="TABLE_OR_VIEW_NOT_FOUND"):
        query(
            port,
            f"SELECT * FROM parquet.`{parquet_file}`",
            auth="CUSTOM",
            password=PASSWORD,
            configuration={"spark.sql.runSQLOnFiles": "true"},
        )
    with pytest.raises(Exception, match="SET key=value is not allowed"):
        query(port, "SET spark.sql.runSQLOnFiles=true")
    assert query(port, "SET spark.sql.runSQLOnFiles") == [("spark.sql.runSQLOnFiles", "false")]


@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        ("INSERT OVERWRITE DIRECTORY '{target}' SELECT 1", "InsertIntoHiveDir is not allowed"),
        (
            "INSERT OVERWRITE DIRECTORY '{target}' USING csv SELECT 1",
            "InsertIntoDataSourceDir is not allowed",
        ),
        ("INSERT OVERWRITE TABLE thrift_raw.train SELECT 9, 9.0, 9", "INSERT OVERWRITE is not"),
        ("DROP DATABASE thrift_raw CASCADE", "DropNamespace is not allowed"),
        ("TRUNCATE TABLE thrift_raw.train", "TruncateTable is not allowed"),
        ("LOAD DATA LOCAL INPATH '{target}/keep.txt' INTO TABLE thrift_raw.train", "LoadData"),
        ("ADD JAR '{target}/keep.txt'", "AddJars is not allowed"),
        ("ALTER TABLE thrift_raw.train SET TBLPROPERTIES ('EXTERNAL'='FALSE')", "AlterTableSet"),
        ("CREATE FUNCTION f AS 'java.lang.String'", "CreateFunction is not allowed"),
        ("SELECT reflect('java.lang.System', 'exit', 1)", "reflect/java_method"),
        ("SELECT TRANSFORM(col0) USING 'cat' FROM thrift_raw.train", "TRANSFORM"),
    ],
    ids=lambda value: value.split()[0] if " " in value else None,
)
def test_statements_that_change_data_or_the_server_are_refused(
    served: Any, tmp_path: Path, statement: str, refusal: str
) -> None:
    port, zone = served
    target = tmp_path / "target"
    target.mkdir()
    (target / "keep.txt").write_text("1,0.5,3\n")
    before = snapshot(zone), snapshot(target)
    with pytest.raises(Exception, match=refusal):
        query(port, statement.format(target=target))
    assert (snapshot(zone), snapshot(target)) == before
    assert query(port, "SELECT count(*) FROM thrift_raw.train") == [(3,)]


def test_athena_statements_are_allowed_and_drop_table_is_catalog_only(served: Any) -> None:
    port, zone = served
    parks = snapshot(zone / "parks")
    query(port, "CREATE TABLE thrift_raw.copy USING parquet AS SELECT col0 FROM thrift_raw.train")
    query(port, "INSERT INTO thrift_raw.copy SELECT 7")
    assert query(port, "SELECT col0 FROM thrift_raw.copy ORDER BY col0") == [(0,), (1,), (1,), (7,)]
    with pytest.raises(Exception, match="DROP TABLE of a managed table"):
        query(port, "DROP TABLE thrift_raw.copy")  # would delete its data
    query(port, "DROP TABLE thrift_raw.parks")  # external: the catalog forgets it, data stays
    assert snapshot(zone / "parks") == parks
    query(port, f"CREATE TABLE thrift_raw.parks USING parquet LOCATION '{zone}/parks'")
    query(port, "MSCK REPAIR TABLE thrift_raw.parks")
    assert query(port, "SELECT count(*) FROM thrift_raw.parks") == [(6,)]


def test_no_auth_is_for_loopback_only(spark: SparkSession) -> None:
    with pytest.raises(InputError, match=r"--no-auth is only allowed on 127\.0\.0\.1/localhost"):
        start_thrift_server(spark, "0.0.0.0", free_port(), password=None)
    port = free_port()
    server = start_thrift_server(spark, "127.0.0.1", port, password=None)
    try:
        assert query(port, "SELECT 1", auth="NONE") == [(1,)]
        with pytest.raises(Exception, match="DropNamespace is not allowed"):
            query(port, "DROP DATABASE thrift_raw CASCADE", auth="NONE")
    finally:
        server.stop()
    # The port closes once the server has stopped; a loaded machine may take a moment.
    deadline = time.monotonic() + 15
    while wait_for_port("127.0.0.1", port, timeout=0.2):
        assert time.monotonic() < deadline, f"port {port} still open after stop"
        time.sleep(0.2)
