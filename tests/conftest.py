"""One SparkSession for the whole suite, tuned for small inline frames (see STYLE.md).

The real servers of tests/support/servers.py (HTTP, moto S3) are fixtures for
every folder; the zone builders and job data in tests/support/ are imported
as ``tests.support.*`` (pytest's ``pythonpath = .`` in setup.cfg).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from playgrounds.spark import FAST_LOCAL_CONF, spark_session
from tests.support.servers import http_server, moto_endpoint, s3_bucket

__all__ = ["http_server", "moto_endpoint", "real_data_dir", "s3_bucket", "samples_dir", "spark"]

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLES_DIR = REPO_ROOT / "data" / "samples"
REAL_DATA_DIR = REPO_ROOT.parent / "shared" / "data" / "nyc-2019"


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkSession]:
    """local[1], one shuffle partition, no UI, no AQE: measured fastest for tiny frames."""
    metastore = tmp_path_factory.mktemp("metastore")
    session = spark_session(
        "playgrounds-tests",
        master="local[1]",
        conf=FAST_LOCAL_CONF,
        hive_metastore_dir=metastore,
    )
    # Derby without fsync for this throw-away metastore: its first use 10.6 s -> 5.7 s.
    # Set before Derby boots (on the first catalog call); never for a user's
    # catalog, where a crash must not corrupt it.
    jvm = session.sparkContext._jvm
    assert jvm is not None
    jvm.java.lang.System.setProperty("derby.system.durability", "test")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def real_data_dir() -> Path:
    """The published inputs beside the checkout; skips cleanly where they are absent."""
    if not REAL_DATA_DIR.is_dir():
        pytest.skip(f"real data not found at {REAL_DATA_DIR} (it lives in ../shared/data/nyc-2019)")
    return REAL_DATA_DIR


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """The committed sample inputs (data/samples/)."""
    return SAMPLES_DIR


# Tests that use a real server are slow to set up; `make test-fast` leaves them out.
SERVER_FIXTURES = frozenset({"http_server", "moto_endpoint", "s3_bucket"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses a server fixture ``slow`` (others mark themselves)."""
    for item in items:
        if SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
