"""Column-name matching shared by the transforms."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pyspark.sql import DataFrame

Transform = Callable[[DataFrame], DataFrame]


def resolve_column(df: DataFrame, name: str) -> str:
    """Return the frame's own spelling of ``name``, matched case-insensitively.

    The Glue catalog lower-cases every column name, so a Glue job sees ``mars1``
    and ``MARS1`` as one column; we match the same way, whatever
    ``spark.sql.caseSensitive`` says.
    """
    wanted = name.lower()
    for column in df.columns:
        if column.lower() == wanted:
            return column
    raise KeyError(name)


def missing_columns(df: DataFrame, names: Iterable[str]) -> list[str]:
    """Names in ``names`` that the frame lacks, compared case-insensitively."""
    present = {column.lower() for column in df.columns}
    return [name for name in names if name.lower() not in present]


def drop_columns(*names: str) -> Transform:
    """Drop the named columns where present, matching names case-insensitively."""

    def transform(df: DataFrame) -> DataFrame:
        wanted = {name.lower() for name in names}
        return df.drop(*[column for column in df.columns if column.lower() in wanted])

    return transform
