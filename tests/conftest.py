"""One SparkSession for the whole suite, tuned for small inline frames (see STYLE.md)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from playgrounds.spark import FAST_LOCAL_CONF, spark_session

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
