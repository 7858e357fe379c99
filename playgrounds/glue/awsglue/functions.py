"""``awsglue.functions``: Glue's column functions."""

from playgrounds.glue.functions import explodeWithIndex, namedStruct, replaceArrayElement

__all__ = ["explodeWithIndex", "namedStruct", "replaceArrayElement"]
