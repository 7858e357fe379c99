"""``awsglue.job.Job``: ``init`` starts a run with its bookmarks, ``commit`` records them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pyspark.sql import SparkSession

from playgrounds.glue import bookmarks, options
from playgrounds.glue.context import GlueContext
from playgrounds.glue.errors import GlueShimError


class Job:
    """A Glue job run; bookmarks are read from and written to the lake."""

    @classmethod
    def continuation_options(cls) -> list[str]:
        """The legacy bookmark option and its values."""
        return [options.CONTINUATION_OPTION, *options.CONTINUATION_CHOICES]

    @classmethod
    def job_bookmark_options(cls) -> list[str]:
        """``--job-bookmark-option`` and its values."""
        return [options.BOOKMARK_OPTION, *options.BOOKMARK_CHOICES]

    @classmethod
    def job_bookmark_range_options(cls) -> list[str]:
        """The bookmark range options (only valid with ``job-bookmark-pause``)."""
        return list(options.BOOKMARK_RANGE_OPTIONS)

    @classmethod
    def id_params(cls) -> list[str]:
        """The run identifiers Glue passes to every job."""
        return list(options.ID_PARAMS)

    @classmethod
    def encryption_type_options(cls) -> list[str]:
        """``--encryption-type`` and its value."""
        return list(options.ENCRYPTION_OPTION)

    @classmethod
    def data_lineage_options(cls) -> list[str]:
        """``--enable-data-lineage``."""
        return [options.LINEAGE_OPTION]

    def __init__(self, glue_context_or_spark_session: Any) -> None:
        if isinstance(glue_context_or_spark_session, GlueContext):
            self._glue_context: GlueContext | None = glue_context_or_spark_session
            self._spark_session = glue_context_or_spark_session.spark_session
        elif isinstance(glue_context_or_spark_session, SparkSession):
            self._glue_context = None
            self._spark_session = glue_context_or_spark_session
        else:
            raise GlueShimError(
                "Job() needs a GlueContext or a SparkSession, "
                f"not {type(glue_context_or_spark_session).__name__}"
            )
        self._bookmarks: bookmarks.JobBookmarks | None = None

    def init(self, job_name: str, args: Mapping[str, Any] | None = None) -> None:
        """Start the run: load ``job_name``'s bookmarks under ``args['job_bookmark_option']``."""
        given = dict(args or {})
        bookmarks.check_range_options(given)
        option = str(given.get("job_bookmark_option") or bookmarks.DISABLE)
        self._bookmarks = bookmarks.JobBookmarks(job_name=job_name, option=option)
        bookmarks.activate(self._bookmarks)

    def isInitialized(self) -> bool:
        """True after :meth:`init`."""
        return self._bookmarks is not None

    def commit(self) -> None:
        """Record what this run read (``job-bookmark-enable`` only) and end the run."""
        if self._bookmarks is None:
            raise GlueShimError("Job.commit() was called before Job.init()")
        self._bookmarks.commit()
        bookmarks.activate(None)
