"""``awsglue.job``: Job (init / commit, bookmarks kept in the lake)."""

from playgrounds.glue.job import Job

__all__ = ["Job"]
