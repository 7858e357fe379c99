"""The bad-input cases run commands in this process: they must find the suite's session.

A command asks ``spark_session()`` for the running session; if a case ran
before any test had started the suite's (Hive-backed, tuned) session, the
command would start a plain one and every later test would get that instead.
"""

from __future__ import annotations

import pytest
from pyspark.sql import SparkSession


@pytest.fixture(autouse=True)
def suite_session_first(spark: SparkSession) -> SparkSession:
    """Start the suite's session before the command under test can start another."""
    return spark
