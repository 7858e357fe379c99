"""``playgrounds glue-pytest`` runs a Glue project's own pytest suite (a subprocess each)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PLAYGROUNDS = Path(sys.executable).parent / "playgrounds"

# A Glue project as AWS's local-development page lays one out: the job's logic
# in src/, a conftest.py that builds the GlueContext, tests importing src.
CONFTEST = """\
import pytest
from awsglue.context import GlueContext
from pyspark.context import SparkContext


@pytest.fixture(scope="session")
def glue_context():
    yield GlueContext(SparkContext.getOrCreate())
"""
JOB = """\
from awsglue.dynamicframe import DynamicFrame
from awsglue.transforms import Filter


def keep_state(glue_context, df, state):
    frame = DynamicFrame.fromDF(df, glue_context, "incomes")
    return Filter.apply(frame=frame, f=lambda record: record["state"] == state)
"""
TEST = """\
import sys

from src import job


def test_keep_state_keeps_only_that_state(glue_context):
    spark = glue_context.spark_session
    df = spark.createDataFrame([("NY", 1), ("NJ", 2), ("NY", 3)], "state string, n long")
    kept = job.keep_state(glue_context, df, "NY").toDF().collect()
    assert sorted(row["n"] for row in kept) == EXPECTED


def test_only_awsglue_is_added_not_the_shims_folder():
    import awsglue

    assert awsglue.__file__.endswith("playgrounds/glue/awsglue/__init__.py")
    assert not any(entry.endswith("playgrounds/glue") for entry in sys.path)
    try:
        import bookmarks  # a module beside the shim, never a top-level name
    except ModuleNotFoundError:
        pass
    else:
        raise AssertionError("playgrounds/glue is importable as a top-level folder")
"""


def _project(tmp_path: Path, expected: str) -> Path:
    project = tmp_path / "my-glue-project"
    (project / "src").mkdir(parents=True)
    (project / "tests").mkdir()
    (project / "conftest.py").write_text(CONFTEST)
    (project / "src" / "job.py").write_text(JOB)
    (project / "tests" / "test_job.py").write_text(TEST.replace("EXPECTED", expected))
    return project


def _glue_pytest(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PLAYGROUNDS_LOCAL_S3": str(project / "s3")}
    env.pop("PYTHONPATH", None)  # the project finds nothing of ours but through the command
    return subprocess.run(
        [str(PLAYGROUNDS), "glue-pytest", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


@pytest.mark.e2e
def test_glue_pytest_runs_a_glue_projects_suite(tmp_path: Path) -> None:
    done = _glue_pytest(_project(tmp_path, "[1, 3]"), "-q", "-p", "no:cacheprovider")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout


@pytest.mark.e2e
def test_glue_pytest_reports_a_failing_assertion_as_pytest_does(tmp_path: Path) -> None:
    done = _glue_pytest(_project(tmp_path, "[1, 2]"), "-q", "-p", "no:cacheprovider")
    assert done.returncode == 1, done.stdout + done.stderr
    # pytest's own report: the failing test, its rewritten assertion, the summary.
    assert "FAILED tests/test_job.py::test_keep_state_keeps_only_that_state" in done.stdout
    assert "assert [1, 3] == [1, 2]" in done.stdout
    assert "1 failed, 1 passed" in done.stdout
