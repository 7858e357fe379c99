"""Reading and writing files for the shim: formats, Glue's option names, buckets, bookmarks."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pyspark.errors import AnalysisException
from pyspark.sql import DataFrame, DataFrameReader, SparkSession
from pyspark.sql.types import StructType

from playgrounds.glue import bookmarks
from playgrounds.glue.columns import lower_case_names
from playgrounds.glue.errors import GlueShimError, UnsupportedGlueFeatureError, reject_unsupported
from playgrounds.glue.jvm import string_list
from playgrounds.lake import layout
from playgrounds.lake.atomic import add_files_atomically
from playgrounds.lake.local_s3 import (
    SCHEMES,
    buckets_in,
    is_s3_uri,
    local_path,
    local_root,
    mount_buckets,
)
from playgrounds.spark import hadoop_configuration

READ_FORMATS = {"csv", "json", "parquet", "glueparquet", "orc"}
WRITE_FORMATS = READ_FORMATS
# Glue's format_options per format, mapped to Spark reader/writer options.
CSV_READ_OPTIONS = {
    "withHeader": "header",
    "separator": "sep",
    "quoteChar": "quote",
    "escaper": "escape",
    "multiLine": "multiLine",
}
CSV_WRITE_OPTIONS = {
    "writeHeader": "header",
    "separator": "sep",
    "quoteChar": "quote",
    "escaper": "escape",
}
JSON_READ_OPTIONS = {"multiLine": "multiLine"}
PARQUET_WRITE_OPTIONS = {"compression": "compression"}
# Options that choose Glue's writer implementation or tune file grouping: they
# change neither the rows nor the layout, so accepting them changes no result.
NO_EFFECT_OPTIONS = {"useGlueParquetWriter", "groupFiles", "groupSize", "blockSize", "pageSize"}

_mounted: set[tuple[str, str]] = set()


def mount(spark: SparkSession, buckets: Iterable[str]) -> None:
    """Mount ``buckets`` on their folders under the current local S3 root (once each)."""
    root = str(local_root())
    new = [bucket for bucket in buckets if (bucket, root) not in _mounted]
    if not new:
        return  # each Hadoop setting is a JVM round trip: skip them when nothing changes
    for bucket in new:
        mount_buckets(spark, [bucket], root)
        _mounted.add((bucket, root))
    conf = hadoop_configuration(spark)
    for scheme in SCHEMES:
        # Hadoop caches one file system per bucket with the mount table it saw
        # first; without the cache a bucket mounted later (or re-mounted on
        # another root) is seen at once.
        conf.set(f"fs.{scheme}.impl.disable.cache", "true")


def spark_path(spark: SparkSession, path: str) -> str:
    """``path`` ready for Spark: an ``s3://`` bucket is mounted on its local folder first."""
    mount(spark, buckets_in([path]))
    return path


def local_folder(path: str) -> Path:
    """The local file or folder standing for ``path`` (``s3://`` mapped, ``file:`` stripped)."""
    if is_s3_uri(path):
        return local_path(path)
    if path.startswith("file://"):
        return Path(path[len("file://") :])
    if path.startswith("file:"):
        return Path(path[len("file:") :])
    return Path(path)


def data_file_mtimes(folder: Path) -> dict[str, int]:
    """The data files under ``folder`` (see :func:`layout.data_files`) with their mtimes in ns."""
    return {str(file.resolve()): file.stat().st_mtime_ns for file in layout.data_files(folder)}


