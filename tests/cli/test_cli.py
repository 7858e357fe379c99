"""The command line: --help everywhere, one-sentence errors, non-zero exit status."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from pyspark.sql import SparkSession

from playgrounds.cli import cli, main
from playgrounds.cli.kit import one_sentence
from playgrounds.errors import InputError


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


def test_every_command_has_help() -> None:
    runner = CliRunner()
    commands = list(all_commands(cli))
    assert ("prep",) in commands and ("run",) in commands
    for path in [(), *commands]:
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage: " in result.output and "--help" in result.output


def test_missing_input_folder_is_one_sentence_and_exit_1(tmp_path: Path) -> None:
    # A real process, as a user runs it: no Spark starts for this error.
    result = subprocess.run(
        [sys.executable, "-m", "playgrounds.cli", "prep", "--raw", str(tmp_path / "nope"),
         "--processed", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert f"error: input folder {tmp_path / 'nope'} does not exist" in result.stderr
    assert "Traceback" not in result.stderr
    assert "--debug" in result.stderr
    assert not (tmp_path / "out").exists()


def test_master_option_reaches_the_session_and_a_dead_master_is_one_sentence(
    tmp_path: Path, samples_dir: Path
) -> None:
    # --master sets the session's master for this command; nothing answers on port 1.
    result = subprocess.run(
        [sys.executable, "-m", "playgrounds.cli", "prep", "--master", "spark://127.0.0.1:1",
         "--raw", str(samples_dir), "--processed", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert "no Spark master answers at spark://127.0.0.1:1" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.fixture
def restore_spark_conf(spark: SparkSession) -> Iterator[None]:
    """The CLI asks for more shuffle partitions; keep the shared test session tuned."""
    yield
    spark.conf.set("spark.sql.shuffle.partitions", "1")


@pytest.mark.usefixtures("restore_spark_conf")
def test_bad_zip_in_process_prints_file_and_line(
    tmp_path: Path, samples_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(samples_dir, raw)
    income = raw / "16zpallagi.csv"
    income.write_text(income.read_text().replace("\n36,NY,1", "\n36,NY,ZIP1", 1))
    status = main(["prep", "--raw", str(raw), "--processed", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 1
    assert re.search(r"column zipcode holds 'ZIP1\d{4}', expected a whole number", err)
    assert f"{income} line " in err
    assert "Traceback" not in err and "py4j" not in err.lower()


@pytest.mark.usefixtures("restore_spark_conf")
def test_debug_shows_the_trace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["--debug", "prep", "--raw", str(tmp_path), "--processed", str(tmp_path / "o")])
    assert status == 1
    assert "Traceback" in capsys.readouterr().err


def test_bad_date_is_a_usage_error(tmp_path: Path, samples_dir: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["prep", "--raw", str(samples_dir), "--processed", str(tmp_path), "--date", "2019-13-01"],
    )
    assert result.exit_code == 2
    assert "'2019-13-01' is not a date like 2019-07-04" in result.output


def test_one_sentence_strips_java_stacks() -> None:
    class FakeJava:
        def getMessage(self) -> str:
            return "Path does not exist: file:/x\n\tat org.apache.spark.Foo(Foo.scala:1)"

    class Py4JLikeError(Exception):
        java_exception = FakeJava()

    assert one_sentence(Py4JLikeError("long\njava stack")) == (
        "Py4JLikeError: Path does not exist: file:/x"
    )
    assert one_sentence(InputError("file x is empty")) == "file x is empty"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["sql", "SELECT 1", "--lake", "http://example.com/lake"],
            "is not a local folder or an s3://",
        ),
        (["crawl", "raw", "--lake", ""], "the lake root must not be empty"),
        (["ingest", "parks", "--date", "yesterday"], "'yesterday' is not a date like 2019-07-04"),
        (["run", "--zip-match", "some"], "'some' is not one of 'workshop', 'all'"),
    ],
)
def test_shared_options_refuse_bad_values_before_any_work(args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert message in result.output


def test_a_lake_root_that_is_a_file_is_a_usage_error(tmp_path: Path) -> None:
    afile = tmp_path / "lake"
    afile.write_text("not a folder")
    result = CliRunner().invoke(cli, ["catalog", "tables", "--lake", str(afile)])
    assert result.exit_code == 2
    assert f"{afile} is a file, not a lake folder" in result.output
