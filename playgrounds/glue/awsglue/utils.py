"""``awsglue.utils``: getResolvedOptions and its errors."""

from playgrounds.glue.options import GlueArgumentError, GlueArgumentParser, getResolvedOptions

__all__ = ["GlueArgumentError", "GlueArgumentParser", "getResolvedOptions"]