def canonical_options(options: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """``options`` with each key spelled as among ``names`` when it matches one ignoring case.

    Spark's readers and Glue's match option keys case-insensitively (Glue's own
    docs spell JSON's ``multiLine`` also ``multiline``); a key matching none of
    ``names`` is kept as given, for the caller to refuse.
    """
    spelled = {name.lower(): name for name in names}
    return {spelled.get(key.lower(), key): value for key, value in options.items()}


def _option_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def reader_for(
    spark: SparkSession, format: str | None, format_options: Mapping[str, Any]
) -> tuple[DataFrameReader, str]:
    """A Spark reader for a Glue format and its format_options; unknown options raise."""
    fmt = (format or "").lower()
    if fmt not in READ_FORMATS:
        raise UnsupportedGlueFeatureError(
            f"format {format!r}", f"the shim reads {', '.join(sorted(READ_FORMATS))}"
        )
    options = dict(format_options)
    reader = spark.read
    if fmt == "csv":
        known = CSV_READ_OPTIONS
        # Glue types CSV columns from the data; Spark needs to be asked to.
        reader = reader.option("inferSchema", "true")
    elif fmt == "json":
        known = JSON_READ_OPTIONS
    else:
        known = {}
    for key, value in canonical_options(options, [*known, *NO_EFFECT_OPTIONS]).items():
        if key in NO_EFFECT_OPTIONS:
            continue
        if key not in known:
            raise UnsupportedGlueFeatureError(f"format_options {key}={value!r} for format {fmt}")
        reader = reader.option(known[key], _option_value(value))
    return reader, ("parquet" if fmt == "glueparquet" else fmt)


def glue_csv_names(
    df: DataFrame, format: str | None, format_options: Mapping[str, Any]
) -> DataFrame:
    """Name headerless CSV columns ``col0, col1, ...`` as Glue does (Spark says ``_c0``)."""
    header = canonical_options(format_options, CSV_READ_OPTIONS).get("withHeader")
    if (format or "").lower() != "csv" or header:
        return df
    return df.toDF(*[f"col{i}" for i in range(len(df.columns))])


def check_predicate(
    frame: DataFrame, predicate: str, partitions: Sequence[str], where: str
) -> DataFrame:
    """``frame`` filtered by ``predicate``; raises naming it unless it is valid SQL over the
    partition columns only (checked on the analysed filter's references: no Spark job runs).
    """
    if not partitions:
        raise GlueShimError(
            f"push_down_predicate {predicate!r} given for {where}, which has no partition columns"
        )
    shown = f"(partition columns: {', '.join(partitions)})"
    try:
        filtered = frame.where(predicate)
    except AnalysisException as bad:
        first = str(bad).strip().splitlines()[0] if str(bad).strip() else type(bad).__name__
        raise GlueShimError(
            f"invalid push_down_predicate {predicate!r} for {where} {shown}: {first}"
        ) from bad
    # The analysed filter's attributes print as `year#12` or `month#13L`.
    condition = filtered._jdf.queryExecution().analyzed().condition()
    attributes = string_list(condition.references().toSeq())
    used = {re.sub(r"#\d+[^#]*$", "", attribute) for attribute in attributes}
    # Names match case-insensitively, as in Glue and Spark.
    known = {name.lower() for name in partitions}
    others = sorted(name for name in used if name.lower() not in known)
    if others:
        raise GlueShimError(
            f"invalid push_down_predicate {predicate!r} for {where} {shown}: "
            f"it uses {', '.join(others)}, not among the partition columns"
        )
    return filtered


def partition_names(targets: Sequence[str]) -> list[str]:
    """The ``key=value`` folder names under the first target, outermost first.

    Read from the local folders (one walk down the first branch), which is
    much cheaper than asking Spark for the input files.
    """
    names: list[str] = []
    folder = local_folder(targets[0]) if targets else None
    while folder is not None and folder.is_dir():
        child = next(iter(layout.partition_folders(folder)), None)
        if child is None:
            break
        names.append(child.name.split("=", 1)[0])
        folder = child
    return names


def read_files(
    spark: SparkSession,
    paths: Sequence[str],
    format: str | None,
    format_options: Mapping[str, Any],
    *,
    recurse: bool = False,
    transformation_ctx: str = "",
    push_down_predicate: str = "",
    where: str = "",
    schema: StructType | None = None,
    lower_case: bool = False,
) -> DataFrame:
    """Read ``paths`` like Glue's S3 source: bookmarks, partition discovery, predicate.

    ``lower_case`` gives the column names in lower case, as a read through the
    Glue catalog does.
    """
    if not paths:
        raise GlueShimError(f"no paths given for {where}")
    reader, spark_format = reader_for(spark, format, format_options)
    if recurse:
        reader = reader.option("recursiveFileLookup", "true")
    if schema is not None:
        reader = reader.schema(schema)
    targets = [spark_path(spark, p) for p in paths]
    state = bookmarks.active()
    if state is not None and transformation_ctx and state.option != bookmarks.DISABLE:
        return _read_bookmarked(
            spark,
            reader,
            spark_format,
            targets,
            format,
            format_options,
            transformation_ctx,
            push_down_predicate,
            where,
            recurse,
            state,
            lower_case,
        )
    df = reader.format(spark_format).load(targets)
    if lower_case:
        df = lower_case_names(df)
    df = glue_csv_names(df, format, format_options)
    return _apply_predicate(df, push_down_predicate, where, targets)


def _partition_schema(df: DataFrame, targets: Sequence[str]) -> StructType:
    names = set(partition_names(targets))
    return StructType([f for f in df.schema.fields if f.name in names])


def _apply_predicate(
    df: DataFrame, predicate: str, where: str, targets: Sequence[str]
) -> DataFrame:
    if not predicate:
        return df
    return check_predicate(df, predicate, partition_names(targets), where)


def _read_bookmarked(
    spark: SparkSession,
    reader: DataFrameReader,
    spark_format: str,
    targets: list[str],
    format: str | None,
    format_options: Mapping[str, Any],
    ctx: str,
    predicate: str,
    where: str,
    recurse: bool,
    state: bookmarks.JobBookmarks,
    lower_case: bool,
) -> DataFrame:
    everything = glue_csv_names(reader.format(spark_format).load(targets), format, format_options)
    if predicate:
        check_predicate(everything, predicate, partition_names(targets), where)
    files: dict[str, int] = {}
    for target in targets:
        files.update(data_file_mtimes(local_folder(target)))
    if predicate:
        files = _files_matching(
            spark, files, targets, predicate, _partition_schema(everything, targets)
        )
    chosen = state.select(ctx, files)
    if not chosen:
        df = spark.createDataFrame([], everything.schema)
    else:
        base = local_folder(targets[0])
        if len(targets) == 1 and base.is_dir() and not recurse:
            reader = reader.option("basePath", str(base.resolve()))
        # Read only the new files, with the schema of the whole source so that a
        # run over a few files sees the same columns and types as a full one.
        df = reader.schema(everything.schema).format(spark_format).load(chosen)
        df = glue_csv_names(df, format, format_options)
    return lower_case_names(df) if lower_case else df


def _files_matching(
    spark: SparkSession,
    files: dict[str, int],
    targets: list[str],
    predicate: str,
    partition_schema: StructType,
) -> dict[str, int]:
    """Keep the files whose ``key=value`` folders satisfy ``predicate`` (evaluated by Spark)."""
    names = partition_schema.names
    rows = []
    for file in files:
        values = dict(part.split("=", 1) for part in Path(file).parent.parts if "=" in part)
        rows.append((file, *[values.get(name) for name in names]))
    if not rows:
        return {}
    probe = spark.createDataFrame(rows, ["__file", *names])
    typed = probe.select(
        "__file", *[probe[f.name].cast(f.dataType).alias(f.name) for f in partition_schema.fields]
    )
    keep = {row["__file"] for row in typed.where(predicate).select("__file").collect()}
    return {file: mtime for file, mtime in files.items() if file in keep}


def write_files(
    spark: SparkSession,
    df: DataFrame,
    connection_options: Mapping[str, Any],
    format: str | None,
    format_options: Mapping[str, Any],
    where: str,
) -> None:
    """Append ``df`` under ``connection_options['path']`` as Glue's S3 sink does.

    Glue's S3 sinks only append (there is no overwrite mode; a job that means to
    replace data purges first). The files are written into a private staging
    folder beside the target and moved in once complete, so a failed or killed
    write adds nothing (see :func:`add_files_atomically`).
    """
    reject_unsupported(where, dict(connection_options), {"path", "partitionKeys", "compression"})
    path = connection_options.get("path")
    if not path:
        raise GlueShimError(f"{where} needs connection_options['path']")
    fmt = (format or "").lower()
    if fmt not in WRITE_FORMATS:
        raise UnsupportedGlueFeatureError(f"{where} format {format!r}")
    known = (
        CSV_WRITE_OPTIONS
        if fmt == "csv"
        else PARQUET_WRITE_OPTIONS
        if fmt in ("parquet", "glueparquet")
        else {}
    )
    writer = df.write.mode("append")
    if fmt == "csv":
        # Glue writes a header row unless told not to.
        writer = writer.option("header", "true")
    for key, value in canonical_options(format_options, [*known, *NO_EFFECT_OPTIONS]).items():
        if key in NO_EFFECT_OPTIONS:
            continue
        if key not in known:
            raise UnsupportedGlueFeatureError(f"format_options {key}={value!r} for writing {fmt}")
        writer = writer.option(known[key], _option_value(value))
    if connection_options.get("compression"):
        writer = writer.option("compression", str(connection_options["compression"]))
    keys = list(connection_options.get("partitionKeys") or [])
    missing = [k for k in keys if k not in df.columns]
    if missing:
        raise GlueShimError(f"{where}: partitionKeys {', '.join(missing)} not in the frame")
    if keys:
        writer = writer.partitionBy(*keys)
    spark_format = "parquet" if fmt == "glueparquet" else fmt
    target = local_folder(str(path))
    if target.exists() and not target.is_dir():
        raise GlueShimError(f"{where}: {path} is a file, not a folder to write into")
    add_files_atomically(target, lambda staging: writer.format(spark_format).save(staging.as_uri()))


def purge(path: str, retention_hours: float) -> int:
    """Delete every file under ``path`` older than ``retention_hours``; returns how many."""
    folder = local_folder(path)
    if not folder.exists():
        return 0
    cutoff = time.time() - retention_hours * 3600
    files = [folder] if folder.is_file() else [p for p in folder.rglob("*") if p.is_file()]
    removed = 0
    for file in files:
        if file.stat().st_mtime <= cutoff:
            file.unlink()
            removed += 1
    return removed


def remove_empty_folders(path: str) -> None:
    """Remove the folders under ``path`` left with no files, as S3 has no empty "folders"."""
    root = local_folder(path)
    if not root.is_dir():
        return
    for folder in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        if not any(folder.iterdir()):
            folder.rmdir()
