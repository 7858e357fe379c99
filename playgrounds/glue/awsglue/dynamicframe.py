"""``awsglue.dynamicframe``: DynamicFrame and its readers, writers and collections."""

from playgrounds.glue.collection import DynamicFrameCollection
from playgrounds.glue.dynamicframe import DynamicFrame, ResolveOption
from playgrounds.glue.readers import DynamicFrameReader
from playgrounds.glue.writers import DynamicFrameWriter

__all__ = [
    "DynamicFrame",
    "DynamicFrameCollection",
    "DynamicFrameReader",
    "DynamicFrameWriter",
    "ResolveOption",
]
