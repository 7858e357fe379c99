"""The prep step writes through the lake's one writer: a failed run keeps the old partition."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from playgrounds.errors import InputError
from playgrounds.pipeline.prep import run_prep
from tests.support.snapshots import tree_snapshot

DAY = dt.date(2019, 7, 4)


@pytest.fixture
def raw(tmp_path: Path, samples_dir: Path) -> Path:
    """A writable copy of the samples to spoil."""
    folder = tmp_path / "raw"
    shutil.copytree(samples_dir, folder)
    return folder


def test_failed_run_leaves_previous_output_intact(spark: SparkSession, raw: Path) -> None:
    processed = raw.parent / "processed"
    first = run_prep(spark, raw, processed, day=DAY)
    before = tree_snapshot(processed)
    assert first.rows == 345  # the samples' prep output (README)

    (raw / "DPR_Parks_sample.json").write_text("<html>Service Unavailable</html>")
    with pytest.raises(InputError):
        run_prep(spark, raw, processed, day=DAY)
    assert tree_snapshot(processed) == before
