"""``awsglue.dynamicframe``: DynamicFrame and its readers, writers and collections."""

from playgrounds.glue.context import DynamicFrameReader, DynamicFrameWriter
from playgrounds.glue.dynamicframe import DynamicFrame, DynamicFrameCollection

__all__ = ["DynamicFrame", "DynamicFrameCollection", "DynamicFrameReader", "DynamicFrameWriter"]
