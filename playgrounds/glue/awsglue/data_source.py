"""``awsglue.data_source``: DataSource (see playgrounds.glue.sources_sinks)."""

from playgrounds.glue.sources_sinks import DataSource

__all__ = ["DataSource"]
