"""``playgrounds crawl`` then ``playgrounds catalog serve`` as a user runs them.

Two processes share the catalog beside the lake: the crawl registers the
tables, the server (started afterwards) serves them to real clients and holds
the lock meanwhile.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from playgrounds.catalog.serve import wait_for_port
from tests.support.servers import free_port, thrift_query
from tests.support.zones import basic_zone

pytest.importorskip("pyhive.hive", reason="pip install 'pyhive[hive_pure_sasl]'")

PLAYGROUNDS = str(Path(sys.executable).parent / "playgrounds")


@pytest.mark.e2e
def test_crawl_then_serve_to_several_clients_holding_the_catalog(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    basic_zone(lake / "raw")
    port = free_port()
    # A throw-away catalog: Derby without fsync halves its creation (as in conftest.py).
    env = {**os.environ, "JAVA_TOOL_OPTIONS": "-Dderby.system.durability=test"}
    crawled = subprocess.run(
        [PLAYGROUNDS, "crawl", "raw", "--lake", str(lake)],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert crawled.returncode == 0, crawled.stderr
    assert "income_ny: created (csv, 6 columns, 2 partitions (+2))" in crawled.stderr
    (report,) = (lake / "catalog" / "crawls").glob("*-playgrounds-raw.json")
    assert [t["table"] for t in json.loads(report.read_text())["tables"]][:2] == [
        "events",
        "income_ny",
    ]
    server = subprocess.Popen(
        [
            PLAYGROUNDS,
            "catalog",
            "serve",
            "--lake",
            str(lake),
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        if not wait_for_port("127.0.0.1", port, timeout=120):
            server.kill()
            pytest.fail(f"server did not start: {server.communicate()[1][-2000:]}")
        queries = {
            "boroughs": "SELECT substr(prop_id, 1, 1) AS b, count(*) FROM playgrounds_raw.parks "
            "GROUP BY substr(prop_id, 1, 1) ORDER BY b",
            "train": "SELECT col0, col2 FROM playgrounds_raw.train ORDER BY col2",
            "income": "SELECT year, count(*) FROM playgrounds_raw.income_ny GROUP BY year "
            "ORDER BY year",
        }
        results: dict[str, list[tuple[object, ...]]] = {}

        def run(name: str) -> None:
            results[name] = thrift_query(port, queries[name])

        clients = [threading.Thread(target=run, args=(name,)) for name in queries]
        for client in clients:
            client.start()
        for client in clients:
            client.join(timeout=60)
        assert results == {
            "boroughs": [("B", 2), ("M", 4)],
            "train": [(1, 3), (0, 4), (1, 5)],
            "income": [(2016, 3), (2017, 3)],
        }
        # Any other command on the same catalog meanwhile: one sentence naming the server.
        busy = subprocess.run(
            [PLAYGROUNDS, "sql", "SELECT 1", "--lake", str(lake)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert busy.returncode == 1
        assert f"in use by process {server.pid} (catalog serve)" in busy.stderr
        assert "Failed to start database" not in busy.stderr
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert server.returncode == 0
