"""Glue's type names as Spark cast targets (``apply_mapping`` and ``resolveChoice``'s ``cast:``).

Glue scripts write ``long`` and ``integer`` where Spark SQL says ``bigint``
and ``int``; any other name must be a type Spark can parse.
"""

from __future__ import annotations

from pyspark.sql.types import _parse_datatype_string

from playgrounds.glue.errors import GlueShimError

GLUE_TYPE_NAMES = {"integer": "int", "long": "bigint"}


def spark_type_name(glue_type: str, where: str) -> str:
    """The Spark name of a Glue type; the error names the type and ``where`` it was given."""
    name = GLUE_TYPE_NAMES.get(glue_type.strip().lower(), glue_type.strip())
    try:
        _parse_datatype_string(name)
    except Exception as bad:
        raise GlueShimError(
            f"type {glue_type!r} (for {where!r}) is not a type the shim can cast to"
        ) from bad
    return name
