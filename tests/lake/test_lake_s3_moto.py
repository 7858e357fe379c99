"""The S3 side of the lake against a real moto server: boto3 talks HTTP to it, no mocks."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from pyspark.sql import SparkSession

from playgrounds.cli import main
from playgrounds.errors import InputError
from playgrounds.lake.zones import Lake, S3Zone, open_zone
from playgrounds.sources.ingest import ingest_income, ingest_nyc_parks_json
from tests.support.servers import bucket_snapshot

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
SAMPLE_CSV = SAMPLES / "16zpallagi.csv"
DAY = dt.date(2019, 7, 4)


def test_income_into_s3_then_skip_then_force(
    s3_bucket: str, moto_endpoint: str, tmp_path: Path
) -> None:
    raw = f"s3://{s3_bucket}/lake/raw"
    result = ingest_income(raw, source=str(SAMPLE_CSV))
    key = "lake/raw/income-ny/year=2016/income.csv"
    assert result.path == f"s3://{s3_bucket}/{key}"
    assert bucket_snapshot(s3_bucket, moto_endpoint) == {key: SAMPLE_CSV.read_bytes()}

    smaller = tmp_path / "16zpallagi.csv"
    smaller.write_bytes(b"".join(SAMPLE_CSV.read_bytes().splitlines(keepends=True)[:4]))
    assert ingest_income(raw, source=str(smaller)).skipped
    assert bucket_snapshot(s3_bucket, moto_endpoint)[key] == SAMPLE_CSV.read_bytes()

    forced = ingest_income(raw, source=str(smaller), force=True)
    assert forced.rows == 3
    assert bucket_snapshot(s3_bucket, moto_endpoint) == {key: smaller.read_bytes()}


def test_bad_csv_leaves_bucket_unchanged(
    s3_bucket: str, moto_endpoint: str, tmp_path: Path
) -> None:
    raw = f"s3://{s3_bucket}/raw"
    ingest_income(raw, source=str(SAMPLE_CSV))
    before = bucket_snapshot(s3_bucket, moto_endpoint)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(SAMPLE_CSV.read_bytes()[:5000])
    with pytest.raises(InputError, match=r"bad\.csv line \d+ has \d+ fields"):
        ingest_income(raw, source=str(bad), force=True)
    assert bucket_snapshot(s3_bucket, moto_endpoint) == before


def test_missing_bucket_is_a_clear_error(s3_bucket: str) -> None:
    with pytest.raises(InputError, match=r"bucket no-such-bucket-x1 does not exist"):
        ingest_income("s3://no-such-bucket-x1/raw", source=str(SAMPLE_CSV))


def test_parks_into_s3_with_stable_object_names(
    spark: SparkSession, s3_bucket: str, moto_endpoint: str
) -> None:
    lake = Lake(f"s3://{s3_bucket}/lake")
    assert isinstance(lake.raw, S3Zone)  # AWS_ENDPOINT_URL is set: boto3, not the local map
    prefix = "lake/raw/parks/year=2019/month=7/day=4"
    for _ in range(2):  # a rerun replaces the same objects, leaving no stale ones
        result = ingest_nyc_parks_json(spark, lake.raw, "parks", day=DAY, source=str(SAMPLES))
        objects = bucket_snapshot(s3_bucket, moto_endpoint)
        assert sorted(objects) == [f"{prefix}/_SUCCESS", f"{prefix}/part-00000.snappy.parquet"]
    table = pq.read_table(io.BytesIO(objects[f"{prefix}/part-00000.snappy.parquet"]))
    assert table.num_rows == result.rows == 60
    assert table.column_names == ["Prop_ID", "Name", "Location", "Zip"]
    assert lake.raw.exists("parks/year=2019/month=7/day=4")
    assert lake.raw.list_keys("parks") == [
        "parks/year=2019/month=7/day=4/part-00000.snappy.parquet"
    ]


def test_cli_ingest_income_to_s3_uses_aws_endpoint_url(
    s3_bucket: str, moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["ingest", "income", "--lake", f"s3://{s3_bucket}/lake", "--source", str(SAMPLES)]
    assert main(args) == 0
    assert main([*args, "--force"]) == 0
    assert main(args) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"income: wrote 150 rows, 85,963 bytes to s3://{s3_bucket}/lake/raw/")
    assert out[1].startswith("income: wrote 150 rows")
    assert "already there, skipped" in out[2]
    assert list(bucket_snapshot(s3_bucket, moto_endpoint)) == [
        "lake/raw/income-ny/year=2016/income.csv"
    ]


def test_a_dataset_is_one_object_on_s3_and_parallel_files_locally(
    spark: SparkSession, s3_bucket: str, moto_endpoint: str, tmp_path: Path
) -> None:
    # S3 cannot swap a folder of several objects at once: one object, one PUT.
    frame = spark.range(40).repartition(4)
    S3Zone(s3_bucket, "processed").replace_with_parquet("scores", frame)
    objects = [key for key in bucket_snapshot(s3_bucket, moto_endpoint) if key.endswith(".parquet")]
    assert len(objects) == 1
    # A local folder is swapped in whole: the write keeps the frame's partitions.
    local = open_zone(tmp_path / "processed")
    local.replace_with_parquet("scores", frame)
    assert len(list((tmp_path / "processed" / "scores").glob("*.parquet"))) == 4
    assert spark.read.parquet(str(tmp_path / "processed" / "scores")).count() == 40
