"""Bad input to the Glue jobs and their writes, table-driven (the bar: tests/support/bad_input.py).

Every case runs ``playgrounds glue-local`` in this process, on the suite's
SparkSession; a case that needs the raw tables reads them through a catalog
map (``{tmp}/catalog.json``), so no metastore is involved.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from playgrounds.catalog.metastore import catalog_lock
from playgrounds.cli import main
from tests.glue.jobdata import DAY, catalog_map, write_raw_zone
from tests.support.bad_input import Case, run_case


def _prep(*, date: str = DAY.isoformat(), income_year: str = "2016", **given: str) -> list[str]:
    """``glue-local prep_data_for_ml`` with good arguments but those given ('' drops one)."""
    arguments = {
        "raw_database": "demo-raw",
        "processed_zone": "{lake}/processed",
        "date": date,
        "income_year": income_year,
        "state": "NY",
        **given,
    }
    command = ["glue-local", "--lake", "{lake}", "prep_data_for_ml"]
    for name, value in arguments.items():
        if value:
            command += [f"--{name}", value]
    return command


def _mapped(command: list[str]) -> list[str]:
    """``command`` reading the raw tables through the catalog map in ``{tmp}``."""
    return [*command[:3], "--catalog-map", "{tmp}/catalog.json", *command[3:]]


def _script(text: str) -> Callable[[Path], None]:
    """Write a job script ``{tmp}/job.py``."""

    def spoil(lake: Path) -> None:
        (lake.parent / "job.py").write_text(text)

    return spoil


def _processed_is_a_file(lake: Path) -> None:
    (lake / "processed").rmdir()
    (lake / "processed").write_text("not a folder")


WRITE_TO_A_FILE = """\
from awsglue.context import GlueContext
from awsglue.dynamicframe import DynamicFrame
from pyspark.context import SparkContext

glue_context = GlueContext(SparkContext())
frame = glue_context.spark_session.createDataFrame([(1,)], "x int")
glue_context.write_dynamic_frame.from_options(
    DynamicFrame.fromDF(frame, glue_context, "x"),
    connection_type="s3",
    connection_options={"path": "%s"},
    format="parquet",
)
"""

CASES = [
    Case(
        "glue-local-bad-date",
        _prep(date="2019-02-30"),
        r"--date '2019-02-30' is not a date like 2019-07-04",
    ),
    Case(
        "glue-local-bad-income-year",
        _prep(income_year="16"),
        r"--income_year '16' is not a year like 2016",
    ),
    Case(
        "glue-local-missing-argument",
        _prep(state=""),
        r"--state",
    ),
    Case(
        "glue-local-bad-zip-match",
        _prep(zip_match="closest"),
        r"--zip_match: .*closest",
    ),
    Case(
        "glue-local-processed-zone-is-a-file",
        _mapped(_prep()),
        r"lake path .*processed is a file",
        spoil=_processed_is_a_file,
    ),
    Case(
        "glue-local-job-script-raises",
        ["glue-local", "--lake", "{lake}", "{tmp}/job.py"],
        r"job\.py line 3: ValueError: boom\n",
        spoil=_script("import sys\n\nraise ValueError('boom')\n"),
    ),
    Case(
        "glue-local-job-script-spark-error",
        ["glue-local", "--lake", "{lake}", "{tmp}/job.py"],
        r"job\.py line 4: AnalysisException: .*no_such_column",
        spoil=_script(
            "from pyspark.sql import SparkSession\n"
            "spark = SparkSession.builder.getOrCreate()\n"
            "frame = spark.range(1)\n"
            "frame.select('no_such_column').collect()\n"
        ),
    ),
    Case(
        "glue-local-sink-path-is-a-file",
        ["glue-local", "--lake", "{lake}", "--catalog-map", "{tmp}/catalog.json", "{tmp}/job.py"],
        r"write_dynamic_frame\.from_options: .*published/16zpallagi\.csv is a file",
        spoil=lambda lake: _script(WRITE_TO_A_FILE % (lake / "published/16zpallagi.csv"))(lake),
    ),
]


@pytest.fixture
def lake(tmp_path: Path, samples_dir: Path, spark: SparkSession) -> Path:
    """An empty processed zone beside the published files; raw tables and their map in ``tmp``."""
    root = tmp_path / "lake"
    shutil.copytree(samples_dir, root / "published")
    (root / "processed").mkdir()
    write_raw_zone(spark, tmp_path / "raw")
    (tmp_path / "catalog.json").write_text(catalog_map(str(tmp_path / "raw"), "demo-raw"))
    return root


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input(
    case: Case, lake: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    run_case(case, lake, tmp_path, capfd)


def test_a_busy_catalog_is_named_before_the_job_starts(
    lake: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    busy = Case(
        "glue-local-catalog-busy", _prep(), rf"in use by process {os.getpid()} \(crawl raw\)"
    )
    with catalog_lock(lake, "crawl raw"):
        run_case(busy, lake, tmp_path, capfd)


def test_a_job_script_error_shows_its_trace_with_debug(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "job.py"
    script.write_text("import sys\n\nraise ValueError('boom')\n")
    capfd.readouterr()
    assert main(["--debug", "glue-local", "--lake", str(tmp_path / "lake"), str(script)]) == 1
    err = capfd.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert re.search(rf'File "{re.escape(str(script))}", line 3', err)
    assert re.search(r"job\.py line 3: ValueError: boom", err)
