"""Fixtures for the Glue shim tests: the shim on sys.path, a GlueContext, per-test lake folders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pyspark.sql import SparkSession

from playgrounds.glue import bookmarks, csv_choices
from playgrounds.glue.runner import install_shim


@pytest.fixture(autouse=True)
def lake_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test gets its own local S3 root, bookmark root and choice cache (no map file)."""
    monkeypatch.setenv("PLAYGROUNDS_LOCAL_S3", str(tmp_path / "s3"))
    monkeypatch.setenv(bookmarks.ROOT_ENV, str(tmp_path / "bookmarks"))
    monkeypatch.setenv(csv_choices.CACHE_ENV, str(tmp_path / "csv-choices"))
    monkeypatch.delenv("PLAYGROUNDS_GLUE_CATALOG_MAP", raising=False)
    yield tmp_path
    bookmarks.activate(None)


@pytest.fixture(scope="session")
def glue_context(spark: SparkSession) -> Any:
    """A GlueContext imported as a Glue script imports it (``awsglue.context``)."""
    assert install_shim(), "a real awsglue is installed: these tests are for the shim"
    from awsglue.context import GlueContext

    return GlueContext(spark.sparkContext)
