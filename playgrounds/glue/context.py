"""``GlueContext`` on a local SparkSession: catalog and S3 sources and sinks, logger, purge."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Mapping
from typing import Any

from pyspark import SparkContext
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.context import SQLContext
from pyspark.sql.types import StringType, StructField, StructType

from playgrounds.glue import bookmarks, tables
from playgrounds.glue import io as glue_io
from playgrounds.glue.choices import mark_json_choices
from playgrounds.glue.collection import DynamicFrameCollection
from playgrounds.glue.columns import as_crawled_csv, lower_case_names
from playgrounds.glue.csv_choices import (
    mark_csv_choices,
    metastore_csv_choices,
    with_metastore_choices,
)
from playgrounds.glue.dynamicframe import DynamicFrame, resolve_spec
from playgrounds.glue.errors import GlueShimError, UnsupportedGlueFeatureError, reject_unsupported
from playgrounds.glue.readers import DataFrameReader, DynamicFrameReader
from playgrounds.glue.sources_sinks import (
    DataSink,
    DataSource,
    SinkSpec,
    SourceSpec,
    StreamingDataSource,
)
from playgrounds.glue.writers import DataFrameWriter, DynamicFrameWriter

# Why each group of GlueContext methods cannot run locally (one sentence each).
_NO_JDBC = "JDBC and Redshift connections are not available locally"
_NO_STREAMING = "streaming sources (Kinesis, Kafka) do not run locally"
_NO_LAKE_FORMATION = "Lake Formation transactions are not available locally"
_NO_STORAGE_CLASSES = "S3 storage classes do not exist on the local disk"
_NO_GLUE_JVM = "it uses Glue's JVM library, absent locally"
S3_READ_OPTIONS = {"paths", "recurse", "groupFiles", "groupSize"}
CATALOG_READ_OPTIONS = {"catalogPartitionPredicate"}


class GlueLogger:
    """``glueContext.get_logger()``: info / warn / error to the ``awsglue`` Python logger."""

    def __init__(self) -> None:
        self._logger = logging.getLogger("awsglue")
        if not self._logger.handlers:
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("%(levelname)s awsglue: %(message)s"))
            self._logger.addHandler(handler)
            self._logger.setLevel(logging.INFO)
            self._logger.propagate = False

    def info(self, message: str) -> None:
        """Log at INFO."""
        self._logger.info(message)

    def warn(self, message: str) -> None:
        """Log at WARN."""
        self._logger.warning(message)

    def error(self, message: str) -> None:
        """Log at ERROR."""
        self._logger.error(message)


def _no_kwargs(where: str, kwargs: Mapping[str, Any]) -> None:
    if kwargs:
        key = next(iter(kwargs))
        raise UnsupportedGlueFeatureError(f"{where} argument {key}={kwargs[key]!r}")


def _with_choices(
    spark: SparkSession,
    df: DataFrame,
    format: str | None,
    format_options: Mapping[str, Any],
    paths: list[str],
) -> DataFrame:
    """A JSON or CSV source's frame with its choice columns marked."""
    fmt = (format or "").lower()
    if fmt == "json":
        spelled = glue_io.canonical_options(format_options, glue_io.JSON_READ_OPTIONS)
        return mark_json_choices(spark, df, paths, spelled)
    if fmt == "csv":
        return mark_csv_choices(df, paths, format_options)
    return df


def _csv_table_with_choices(
    spark: SparkSession, typed: DataFrame, table: tables.MetastoreTable
) -> DataFrame:
    """A metastore CSV table's frame, its numeric columns holding text read as choices.

    Spark reads such a value as null (it does not fit the catalog's type); the
    columns found mixed are read again as text and become choice structs.
    """
    decision = metastore_csv_choices(
        spark, typed, table.location, table.partition_columns, table.options
    )
    if not decision:
        return typed
    declared = spark.table(table.qualified).schema
    as_text = StructType(
        [
            StructField(f.name, StringType()) if f.name.lower() in decision else f
            for f in declared.fields
        ]
    )
    raw = spark.read.options(**table.options).schema(as_text).csv(table.location)
    return with_metastore_choices(lower_case_names(raw), decision)


