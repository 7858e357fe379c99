"""The local catalog: Spark's embedded Hive metastore kept beside the lake, one process at a time.

Layout under ``<lake>/catalog/``::

    metastore_db/   Derby database of the Hive metastore
    warehouse/      Spark's warehouse (empty: every crawled table is external)
    crawls/         one JSON report per crawl
    catalog.lock    held (flock) by the process using the catalog; holds its PID

Embedded Derby lets one JVM open the database at a time; a second one fails
with a long "Failed to start database" stack. A command therefore takes an
exclusive lock before starting Spark and keeps it until it exits, and a second
command at the same time gets one sentence naming the holder instead.
``playgrounds catalog serve`` is the way to share the catalog: it holds the
lock and serves queries from many clients over JDBC/Thrift.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from pyspark.sql import SparkSession

from playgrounds.errors import PlaygroundsError
from playgrounds.lake.layout import CATALOG_FOLDER

LOCK_FILE = "catalog.lock"


class CatalogBusyError(PlaygroundsError):
    """Another process holds the local catalog."""


def catalog_dir(lake: Path) -> Path:
    """Where the local catalog of ``lake`` lives."""
    return lake / CATALOG_FOLDER


def crawls_dir(lake: Path) -> Path:
    """Where crawl reports of ``lake`` are kept."""
    return catalog_dir(lake) / "crawls"


def catalog_exists(lake: Path) -> bool:
    """True once a crawl (or serve) has created the metastore of ``lake``."""
    return (catalog_dir(lake) / "metastore_db").is_dir()


def _holder(handle: IO[str]) -> str:
    handle.seek(0)
    text = handle.read().strip()
    return text or "an unknown process"


@contextmanager
def catalog_lock(lake: Path, command: str = "playgrounds") -> Iterator[Path]:
    """Hold the catalog of ``lake`` exclusively while the block runs; yields the catalog folder.

    The lock is an ``flock`` on ``catalog.lock``: the kernel releases it when the
    process ends, however it ends, so a crash never leaves a stale lock.
    """
    with metastore_lock(catalog_dir(lake), command) as folder:
        yield folder


@contextmanager
def metastore_lock(folder: Path, command: str = "playgrounds") -> Iterator[Path]:
    """:func:`catalog_lock` for a metastore kept in ``folder`` (``glue-local --metastore``)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_FILE
    # "a+" so opening does not truncate the holder's PID before we know we own the lock.
    handle = path.open("a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CatalogBusyError(
                f"The catalog at {folder} is in use by {_holder(handle)}; wait for it to "
                "finish (embedded Derby allows one process at a time), or query it through "
                "`playgrounds catalog serve`."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()} ({command})\n")
        handle.flush()
        yield folder
    finally:
        # Closing the descriptor drops the flock; the file stays (harmless, reused).
        handle.close()


def catalog_session(
    lake: Path, app_name: str = "playgrounds-catalog", conf: dict[str, str] | None = None
) -> SparkSession:
    """A SparkSession over the Hive metastore of ``lake`` (call inside :func:`catalog_lock`)."""
    from playgrounds.spark import spark_session

    return spark_session(app_name, conf=conf, hive_metastore_dir=catalog_dir(lake).resolve())


@contextmanager
def open_catalog(lake: Path, command: str = "playgrounds") -> Iterator[SparkSession]:
    """Lock the catalog of ``lake`` and give a SparkSession over it; the lock lasts the block."""
    with catalog_lock(lake, command):
        yield catalog_session(lake, f"playgrounds-{command.split()[0]}")
