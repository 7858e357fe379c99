"""``awsglue.context``: GlueContext."""

from playgrounds.glue.context import GlueContext, register

__all__ = ["GlueContext", "register"]
