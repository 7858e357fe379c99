"""``awsglue.functions``: Glue's column functions, where Spark has the same operation."""

from __future__ import annotations

from typing import Any

from pyspark.sql import Column
from pyspark.sql import functions as F

from playgrounds.glue.errors import UnsupportedGlueFeatureError


def explodeWithIndex(col: Column | str) -> Column:
    """One row per array element, as columns ``index`` (from 0) and ``val``."""
    return F.posexplode(col).alias("index", "val")


def replaceArrayElement(srcCol: Column | str, replaceCol: Column | str, idx: int) -> Column:
    """Not available: its rules (index base, out-of-range) live in Glue's JVM library only."""
    raise UnsupportedGlueFeatureError(
        "awsglue.functions.replaceArrayElement",
        "its behaviour is defined only in Glue's JVM library; use Spark's transform()",
    )


def namedStruct(*cols: Any) -> Column:
    """Not available: its naming rules live in Glue's JVM library only."""
    raise UnsupportedGlueFeatureError(
        "awsglue.functions.namedStruct",
        "its behaviour is defined only in Glue's JVM library; use Spark's struct()",
    )
