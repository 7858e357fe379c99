"""``awsglue.dataframereader``: glueContext.create_data_frame."""

from playgrounds.glue.context import DataFrameReader

__all__ = ["DataFrameReader"]
