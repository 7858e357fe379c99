"""The shim's few direct Py4J calls: classes by full name, and lists of strings both ways."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from py4j.java_gateway import JavaClass
from pyspark.sql import SparkSession

_SEPARATOR = "\x00"  # in no name that Spark reads from a file


def java_class(spark: SparkSession, name: str) -> JavaClass:
    """The JVM class ``name`` (fully qualified), found in one Py4J call when used.

    ``spark._jvm.a.b.C`` asks the JVM once per package on the way; naming the
    class in full skips those round trips.
    """
    jvm = spark._jvm
    assert jvm is not None  # present while the session is
    return JavaClass(name, jvm._gateway_client)


def string_list(seq: Any) -> list[str]:
    """A Scala ``Seq`` as Python strings (each element's ``toString``), in one Py4J call."""
    text = str(seq.mkString(_SEPARATOR))
    return text.split(_SEPARATOR) if text else []


def string_seq(spark: SparkSession, values: Sequence[str]) -> Any:
    """A Scala ``Seq[String]`` of ``values``, split on the JVM from one string.

    Py4J hands a Python list over one element per call (12 ms for the 150
    IRS column names); this way takes five.
    """
    jvm = spark._jvm
    assert jvm is not None  # present while the session is
    if not values or any(not value or _SEPARATOR in value for value in values):
        return jvm.PythonUtils.toSeq(list(values))
    pattern = java_class(spark, "java.util.regex.Pattern").compile(_SEPARATOR)
    as_list = java_class(spark, "java.util.stream.Collectors").toList()
    return jvm.PythonUtils.toSeq(pattern.splitAsStream(_SEPARATOR.join(values)).collect(as_list))
