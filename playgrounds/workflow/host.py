"""Run several ``jobs/`` scripts at once, in threads, on one SparkSession.

``playgrounds.glue.runner.run_job`` runs one script at a time: it patches
``sys.argv``, ``os.environ`` and ``SparkContext`` for the process while the
script runs. A workflow runs independent jobs concurrently, so while
:func:`job_host` is active the process-wide state a script touches is made
thread-aware instead, once for the whole run:

- ``sys.argv`` is a list whose contents are per thread (each job thread sees
  its own Glue-shaped argv; other threads see the original);
- the environment (bookmark root, local S3 root) is the same for every job of
  a run, so it is set once;
- ``SparkContext()`` returns the run's one context, and the shim's active job
  bookmarks (``glue.bookmarks.active``) are per thread, so two jobs never
  commit each other's bookmarks;
- a script runs with ``exec`` in a fresh ``__main__`` namespace, not
  ``runpy``, which swaps ``sys.modules["__main__"]`` and so cannot be shared by threads.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, SupportsIndex

from pyspark import SparkContext
from pyspark.sql import SparkSession

from playgrounds.errors import PlaygroundsError
from playgrounds.glue import bookmarks
from playgrounds.glue import io as glue_io
from playgrounds.glue.errors import GlueShimError, UnsupportedGlueFeatureError
from playgrounds.glue.runner import LocalRun, glue_argv, install_shim, script_error
from playgrounds.lake.local_s3 import ROOT_ENV, bucket_folders, enable_local_s3

_thread = threading.local()


class ThreadArgv(list[str]):
    """``sys.argv`` with per-thread contents: a job thread's own argv, else the original."""

    def __init__(self, original: Iterable[str]) -> None:
        super().__init__(original)

    def _current(self) -> list[str]:
        own: list[str] | None = getattr(_thread, "argv", None)
        return own if own is not None else list(super().__iter__())

    def __iter__(self) -> Iterator[str]:
        return iter(self._current())

    def __len__(self) -> int:
        return len(self._current())

    def __getitem__(self, index: Any) -> Any:
        return self._current()[index]

    def __setitem__(self, index: Any, value: Any) -> None:
        own = getattr(_thread, "argv", None)
        if own is None:
            super().__setitem__(index, value)
        else:
            own[index] = value

    def __contains__(self, item: object) -> bool:
        return item in self._current()

    def __repr__(self) -> str:
        return repr(self._current())

    def index(self, value: str, start: SupportsIndex = 0, stop: SupportsIndex = sys.maxsize) -> int:
        return self._current().index(value, start, stop)

    def count(self, value: str) -> int:
        return self._current().count(value)


def _thread_active() -> bookmarks.JobBookmarks | None:
    return getattr(_thread, "bookmarks", None)


def _thread_activate(state: bookmarks.JobBookmarks | None) -> None:
    _thread.bookmarks = state


@contextlib.contextmanager
def _adopted_context(context: SparkContext) -> Iterator[None]:
    saved = {name: SparkContext.__dict__.get(name) for name in ("__new__", "__init__")}

    def new(cls: type[SparkContext], *args: Any, **kwargs: Any) -> SparkContext:
        return context

    def init(self: SparkContext, *args: Any, **kwargs: Any) -> None:
        if args or any(v is not None for v in kwargs.values()):
            raise UnsupportedGlueFeatureError(
                "SparkContext(...) with settings in a workflow run",
                "the run's one context is used by every job",
            )

    SparkContext.__new__ = new  # type: ignore[method-assign,assignment]
    SparkContext.__init__ = init  # type: ignore[method-assign]
    try:
        yield
    finally:
        for name, original in saved.items():
            if original is None:
                delattr(SparkContext, name)
            else:
                setattr(SparkContext, name, original)


@contextlib.contextmanager
def job_host(spark: SparkSession, lake: Path) -> Iterator[None]:
    """While active, :func:`run_script` may be called from several threads at once."""
    if not install_shim():
        raise GlueShimError(
            "a real awsglue library is installed here; the local workflow runner needs the shim"
        )
    environment = {
        # The same folders glue-local uses (playgrounds.glue.runner), so a job's
        # bookmarks are the same whichever way it is run here.
        bookmarks.ROOT_ENV: str((lake / "_glue_bookmarks").resolve()),
        ROOT_ENV: os.environ.get(ROOT_ENV, str((lake / "s3").resolve())),
    }
    saved_environment = {key: os.environ.get(key) for key in environment}
    saved_argv = sys.argv
    saved_bookmarks = (bookmarks.active, bookmarks.activate)
    try:
        os.environ.update(environment)
        # As glue-local does: s3:// reaches the local S3 root, its buckets mounted up front.
        enable_local_s3(spark)
        glue_io.mount(spark, dict.fromkeys(bucket_folders()))
        sys.argv = ThreadArgv(saved_argv)
        bookmarks.active, bookmarks.activate = _thread_active, _thread_activate  # type: ignore[assignment]
        with _adopted_context(spark.sparkContext):
            yield
    finally:
        bookmarks.active, bookmarks.activate = saved_bookmarks  # type: ignore[assignment]
        sys.argv = saved_argv
        for key, old in saved_environment.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def run_script(run: LocalRun) -> dict[str, Any]:
    """Run one job script in this thread (inside :func:`job_host`); returns its globals.

    An exception from the script becomes one sentence naming its line, as
    ``glue-local`` reports it.
    """
    if not run.job.is_file():
        raise GlueShimError(f"job file {run.job} does not exist")
    code = compile(run.job.read_text(encoding="utf-8"), str(run.job), "exec")
    namespace: dict[str, Any] = {"__name__": "__main__", "__file__": str(run.job)}
    _thread.argv = glue_argv(run)
    try:
        exec(code, namespace)
    except SystemExit as exit_:
        if exit_.code not in (None, 0):
            raise PlaygroundsError(f"job {run.job.name} exited with status {exit_.code}") from exit_
    except PlaygroundsError:
        raise
    except Exception as error:
        raise script_error(run.job, error) from error
    finally:
        _thread.argv = None
        _thread.bookmarks = None
    return namespace
