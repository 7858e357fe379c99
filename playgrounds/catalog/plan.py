"""Planning a crawl: read a table folder's files (never the catalog) into a :class:`TablePlan`.

Everything is decided here from the files alone: the format, the columns, the
partition columns and their types, the partitions to register and every file
or folder to skip with its reason. The policies are listed in
:mod:`playgrounds.catalog.crawler` and docs/catalog.md.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from playgrounds.catalog.infer import (
    CatalogColumn,
    FileSchema,
    UnreadableFileError,
    infer_file,
    is_integer_value,
    merge_types,
)
from playgrounds.catalog.model import Partition, Skip, TablePlan
from playgrounds.catalog.names import glue_table_name
from playgrounds.errors import InputError
from playgrounds.lake.layout import PARTITION_FOLDER, data_files, is_hidden


def _partition_columns(levels: list[list[str]]) -> tuple[list[str], str | None]:
    """Column names for each folder level, or a reason the levels make no table."""
    names = []
    for index, segments in enumerate(levels):
        matches = [PARTITION_FOLDER.match(s) for s in segments]
        if all(matches):
            keys = sorted({m.group("key").lower() for m in matches if m})
            if len(keys) > 1:
                examples = ", ".join(sorted(set(segments))[:4])
                return [], (
                    f"partition folders at level {index + 1} mix keys {' and '.join(keys)} "
                    f"({examples})"
                )
            names.append(keys[0])
        elif any(matches):
            examples = ", ".join(sorted(set(segments))[:4])
            return [], (
                f"partition folders at level {index + 1} mix key=value and plain names ({examples})"
            )
        else:
            names.append(f"partition_{index}")
    return names, None


def _segment_value(segment: str) -> str:
    match = PARTITION_FOLDER.match(segment)
    return match.group("value") if match else segment


def _partition_types(
    keys: list[str], partitions: dict[tuple[str, ...], list[Path]], existing: dict[str, str]
) -> tuple[list[CatalogColumn], dict[tuple[str, ...], str]]:
    """Type each partition column; returns the columns and bad partitions with the reason."""
    columns: list[CatalogColumn] = []
    bad: dict[tuple[str, ...], str] = {}
    for index, key in enumerate(keys):
        values = sorted({values[index] for values in partitions})
        ints = [v for v in values if is_integer_value(v)]
        kind = existing.get(key) or ("int" if ints and len(ints) * 2 >= len(values) else "string")
        columns.append(CatalogColumn(key, kind))
        if kind in ("int", "bigint"):
            for values_of in partitions:
                value = values_of[index]
                if not is_integer_value(value) and values_of not in bad:
                    bad[values_of] = f"{key}={value} is not an integer like the other {key} values"
    return columns, bad


def _merge_columns(
    schemas: list[tuple[Path, FileSchema]],
) -> tuple[FileSchema, list[CatalogColumn], list[Skip]]:
    """One schema for the table from its files; files that do not fit are skipped."""
    formats = Counter(s.format for _, s in schemas)
    fmt = formats.most_common(1)[0][0]
    skips: list[Skip] = []
    fitting = []
    for path, schema in schemas:
        if schema.format != fmt:
            skips.append(Skip(str(path), f"is {schema.format} while the table is {fmt}"))
        else:
            fitting.append((path, schema))
    if fmt == "csv":
        headers = Counter(s.header for _, s in fitting)
        with_header = headers.most_common(1)[0][0]
        kept = []
        for path, schema in fitting:
            if schema.header != with_header:
                has = "has a header" if schema.header else "has no header"
                skips.append(Skip(str(path), f"{has}, unlike the table's other files"))
            else:
                kept.append((path, schema))
        fitting = kept
        if with_header:
            # CSV is read by position: a file's header must be the table's, or extend it.
            widest = max((s for _, s in fitting), key=lambda s: len(s.columns))
            names = [c.name for c in widest.columns]
            kept = []
            for path, schema in fitting:
                mine = [c.name for c in schema.columns]
                if names[: len(mine)] != mine:
                    expected = ", ".join(names[: min(len(names), 6)])
                    skips.append(
                        Skip(
                            str(path),
                            f"has a different header ({', '.join(mine[:6])}) "
                            f"from the table's ({expected})",
                        )
                    )
                else:
                    kept.append((path, schema))
            fitting = kept
    merged: dict[str, str | None] = {}
    source: dict[str, str] = {}
    for _, schema in fitting:
        for column in schema.columns:
            merged[column.name] = merge_types(merged.get(column.name), column.type)
        source.update(schema.source_names)
    first = fitting[0][1] if fitting else schemas[0][1]
    columns = [CatalogColumn(name, kind or "string") for name, kind in merged.items()]
    base = FileSchema(
        fmt,
        columns,
        header=first.header,
        delimiter=first.delimiter,
        json_array=any(s.json_array for _, s in fitting),
        source_names=source,
    )
    return base, columns, skips


def plan_table(
    folder: Path, existing_partition_types: dict[str, str] | None = None
) -> TablePlan | Skip:
    """Read one table folder: its format, columns, partition columns and partitions."""
    name = glue_table_name(folder.name)
    files = data_files(folder)
    if not files:
        return Skip(str(folder), "has no data files")
    skips: list[Skip] = []
    depths = Counter(len(f.relative_to(folder).parts) - 1 for f in files)
    depth = depths.most_common(1)[0][0]
    if len(depths) > 1:
        for f in files:
            if len(f.relative_to(folder).parts) - 1 != depth:
                skips.append(
                    Skip(
                        str(f),
                        f"sits {len(f.relative_to(folder).parts) - 1} folders deep, "
                        f"the table's files {depth}",
                    )
                )
        files = [f for f in files if len(f.relative_to(folder).parts) - 1 == depth]
    by_folder: dict[tuple[str, ...], list[Path]] = {}
    for f in files:
        by_folder.setdefault(f.relative_to(folder).parts[:-1], []).append(f)
    levels = [[segments[i] for segments in by_folder] for i in range(depth)]
    keys, problem = _partition_columns(levels)
    if problem:
        return Skip(str(folder), problem)
    partitions = {
        tuple(_segment_value(s) for s in segments): paths for segments, paths in by_folder.items()
    }
    locations = {tuple(_segment_value(s) for s in seg): folder.joinpath(*seg) for seg in by_folder}
    key_columns, bad_values = _partition_types(keys, partitions, existing_partition_types or {})
    if len(partitions) > 1 and len(bad_values) == len(partitions):
        return Skip(str(folder), "no partition folder has a valid value")

    schemas: list[tuple[Path, FileSchema]] = []
    unreadable: set[tuple[str, ...]] = set()
    for values, paths in partitions.items():
        if values in bad_values:
            continue
        for path in paths:
            try:
                schemas.append((path, infer_file(path)))
            except UnreadableFileError as problem:
                skips.append(Skip(str(path), str(problem).replace(f"{path} ", "", 1)))
                unreadable.add(values)
    if not schemas:
        why = f" ({skips[0].path}: {skips[0].reason})" if skips else ""
        return Skip(str(folder), "no readable data file" + why)
    base, columns, misfits = _merge_columns(schemas)
    skips.extend(misfits)
    misfit_paths = {Path(s.path) for s in misfits}
    for values, paths in partitions.items():
        if any(p in misfit_paths for p in paths):
            unreadable.add(values)
    if not keys and unreadable:
        return Skip(
            str(folder),
            "a file of this unpartitioned table cannot be used, so the table is not "
            f"registered ({skips[0].path}: {skips[0].reason})",
        )
    key_names = {k.name for k in key_columns}
    clashing = [c.name for c in columns if c.name in key_names]
    if clashing:
        if base.format == "csv":
            return Skip(
                str(folder), f"data column(s) {', '.join(clashing)} have a partition column's name"
            )
        # Parquet/JSON match by name: the folder's value wins, as Spark reads it.
        columns = [c for c in columns if c.name not in key_names]
    registered = []
    for values in sorted(partitions, key=_sort_key):
        if values in bad_values:
            skips.append(Skip(str(locations[values]), bad_values[values]))
            continue
        if values in unreadable:
            skips.append(
                Skip(str(locations[values]), "partition not registered: a file in it was skipped")
            )
            continue
        registered.append(Partition(values, locations[values], partitions[values]))
    if keys and not registered:
        return Skip(str(folder), "no partition of the table could be registered")
    return TablePlan(
        name=name,
        folder=folder,
        format=base.format,
        columns=columns,
        partition_keys=key_columns,
        partitions=registered if keys else [],
        header=base.header,
        delimiter=base.delimiter,
        json_array=base.json_array,
        source_names=base.source_names,
        skipped=skips,
    )


def _sort_key(values: tuple[str, ...]) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(v)) if is_integer_value(v) else (1, v) for v in values)


def table_folders(zone: Path) -> list[Path]:
    """The zone's top-level folders (one table each), hidden and ``_`` folders left out."""
    return sorted(p for p in zone.iterdir() if p.is_dir() and not is_hidden(p.name))


def check_zone(zone: Path) -> None:
    """A clear error for a zone that is missing, not a folder, or has no tables."""
    if not zone.exists():
        raise InputError(f"zone {zone} does not exist (is the lake root right?)")
    if not zone.is_dir():
        raise InputError(f"zone {zone} is not a folder")
    if not table_folders(zone):
        raise InputError(f"zone {zone} is empty: it has no table folders to crawl")
