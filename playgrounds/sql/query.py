"""Athena (Presto/Trino) SQL on Spark SQL over the catalog.

sqlglot translates the dialect; this module only maps names: Athena quotes
Glue database names (``"playgrounds-raw"."parks"``, optionally behind the
``awsdatacatalog`` catalog), the metastore knows ``playgrounds_raw``, and
:func:`playgrounds.catalog.names.metastore_name` is the one mapping. Errors
come back as one sentence: a syntax error with its line and column in the
query as typed, an unknown table or column named as Athena would.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pyspark.errors import AnalysisException, ParseException
from pyspark.sql import DataFrame, SparkSession
from sqlglot import exp

from playgrounds.catalog.names import glue_table_name, metastore_name
from playgrounds.lake.layout import data_files
from playgrounds.sql.errors import SqlError
from playgrounds.sql.functions import FunctionResolver, register_functions, split_using
from playgrounds.sql.policy import (
    DIALECTS,
    RETURNS_ROWS,
    LakeZones,
    Statement,
    StatementKind,
    parse_statement,
    plan_statement,
    refusal,
)

__all__ = [
    "DIALECTS",
    "SqlError",
    "SqlResult",
    "check_output",
    "run_sql",
    "run_statement",
    "translate",
    "write_result",
]

# Catalog names Athena puts in front of a database; Spark has one catalog.
ATHENA_CATALOGS = {"awsdatacatalog", "spark_catalog", "hive"}
OUTPUT_SUFFIXES = (".csv", ".json", ".parquet")
_QUOTED_NAME = re.compile(r'"([^"]+)"|`([^`]+)`')
_QUOTED_OR_STRING = re.compile(r"'[^']*'|\"[^\"]+\"|`[^`]+`")


def translate(query: str, *, dialect: str = "athena") -> str:
    """The Spark SQL for one Athena/Trino/Presto statement, with Glue names mapped.

    The statement policy runs first (without the lake's zones: a statement that
    writes is checked for its kind only), so a refused statement never translates.
    """
    statement = plan_statement(
        parse_statement(query, dialect=dialect),
        LakeZones(),
        table_location=None,
        dialect=dialect,
        check_locations=False,
    )
    return _spark_sql(statement, query)[0]


def _spark_sql(statement: Statement, query: str) -> tuple[str, dict[str, str]]:
    """Spark SQL and the databases it names (metastore name -> name as typed)."""
    if statement.explained is not None:
        inner, inner_names = _spark_sql(statement.explained, "")
        options = f"{statement.explain_options} " if statement.explain_options else ""
        return f"EXPLAIN {options}{inner}", inner_names
    tree = statement.tree.copy()
    if isinstance(tree, exp.Command):
        # sqlglot keeps statements it does not model (SHOW TABLES/PARTITIONS/DATABASES ...) as
        # opaque text. Their quoted names are all databases or tables, so map each one.
        named: dict[str, str] = {}

        def mapped(match: re.Match[str]) -> str:
            name = match.group(1) or match.group(2)
            named[metastore_name(name)] = name
            return f"`{metastore_name(name)}`"

        def outside_strings(match: re.Match[str]) -> str:
            # A LOCATION '...' string is a path, not a name: leave it as typed.
            quoted = match.group(0)
            return quoted if quoted.startswith("'") else _QUOTED_NAME.sub(mapped, quoted)

        text = query or tree.sql(dialect="spark")
        return _QUOTED_OR_STRING.sub(outside_strings, text).strip().rstrip(";"), named
    typed: dict[str, str] = {}
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


@dataclass(frozen=True)
class SqlResult:
    """What a statement did: its kind, its rows (empty for a statement that changes the
    catalog or the lake), a sentence saying what changed, and the Spark SQL that ran."""

    kind: StatementKind
    frame: DataFrame
    note: str | None
    spark_sql: str

    @property
    def returns_rows(self) -> bool:
        """True for SELECT, SHOW, DESCRIBE and EXPLAIN."""
        return self.kind in RETURNS_ROWS


def run_sql(
    spark: SparkSession,
    query: str,
    *,
    dialect: str = "athena",
    database: str | None = None,
    lake: Path | None = None,
    functions: FunctionResolver | None = None,
) -> DataFrame:
    """Run an Athena-dialect query on Spark; ``database`` (a Glue name) is for unqualified tables.

    Analysis happens here, so an unknown table or column raises :class:`SqlError`
    now; the rows are computed when the DataFrame is used. Statements outside
    Athena's set are refused before Spark runs anything (see
    :mod:`playgrounds.sql.policy`); those that write need ``lake``. A ``USING [EXTERNAL]
    FUNCTION`` prefix needs ``functions`` (see :mod:`playgrounds.sql.functions`).
    """
    return run_statement(
        spark, query, dialect=dialect, database=database, lake=lake, functions=functions
    ).frame


def run_statement(
    spark: SparkSession,
    query: str,
    *,
    dialect: str = "athena",
    database: str | None = None,
    lake: Path | None = None,
    on_translation: Callable[[str], None] | None = None,
    functions: FunctionResolver | None = None,
) -> SqlResult:
    """Check ``query`` against the statement policy with ``lake``'s zones, then run it.

    ``on_translation`` gets the Spark SQL just before it runs (``--show-translation``);
    ``functions`` resolves the model functions a ``USING FUNCTION`` prefix declares (the
    policy checks the statement after the prefix).
    """
    using = split_using(query)
    query = using.statement
    tree = parse_statement(query, dialect=dialect)
    spark_sql, typed = "", dict[str, str]()
    try:
        if database:
            name = metastore_name(database)
            if not spark.catalog.databaseExists(name):
                raise SqlError(f"database {database!r} does not exist in the catalog")
            spark.catalog.setCurrentDatabase(name)
        statement = plan_statement(
            tree,
            LakeZones.of_lake(lake) if lake is not None else LakeZones(),
            table_location=lambda table: _table_details(spark, table).get("Location"),
            dialect=dialect,
        )
        if using.functions:
            _refuse_functions_outside_queries(statement)
            register_functions(spark, statement.tree, using, functions)
        spark_sql, typed = _spark_sql(statement, query)
        before = _before(spark, statement)
        if on_translation is not None:
            on_translation(spark_sql)
        frame = spark.sql(spark_sql)
    except ParseException as error:
        # sqlglot accepted it but Spark does not: show both so the user sees the translation.
        raise SqlError(
            f"Spark cannot parse the translated query ({_analysis_message(error, spark)}): "
            f"{spark_sql}"
        ) from None
    except AnalysisException as error:
        message = _analysis_message(error, spark, typed)
        raise SqlError(message + _locate(query, message)) from None
    return SqlResult(statement.kind, frame, _note(statement, before), spark_sql)


def _refuse_functions_outside_queries(statement: Statement) -> None:
    if statement.kind not in (StatementKind.SELECT, StatementKind.CREATE_TABLE_AS) or isinstance(
        statement.tree, exp.Command
    ):
        raise SqlError(
            "USING FUNCTION goes in front of a SELECT or CREATE TABLE AS, "
            f"not {statement.kind.value}"
        )


def _table_details(spark: SparkSession, table: exp.Table) -> dict[str, str]:
    """``DESCRIBE TABLE EXTENDED``'s details (Location, Type, ...) of a table named as typed."""
    database = metastore_name(table.db) if table.db else spark.catalog.currentDatabase()
    name = f"`{database}`.`{glue_table_name(table.name)}`"
    try:
        rows = spark.sql(f"DESCRIBE TABLE EXTENDED {name}").collect()
    except AnalysisException:
        return {}
    return {str(row[0]).strip(): str(row[1]).strip() for row in rows if row[1] is not None}


