"""``playgrounds catalog serve``: Spark's Thrift JDBC server over the lake's catalog.

Embedded Derby admits one process; the server is that process, and every
client (beeline, a Python DB-API client such as PyHive, a BI tool) talks to it
over HiveServer2's Thrift protocol, so many can query at once. The server runs
inside this Python process's JVM (``HiveThriftServer2.startWithContext``), so
it uses the same session settings and metastore as every other command and
holds the catalog lock while it runs.
"""

from __future__ import annotations

import signal
import socket
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

from pyspark.sql import SparkSession

from playgrounds.catalog.metastore import catalog_lock, catalog_session
from playgrounds.errors import PlaygroundsError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 10000
START_TIMEOUT_S = 60.0


def _check_port_free(host: str, port: int) -> None:
    # Hive's Thrift service calls System.exit when it cannot bind: check first, in Python.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise PlaygroundsError(
                f"cannot serve on {host}:{port}: {error.strerror or error}; choose another --port"
            ) from None


def wait_for_port(host: str, port: int, timeout: float = START_TIMEOUT_S) -> bool:
    """True once something accepts TCP connections on ``host:port``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def jdbc_url(host: str, port: int, database: str = "default") -> str:
    """The JDBC address clients use."""
    return f"jdbc:hive2://{host}:{port}/{database}"


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _quiet_disconnects(spark: SparkSession) -> None:
    # Thrift logs every client that closes its socket as an ERROR with a stack; that is
    # how PyHive and port probes hang up, not a fault.
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    level = jvm.org.apache.logging.log4j.Level.FATAL
    jvm.org.apache.logging.log4j.core.config.Configurator.setLevel(
        "org.apache.thrift.server.TThreadPoolServer", level
    )


def start_thrift_server(
    spark: SparkSession, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT
) -> Any:
    """Start HiveServer2 (Thrift, binary) on ``host:port`` over ``spark``'s catalog; returns it.

    The caller keeps the session alive and calls ``.stop()`` on the result to
    close the port (the session and its SparkContext keep running).
    """
    _check_port_free(host, port)
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    _quiet_disconnects(spark)
    settings = {
        "hive.server2.thrift.bind.host": host,
        "hive.server2.thrift.port": str(port),
        "hive.server2.transport.mode": "binary",
    }
    # The server takes its HiveConf from this thread's Hive SessionState when one exists
    # (the metastore was used already, e.g. by --crawl), else from the session's conf.
    # Measured: with only the SQL conf set after a crawl, it listened on 10000.
    for key, value in settings.items():
        spark.conf.set(key, value)
    state = jvm.org.apache.hadoop.hive.ql.session.SessionState.get()
    if state is not None:
        for key, value in settings.items():
            state.getConf().set(key, value)
    server = jvm.org.apache.spark.sql.hive.thriftserver.HiveThriftServer2.startWithContext(
        spark._jsparkSession.sqlContext()
    )
    if not wait_for_port(host, port):
        server.stop()
        raise PlaygroundsError(f"the Thrift server did not open {host}:{port} within a minute")
    return server


def serve(
    lake: Path,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    on_ready: Callable[[str], None] | None = None,
    run_for: float | None = None,
    before: Callable[[SparkSession], None] | None = None,
) -> None:
    """Serve the catalog of ``lake`` over JDBC/Thrift until interrupted (or ``run_for`` seconds).

    ``before`` runs with the session first (``--crawl``): while the server holds
    the catalog no other process can crawl into it.
    """
    _check_port_free(host, port)
    with catalog_lock(lake, "catalog serve"):
        spark = catalog_session(lake, "playgrounds-thrift-server")
        if before is not None:
            before(spark)
        server = start_thrift_server(spark, host, port)
        if on_ready:
            on_ready(jdbc_url(host, port))
        previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
        try:
            started = time.monotonic()
            while run_for is None or time.monotonic() - started < run_for:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            server.stop()
            spark.stop()
