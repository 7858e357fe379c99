"""``playgrounds catalog serve``: Spark's Thrift JDBC server over the lake's catalog.

Embedded Derby admits one process; the server is that process, and every
client (beeline, a Python DB-API client such as PyHive, a BI tool) talks to it
over HiveServer2's Thrift protocol, so many can query at once. The server runs
inside this Python process's JVM (``HiveThriftServer2.startWithContext``), so
it uses the same session settings and metastore as every other command and
holds the catalog lock while it runs.

Clients log in with a password (HiveServer2's CUSTOM authentication, checked by
``jvm/PasswordAuthenticator.java``), and every statement passes
``jvm/StatementPolicy.java`` (Athena's statement set, with the lake's rules on
locations: the decisions of ``playgrounds/sql/policy.py``) with file-path
queries off. The threat model is in docs/catalog.md.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import secrets
import signal
import socket
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

from pyspark.sql import SparkSession

from playgrounds.catalog.jvm import AUTHENTICATOR, served_session
from playgrounds.catalog.metastore import catalog_dir, catalog_lock, catalog_session
from playgrounds.errors import InputError, PlaygroundsError
from playgrounds.lake.layout import PROCESSED_ZONE, RAW_ZONE, RESULTS_FOLDER

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 10000
START_TIMEOUT_S = 60.0
TOKEN_FILE = "serve.token"
PASSWORD_ENV = "PLAYGROUNDS_SERVE_PASSWORD"
# Read by PasswordAuthenticator.java; set at run time, so no command line shows it.
DIGEST_PROPERTY = "playgrounds.serve.password.sha256"


def is_loopback(host: str) -> bool:
    """True when every address ``host`` names is this machine's loopback."""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None, socket.AF_INET)}
    except OSError:
        return False
    return bool(addresses) and all(ipaddress.ip_address(a).is_loopback for a in addresses)


def token_path(lake: Path) -> Path:
    """Where ``catalog serve`` writes the password it generates (mode 0600)."""
    return catalog_dir(lake) / TOKEN_FILE


def write_new_token(lake: Path) -> str:
    """Generate a password, write it to :func:`token_path` readable by this user only; return it."""
    token = secrets.token_urlsafe(24)
    path = token_path(lake)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{TOKEN_FILE}.{os.getpid()}")
    # Created 0600 (never readable by others, not even for a moment), then renamed over.
    handle = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(token + "\n")
    os.replace(staging, path)
    return token


def read_password_file(path: Path) -> str:
    """The password in ``path`` (its first line)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise InputError(f"cannot read the password file {path}: {error.strerror}") from None
    if not lines or not lines[0].strip():
        raise InputError(f"the password file {path} is empty")
    return lines[0].strip()


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


def lake_zones(lake: Path) -> dict[str, Path]:
    """The folders the statement policy knows: tables point into ``raw`` or ``processed``,
    writes go to ``processed`` or (CREATE TABLE AS) ``results`` (as ``LakeZones.of_lake``
    in ``playgrounds/sql/policy.py``, which this layer cannot import)."""
    return {name: lake / name for name in (RAW_ZONE, PROCESSED_ZONE, RESULTS_FOLDER)}


def check_exposure(host: str, authenticate: bool) -> None:
    """Refuse to serve without a password on an address other machines can reach."""
    if not authenticate and not is_loopback(host):
        raise InputError(
            f"--host {host} lets other machines connect, so --no-auth is only allowed on "
            "127.0.0.1/localhost: drop --no-auth (clients then log in with a password)"
        )


def start_thrift_server(
    spark: SparkSession,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    password: str | None,
    lake: Path | None = None,
) -> Any:
    """Start HiveServer2 (Thrift, binary) on ``host:port`` over ``spark``'s catalog; returns it.

    Clients log in with ``password`` (any user name); ``None`` lets anyone in and
    is refused unless ``host`` is loopback. Every client statement passes the
    statement policy, with file-path queries off; table locations and writes
    must stay in ``lake``'s zones (without a lake: reads only). The caller keeps the session
    alive and calls ``.stop()`` on the result to close the port (the session and
    its SparkContext keep running).
    """
    check_exposure(host, authenticate=password is not None)
    if password == "":
        raise InputError("the password is empty")
    _check_port_free(host, port)
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    _quiet_disconnects(spark)
    # Loads our classes too (the authenticator is looked up by name at each login).
    zones = lake_zones(lake) if lake is not None else {}
    served = served_session(
        spark,
        raw=zones.get(RAW_ZONE),
        processed=zones.get(PROCESSED_ZONE),
        results=zones.get(RESULTS_FOLDER),
    )
    system = jvm.java.lang.System
    if password is None:
        system.clearProperty(DIGEST_PROPERTY)
    else:
        system.setProperty(DIGEST_PROPERTY, hashlib.sha256(password.encode()).hexdigest())
    # HiveServer2 builds the authenticator at each login from a fresh `new HiveConf()`
    # (CustomAuthenticationProviderImpl), which sees system properties, not the session.
    system.setProperty("hive.server2.custom.authentication.class", AUTHENTICATOR)
    settings = {
        "hive.server2.thrift.bind.host": host,
        "hive.server2.thrift.port": str(port),
        "hive.server2.transport.mode": "binary",
        "hive.server2.authentication": "NONE" if password is None else "CUSTOM",
    }
    # The server takes its HiveConf from this thread's Hive SessionState when one exists
    # (the metastore was used already, e.g. by --crawl), else from the session's conf.
    # Measured: with only the SQL conf set after a crawl, it listened on 10000.
    for key, value in settings.items():
        served.conf().set(key, value)
    state = jvm.org.apache.hadoop.hive.ql.session.SessionState.get()
    if state is not None:
        for key, value in settings.items():
            state.getConf().set(key, value)
    server = jvm.org.apache.spark.sql.hive.thriftserver.HiveThriftServer2.startWithContext(
        served.sqlContext()
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
    password: str | None = None,
    authenticate: bool = True,
    on_ready: Callable[[str, str | None], None] | None = None,
    run_for: float | None = None,
    before: Callable[[SparkSession], None] | None = None,
) -> None:
    """Serve the catalog of ``lake`` over JDBC/Thrift until interrupted (or ``run_for`` seconds).

    Clients log in with ``password``; without one (and with ``authenticate``) a new
    one is generated into :func:`token_path` and handed to ``on_ready(url, token)``
    (``token`` is ``None`` when the password was given or authentication is off).
    ``before`` runs with the session first (``--crawl``): while the server holds
    the catalog no other process can crawl into it.
    """
    check_exposure(host, authenticate)
    _check_port_free(host, port)
    with catalog_lock(lake, "catalog serve"):
        token = None
        if authenticate and password is None:
            # Written under the lock: a server already running keeps its own token file.
            token = password = write_new_token(lake)
        secret = password if authenticate else None
        spark = catalog_session(lake, "playgrounds-thrift-server")
        if before is not None:
            before(spark)
        server = start_thrift_server(spark, host, port, password=secret, lake=lake)
        if on_ready:
            on_ready(jdbc_url(host, port), token)
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
