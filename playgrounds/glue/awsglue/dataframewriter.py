"""``awsglue.dataframewriter``: glueContext.write_data_frame."""

from playgrounds.glue.writers import DataFrameWriter

__all__ = ["DataFrameWriter"]
