"""The local runner: the shim on sys.path, Glue's argv, the adopted SparkContext, a whole job."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import uuid
from pathlib import Path

import pytest
from chispa import assert_df_equality
from pyspark import SparkContext
from pyspark.sql import SparkSession

from playgrounds.glue.errors import UnsupportedGlueFeatureError
from playgrounds.glue.runner import (
    SHIM_DIR,
    LocalRun,
    adopt_spark_context,
    glue_argv,
    install_shim,
    real_awsglue_present,
    run_job,
)
from tests.glue.jobdata import DAY, expected_output, register_raw_tables, write_raw_zone

REPO = Path(__file__).resolve().parents[2]
PREP_JOB = REPO / "jobs" / "prep_data_for_ml.py"


def test_shim_is_used_only_without_the_real_library() -> None:
    assert not real_awsglue_present()
    assert install_shim()
    import awsglue

    assert Path(awsglue.__file__).resolve().is_relative_to(SHIM_DIR)
    assert sys.path.count(str(SHIM_DIR)) == 1
    assert install_shim()  # idempotent
    assert sys.path.count(str(SHIM_DIR)) == 1


def test_glue_argv_puts_glues_options_before_the_users() -> None:
    run = LocalRun(
        job=PREP_JOB, args=("--date", "2019-07-04"), bookmark_option="job-bookmark-enable"
    )
    argv = glue_argv(run)
    job_id, run_id = argv[4], argv[6]  # fresh per run
    assert re.fullmatch("j_[0-9a-f]{32}", job_id) is not None
    assert re.fullmatch("jr_[0-9a-f]{32}", run_id) is not None
    assert argv == [
        str(PREP_JOB), "--JOB_NAME", "prep_data_for_ml",
        "--JOB_ID", job_id, "--JOB_RUN_ID", run_id,
        "--job-bookmark-option", "job-bookmark-enable",
        "--TempDir", str((run.lake / "_glue_temp").resolve()),
        "--date", "2019-07-04",
    ]  # fmt: skip


def test_adopted_context_is_returned_and_the_class_restored(spark: SparkSession) -> None:
    with adopt_spark_context(lambda: spark):
        assert SparkContext() is spark.sparkContext
        assert SparkContext.getOrCreate() is spark.sparkContext
        with pytest.raises(UnsupportedGlueFeatureError, match=r"SparkContext\('local'\)"):
            SparkContext("local")
    assert "__new__" not in SparkContext.__dict__
    assert SparkContext.getOrCreate() is spark.sparkContext


def test_prep_job_reads_the_metastore_and_matches_the_library(
    spark: SparkSession, tmp_path: Path
) -> None:
    raw = tmp_path / "raw"
    write_raw_zone(spark, raw)
    database = f"job-raw-{uuid.uuid4().hex[:8]}"
    register_raw_tables(spark, raw, database)
    processed = tmp_path / "processed"
    args = (
        "--raw_database", database, "--processed_zone", str(processed),
        "--date", DAY.isoformat(), "--income_year", "2016", "--state", "NY",
    )  # fmt: skip
    run_job(LocalRun(job=PREP_JOB, args=args, lake=tmp_path / "lake"), spark=spark)
    written = spark.read.parquet(str(processed / "processed" / "year=2019/month=7/day=4"))
    assert_df_equality(written, expected_output(spark), ignore_nullable=True, ignore_row_order=True)
    assert written.count() == 3  # every playground kept, the unmatched one with null income


def test_job_errors_name_the_problem(tmp_path: Path, spark: SparkSession) -> None:
    from playgrounds.glue.options import GlueArgumentError

    with pytest.raises(GlueArgumentError, match="--processed_zone"):
        run_job(LocalRun(job=PREP_JOB, args=("--raw_database", "x")), spark=spark)
    script = tmp_path / "job.py"
    script.write_text(
        "from awsglue.context import GlueContext\n"
        "from pyspark.context import SparkContext\n"
        "GlueContext(SparkContext()).forEachBatch(None, None)\n"
    )
    with pytest.raises(UnsupportedGlueFeatureError, match=r"GlueContext\.forEachBatch"):
        run_job(LocalRun(job=script), spark=spark)


def test_import_json_job_lands_a_dated_partition_in_an_s3_bucket(
    spark: SparkSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if importlib.util.find_spec("playgrounds.sources.ingest") is None:
        pytest.skip("playgrounds.sources.ingest is not there yet (built in parallel)")
    monkeypatch.setenv("PLAYGROUNDS_LOCAL_S3", str(tmp_path / "s3"))
    source = tmp_path / "DPR_Parks_001.json"
    source.write_text(json.dumps([{"Prop_ID": "B001", "Name": "Park", "Zip": "11201"}]))
    args = (
        "--raw_zone", "s3://demo-raw", "--dataset", "parks", "--date", DAY.isoformat(),
        "--source", str(source),
    )  # fmt: skip
    job = REPO / "jobs" / "import_json_data.py"
    run_job(LocalRun(job=job, args=args, lake=tmp_path / "lake"), spark=spark)
    landed = spark.read.parquet(str(tmp_path / "s3/demo-raw/parks/year=2019/month=7/day=4"))
    expected = spark.createDataFrame(
        [("B001", "Park", "11201")], "Prop_ID string, Name string, Zip string"
    )
    assert_df_equality(landed, expected, ignore_nullable=True)