def _before(spark: SparkSession, statement: Statement) -> dict[str, str]:
    """What a message after the statement needs from before it: a dropped table's details,
    the data files an INSERT INTO finds in its table."""
    if statement.kind is StatementKind.DROP_TABLE and statement.target is not None:
        details = _table_details(spark, statement.target)
        if details.get("Type", "").upper() == "MANAGED":
            raise refusal(
                statement.kind,
                f"{statement.target_name} is a managed table, and Spark would delete its "
                "files with it (only external tables are dropped, as in Athena)",
            )
        return details
    if statement.kind is StatementKind.INSERT_INTO and statement.location is not None:
        return {"files": str(len(data_files(statement.location)))}
    return {}


def _note(statement: Statement, before: dict[str, str]) -> str | None:
    """One sentence on what a statement that returns no rows changed."""
    name = statement.target_name
    if statement.kind is StatementKind.DROP_TABLE:
        if not before:
            return f"No table {name} to drop; nothing changed."
        return (
            f"Dropped table {name} from the catalog only; its files in "
            f"{before.get('Location', 'its location')} were kept (Athena's DROP TABLE)."
        )
    if statement.kind is StatementKind.INSERT_INTO and statement.location is not None:
        added = len(data_files(statement.location)) - int(before.get("files", "0"))
        return f"Inserted into {name}: {added} new file(s) in {statement.location}, old files kept."
    if statement.kind is StatementKind.CREATE_TABLE_AS:
        return f"Created table {name} in {statement.location}."
    if statement.kind in RETURNS_ROWS:
        return None
    return f"{statement.kind.value}: done."


def check_output(output: Path, *, overwrite: bool = False) -> None:
    """Refuse an output file name that is not .csv/.json/.parquet, or one that exists (unless
    ``overwrite``): checked before Spark starts, and again before writing."""
    if output.suffix.lower() not in OUTPUT_SUFFIXES:
        raise SqlError(
            f"cannot write {output}: the file name must end in {', '.join(OUTPUT_SUFFIXES)}"
        )
    if output.is_dir():
        raise SqlError(f"cannot write {output}: it is a folder; give a file name")
    if output.exists() and not overwrite:
        raise SqlError(f"{output} already exists: give another file name, or --force to replace it")


def write_result(frame: DataFrame, output: Path, *, overwrite: bool = False) -> Path:
    """Write a result to one ``.csv`` (with header), ``.json`` (JSON lines) or ``.parquet`` file.

    Spark writes the rows partition by partition (nothing is collected into
    this process, so the size of a result is bounded by the disk, not the
    memory) into a staging folder beside the file; the single part file is
    then renamed into place, so the output appears whole or not at all, and an
    existing file is replaced only with ``overwrite``.
    """
    check_output(output, overwrite=overwrite)
    suffix = output.suffix.lower()
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
