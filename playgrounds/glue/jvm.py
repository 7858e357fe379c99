"""JVM classes for the shim's few direct Py4J calls."""

from __future__ import annotations

from py4j.java_gateway import JavaClass
from pyspark.sql import SparkSession


def java_class(spark: SparkSession, name: str) -> JavaClass:
    """The JVM class ``name`` (fully qualified), found in one Py4J call when used.

    ``spark._jvm.a.b.C`` asks the JVM once per package on the way; naming the
    class in full skips those round trips.
    """
    jvm = spark._jvm
    assert jvm is not None  # present while the session is
    return JavaClass(name, jvm._gateway_client)
