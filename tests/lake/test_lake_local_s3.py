"""Without an S3 connector, ``s3://bucket/x`` is one local folder for both Python and Spark."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from playgrounds.lake import local_s3
from playgrounds.lake.zones import Lake, LocalZone, open_zone
from playgrounds.sources.ingest import ingest_nyc_parks_json

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


@pytest.fixture
def bucket() -> str:
    # Hadoop caches a file system per bucket, so each test mounts a fresh one.
    return f"map-{uuid.uuid4().hex[:8]}"


def test_python_writes_spark_reads(spark: SparkSession, tmp_path: Path, bucket: str) -> None:
    lake = Lake(f"s3://{bucket}/lake", s3="local", local_s3_root=tmp_path)
    result = ingest_nyc_parks_json(
        spark, lake.raw, "parks", day=dt.date(2019, 7, 4), source=str(SAMPLES)
    )
    assert result.path == f"s3://{bucket}/lake/raw/parks/year=2019/month=7/day=4"
    local_s3.mount_buckets(spark, [bucket], tmp_path)
    assert spark.read.parquet(result.path).count() == result.rows == 60


def test_spark_writes_python_finds(spark: SparkSession, tmp_path: Path, bucket: str) -> None:
    local_s3.mount_buckets(spark, [bucket], tmp_path)
    spark.range(5).write.parquet(f"s3://{bucket}/some/table")
    zone = open_zone(f"s3://{bucket}/some", s3="local", local_s3_root=tmp_path)
    assert isinstance(zone, LocalZone)
    assert zone.exists("table")
    assert zone.folder / "table" == tmp_path / bucket / "some" / "table"
    assert [k for k in zone.list_keys("table") if k.endswith(".parquet")]
