"""The Thrift JDBC server over the test session's catalog, with several PyHive clients at once.

``playgrounds catalog serve`` in its own process (and the lock it holds) is
tests/e2e/test_crawl_serve_cli.py; this starts the same server inside the test
JVM, so it costs no second JVM or metastore.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from playgrounds.catalog.crawler import crawl
from playgrounds.catalog.serve import start_thrift_server, wait_for_port
from playgrounds.errors import PlaygroundsError
from tests.support.servers import free_port, thrift_query
from tests.support.zones import basic_zone

# Starts Spark's Thrift server.
pytestmark = pytest.mark.slow

pytest.importorskip("pyhive.hive", reason="pip install 'pyhive[hive_pure_sasl]'")


def test_thrift_server_answers_concurrent_clients(spark: SparkSession, tmp_path: Path) -> None:
    crawl(spark, basic_zone(tmp_path / "raw"), "thrift-raw")
    port = free_port()
    server = start_thrift_server(spark, "127.0.0.1", port)
    try:
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
                results[name] = thrift_query(port, queries[name])
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
            start_thrift_server(spark, "127.0.0.1", port)  # taken: one sentence, no exit
    finally:
        server.stop()
    # The port closes once the server has stopped; a loaded machine may take a moment.
    deadline = time.monotonic() + 15
    while wait_for_port("127.0.0.1", port, timeout=0.2):
        assert time.monotonic() < deadline, f"port {port} still open after stop"
        time.sleep(0.2)
