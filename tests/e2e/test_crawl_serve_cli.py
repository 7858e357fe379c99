"""``playgrounds crawl`` then ``playgrounds catalog serve`` as a user runs them.

Two processes share the catalog beside the lake: the crawl registers the
tables, the server (started afterwards) serves them to real clients and holds
the lock meanwhile. Clients log in with the password the server generated.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from playgrounds.catalog.serve import wait_for_port
from tests.support.servers import free_port, thrift_query
from tests.support.snapshots import tree_snapshot
from tests.support.zones import basic_zone

pytest.importorskip("pyhive.hive", reason="pip install 'pyhive[hive_pure_sasl]'")

PLAYGROUNDS = str(Path(sys.executable).parent / "playgrounds")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--port", "99999"], "99999 is not in the range 1<=x<=65535"),
        (["--port", "0"], "0 is not in the range 1<=x<=65535"),
        (["--host", "0.0.0.0", "--no-auth"], "--no-auth is only allowed on 127.0.0.1/localhost"),
    ],
)
def test_serve_refuses_bad_options_before_starting(
    tmp_path: Path, options: list[str], message: str
) -> None:
    refused = subprocess.run(
        [PLAYGROUNDS, "catalog", "serve", "--lake", str(tmp_path), *options],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode in (1, 2)
    assert message in " ".join(refused.stderr.split())
    assert not (tmp_path / "catalog").exists()  # nothing started


@pytest.mark.e2e
@pytest.mark.slow  # starts the server
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
        token_file = lake / "catalog" / "serve.token"
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
        password = token_file.read_text().strip()
        assert len(password) >= 32
        with pytest.raises(Exception, match="Error validating the login"):
            thrift_query(port, "SELECT 1", password=password[::-1])
        queries = {
            "boroughs": "SELECT substr(prop_id, 1, 1) AS b, count(*) FROM playgrounds_raw.parks "
            "GROUP BY substr(prop_id, 1, 1) ORDER BY b",
            "train": "SELECT col0, col2 FROM playgrounds_raw.train ORDER BY col2",
            "income": "SELECT year, count(*) FROM playgrounds_raw.income_ny GROUP BY year "
            "ORDER BY year",
        }
        results: dict[str, list[tuple[object, ...]]] = {}

        def run(name: str) -> None:
            results[name] = thrift_query(port, queries[name], password)

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
        # The server knows this lake's zones: tables stay inside, the raw zone is ingest's.
        outside = tmp_path / "outside"
        (outside / "secret.csv").parent.mkdir()
        (outside / "secret.csv").write_text("password,hunter2\n")
        raw_before = tree_snapshot(lake / "raw")
        with pytest.raises(Exception, match="CREATE EXTERNAL TABLE is not allowed: its LOCATION"):
            thrift_query(
                port,
                "CREATE EXTERNAL TABLE playgrounds_raw.secret (line string) STORED AS TEXTFILE "
                f"LOCATION '{outside}'",
                password,
            )
        with pytest.raises(Exception, match=r"INSERT INTO is not allowed: playgrounds_raw\.train"):
            thrift_query(port, "INSERT INTO playgrounds_raw.train SELECT 9, 9.0, 9", password)
        assert tree_snapshot(lake / "raw") == raw_before
        assert tree_snapshot(outside) == {"secret.csv": b"password,hunter2\n"}
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
    assert password in server.communicate()[1]  # printed once, at start
