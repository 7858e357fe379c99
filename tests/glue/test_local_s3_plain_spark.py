"""Plain ``df.write`` / ``spark.read`` of s3:// in a job run by the runner: lake, or error."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from chispa import assert_df_equality
from pyspark.sql import SparkSession

from playgrounds.glue.runner import JobScriptError, LocalRun, run_job
from playgrounds.lake import local_s3


def _script(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "job.py"
    script.write_text(
        "from pyspark.context import SparkContext\n"
        "from pyspark.sql import SparkSession\n"
        "spark = SparkSession(SparkContext.getOrCreate())\n" + body
    )
    return script


def test_a_bucket_folder_under_the_root_is_mounted_for_plain_spark(
    spark: SparkSession, tmp_path: Path
) -> None:
    # Named nowhere in the job's arguments: found as a folder under the local S3 root.
    bucket = f"plain-{uuid.uuid4().hex[:8]}"
    (tmp_path / "s3" / bucket).mkdir(parents=True)
    script = _script(
        tmp_path,
        f"spark.range(3).write.parquet('s3://{bucket}/out/ids')\n"
        f"back = spark.read.parquet('s3a://{bucket}/out/ids')\n",
    )
    result = run_job(LocalRun(job=script, lake=tmp_path / "lake"), spark=spark)
    landed = spark.read.parquet(str(tmp_path / "s3" / bucket / "out" / "ids"))
    assert_df_equality(landed, spark.range(3), ignore_row_order=True, ignore_nullable=True)
    assert sorted(r.id for r in result["back"].collect()) == [0, 1, 2]


def test_a_write_to_an_unmounted_bucket_fails_naming_it_and_lands_nowhere(
    spark: SparkSession, tmp_path: Path
) -> None:
    # The reported case: another bucket is mounted (named by a job argument),
    # and the write to an unknown one used to land at /<key> on the local disk.
    mounted = f"mounted-{uuid.uuid4().hex[:8]}"
    unknown = f"unknown-{uuid.uuid4().hex[:8]}"
    key = f"playgrounds-stray-{uuid.uuid4().hex}"
    script = _script(tmp_path, f"spark.range(3).write.parquet('s3://{unknown}/{key}/ids')\n")
    run = LocalRun(job=script, args=("--out", f"s3://{mounted}/x"), lake=tmp_path / "lake")
    try:
        with pytest.raises(JobScriptError) as raised:
            run_job(run, spark=spark)
        assert not Path("/", key).exists(), "the write left the lake"
    finally:
        if Path("/", key).exists():  # clean up after the bug this test is about
            shutil.rmtree(Path("/", key))
    assert str(raised.value) == (
        f"{script} line 4: s3 bucket {unknown!r} is not mounted on this machine: create the "
        f"folder {tmp_path / 's3' / unknown} before the run or name the bucket in the job's "
        "arguments or --local-s3-buckets"
    )
    assert not (tmp_path / "s3" / unknown).exists()
    assert (tmp_path / "s3" / mounted).is_dir()  # the named bucket was mounted


def test_a_read_of_an_unmounted_bucket_fails_naming_it(spark: SparkSession, tmp_path: Path) -> None:
    unknown = f"unknown-{uuid.uuid4().hex[:8]}"
    script = _script(tmp_path, f"spark.read.parquet('s3a://{unknown}/t').count()\n")
    with pytest.raises(JobScriptError, match=f"s3 bucket '{unknown}' is not mounted"):
        run_job(LocalRun(job=script, lake=tmp_path / "lake"), spark=spark)


def test_bucket_folders_are_the_visible_folders_under_the_root(tmp_path: Path) -> None:
    for name in ("b-one", "b-two", "_glue_temp", ".staging"):
        (tmp_path / name).mkdir()
    (tmp_path / "file.txt").write_text("x")
    assert local_s3.bucket_folders(tmp_path) == ["b-one", "b-two"]
    assert local_s3.bucket_folders(tmp_path / "absent") == []
