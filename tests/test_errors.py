"""describe_error: one of our errors raised inside a Spark Python worker stays one sentence."""

from __future__ import annotations

import pytest
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StringType

from playgrounds.errors import InputError, describe_error


def _refuse(value: str) -> str:
    raise InputError(f"endpoint demo is down (value {value})")


def test_our_error_in_a_python_worker_is_its_own_sentence(spark: SparkSession) -> None:
    refuse = F.udf(_refuse, StringType())
    with pytest.raises(Exception) as raised:
        spark.createDataFrame([("a",)], ["x"]).select(refuse("x")).collect()
    assert describe_error(raised.value) == "endpoint demo is down (value a)"


def test_other_worker_errors_are_not_taken_for_ours() -> None:
    text = "Traceback (most recent call last):\nValueError: playgrounds.x: no"
    assert describe_error(ValueError(text)).startswith("ValueError:")
