"""The README's Python examples run as written, so the docs cannot rot."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.DOTALL | re.MULTILINE)


@pytest.fixture
def keep_test_tuning(spark: SparkSession) -> Iterator[None]:
    yield
    spark.conf.set("spark.sql.shuffle.partitions", "1")


def test_readme_has_python_examples() -> None:
    assert len(python_blocks(README.read_text())) >= 1


@pytest.mark.usefixtures("keep_test_tuning")
@pytest.mark.parametrize("index", range(len(python_blocks(README.read_text()))))
def test_readme_example_runs(spark: SparkSession, index: int) -> None:
    # spark_session() in the example returns this suite's running session.
    code = python_blocks(README.read_text())[index]
    exec(compile(code, f"README.md python block {index + 1}", "exec"), {})
