"""``glueContext.create_dynamic_frame`` and ``create_data_frame``: the ``from_*`` readers.

Each reader is a facade over the ``GlueContext`` method of the same name
(``from_catalog`` is ``create_dynamic_frame_from_catalog``), which does the work.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pyspark.sql import DataFrame

from playgrounds.glue.dynamicframe import DynamicFrame

if TYPE_CHECKING:
    # For annotations only: context.py imports this module to give GlueContext its readers.
    from playgrounds.glue.context import GlueContext


class DynamicFrameReader:
    """``glueContext.create_dynamic_frame``."""

    def __init__(self, glue_context: GlueContext) -> None:
        self._glue_context = glue_context

    def from_catalog(
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
        """See :meth:`GlueContext.create_dynamic_frame_from_catalog`."""
        return self._glue_context.create_dynamic_frame_from_catalog(
            database,
            table_name,
            redshift_tmp_dir,
            transformation_ctx,
            push_down_predicate,
            additional_options,
            catalog_id,
            **kwargs,
        )

    def from_options(
        self,
        connection_type: str,
        connection_options: Mapping[str, Any] | None = None,
        format: str | None = None,
        format_options: Mapping[str, Any] | None = None,
        transformation_ctx: str = "",
        push_down_predicate: str = "",
        **kwargs: Any,
    ) -> DynamicFrame:
        """See :meth:`GlueContext.create_dynamic_frame_from_options`."""
        return self._glue_context.create_dynamic_frame_from_options(
            connection_type,
            connection_options,
            format,
            format_options,
            transformation_ctx,
            push_down_predicate,
            **kwargs,
        )

    def from_rdd(
        self, data: Any, name: str, schema: Any = None, sampleRatio: Any = None
    ) -> DynamicFrame:
        """See :meth:`GlueContext.create_dynamic_frame_from_rdd`."""
        return self._glue_context.create_dynamic_frame_from_rdd(data, name, schema, sampleRatio)


class DataFrameReader:
    """``glueContext.create_data_frame``."""

    def __init__(self, glue_context: GlueContext) -> None:
        self._glue_context = glue_context

    def from_catalog(
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
        """See :meth:`GlueContext.create_data_frame_from_catalog`."""
        return self._glue_context.create_data_frame_from_catalog(
            database,
            table_name,
            redshift_tmp_dir,
            transformation_ctx,
            push_down_predicate,
            additional_options,
            catalog_id,
            **kwargs,
        )

    def from_options(
        self,
        connection_type: str,
        connection_options: Mapping[str, Any] | None = None,
        format: str | None = None,
        format_options: Mapping[str, Any] | None = None,
        transformation_ctx: str = "",
        push_down_predicate: str = "",
        **kwargs: Any,
    ) -> DataFrame:
        """See :meth:`GlueContext.create_data_frame_from_options`."""
        return self._glue_context.create_data_frame_from_options(
            connection_type,
            connection_options,
            format,
            format_options,
            transformation_ctx,
            push_down_predicate,
            **kwargs,
        )
