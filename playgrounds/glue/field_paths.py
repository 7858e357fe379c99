"""Glue field paths (``a.b.c`` into structs, back-quotes around names holding dots) as columns.

A path is resolved against a schema into its *spelled* parts (the names as
the schema spells them) and the field's type; the other functions turn spelled
parts, or a tree of them, back into top-level Spark columns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql.types import DataType, StructField, StructType

from playgrounds.glue.errors import GlueShimError
from playgrounds.spark import quote_identifier


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


def spelled_path_and_type(
    schema: StructType, path: str, case_sensitive: bool = True
) -> tuple[list[str], DataType]:
    """The parts of ``path`` as ``schema`` spells them, and the field's type.

    An error names the missing field and the names available where it was looked for.
    """
    spelled: list[str] = []
    current: DataType = schema
    for part in split_path(path):
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


def field_at(schema: StructType, spelled: list[str]) -> StructField:
    """The field at spelled parts (which must exist), with its metadata."""
    struct: DataType = schema
    found: StructField | None = None
    for part in spelled:
        assert isinstance(struct, StructType)
        found = struct[part]
        struct = found.dataType
    assert found is not None
    return found


def column_at(parts: list[str]) -> Column:
    """The column for spelled ``parts`` (top-level name, then struct fields)."""
    column = F.col(quote_identifier(parts[0]))
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
            column = F.col(quote_identifier(f.name)) if base is None else base.getField(f.name)
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


def keep_paths(schema: StructType, paths: Sequence[str]) -> list[Column]:
    """The top-level columns of ``schema`` holding only ``paths``, in the schema's order.

    A dotted path keeps a struct with just the fields named under it; a
    struct named whole keeps all its fields, whatever else names inside it.
    """
    tree: dict[str, Any] = {}  # name -> subtree, or None for the whole field
    for path in paths:
        spelled, _ = spelled_path_and_type(schema, path)
        node = tree
        for part in spelled[:-1]:
            existing = node.get(part)
            if existing is None and part in node:
                break  # the whole parent is already selected
            node = node.setdefault(part, {})
        else:
            node[spelled[-1]] = None
    return _project(schema, None, tree)


def _project(struct: StructType, base: Column | None, tree: Mapping[str, Any]) -> list[Column]:
    out: list[Column] = []
    for f in struct.fields:
        if f.name not in tree:
            continue
        column = F.col(quote_identifier(f.name)) if base is None else base.getField(f.name)
        sub = tree[f.name]
        if sub is None:
            out.append(column.alias(f.name))
        else:
            assert isinstance(f.dataType, StructType)
            inner = _project(f.dataType, column, sub)
            out.append(
                F.when(column.isNull(), F.lit(None)).otherwise(F.struct(*inner)).alias(f.name)
            )
    return out


def nested_columns(tree: Mapping[str, Any]) -> list[Column]:
    """Columns named by a tree's keys: a dict becomes a struct of its entries, a leaf a column."""
    out: list[Column] = []
    for name, node in tree.items():
        if isinstance(node, dict):
            out.append(F.struct(*nested_columns(node)).alias(name))
        else:
            out.append(node.alias(name))
    return out
