"""Run a Glue job file on plain PySpark: the ``glue-local`` way.

``run_job("jobs/prep_data_for_ml.py", ["--raw_database", "demo-raw", ...])``

1. :func:`install_shim` checks that ``import awsglue`` fails (no real Glue
   library here) and only then puts ``playgrounds/glue`` on ``sys.path``;
   where the real library exists (the Glue image, AWS Glue), nothing is shadowed.
2. A SparkSession is made with :func:`playgrounds.spark.spark_session` (our
   log4j, fast local settings, the local Hive metastore), and while the job
   runs ``SparkContext()`` / ``SparkContext.getOrCreate()`` return its context,
   so the script's own ``sc = SparkContext()`` gets these settings.
3. The buckets with a folder under the local S3 root, those named by
   ``s3://`` job arguments, and ``extra_buckets`` (``--local-s3-buckets``) are
   mounted on local folders before the script starts; the shim's readers and
   writers mount any other bucket on first use. A plain Spark read or write of
   any other bucket fails naming it (never a write outside the lake).
4. The script runs with ``runpy`` as ``__main__``, its ``sys.argv`` shaped as
   Glue's: ``script --JOB_NAME <name> --JOB_ID ... --JOB_RUN_ID ...
   --job-bookmark-option ... --TempDir ...`` followed by the user's arguments.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import runpy
import sys
import traceback
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyspark import SparkContext
from pyspark.sql import SparkSession

from playgrounds.catalog.metastore import catalog_dir, metastore_lock
from playgrounds.errors import PlaygroundsError
from playgrounds.glue import bookmarks, csv_choices, tables
from playgrounds.glue import io as glue_io
from playgrounds.glue.errors import GlueShimError, UnsupportedGlueFeatureError
from playgrounds.lake.local_s3 import (
    ROOT_ENV,
    bucket_folders,
    buckets_in,
    enable_local_s3,
    unmounted_bucket,
    unmounted_bucket_error,
)
from playgrounds.spark import spark_session

SHIM_DIR = Path(__file__).resolve().parent  # holds the awsglue/ package
DEFAULT_LAKE = Path("lake")


def real_awsglue_present() -> bool:
    """True when an ``awsglue`` other than our shim can be imported."""
    spec = importlib.util.find_spec("awsglue")
    if spec is None or spec.origin is None:
        return False
    return not Path(spec.origin).resolve().is_relative_to(SHIM_DIR)


def install_shim() -> bool:
    """Make ``import awsglue`` find the shim unless the real library is present.

    Returns True when the shim is in use. Idempotent.
    """
    if real_awsglue_present():
        return False
    if str(SHIM_DIR) not in sys.path:
        sys.path.insert(0, str(SHIM_DIR))
    return True


@contextlib.contextmanager
def adopt_spark_context(session: Callable[[], SparkSession]) -> Iterator[None]:
    """While active, ``SparkContext()`` and ``getOrCreate()`` return ``session()``'s context.

    ``session`` is called on the script's first use of Spark, so a job that
    fails on its arguments does so before a JVM is started. While ``session``
    builds its SparkSession, pyspark's own constructors run unchanged.
    """
    # Saved from the class dict so that restoring puts back exactly what was there.
    saved = {
        name: SparkContext.__dict__.get(name) for name in ("__new__", "__init__", "getOrCreate")
    }
    original_init = SparkContext.__init__
    original_get = SparkContext.getOrCreate
    building: list[bool] = []

    def adopted() -> SparkContext:
        building.append(True)
        try:
            return session().sparkContext
        finally:
            building.pop()

    def new(cls: type[SparkContext], *args: Any, **kwargs: Any) -> SparkContext:
        if building:
            return object.__new__(cls)
        return adopted()

    def init(self: SparkContext, *args: Any, **kwargs: Any) -> None:
        if building:
            original_init(self, *args, **kwargs)
            return
        if args or any(v is not None for v in kwargs.values()):
            given = ", ".join([*(repr(a) for a in args), *kwargs])
            raise UnsupportedGlueFeatureError(
                f"SparkContext({given}) in a local run",
                "the runner's context is used; pass Spark settings to glue-local with --conf",
            )

    def get_or_create(cls: type[SparkContext], conf: Any = None) -> SparkContext:
        if building:
            return original_get(conf)
        return adopted()

    SparkContext.__new__ = new  # type: ignore[method-assign,assignment]
    SparkContext.__init__ = init  # type: ignore[method-assign]
    SparkContext.getOrCreate = classmethod(get_or_create)  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        for name, original in saved.items():
            if original is None:
                delattr(SparkContext, name)
            else:
                setattr(SparkContext, name, original)


@dataclass(frozen=True)
class LocalRun:
    """Settings of one local run."""

    job: Path
    args: tuple[str, ...] = ()
    lake: Path = DEFAULT_LAKE
    job_name: str | None = None
    bookmark_option: str | None = None
    extra_buckets: tuple[str, ...] = ()
    catalog_map: Path | None = None
    metastore: Path | None = None
    conf: tuple[tuple[str, str], ...] = ()


def glue_argv(run: LocalRun) -> list[str]:
    """The ``sys.argv`` Glue would give the script: its options, then the user's."""
    name = run.job_name or run.job.stem
    argv = [str(run.job), "--JOB_NAME", name]
    given = set(run.args)
    if "--JOB_ID" not in given:
        argv += ["--JOB_ID", f"j_{uuid.uuid4().hex}"]
    if "--JOB_RUN_ID" not in given:
        argv += ["--JOB_RUN_ID", f"jr_{uuid.uuid4().hex}"]
    if run.bookmark_option and "--job-bookmark-option" not in given:
        argv += ["--job-bookmark-option", run.bookmark_option]
    if "--TempDir" not in given:
        argv += ["--TempDir", str((run.lake / "_glue_temp").resolve())]
    return argv + list(run.args)


