"""Glue field paths: ``a.b.c`` into structs, with back-quotes around names holding dots."""

from __future__ import annotations

from collections.abc import Callable

from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql.types import DataType, StructType

from playgrounds.glue.errors import GlueShimError


def split_path(path: str) -> list[str]:
    """``"a.`b.c`.d"`` -> ``["a", "b.c", "d"]``."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in path:
        if char == "`":
            quoted = not quoted
        elif char == "." and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    if quoted:
        raise GlueShimError(f"field path {path!r} has an unclosed back-quote")
    parts.append("".join(current))
    if any(not part for part in parts):
        raise GlueShimError(f"field path {path!r} has an empty name")
    return parts


def quote(name: str) -> str:
    """A name as a Spark column reference (back-quoted, back-quotes doubled)."""
    return "`" + name.replace("`", "``") + "`"


def field_type(
    schema: StructType, parts: list[str], path: str, case_sensitive: bool = True
) -> tuple[list[str], DataType]:
    """The spelled names and type of ``parts`` in ``schema``; an error names a missing field."""
    spelled: list[str] = []
    current: DataType = schema
    for part in parts:
        if not isinstance(current, StructType):
            raise GlueShimError(
                f"field {path!r} does not exist: {'.'.join(spelled)} is not a struct"
            )
        match = next(
            (
                f
                for f in current.fields
                if f.name == part or (not case_sensitive and f.name.lower() == part.lower())
            ),
            None,
        )
        if match is None:
            raise GlueShimError(
                f"field {path!r} does not exist (available: {', '.join(current.names)})"
            )
        spelled.append(match.name)
        current = match.dataType
    return spelled, current


def column_at(parts: list[str]) -> Column:
    """The column for spelled ``parts`` (top-level name, then struct fields)."""
    column = F.col(quote(parts[0]))
    for part in parts[1:]:
        column = column.getField(part)
    return column


def rebuild(
    schema: StructType, parts: list[str], change: Callable[[str, Column], list[Column]]
) -> list[Column]:
    """The top-level columns of ``schema`` with ``change(name, column)`` applied at ``parts``.

    ``change`` returns the columns that replace the field (none to drop it,
    one aliased column to rename or retype it). Structs on the way are
    rebuilt field by field so field order is kept; a null struct stays null.
    """

    def walk(struct: StructType, base: Column | None, remaining: list[str]) -> list[Column]:
        out: list[Column] = []
        for f in struct.fields:
            column = F.col(quote(f.name)) if base is None else base.getField(f.name)
            if f.name != remaining[0]:
                out.append(column.alias(f.name))
            elif len(remaining) == 1:
                out.extend(change(f.name, column))
            else:
                assert isinstance(f.dataType, StructType)
                inner = walk(f.dataType, column, remaining[1:])
                rebuilt = F.when(column.isNull(), F.lit(None)).otherwise(F.struct(*inner))
                out.append(rebuilt.alias(f.name))
        return out

    return walk(schema, None, parts)
