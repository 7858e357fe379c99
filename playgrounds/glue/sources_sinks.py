"""``glueContext.getSource`` / ``getSink``: Glue's source and sink objects for S3 and local paths.

On Glue these wrap JVM objects; here a source remembers its connection options
and format and reads through :meth:`GlueContext.create_dynamic_frame_from_options`
when asked for a frame, and a sink writes through the same writer as
``write_dynamic_frame.from_options`` (Glue's S3 sinks append).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pyspark.sql import DataFrame

from playgrounds.glue import io as glue_io
from playgrounds.glue.collection import DynamicFrameCollection
from playgrounds.glue.dynamicframe import DynamicFrame
from playgrounds.glue.errors import GlueShimError, UnsupportedGlueFeatureError

if TYPE_CHECKING:
    from playgrounds.glue.context import GlueContext

# getFrame's partition hints: they change how records are split, never which.
_PARTITION_HINTS = ("minPartitions", "targetPartitions")


@dataclass
class SourceSpec:
    """What ``getSource`` was given: what the shim keeps in place of Glue's JVM source."""

    connection_type: str
    connection_options: dict[str, Any]
    transformation_ctx: str = ""
    push_down_predicate: str = ""
    format: str | None = None
    format_options: dict[str, Any] = field(default_factory=dict)


@dataclass
class SinkSpec:
    """What ``getSink`` was given: what the shim keeps in place of Glue's JVM sink."""

    connection_type: str
    connection_options: dict[str, Any]
    transformation_ctx: str = ""
    format: str | None = None
    format_options: dict[str, Any] = field(default_factory=dict)
    catalog: tuple[str, str] | None = None
    accumulable_size: int | None = None


class DataSource:
    """A configured source: ``setFormat`` then ``getFrame``."""

    def __init__(self, j_source: SourceSpec, sql_ctx: GlueContext, name: str) -> None:
        self._spec = j_source
        self._glue_context = sql_ctx
        self.name = name

    def setFormat(self, format: str, **options: Any) -> None:
        """The files' format and its options (as ``format_options`` of ``from_options``)."""
        self._spec.format = format
        self._spec.format_options = dict(options)

    def getFrame(self, **options: Any) -> DynamicFrame:
        """Read the source (``minPartitions``/``targetPartitions`` set the partition count)."""
        hints = {k: options.pop(k) for k in _PARTITION_HINTS if k in options}
        if options:
            key = next(iter(options))
            raise UnsupportedGlueFeatureError(f"DataSource.getFrame option {key}={options[key]!r}")
        df = self._read()
        target = hints.get("targetPartitions", hints.get("minPartitions"))
        if target is not None:
            df = df.repartition(int(target))
        return DynamicFrame(df, self._glue_context, self.name)

    def getSampleFrame(self, num: int, **options: Any) -> DynamicFrame:
        """The first ``num`` records of the source."""
        if options:
            key = next(iter(options))
            raise UnsupportedGlueFeatureError(f"DataSource.getSampleFrame option {key}")
        return DynamicFrame(self._read().limit(int(num)), self._glue_context, self.name)

    def getDataFrame(self) -> DataFrame:
        """The source's records as a DataFrame."""
        return self._read()

    def _read(self) -> DataFrame:
        spec = self._spec
        if not spec.format:
            raise GlueShimError(
                f"source {spec.transformation_ctx or spec.connection_options}: "
                "call setFormat(...) or pass format= to getSource before reading"
            )
        return self._glue_context.create_data_frame_from_options(
            spec.connection_type,
            spec.connection_options,
            spec.format,
            spec.format_options,
            spec.transformation_ctx,
            spec.push_down_predicate,
        )


