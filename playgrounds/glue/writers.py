"""``glueContext.write_dynamic_frame`` and ``write_data_frame``: the ``from_*`` writers.

Each writer is a facade over the ``GlueContext`` method of the same name
(``from_options`` is ``write_dynamic_frame_from_options``), which does the work.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pyspark.sql import DataFrame

from playgrounds.glue.dynamicframe import DynamicFrame
from playgrounds.glue.errors import UnsupportedGlueFeatureError

if TYPE_CHECKING:
    # For annotations only: context.py imports this module to give GlueContext its writers.
    from playgrounds.glue.context import GlueContext


class DynamicFrameWriter:
    """``glueContext.write_dynamic_frame``."""

    def __init__(self, glue_context: GlueContext) -> None:
        self._glue_context = glue_context

    def from_options(
        self,
        frame: DynamicFrame,
        connection_type: str,
        connection_options: Mapping[str, Any] | None = None,
        format: str | None = None,
        format_options: Mapping[str, Any] | None = None,
        transformation_ctx: str = "",
    ) -> DynamicFrame:
        """See :meth:`GlueContext.write_dynamic_frame_from_options`."""
        return self._glue_context.write_dynamic_frame_from_options(
            frame, connection_type, connection_options, format, format_options, transformation_ctx
        )

    def from_catalog(
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
        """See :meth:`GlueContext.write_dynamic_frame_from_catalog`."""
        return self._glue_context.write_dynamic_frame_from_catalog(
            frame,
            database,
            table_name,
            redshift_tmp_dir,
            transformation_ctx,
            additional_options,
            catalog_id,
            **kwargs,
        )

    def from_jdbc_conf(
        self,
        frame: DynamicFrame,
        catalog_connection: str,
        connection_options: Mapping[str, Any] | None = None,
        redshift_tmp_dir: str = "",
        transformation_ctx: str = "",
    ) -> DynamicFrame:
        """Not supported: raises naming it."""
        raise UnsupportedGlueFeatureError("write_dynamic_frame.from_jdbc_conf")


class DataFrameWriter:
    """``glueContext.write_data_frame``."""

    def __init__(self, glue_context: GlueContext) -> None:
        self._glue_context = glue_context

    def from_catalog(
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
        """See :meth:`GlueContext.write_data_frame_from_catalog`."""
        return self._glue_context.write_data_frame_from_catalog(
            frame,
            database,
            table_name,
            redshift_tmp_dir,
            transformation_ctx,
            additional_options,
            catalog_id,
            **kwargs,
        )
