"""Real servers for the ingest and lake tests: a scripted HTTP server and a moto S3 server.

Both run in threads of the test process and are started once per session
(shared by every conftest that imports these fixtures). Tests talk to them
over real sockets: urllib to the HTTP server, boto3 to moto.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest


@dataclass(frozen=True)
class Reply:
    """One scripted answer: status, body, content type, and faults to inject."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/octet-stream"
    # Send only this many body bytes (while announcing the full length), then hang up.
    cut_after: int | None = None
    # Wait this long before answering (to trigger client timeouts).
    delay: float = 0.0
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def file(cls, path: Path, content_type: str = "application/octet-stream") -> Reply:
        """Serve a file's bytes."""
        return cls(body=path.read_bytes(), content_type=content_type)


class ScriptedHTTPServer:
    """Serves each path from a list of replies, one per request; the last one repeats."""

    def __init__(self) -> None:
        self._routes: dict[str, list[Reply]] = {}
        self.hits: dict[str, int] = {}
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner._answer(self)

            def log_message(self, format: str, *args: Any) -> None:
                return  # keep pytest output clean

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def route(self, replies: list[Reply], name: str = "data.csv") -> str:
        """Register replies under a fresh path; returns its URL."""
        path = f"/{uuid.uuid4().hex[:8]}/{name}"
        with self._lock:
            self._routes[path] = list(replies)
            self.hits[path] = 0
        return self.base_url + path

    def hits_of(self, url: str) -> int:
        """How many requests the URL has had."""
        return self.hits[url.removeprefix(self.base_url)]

    def _answer(self, request: BaseHTTPRequestHandler) -> None:
        with self._lock:
            replies = self._routes.get(request.path)
            if replies is None:
                reply = Reply(status=404, body=b"not found", content_type="text/plain")
            else:
                index = self.hits[request.path]
                self.hits[request.path] += 1
                reply = replies[min(index, len(replies) - 1)]
        if reply.delay:
            time.sleep(reply.delay)
        with contextlib.suppress(ConnectionError):
            request.send_response(reply.status)
            request.send_header("Content-Type", reply.content_type)
            request.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers:
                request.send_header(name, value)
            request.end_headers()
            body = reply.body if reply.cut_after is None else reply.body[: reply.cut_after]
            request.wfile.write(body)
            request.wfile.flush()
            if reply.cut_after is not None:
                request.close_connection = True

    def stop(self) -> None:
        """Shut the server down."""
        self._server.shutdown()
        self._server.server_close()


_shared: dict[str, Any] = {}


@pytest.fixture(scope="session")
def http_server() -> Iterator[ScriptedHTTPServer]:
    """One scripted HTTP server for the session."""
    if "http" not in _shared:
        _shared["http"] = ScriptedHTTPServer()
    yield _shared["http"]


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A real moto S3 server on 127.0.0.1 (HTTP); yields its endpoint URL."""
    if "moto" not in _shared:
        pytest.importorskip("moto.server", reason="pip install 'moto[server]' (the test extra)")
        from moto.server import ThreadedMotoServer

        port = free_port()
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        _shared["moto"] = (server, f"http://127.0.0.1:{port}")
    yield _shared["moto"][1]


@pytest.fixture
def s3_bucket(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh bucket on the moto server, with the environment pointing boto3 at it."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("PLAYGROUNDS_S3", raising=False)
    import boto3

    bucket = f"test-{uuid.uuid4().hex[:10]}"
    boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1").create_bucket(
        Bucket=bucket
    )
    yield bucket


def bucket_snapshot(bucket: str, endpoint: str) -> dict[str, bytes]:
    """Every object in ``bucket`` with its bytes."""
    import boto3

    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    objects: dict[str, bytes] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            objects[item["Key"]] = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
    return objects


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# The statements whose answer is rows, by their first word.
THRIFT_ROW_STATEMENTS = frozenset({"SELECT", "WITH", "VALUES", "SHOW", "DESCRIBE", "DESC", "SET",
                                   "EXPLAIN"})  # fmt: skip


def thrift_query(
    port: int,
    sql: str,
    password: str | None = None,
    configuration: dict[str, str] | None = None,
) -> list[tuple[object, ...]]:
    """Run ``sql`` through a real DB-API client (PyHive) against the Thrift server on ``port``.

    With ``password`` it logs in as HiveServer2's CUSTOM authentication wants (any user
    name), else with none; ``configuration`` is the session's settings, sent at connect.
    A statement without a result set returns ``[]``.
    """
    from pyhive import hive

    login: dict[str, Any] = {"auth": "CUSTOM", "password": password} if password is not None else {}
    connection = hive.connect(
        host="127.0.0.1", port=port, username="analyst", configuration=configuration, **login
    )
    try:
        cursor = connection.cursor()
        cursor.execute(sql)
        if sql.split()[0].upper() not in THRIFT_ROW_STATEMENTS:
            # PyHive's fetchall fails on a statement without rows (CTAS announces a result set).
            return []
        return [tuple(row) for row in cursor.fetchall()]
    finally:
        connection.close()