def _environment(run: LocalRun) -> dict[str, str]:
    env = {bookmarks.ROOT_ENV: str((run.lake / "_glue_bookmarks").resolve())}
    # CSV choice decisions are kept beside the bookmarks (the `_` hides them from crawlers).
    env[csv_choices.CACHE_ENV] = os.environ.get(csv_choices.CACHE_ENV) or str(
        (run.lake / "_glue_cache" / "csv-choices").resolve()
    )
    env.setdefault(ROOT_ENV, os.environ.get(ROOT_ENV, str((run.lake / "s3").resolve())))
    if run.catalog_map is not None:
        env[tables.MAP_ENV] = str(run.catalog_map.resolve())
    return env


@contextlib.contextmanager
def _patched_environ(values: Mapping[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


class JobScriptError(PlaygroundsError):
    """The job script raised: named by its file and line, as Glue's error log names them."""


def _shown_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _first_line(error: BaseException) -> str:
    # Spark's errors carry the Java exception; its message, not the Py4J text with the stack.
    java = getattr(error, "java_exception", None)
    text = str(java.getMessage()) if java is not None else str(error)
    return next((line.strip() for line in text.splitlines() if line.strip()), "no message")


def script_error(job: Path, error: BaseException) -> JobScriptError:
    """``jobs/x.py line 12: ValueError: boom``: the script's last line on the way to ``error``."""
    script = job.resolve()
    lines = [
        frame.lineno
        for frame in traceback.extract_tb(error.__traceback__)
        if Path(frame.filename).resolve() == script
    ]
    where = f"{_shown_path(job)} line {lines[-1]}" if lines else _shown_path(job)
    first = _first_line(error)
    bucket = unmounted_bucket(first)
    if bucket is not None:
        return JobScriptError(f"{where}: {unmounted_bucket_error(bucket)}")
    return JobScriptError(f"{where}: {type(error).__name__}: {first}")


def uses_metastore(run: LocalRun) -> bool:
    """True when the job's catalog is the embedded metastore (no ``--catalog-map``)."""
    return run.catalog_map is None


def metastore_folder(run: LocalRun) -> Path:
    """The folder of the Hive metastore the run opens."""
    return run.metastore or catalog_dir(run.lake)


def local_session(run: LocalRun) -> SparkSession:
    """The session a local run uses (local Hive metastore under the lake)."""
    # Workers must import what the driver does (pyarrow, this library).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return spark_session(
        f"glue-local-{run.job.stem}",
        conf=dict(run.conf),
        # The crawler's catalog: <lake>/catalog, so from_catalog sees its tables.
        hive_metastore_dir=metastore_folder(run).resolve(),
    )


def run_job(run: LocalRun, spark: SparkSession | None = None) -> dict[str, Any]:
    """Run ``run.job`` as Glue would; returns the script's globals.

    ``spark`` reuses a running session (tests, the benchmark); otherwise one
    is created with :func:`local_session`, after taking the metastore's lock
    when the job uses it (see :func:`playgrounds.catalog.metastore.catalog_lock`),
    so a busy catalog is one sentence naming its holder, not Derby's stack.
    An exception from the script becomes :class:`JobScriptError` naming its line.
    """
    if not run.job.is_file():
        raise GlueShimError(f"job file {run.job} does not exist")
    if not install_shim():
        raise GlueShimError(
            "a real awsglue library is installed here; run the job with it, not through glue-local"
        )
    argv = glue_argv(run)
    buckets = list(dict.fromkeys([*buckets_in(argv), *run.extra_buckets]))
    started: list[SparkSession] = []
    held = contextlib.ExitStack()

    def session() -> SparkSession:
        if not started:
            if spark is None and uses_metastore(run):
                # Taken on the script's first use of Spark: a job that fails on
                # its arguments neither waits for nor touches the catalog.
                held.enter_context(
                    metastore_lock(metastore_folder(run), f"glue-local {run.job.stem}")
                )
            chosen = spark or local_session(run)
            # Even with no bucket to mount, s3:// must reach the view file
            # system: there an unknown bucket fails naming itself, where plain
            # Spark says only UnsupportedFileSystemException.
            enable_local_s3(chosen)
            # Mount before the script touches a bucket (see local_s3.mount_buckets);
            # the folders already under the root are buckets a plain write may use.
            glue_io.mount(chosen, dict.fromkeys([*bucket_folders(), *buckets]))
            started.append(chosen)
        return started[0]

    with held, _patched_environ(_environment(run)):
        saved_argv = sys.argv
        sys.argv = argv
        try:
            with adopt_spark_context(session):
                return runpy.run_path(str(run.job), run_name="__main__")
        except SystemExit as exit_:
            if exit_.code not in (None, 0):
                raise PlaygroundsError(
                    f"job {run.job.name} exited with status {exit_.code}"
                ) from exit_
            return {}
        except PlaygroundsError:
            raise  # already one sentence for the user
        except Exception as error:
            raise script_error(run.job, error) from error
        finally:
            sys.argv = saved_argv
            bookmarks.activate(None)


def parse_conf(pairs: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """``["k=v", ...]`` -> ``(("k", "v"), ...)``; an error names a malformed pair."""
    parsed = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise GlueShimError(f"--conf {pair!r} is not key=value")
        parsed.append((key, value))
    return tuple(parsed)
