"""Our two Java classes for ``catalog serve``: the sources ship here, compiled on first use.

* ``PasswordAuthenticator.java``: HiveServer2's CUSTOM authentication (password check);
* ``StatementPolicy.java``: the statements clients may run (a Spark check rule).

They are security code, so what runs is built from the source a reviewer reads:
javac (beside the ``java`` Spark uses, else on PATH) compiles them against the
pyspark wheel's jars once per source version, into a private cache folder
(``~/.cache/playgrounds/jvm/<hash>/``, measured 5 s of CPU on a loaded two-core
machine), and the running JVM loads them from there.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pyspark

from playgrounds.errors import PlaygroundsError
from playgrounds.spark import ensure_java

PACKAGE = "playgrounds.catalog.jvm"
AUTHENTICATOR = f"{PACKAGE}.PasswordAuthenticator"
SOURCES = tuple(sorted(Path(__file__).parent.glob("*.java")))
# The jars the sources import from (the whole folder: 2x the compile time, measured).
COMPILE_JARS = (
    "hadoop-client-api-*.jar",
    "scala-library-*.jar",
    "spark-catalyst_*.jar",
    "spark-common-utils_*.jar",
    "spark-core_*.jar",
    "spark-hive-thriftserver_*.jar",
    "spark-hive_*.jar",
    "spark-sql-api_*.jar",
    "spark-sql_*.jar",
)


def cache_root() -> Path:
    """Where compiled classes are kept (``$XDG_CACHE_HOME`` or ``~/.cache``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "playgrounds" / "jvm"


def _javac() -> Path:
    beside_java = Path(ensure_java()) / "bin" / "javac"
    found = beside_java if beside_java.exists() else shutil.which("javac")
    if not found:
        raise PlaygroundsError(
            "`catalog serve` compiles its authentication and statement-policy classes with "
            "javac, and this Java has none: install a JDK 17 (e.g. openjdk-17-jdk-headless)."
        )
    return Path(found)


def _check_private(folder: Path) -> None:
    # Classes loaded into the server run with its rights: nobody else may write them.
    info = folder.stat()
    if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise PlaygroundsError(
            f"{folder} is writable by another user: remove it (it is rebuilt on the next start)"
        )


def compiled_classes() -> Path:
    """The folder holding the compiled classes, compiling them first if needed."""
    javac = _javac()
    key = hashlib.sha256(f"{pyspark.__version__}\0{javac.resolve()}".encode())
    for source in SOURCES:
        key.update(source.name.encode() + b"\0" + source.read_bytes())
    target = cache_root() / key.hexdigest()[:16]
    if (target / "ok").exists():
        _check_private(target)
        return target
    cache_root().mkdir(parents=True, exist_ok=True, mode=0o700)
    jars = Path(pyspark.__file__).parent / "jars"
    classpath = [str(jar) for pattern in COMPILE_JARS for jar in sorted(jars.glob(pattern))]
    building = Path(tempfile.mkdtemp(prefix=".build-", dir=cache_root()))
    result = subprocess.run(
        [str(javac), "-nowarn", "-d", str(building), "-cp", os.pathsep.join(classpath)]
        + [str(source) for source in SOURCES],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        shutil.rmtree(building, ignore_errors=True)
        raise PlaygroundsError(f"javac failed on {PACKAGE}: {result.stderr.strip()[-2000:]}")
    (building / "ok").touch()
    try:
        building.rename(target)
    except OSError:  # another process built the same classes meanwhile
        shutil.rmtree(building, ignore_errors=True)
    return target


def load_classes(spark: Any) -> None:
    """Make our classes loadable by name in ``spark``'s JVM, also by threads started later.

    The driver's context class loader (Spark's MutableURLClassLoader, set by
    spark-submit) is inherited by the Thrift server's threads, which load the
    authenticator by name; adding the folder there also works for a session
    that is already running, where ``spark.jars`` can no longer change.
    """
    jvm = spark.sparkContext._jvm
    loader = jvm.java.lang.Thread.currentThread().getContextClassLoader()
    # addURL ignores a URL it already has.
    loader.addURL(jvm.java.io.File(str(compiled_classes())).toURI().toURL())


def served_session(
    spark: Any, *, raw: Path | None, processed: Path | None, results: Path | None
) -> Any:
    """A JVM SparkSession over ``spark``'s catalog whose child sessions pass the statement policy.

    HiveServer2 opens each client's session as its ``newSession()``, which keeps
    the policy and ``spark.sql.runSQLOnFiles=false``; ``spark`` itself is untouched.
    Tables may point into ``raw`` or ``processed``; writes go to ``processed`` or
    (CREATE TABLE AS) ``results``; ``None`` allows nothing that needs that folder.
    """
    load_classes(spark)
    jvm = spark.sparkContext._jvm
    return jvm.playgrounds.catalog.jvm.StatementPolicy.servedSession(
        spark._jsparkSession,
        *(None if folder is None else str(folder) for folder in (raw, processed, results)),
    )
