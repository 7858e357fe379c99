"""``awsglue.context``: GlueContext."""

from playgrounds.glue.context import GlueContext

__all__ = ["GlueContext"]
