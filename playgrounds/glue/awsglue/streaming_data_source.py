"""``awsglue.streaming_data_source``: StreamingDataSource (see playgrounds.glue.sources_sinks)."""

from playgrounds.glue.sources_sinks import StreamingDataSource

__all__ = ["StreamingDataSource"]
