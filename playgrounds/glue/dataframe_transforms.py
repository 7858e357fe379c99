"""``awsglue.dataframe_transforms``: Glue transforms that take and return Spark DataFrames."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pyspark.sql import DataFrame

from playgrounds.glue.dynamicframe import mapped


class ApplyMapping:
    """Select, rename and cast a DataFrame's columns with (source, type, target, type) tuples."""

    @staticmethod
    def apply(frame: DataFrame, mappings: Sequence[Sequence[str]]) -> DataFrame:
        """The mapped columns (source names matched in any case); unmapped columns are dropped."""
        return mapped(frame, mappings, case_sensitive=False)

    @classmethod
    def describeArgs(cls) -> list[dict[str, Any]]:
        """The two arguments of :meth:`apply`."""
        return [
            {"name": "frame", "type": "DataFrame", "description": "the DataFrame to map",
             "optional": False, "defaultValue": None},
            {"name": "mappings", "type": "List",
             "description": "(source column, source type, target column, target type) tuples",
             "optional": False, "defaultValue": None},
        ]  # fmt: skip

    @classmethod
    def describeTransform(cls) -> str:
        """What the transform does."""
        return "Select, rename and cast a DataFrame's columns"

    @classmethod
    def describeErrors(cls) -> list[dict[str, str]]:
        """A mapping naming a missing column or of the wrong length."""
        problem = "a source column does not exist or a mapping is malformed"
        return [{"type": "GlueShimError", "description": problem}]

    @classmethod
    def describeReturn(cls) -> dict[str, str]:
        """A DataFrame."""
        return {"type": "DataFrame", "description": "the mapped DataFrame"}


ALL_TRANSFORMS = {ApplyMapping}
