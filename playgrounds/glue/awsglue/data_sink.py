"""``awsglue.data_sink``: DataSink (see playgrounds.glue.sources_sinks)."""

from playgrounds.glue.sources_sinks import DataSink

__all__ = ["DataSink"]
