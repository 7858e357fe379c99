"""``awsglue.utils``: getResolvedOptions and its errors."""

from playgrounds.glue.options import (
    GlueArgumentError,
    GlueArgumentParser,
    callsite,
    getResolvedOptions,
    makeOptions,
)

__all__ = [
    "GlueArgumentError",
    "GlueArgumentParser",
    "callsite",
    "getResolvedOptions",
    "makeOptions",
]
