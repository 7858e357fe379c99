"""NYC Parks playgrounds: keep every playground, attach its park and ZIP income."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from playgrounds.transforms.columns import Transform, drop_columns, resolve_column

# The raw lake's date partitions (year=/month=/day=), absent when reading the
# published files directly.
PARTITION_COLUMNS: tuple[str, ...] = ("year", "month", "day")


def prepare_playgrounds(df: DataFrame) -> DataFrame:
    """Drop the columns the park side repeats and rename the join key.

    ``Location`` and ``Name`` would clash with the park's own; ``Prop_ID``
    becomes ``Playground_Prop_ID`` so the join key can be dropped afterwards.
    """
    return df.transform(drop_columns("Location", "Name", *PARTITION_COLUMNS)).withColumnRenamed(
        resolve_column(df, "Prop_ID"), "Playground_Prop_ID"
    )


def attach_parks_income(parks_income: DataFrame) -> Transform:
    """Left-outer-join playgrounds (left, all kept) with parks-and-income rows.

    A playground whose ``Prop_ID`` is only a borough letter ("B") matches no
    park and keeps null income columns, as in the workshop.
    """

    def transform(playgrounds: DataFrame) -> DataFrame:
        is_same_property = (
            F.col("Playground_Prop_ID") == parks_income[resolve_column(parks_income, "Prop_ID")]
        )
        joined = playgrounds.join(parks_income, is_same_property, "left_outer")
        return joined.transform(drop_columns("Zip", "Playground_Prop_ID", *PARTITION_COLUMNS))

    return transform
