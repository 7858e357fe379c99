"""Spark's and the OS's failures about files, as one sentence naming the file (playgrounds.errors).

Every exception here is a real one, raised by the session's Spark or by the
OS: the sentences depend on the wording of Spark 3.5, Parquet, Hadoop and
Jackson messages, which a fake would not follow when they change.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from playgrounds.cli.kit import one_sentence
from playgrounds.errors import (
    InputError,
    describe_error,
    os_error_sentence,
    reading_input,
    spark_failure,
)
from playgrounds.spark import task_log_level
from tests.support.zones import parquet

SAMPLE_CSV = Path(__file__).resolve().parents[2] / "data" / "samples" / "16zpallagi.csv"


def _raised(action: object) -> BaseException:
    with pytest.raises(Exception) as caught:
        action()  # type: ignore[operator]
    return caught.value


def test_truncated_gzip_names_the_file_being_read(spark: SparkSession, tmp_path: Path) -> None:
    packed = gzip.compress(SAMPLE_CSV.read_bytes())
    cut = tmp_path / "income.csv.gz"
    cut.write_bytes(packed[: len(packed) // 2])
    error = _raised(lambda: spark.read.option("header", True).csv(str(cut)).count())
    # Spark's chain does not name the file: the reader has to say what it read.
    assert spark_failure(error) is None
    assert spark_failure(error, reading=cut) == f"{cut} is a truncated gzip file (it ends early)"
    assert describe_error(error) == "Spark failed: EOFException: Unexpected end of input stream"
    truncated = pytest.raises(InputError, match=r"income\.csv\.gz is a truncated gzip file")
    with truncated, reading_input(cut):
        spark.read.option("header", True).csv(str(cut)).count()


def test_truncated_parquet_is_named_from_sparks_message(
    spark: SparkSession, tmp_path: Path
) -> None:
    whole = parquet(tmp_path / "day=5" / "part-0.parquet", [{"a": i} for i in range(50)])
    whole.write_bytes(whole.read_bytes()[:-30])
    error = _raised(lambda: spark.read.parquet(str(whole.parent)).count())
    expected = (
        f"{whole} is not a readable Parquet file (truncated, or not Parquet at all: no footer)"
    )
    assert spark_failure(error) == expected
    assert one_sentence(error) == expected  # the command line says the same


def test_a_file_changed_after_spark_wrote_it_fails_its_checksum(
    spark: SparkSession, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    spark.range(200).coalesce(1).write.parquet(str(out))
    written = next(out.glob("*.parquet"))
    data = bytearray(written.read_bytes())
    data[100] ^= 0xFF  # the .crc beside it still describes the old bytes
    written.write_bytes(bytes(data))
    error = _raised(lambda: spark.read.parquet(str(out)).collect())
    assert describe_error(error) == (
        f"{written} does not match its checksum (.crc) file: it was changed or cut after "
        "it was written"
    )


def test_a_failed_write_blames_the_input_not_the_output(
    spark: SparkSession, tmp_path: Path
) -> None:
    source = tmp_path / "parks.json"
    source.write_text(json.dumps([{"Acres": 1}, {"Acres": 2**70}]))
    frame = spark.read.option("multiLine", True).schema("Acres bigint")
    frame = frame.option("mode", "FAILFAST").json(str(source))
    out = tmp_path / "out"
    error = _raised(lambda: frame.write.parquet(str(out)))
    assert "TASK_WRITE_FAILED" in str(error)
    sentence = spark_failure(error, reading=source)
    assert sentence is not None
    assert sentence.startswith(f"{source} holds the whole number 1180591620717411303424")
    assert sentence.endswith(", beyond 64 bits")
    assert str(out) not in sentence


def test_writing_under_a_file_or_into_proc(spark: SparkSession, tmp_path: Path) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    error = _raised(lambda: spark.range(1).write.parquet(str(blocker / "out")))
    assert describe_error(error) == f"{blocker} is a file where a folder is expected"
    error = _raised(lambda: spark.range(1).write.parquet("/proc/playgrounds-test-out"))
    assert describe_error(error) == (
        "/proc/playgrounds-test-out cannot be created: its parent is not a folder that can be "
        "written"
    )


def test_os_errors_name_the_path_and_what_is_wrong(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    below = _raised(lambda: (blocker / "a" / "b").mkdir(parents=True))
    assert isinstance(below, OSError)
    assert os_error_sentence(below) == (
        f"{blocker} is a file where a folder is expected (to hold {blocker / 'a' / 'b'})"
    )
    exists = _raised(lambda: blocker.mkdir(parents=True, exist_ok=True))
    assert describe_error(exists) == f"{blocker} is a file where a folder is expected"
    folder = _raised(lambda: open(tmp_path, "rb"))  # noqa: SIM115
    assert describe_error(folder) == f"{tmp_path} is a folder where a file is expected"
    proc = _raised(lambda: Path("/proc/playgrounds-test").mkdir())
    assert describe_error(proc) == (
        "/proc/playgrounds-test cannot be created: /proc is a kernel file system, "
        "not a place for data"
    )
    missing = _raised(lambda: os.stat(tmp_path / "nothing"))
    assert describe_error(missing) == f"{tmp_path / 'nothing'} does not exist"


def test_failed_tasks_log_no_java_stack_unless_debugging(
    spark: SparkSession, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    assert task_log_level("ERROR") == "OFF"
    assert task_log_level("WARN") == "WARN"  # --debug
    cut = parquet(tmp_path / "p.parquet", [{"a": 1}])
    cut.write_bytes(cut.read_bytes()[:-30])
    capfd.readouterr()
    _raised(lambda: spark.read.parquet(str(cut)).count())
    _, err = capfd.readouterr()
    assert "ERROR Executor" not in err
    assert "ERROR TaskSetManager" not in err
    assert "\tat org.apache" not in err