class DataSink:
    """A configured sink: ``setFormat``, then ``writeFrame`` (files are appended)."""

    def __init__(self, j_sink: SinkSpec, sql_ctx: GlueContext) -> None:
        self._spec = j_sink
        self._glue_context = sql_ctx

    def setFormat(self, format: str, **options: Any) -> None:
        """The output format and its options (as ``format_options`` of ``from_options``)."""
        self._spec.format = format
        self._spec.format_options = dict(options)

    def setAccumulableSize(self, size: int) -> None:
        """Kept, without effect: on Glue it sizes a write statistic, never the output."""
        self._spec.accumulable_size = int(size)

    def setCatalogInfo(
        self, catalogDatabase: str, catalogTableName: str, catalogId: str = ""
    ) -> None:
        """Name the catalog table the output belongs to (updated only with enableUpdateCatalog)."""
        if catalogId:
            raise UnsupportedGlueFeatureError(
                "DataSink.setCatalogInfo catalogId", "the local catalog has one account"
            )
        self._spec.catalog = (catalogDatabase, catalogTableName)

    def writeFrame(self, dynamic_frame: DynamicFrame, info: str = "") -> DynamicFrame:
        """Append the frame's records; returns the frame of write errors (none here)."""
        self._write(dynamic_frame.toDF())
        errors = dynamic_frame.toDF().sparkSession.createDataFrame([], "error string")
        return DynamicFrame(errors, self._glue_context, dynamic_frame.name + "_errors")

    def writeDataFrame(
        self, data_frame: DataFrame, glue_context: GlueContext, info: str = ""
    ) -> DataFrame:
        """Append a DataFrame's rows; returns the DataFrame."""
        self._write(data_frame)
        return data_frame

    def write(
        self, dynamic_frame_or_dfc: DynamicFrame | DynamicFrameCollection, info: str = ""
    ) -> DynamicFrame | DynamicFrameCollection:
        """Write a frame, or each frame of a collection (all under the sink's one path)."""
        if isinstance(dynamic_frame_or_dfc, DynamicFrame):
            return self.writeFrame(dynamic_frame_or_dfc, info)
        if isinstance(dynamic_frame_or_dfc, DynamicFrameCollection):
            names = list(dynamic_frame_or_dfc.keys())  # a collection has no __iter__, as on Glue
            written = {name: self.writeFrame(dynamic_frame_or_dfc[name], info) for name in names}
            return DynamicFrameCollection(written, self._glue_context)
        raise GlueShimError(
            "DataSink.write takes a DynamicFrame or DynamicFrameCollection, "
            f"not {type(dynamic_frame_or_dfc).__name__}"
        )

    def _write(self, df: DataFrame) -> None:
        spec = self._spec
        options = dict(spec.connection_options)
        if options.pop("enableUpdateCatalog", False) and spec.catalog is not None:
            database, table = spec.catalog
            raise UnsupportedGlueFeatureError(
                f"getSink(enableUpdateCatalog=True) for {database}.{table}",
                "write with write_dynamic_frame.from_catalog or crawl the output",
            )
        options.pop("updateBehavior", None)
        if spec.connection_type != "s3":
            raise UnsupportedGlueFeatureError(
                f"getSink connection_type {spec.connection_type!r}", "the shim writes s3"
            )
        glue_io.write_files(
            df.sparkSession, df, options, spec.format, spec.format_options, "DataSink.writeFrame"
        )


class StreamingDataSource:
    """Glue's streaming source (Kinesis, Kafka): not available locally."""

    def __init__(self, j_source: Any, sql_ctx: Any, name: str) -> None:
        raise UnsupportedGlueFeatureError("StreamingDataSource", _NO_STREAMING)

    def setFormat(self, format: str, **options: Any) -> None:
        """Not available locally."""
        raise UnsupportedGlueFeatureError("StreamingDataSource.setFormat", _NO_STREAMING)

    def getFrame(self) -> DataFrame:
        """Not available locally."""
        raise UnsupportedGlueFeatureError("StreamingDataSource.getFrame", _NO_STREAMING)


_NO_STREAMING = "streaming sources (Kinesis, Kafka) do not run locally"
