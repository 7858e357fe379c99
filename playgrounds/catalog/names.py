"""Glue catalog names vs. Hive metastore names, mapped in this one place.

Glue (and the workshop) name databases ``<prefix>-raw``; the Hive metastore
behind Spark rejects ``-`` ("not a valid name", measured on pyspark 3.5.6).
Users type Glue names everywhere (CLI, SQL, job arguments); only the metastore
sees the mapped name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_NOT_ALLOWED = re.compile(r"[^a-z0-9_]")


def metastore_name(glue_name: str) -> str:
    """``demo-raw`` -> ``demo_raw``: lower case, anything but ``[a-z0-9_]`` becomes ``_``."""
    return _NOT_ALLOWED.sub("_", glue_name.strip().lower())


def glue_table_name(folder_name: str) -> str:
    """A table name as a Glue crawler derives it from a folder: ``income-ny`` -> ``income_ny``."""
    return metastore_name(folder_name)


def crawled_column_names(names: Sequence[str]) -> list[str]:
    """Column names as a Glue crawler registers them (CSV header cells, JSON or Parquet fields).

    Trimmed and lower-cased (the medicare sample's ``' Average Covered Charges '``
    is ``average covered charges``), an empty cell named ``col``, and a repeat
    given a ``_1``, ``_2`` suffix.
    """
    seen: dict[str, int] = {}
    result = []
    for raw in names:
        name = raw.strip().lower() or "col"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 0
        result.append(name)
    return result
