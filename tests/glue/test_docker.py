"""The ``make glue-run`` docker command line and the library zip it ships (no Docker needed)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from playgrounds.cli import cli
from playgrounds.glue.docker import GLUE_IMAGE, build_library_zip, docker_command
from playgrounds.glue.errors import GlueShimError

REPO = Path(__file__).resolve().parents[2]


def test_command_mounts_jobs_library_and_lake_and_runs_spark_submit(tmp_path: Path) -> None:
    command = docker_command(
        "prep_data_for_ml",
        ["--date", "2019-07-04"],
        repo=REPO,
        lake=tmp_path / "lake",
        dist=tmp_path / "dist",
        aws_profile="dev",
        home=tmp_path,
    )
    assert command[:3] == ["docker", "run", "--rm"]
    mounts = [command[i + 1] for i, part in enumerate(command) if part == "-v"]
    assert mounts == [
        f"{REPO / 'jobs'}:/home/hadoop/workspace/jobs:ro",
        f"{tmp_path / 'dist'}:/home/hadoop/workspace/dist:ro",
        f"{tmp_path / 'lake'}:/home/hadoop/workspace/lake",
        f"{tmp_path / '.aws'}:/home/hadoop/.aws:ro",
    ]
    assert command[command.index("-e") + 1] == "AWS_PROFILE=dev"
    image = command.index(GLUE_IMAGE)
    assert command[image + 1 :] == [
        "spark-submit",
        "--py-files", "/home/hadoop/workspace/dist/playgrounds.zip",
        "/home/hadoop/workspace/jobs/prep_data_for_ml.py",
        "--JOB_NAME", "prep_data_for_ml",
        "--date", "2019-07-04",
    ]  # fmt: skip
    no_aws = docker_command("prep_data_for_ml", repo=REPO, aws=False, image="my/glue@sha256:x")
    assert "/home/hadoop/.aws:ro" not in " ".join(no_aws) and "my/glue@sha256:x" in no_aws
    with pytest.raises(GlueShimError, match="job 'nope' not found"):
        docker_command("nope", repo=REPO)


def test_library_zip_leaves_the_shim_out(tmp_path: Path) -> None:
    archive = build_library_zip(REPO / "playgrounds", tmp_path / "playgrounds.zip")
    names = zipfile.ZipFile(archive).namelist()
    assert "playgrounds/glue/runner.py" in names and "playgrounds/transforms/prep.py" in names
    assert not [n for n in names if "/awsglue/" in n or n.startswith("awsglue")]


def test_print_mode() -> None:
    result = CliRunner().invoke(
        cli, ["glue-run", "--print", "--no-aws", "import_income_data", "--income_year", "2016"]
    )
    assert result.exit_code == 0, result.output
    printed = result.output
    assert "spark-submit" in printed and printed.rstrip().endswith("--income_year 2016")
