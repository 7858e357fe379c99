"""Athena (Presto/Trino) SQL on Spark SQL over the catalog.

sqlglot translates the dialect; this module only maps names: Athena quotes
Glue database names (``"playgrounds-raw"."parks"``, optionally behind the
``awsdatacatalog`` catalog), the metastore knows ``playgrounds_raw``, and
:func:`playgrounds.catalog.names.metastore_name` is the one mapping. Errors
come back as one sentence: a syntax error with its line and column in the
query as typed, an unknown table or column named as Athena would.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
from pathlib import Path

import sqlglot
from pyspark.errors import AnalysisException, ParseException
from pyspark.sql import DataFrame, SparkSession
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from playgrounds.catalog.names import glue_table_name, metastore_name
from playgrounds.errors import PlaygroundsError

DIALECTS = ("athena", "trino", "presto", "spark")
# Catalog names Athena puts in front of a database; Spark has one catalog.
ATHENA_CATALOGS = {"awsdatacatalog", "spark_catalog", "hive"}
OUTPUT_SUFFIXES = (".csv", ".json", ".parquet")
_QUOTED_NAME = re.compile(r'"([^"]+)"|`([^`]+)`')
# sqlglot warns on stderr for every statement it passes through as a command; the
# passthrough is deliberate here, so only its errors should reach the terminal.
logging.getLogger("sqlglot").setLevel(logging.ERROR)
# sqlglot describes a token as its repr; the user needs only the text.
_TOKEN = re.compile(r"<Token token_type: [^,]+, text: ([^,]*), .*?>")


class SqlError(PlaygroundsError):
    """A query that cannot run: the sentence names the problem and where."""


def _syntax_error(error: ParseError | TokenError, query: str) -> SqlError:
    details = getattr(error, "errors", None) or []
    if details:
        first = details[0]
        where = f"line {first.get('line')}, column {first.get('col')}"
        near = (first.get("highlight") or "").strip()
        description = _TOKEN.sub(r"'\1'", first.get("description") or str(error))
        near_text = f" near {near!r}" if near else ""
        return SqlError(f"SQL syntax error at {where}{near_text}: {description}")
    first_line = str(error).splitlines()[0] if str(error) else "unparseable query"
    return SqlError(f"SQL syntax error: {first_line}")


def translate(query: str, *, dialect: str = "athena") -> str:
    """The Spark SQL for one Athena/Trino/Presto statement, with Glue names mapped."""
    return _translate(query, dialect)[0]


def _translate(query: str, dialect: str) -> tuple[str, dict[str, str]]:
    """Spark SQL and the databases it names (metastore name -> name as typed)."""
    if dialect not in DIALECTS:
        raise SqlError(f"unknown SQL dialect {dialect!r}: use one of {', '.join(DIALECTS)}")
    if not query.strip():
        raise SqlError("the query is empty")
    try:
        statements = [s for s in sqlglot.parse(query, read=dialect) if s is not None]
    except (ParseError, TokenError) as error:
        raise _syntax_error(error, query) from None
    if len(statements) != 1:
        raise SqlError(f"give one SQL statement at a time (found {len(statements)})")
    tree = statements[0]
    if isinstance(tree, exp.Command):
        # sqlglot keeps statements it does not model (SHOW TABLES/PARTITIONS/DATABASES ...) as
        # opaque text. Their quoted names are all databases or tables, so map each one.
        typed: dict[str, str] = {}

        def mapped(match: re.Match[str]) -> str:
            name = match.group(1) or match.group(2)
            typed[metastore_name(name)] = name
            return f"`{metastore_name(name)}`"

        return _QUOTED_NAME.sub(mapped, query.strip().rstrip(";")), typed
    typed = {}
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    for table in tree.find_all(exp.Table):
        if not table.name or (not table.db and table.name.lower() in ctes):
            continue
        if table.args.get("catalog") is not None and table.catalog.lower() in ATHENA_CATALOGS:
            table.set("catalog", None)
        if table.db:
            typed[metastore_name(table.db)] = table.db
            table.set("db", exp.to_identifier(metastore_name(table.db)))
        table.set("this", exp.to_identifier(glue_table_name(table.name)))
    return tree.sql(dialect="spark"), typed


def _not_found(error: AnalysisException, spark: SparkSession, typed: dict[str, str]) -> str | None:
    text = str(error)
    match = re.search(r"The table or view (`?[^ ]+`?) cannot be found", text)
    if not match:
        return None
    name = match.group(1).replace("`", "")
    parts = name.split(".")
    database = parts[-2] if len(parts) >= 2 else spark.catalog.currentDatabase()
    shown = typed.get(database, database)
    if not spark.catalog.databaseExists(database):
        known = ", ".join(sorted(d.name for d in spark.catalog.listDatabases())) or "none"
        return (
            f"database {shown!r} does not exist in the catalog (metastore databases: {known}); "
            "crawl it first with `playgrounds crawl`"
        )
    tables = sorted(t.name for t in spark.catalog.listTables(database))
    listed = ", ".join(tables[:20]) or "none"
    return f"table {parts[-1]!r} not found in database {shown!r} (its tables: {listed})"


def _analysis_message(
    error: Exception, spark: SparkSession, typed: dict[str, str] | None = None
) -> str:
    if isinstance(error, AnalysisException):
        known = _not_found(error, spark, typed or {})
        if known:
            return known
    text = str(error)
    # Spark's messages start with [ERROR_CLASS]; its plan dump after a blank line is noise.
    first = next((line.strip() for line in text.splitlines() if line.strip()), "query failed")
    first = re.sub(r"^\[[A-Z_.]+\]\s*", "", first)
    return first.split("; line ")[0].rstrip(";. ")


def _locate(query: str, message: str) -> str:
    """`` at line L, column C`` of the first name quoted in ``message``, found in the user's query.

    Spark's own position points into the translated query, which the user never
    wrote; the offending name is usually verbatim in what they typed.
    """
    quoted = re.search(r"`([^`]+)`|^table '([^']+)'", message)
    if not quoted:
        return ""
    name = (quoted.group(1) or quoted.group(2)).split(".")[-1]
    found = re.search(rf"(?<![\w\"`]){re.escape(name)}(?![\w\"`])", query, re.IGNORECASE)
    if not found:
        found = re.search(rf"\"{re.escape(name)}\"", query, re.IGNORECASE)
    if not found:
        return ""
    before = query[: found.start()]
    line = before.count("\n") + 1
    column = found.start() - (before.rfind("\n") + 1) + 1
    return f" (line {line}, column {column})"


def run_sql(
    spark: SparkSession,
    query: str,
    *,
    dialect: str = "athena",
    database: str | None = None,
) -> DataFrame:
    """Run an Athena-dialect query on Spark; ``database`` (a Glue name) is for unqualified tables.

    Analysis happens here, so an unknown table or column raises :class:`SqlError`
    now; the rows are computed when the DataFrame is used.
    """
    spark_sql, typed = _translate(query, dialect)
    try:
        if database:
            name = metastore_name(database)
            if not spark.catalog.databaseExists(name):
                raise SqlError(f"database {database!r} does not exist in the catalog")
            spark.catalog.setCurrentDatabase(name)
        return spark.sql(spark_sql)
    except ParseException as error:
        # sqlglot accepted it but Spark does not: show both so the user sees the translation.
        raise SqlError(
            f"Spark cannot parse the translated query ({_analysis_message(error, spark)}): "
            f"{spark_sql}"
        ) from None
    except AnalysisException as error:
        message = _analysis_message(error, spark, typed)
        raise SqlError(message + _locate(query, message)) from None


def write_result(frame: DataFrame, output: Path) -> Path:
    """Write a result to one ``.csv`` (with header), ``.json`` (JSON lines) or ``.parquet`` file.

    Spark writes a folder; the single part file is moved into place, so the
    output appears whole or not at all.
    """
    suffix = output.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise SqlError(
            f"cannot write {output}: the file name must end in {', '.join(OUTPUT_SUFFIXES)}"
        )
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".sql-", dir=output.parent))
    try:
        target = staging / "out"
        writer = frame.coalesce(1).write.mode("overwrite")
        if suffix == ".csv":
            writer.option("header", "true").csv(str(target))
        elif suffix == ".json":
            writer.json(str(target))
        else:
            writer.parquet(str(target))
        parts = sorted(p for p in target.iterdir() if p.name.startswith("part-"))
        if not parts:
            raise SqlError(f"Spark wrote no file for {output}")
        parts[0].replace(output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return output