class GlueContext(SQLContext):
    """The entry point of a Glue script, built on the active (or a new) SparkSession."""

    def __init__(self, sparkContext: SparkContext | None = None, **options: Any) -> None:
        _no_kwargs("GlueContext()", options)
        sc = sparkContext or SparkContext.getOrCreate()
        if "PYSPARK_PYTHON" not in os.environ:
            # Spark's default worker is whatever `python3` is on PATH, which may
            # lack pyarrow and this library; Map/Filter functions need both.
            sc.pythonExec = sys.executable
        session = SparkSession.getActiveSession() or SparkSession(sc)
        super().__init__(sc, session)
        self.spark_session = session
        self.create_dynamic_frame = DynamicFrameReader(self)
        self.create_data_frame = DataFrameReader(self)
        self.write_dynamic_frame = DynamicFrameWriter(self)
        self.write_data_frame = DataFrameWriter(self)
        self._logger = GlueLogger()

    def get_logger(self) -> GlueLogger:
        """The job's logger."""
        return self._logger

    def currentTimeMillis(self) -> int:
        """Milliseconds since the epoch."""
        return int(time.time() * 1000)

    # -- sources -----------------------------------------------------------------------------

    def create_dynamic_frame_from_catalog(
        self,
        database: str | None = None,
        table_name: str | None = None,
        redshift_tmp_dir: str = "",
        transformation_ctx: str = "",
        push_down_predicate: str = "",
        additional_options: Mapping[str, Any] | None = None,
        catalog_id: str | None = None,
        **kwargs: Any,
    ) -> DynamicFrame:
        """Read a catalog table; ``push_down_predicate`` prunes partitions before files are read.

        Column names come in lower case, as the Glue catalog keeps them.
        """
        df = self._read_catalog(
            database,
            table_name,
            transformation_ctx,
            push_down_predicate,
            additional_options,
            catalog_id,
            kwargs,
        )
        return DynamicFrame(df, self, table_name or "")

    def create_data_frame_from_catalog(
        self,
        database: str | None = None,
        table_name: str | None = None,
        redshift_tmp_dir: str = "",
        transformation_ctx: str = "",
        push_down_predicate: str = "",
        additional_options: Mapping[str, Any] | None = None,
        catalog_id: str | None = None,
        **kwargs: Any,
    ) -> DataFrame:
        """Like :meth:`create_dynamic_frame_from_catalog`, as a DataFrame."""
        return self._read_catalog(
            database,
            table_name,
            transformation_ctx,
            push_down_predicate,
            additional_options,
            catalog_id,
            kwargs,
        )

    def _read_catalog(
        self,
        database: str | None,
        table_name: str | None,
        transformation_ctx: str,
        push_down_predicate: str,
        additional_options: Mapping[str, Any] | None,
        catalog_id: str | None,
        kwargs: Mapping[str, Any],
    ) -> DataFrame:
        _no_kwargs("from_catalog", kwargs)
        if catalog_id:
            raise UnsupportedGlueFeatureError(
                "from_catalog catalog_id", "the local catalog has one account"
            )
        if not database or not table_name:
            raise GlueShimError("from_catalog needs database and table_name")
        extra = dict(additional_options or {})
        reject_unsupported(
            f"from_catalog({database}.{table_name}) additional_options", extra, CATALOG_READ_OPTIONS
        )
        predicates = [p for p in (push_down_predicate, extra.get("catalogPartitionPredicate")) if p]
        predicate = (
            predicates[0] if len(predicates) == 1 else " AND ".join(f"({p})" for p in predicates)
        )
        where = f"table {database}.{table_name}"
        spark = self.spark_session
        mapped = tables.find_mapped(database, table_name)
        if mapped is not None:
            df = glue_io.read_files(
                spark,
                [mapped.path],
                mapped.format,
                mapped.format_options,
                transformation_ctx=transformation_ctx,
                push_down_predicate=predicate,
                where=where,
                lower_case=True,
            )
            if mapped.format.lower() != "csv":
                return _with_choices(spark, df, mapped.format, mapped.format_options, [mapped.path])
            # As the crawler would register the files, so a map and the metastore agree.
            return mark_csv_choices(as_crawled_csv(df), [mapped.path], mapped.format_options)
        table = tables.find_metastore_table(spark, database, table_name)
        state = bookmarks.active()
        if state is not None and transformation_ctx and state.option != bookmarks.DISABLE:
            if table.provider not in ("parquet", "orc", "json"):
                raise UnsupportedGlueFeatureError(
                    f"job bookmarks on {where}, stored as {table.provider}",
                    "the shim bookmarks parquet, orc and json tables",
                )
            schema = spark.table(table.qualified).schema
            df = glue_io.read_files(
                spark,
                [table.location],
                table.provider,
                {},
                transformation_ctx=transformation_ctx,
                push_down_predicate=predicate,
                where=where,
                schema=schema,
                lower_case=True,
            )
            return _with_choices(spark, df, table.provider, {}, [table.location])
        # The Glue catalog lower-cases column names; Spark keeps a data source
        # table's names as they were given.
        df = lower_case_names(spark.table(table.qualified))
        if table.provider == "csv":
            df = _csv_table_with_choices(spark, df, table)
        if predicate:
            # A filter on partition columns only: Spark prunes the metastore
            # partitions and never lists the others' files.
            df = glue_io.check_predicate(df, predicate, table.partition_columns, where)
        return df

    def create_dynamic_frame_from_options(
        self,
        connection_type: str,
        connection_options: Mapping[str, Any] | None = None,
        format: str | None = None,
        format_options: Mapping[str, Any] | None = None,
        transformation_ctx: str = "",
        push_down_predicate: str = "",
        **kwargs: Any,
    ) -> DynamicFrame:
        """Read files (``connection_type="s3"``; local paths and ``s3://`` alike)."""
        df = self._read_options(
            connection_type,
            connection_options,
            format,
            format_options,
            transformation_ctx,
            push_down_predicate,
            kwargs,
        )
        return DynamicFrame(df, self, transformation_ctx)

    def create_data_frame_from_options(
        self,
        connection_type: str,
        connection_options: Mapping[str, Any] | None = None,
        format: str | None = None,
        format_options: Mapping[str, Any] | None = None,
        transformation_ctx: str = "",
        push_down_predicate: str = "",
        **kwargs: Any,
    ) -> DataFrame:
        """Like :meth:`create_dynamic_frame_from_options`, as a DataFrame."""
        return self._read_options(
            connection_type,
            connection_options,
            format,
            format_options,
            transformation_ctx,
            push_down_predicate,
            kwargs,
        )

    def _read_options(
        self,
        connection_type: str,
        connection_options: Mapping[str, Any] | None,
        format: str | None,
        format_options: Mapping[str, Any] | None,
        transformation_ctx: str,
        push_down_predicate: str,
        kwargs: Mapping[str, Any],
    ) -> DataFrame:
        _no_kwargs("from_options", kwargs)
        if connection_type != "s3":
            raise UnsupportedGlueFeatureError(
                f"connection_type {connection_type!r}", "the shim reads s3 (and local paths)"
            )
        options = dict(connection_options or {})
        reject_unsupported("from_options connection_options", options, S3_READ_OPTIONS)
        raw_paths = options.get("paths")
        paths = [raw_paths] if isinstance(raw_paths, str) else list(raw_paths or [])
        df = glue_io.read_files(
            self.spark_session,
            paths,
            format,
            dict(format_options or {}),
            recurse=bool(options.get("recurse", False)),
            transformation_ctx=transformation_ctx,
            push_down_predicate=push_down_predicate,
            where=f"paths {paths}",
        )
        return _with_choices(self.spark_session, df, format, dict(format_options or {}), paths)

    # -- sinks -------------------------------------------------------------------------------

    def write_dynamic_frame_from_options(
        self,
        frame: DynamicFrame,
        connection_type: str,
        connection_options: Mapping[str, Any] | None = None,
        format: str | None = None,
        format_options: Mapping[str, Any] | None = None,
        transformation_ctx: str = "",
    ) -> DynamicFrame:
        """Append the frame's records under ``connection_options['path']``."""
        if connection_type != "s3":
            raise UnsupportedGlueFeatureError(
                f"connection_type {connection_type!r}", "the shim writes s3 (and local paths)"
            )
        glue_io.write_files(
            self.spark_session,
            frame.toDF(),
            dict(connection_options or {}),
            format,
            dict(format_options or {}),
            "write_dynamic_frame.from_options",
        )
        return frame

    def write_dynamic_frame_from_catalog(
        self,
        frame: DynamicFrame,
        database: str | None = None,
        table_name: str | None = None,
        redshift_tmp_dir: str = "",
        transformation_ctx: str = "",
        additional_options: Mapping[str, Any] | None = None,
        catalog_id: str | None = None,
        **kwargs: Any,
    ) -> DynamicFrame:
        """Append to a catalog table's location in its format; new partitions are registered."""
        self._write_catalog(
            frame.toDF(), database, table_name, additional_options, catalog_id, kwargs
        )
        return frame

    def write_data_frame_from_catalog(
        self,
        frame: DataFrame,
        database: str | None = None,
        table_name: str | None = None,
        redshift_tmp_dir: str = "",
        transformation_ctx: str = "",
        additional_options: Mapping[str, Any] | None = None,
        catalog_id: str | None = None,
        **kwargs: Any,
    ) -> DataFrame:
        """Like :meth:`write_dynamic_frame_from_catalog`, for a DataFrame."""
        self._write_catalog(frame, database, table_name, additional_options, catalog_id, kwargs)
        return frame

    def _write_catalog(
        self,
        df: DataFrame,
        database: str | None,
        table_name: str | None,
        additional_options: Mapping[str, Any] | None,
        catalog_id: str | None,
        kwargs: Mapping[str, Any],
    ) -> None:
        _no_kwargs("write_dynamic_frame.from_catalog", kwargs)
        if catalog_id:
            raise UnsupportedGlueFeatureError("write_dynamic_frame.from_catalog catalog_id")
        if not database or not table_name:
            raise GlueShimError("write_dynamic_frame.from_catalog needs database and table_name")
        extra = dict(additional_options or {})
        reject_unsupported(
            "write_dynamic_frame.from_catalog additional_options", extra, {"partitionKeys"}
        )
        where = f"write_dynamic_frame.from_catalog({database}.{table_name})"
        spark = self.spark_session
        mapped = tables.find_mapped(database, table_name)
        if mapped is not None:
            glue_io.write_files(
                spark,
                df,
                {"path": mapped.path, **extra},
                mapped.format,
                mapped.format_options,
                where,
            )
            return
        table = tables.find_metastore_table(spark, database, table_name)
        keys = list(extra.get("partitionKeys") or table.partition_columns)
        glue_io.write_files(
            spark, df, {"path": table.location, "partitionKeys": keys}, table.provider, {}, where
        )
        if table.partition_columns:
            spark.sql(f"ALTER TABLE {table.qualified} RECOVER PARTITIONS")
        spark.catalog.refreshTable(table.qualified)

    def purge_s3_path(
        self, s3_path: str, options: Mapping[str, Any] | None = None, transformation_ctx: str = ""
    ) -> None:
        """Delete the files under ``s3_path`` older than ``retentionPeriod`` hours (default 168)."""
        given = dict(options or {})
        reject_unsupported("purge_s3_path options", given, {"retentionPeriod"})
        glue_io.purge(s3_path, float(given.get("retentionPeriod", 168)))

    def purge_table(
        self,
        database: str,
        table_name: str,
        options: Mapping[str, Any] | None = None,
        transformation_ctx: str = "",
        catalog_id: str | None = None,
    ) -> None:
        """Delete a table's files older than ``retentionPeriod`` hours (default 168).

        As on Glue, a partition left with no files leaves the catalog too.
        """
        given = dict(options or {})
        reject_unsupported("purge_table options", given, {"retentionPeriod"})
        if catalog_id:
            raise UnsupportedGlueFeatureError(
                "purge_table catalog_id", "the local catalog has one account"
            )
        retention = float(given.get("retentionPeriod", 168))
        mapped = tables.find_mapped(database, table_name)
        if mapped is not None:
            glue_io.purge(mapped.path, retention)
            glue_io.remove_empty_folders(mapped.path)
            return
        table = tables.find_metastore_table(self.spark_session, database, table_name)
        glue_io.purge(table.location, retention)
        glue_io.remove_empty_folders(table.location)
        if table.partition_columns:
            self.spark_session.sql(f"MSCK REPAIR TABLE {table.qualified} SYNC PARTITIONS")
        self.spark_session.catalog.refreshTable(table.qualified)

    # -- sources and sinks as objects --------------------------------------------------------

    def getSource(
        self,
        connection_type: str,
        format: str | None = None,
        transformation_ctx: str = "",
        push_down_predicate: str = "",
        **options: Any,
    ) -> DataSource:
        """A source over files (``connection_type="s3"``, options as ``connection_options``)."""
        spec = SourceSpec(
            connection_type, dict(options), transformation_ctx, push_down_predicate, format
        )
        return DataSource(spec, self, transformation_ctx)

    def getSink(
        self,
        connection_type: str,
        format: str | None = None,
        transformation_ctx: str = "",
        **options: Any,
    ) -> DataSink:
        """A sink writing files (``connection_type="s3"``, ``path=``, ``partitionKeys=``)."""
        return DataSink(SinkSpec(connection_type, dict(options), transformation_ctx, format), self)

    def write_from_options(
        self,
        frame_or_dfc: DynamicFrame | DynamicFrameCollection,
        connection_type: str,
        connection_options: Mapping[str, Any] | None = None,
        format: str | None = None,
        format_options: Mapping[str, Any] | None = None,
        transformation_ctx: str = "",
        **kwargs: Any,
    ) -> Any:
        """Write a frame as ``write_dynamic_frame.from_options`` does (a collection raises)."""
        if isinstance(frame_or_dfc, DynamicFrameCollection):
            raise UnsupportedGlueFeatureError(
                "write_from_options of a DynamicFrameCollection", "write each frame on its own"
            )
        extra = dict(kwargs)
        extra.pop("accumulator_size", None)  # a write statistic's size on Glue, no output
        _no_kwargs("write_from_options", extra)
        return self.write_dynamic_frame_from_options(
            frame_or_dfc, connection_type, connection_options, format, format_options,
            transformation_ctx,
        )  # fmt: skip

    def create_dynamic_frame_from_rdd(
        self,
        data: Any,
        name: str,
        schema: Any = None,
        sample_ratio: float | None = None,
        transformation_ctx: str = "",
    ) -> DynamicFrame:
        """A frame from an RDD or a list of rows/dicts (``schema`` inferred when None)."""
        df = self.spark_session.createDataFrame(data, schema, sample_ratio)
        return DynamicFrame(df, self, name)

    def create_sample_dynamic_frame_from_catalog(
        self,
        database: str | None = None,
        table_name: str | None = None,
        num: int | None = None,
        sample_options: Mapping[str, Any] | None = None,
        redshift_tmp_dir: str = "",
        transformation_ctx: str = "",
        push_down_predicate: str = "",
        additional_options: Mapping[str, Any] | None = None,
        catalog_id: str | None = None,
        erieTxId: str = "",
        asOfTime: str = "",
        **kwargs: Any,
    ) -> DynamicFrame:
        """The first ``num`` records of a catalog table."""
        reject_unsupported("sample_options", dict(sample_options or {}), set())
        if erieTxId or asOfTime:
            raise UnsupportedGlueFeatureError(
                "create_sample_dynamic_frame transactions", _NO_LAKE_FORMATION
            )
        frame = self.create_dynamic_frame_from_catalog(
            database, table_name, redshift_tmp_dir, transformation_ctx, push_down_predicate,
            additional_options, catalog_id, **kwargs,
        )  # fmt: skip
        return frame if num is None else frame._derive(frame.toDF().limit(int(num)))

    def create_sample_dynamic_frame_from_options(
        self,
        connection_type: str,
        connection_options: Mapping[str, Any] | None = None,
        num: int | None = None,
        sample_options: Mapping[str, Any] | None = None,
        format: str | None = None,
        format_options: Mapping[str, Any] | None = None,
        transformation_ctx: str = "",
        push_down_predicate: str = "",
        **kwargs: Any,
    ) -> DynamicFrame:
        """The first ``num`` records of files."""
        reject_unsupported("sample_options", dict(sample_options or {}), set())
        frame = self.create_dynamic_frame_from_options(
            connection_type, connection_options, format, format_options, transformation_ctx,
            push_down_predicate, **kwargs,
        )  # fmt: skip
        return frame if num is None else frame._derive(frame.toDF().limit(int(num)))

    def get_catalog_schema_as_spark_schema(
        self,
        database: str | None = None,
        table_name: str | None = None,
        catalog_id: str | None = None,
    ) -> StructType:
        """The table's schema as the catalog gives it (names lower-case), partition columns last."""
        return self._read_catalog(database, table_name, "", "", None, catalog_id, {}).schema

    def convert_resolve_option(self, path: str, action: str, target: Any) -> tuple[str, str]:
        """A ``ResolveOption``'s ``(path, spec)`` as ``resolveChoice`` takes it."""
        return resolve_spec(path, action, target)

    # -- what a local run cannot do: each raises one sentence naming the call ----------------

    def getStreamingSource(
        self,
        connection_type: str,
        format: str | None = None,
        transformation_ctx: str = "",
        push_down_predicate: str = "",
        **options: Any,
    ) -> StreamingDataSource:
        """Not available locally."""
        raise UnsupportedGlueFeatureError("GlueContext.getStreamingSource", _NO_STREAMING)

    def getSampleStreamingDynamicFrame(
        self, frame: Any, options: Mapping[str, Any] | None = None, batch_function: Any = None
    ) -> Any:
        """Not available locally."""
        raise UnsupportedGlueFeatureError(
            "GlueContext.getSampleStreamingDynamicFrame", _NO_STREAMING
        )

    def forEachBatch(
        self, frame: Any, batch_function: Any, options: Mapping[str, Any] | None = None
    ) -> None:
        """Not available locally."""
        raise UnsupportedGlueFeatureError("GlueContext.forEachBatch", _NO_STREAMING)

    def add_ingestion_time_columns(self, frame: DataFrame, time_granularity: str) -> DataFrame:
        """Not available locally."""
        raise UnsupportedGlueFeatureError("GlueContext.add_ingestion_time_columns", _NO_STREAMING)

    def write_dynamic_frame_from_jdbc_conf(
        self,
        frame: DynamicFrame,
        catalog_connection: str,
        connection_options: Mapping[str, Any] | None = None,
        redshift_tmp_dir: str = "",
        transformation_ctx: str = "",
        catalog_id: str | None = None,
    ) -> DynamicFrame:
        """Not available locally."""
        raise UnsupportedGlueFeatureError(
            "GlueContext.write_dynamic_frame_from_jdbc_conf", _NO_JDBC
        )

    def write_from_jdbc_conf(
        self,
        frame_or_dfc: Any,
        catalog_connection: str,
        connection_options: Mapping[str, Any] | None = None,
        redshift_tmp_dir: str = "",
        transformation_ctx: str = "",
        catalog_id: str | None = None,
    ) -> Any:
        """Not available locally."""
        raise UnsupportedGlueFeatureError("GlueContext.write_from_jdbc_conf", _NO_JDBC)

    def extract_jdbc_conf(self, connection_name: str, catalog_id: str | None = None) -> Any:
        """Not available locally."""
        raise UnsupportedGlueFeatureError("GlueContext.extract_jdbc_conf", _NO_JDBC)

    def transition_table(
        self,
        database: str,
        table_name: str,
        transition_to: str,
        options: Mapping[str, Any] | None = None,
        transformation_ctx: str = "",
        catalog_id: str | None = None,
    ) -> None:
        """Not available locally."""
        raise UnsupportedGlueFeatureError("GlueContext.transition_table", _NO_STORAGE_CLASSES)

    def transition_s3_path(
        self,
        s3_path: str,
        transition_to: str,
        options: Mapping[str, Any] | None = None,
        transformation_ctx: str = "",
    ) -> None:
        """Not available locally."""
        raise UnsupportedGlueFeatureError("GlueContext.transition_s3_path", _NO_STORAGE_CLASSES)

    def start_transaction(self, read_only: bool) -> str:
        """Not available locally."""
        raise UnsupportedGlueFeatureError("GlueContext.start_transaction", _NO_LAKE_FORMATION)

    def commit_transaction(self, transaction_id: str, wait_for_commit: bool = True) -> bool:
        """Not available locally."""
        raise UnsupportedGlueFeatureError("GlueContext.commit_transaction", _NO_LAKE_FORMATION)

    def cancel_transaction(self, transaction_id: str) -> None:
        """Not available locally."""
        raise UnsupportedGlueFeatureError("GlueContext.cancel_transaction", _NO_LAKE_FORMATION)


def register(sc: SparkContext) -> None:
    """Not available locally: it imports Glue's JVM classes into Py4J's view."""
    raise UnsupportedGlueFeatureError("awsglue.context.register", _NO_GLUE_JVM)
