"""``awsglue.dataframereader``: glueContext.create_data_frame."""

from playgrounds.glue.readers import DataFrameReader

__all__ = ["DataFrameReader"]
