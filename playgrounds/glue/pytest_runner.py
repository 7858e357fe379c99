"""Run a Glue project's own pytest suite on plain PySpark: the ``glue-pytest`` way.

AWS's way to unit-test a Glue job locally is to run pytest inside the Glue
Docker image, where ``awsglue`` is installed and a ``conftest.py`` builds
``GlueContext(SparkContext.getOrCreate())``. Here, for the length of the run:

1. ``import awsglue`` finds the shim (``playgrounds/glue/awsglue``) through a
   finder on ``sys.meta_path`` that answers for that one name, so ``sys.path``
   is not changed and no other module of ``playgrounds/glue`` becomes
   importable under a top-level name (as ``glue-local``'s path entry does);
2. ``SparkContext()`` / ``SparkContext.getOrCreate()`` (and so
   ``SparkSession.builder.getOrCreate()``) return the context of one fast local
   session (:data:`playgrounds.spark.FAST_LOCAL_CONF`, ``local[1]``), built on
   the suite's first use of Spark, with ``s3://`` served from the local S3 root
   as in ``glue-local``.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Iterator, Sequence
from types import ModuleType

from pyspark.sql import SparkSession

from playgrounds.glue import io as glue_io
from playgrounds.glue.errors import GlueShimError
from playgrounds.glue.runner import SHIM_DIR, adopt_spark_context, real_awsglue_present
from playgrounds.lake.local_s3 import bucket_folders, enable_local_s3
from playgrounds.spark import FAST_LOCAL_CONF, spark_session

SHIM_PACKAGE = SHIM_DIR / "awsglue"


class ShimFinder(importlib.abc.MetaPathFinder):
    """Finds the top-level ``awsglue`` package in the shim; its submodules follow its path."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        """The shim's spec for ``awsglue``; None for every other name."""
        if fullname != "awsglue":
            return None
        return importlib.util.spec_from_file_location(
            "awsglue",
            SHIM_PACKAGE / "__init__.py",
            submodule_search_locations=[str(SHIM_PACKAGE)],
        )


@contextlib.contextmanager
def shim_importable() -> Iterator[None]:
    """While active, ``import awsglue`` finds the shim; refuses where a real awsglue exists."""
    if real_awsglue_present():
        raise GlueShimError(
            "a real awsglue library is installed here; run pytest with it, not through glue-pytest"
        )
    finder = ShimFinder()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
        for name in [m for m in sys.modules if m == "awsglue" or m.startswith("awsglue.")]:
            del sys.modules[name]


def suite_session() -> SparkSession:
    """The suite's session: the unit-test settings of STYLE.md, ``s3://`` on local folders."""
    spark = spark_session("glue-pytest", master="local[1]", conf=FAST_LOCAL_CONF)
    enable_local_s3(spark)
    glue_io.mount(spark, bucket_folders())
    return spark


def run_pytest(args: Sequence[str]) -> int:
    """Run pytest in this interpreter with the shim and the local session; its exit status."""
    # pytest is the user's test runner, not a dependency of the library: imported
    # only by this command, with a sentence when the environment lacks it.
    try:
        import pytest
    except ImportError as missing:
        raise GlueShimError(
            f"glue-pytest needs pytest in this environment ({sys.executable} -m pip install pytest)"
        ) from missing
    started: list[SparkSession] = []

    def session() -> SparkSession:
        if not started:
            started.append(suite_session())
        return started[0]

    with shim_importable(), adopt_spark_context(session):
        return int(pytest.main(list(args)))
