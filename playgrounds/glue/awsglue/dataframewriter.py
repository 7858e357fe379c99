"""``awsglue.dataframewriter``: glueContext.write_data_frame."""

from playgrounds.glue.context import DataFrameWriter

__all__ = ["DataFrameWriter"]
