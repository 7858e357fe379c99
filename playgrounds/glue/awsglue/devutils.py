"""``awsglue.devutils``: job definitions (``GlueJobUtils`` raises: no AWS calls locally)."""

from playgrounds.glue.devutils import Command, Connections, ExecutionProperty, GlueJobUtils, Job

__all__ = ["Command", "Connections", "ExecutionProperty", "GlueJobUtils", "Job"]
