"""Which statements ``playgrounds sql`` runs: Athena's set, with Athena's semantics.

Decided on the parsed statement, before Spark sees it. Athena reads tables,
writes new files (``CREATE TABLE AS`` into an empty location, ``INSERT INTO``
appends), registers tables and partitions, and drops catalog entries only;
it has no ``INSERT OVERWRITE``, ``LOAD DATA``, ``ADD JAR`` or ``SET``, and
changes rows only in Iceberg tables, which this lake has none of. On top of
Athena's rules, the lake's own: the raw zone is written only by
``playgrounds ingest``, so writes go to the processed zone or the results
location, and tables may point into the lake's zones only (a table over
``/etc`` would read any file the process can).

Everything here is a pure function of the statement and the zone folders,
apart from one ``exists`` check (a CTAS never lands over existing data) and
the caller's ``table_location`` look-up, so the Thrift server can make the
same decisions with the same names (:class:`StatementKind`, :data:`REFUSED`).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from playgrounds.lake.layout import PROCESSED_ZONE, RAW_ZONE, RESULTS_FOLDER
from playgrounds.lake.local_s3 import is_s3_uri, local_path
from playgrounds.sql.errors import SqlError, StatementRefusedError, syntax_error

# sqlglot warns on stderr for every statement it passes through as a command; the
# passthrough is deliberate here, so only its errors should reach the terminal.
logging.getLogger("sqlglot").setLevel(logging.ERROR)

DIALECTS = ("athena", "trino", "presto", "spark")


class StatementKind(Enum):
    """A statement kind, by the name a user reads in a message."""

    SELECT = "SELECT"
    SHOW = "SHOW"
    DESCRIBE = "DESCRIBE"
    EXPLAIN = "EXPLAIN"
    CREATE_TABLE_AS = "CREATE TABLE AS"
    INSERT_INTO = "INSERT INTO"
    CREATE_EXTERNAL_TABLE = "CREATE EXTERNAL TABLE"
    MSCK_REPAIR_TABLE = "MSCK REPAIR TABLE"
    ALTER_TABLE_ADD_PARTITION = "ALTER TABLE ADD PARTITION"
    DROP_TABLE = "DROP TABLE"

    INSERT_OVERWRITE = "INSERT OVERWRITE"
    INSERT_OVERWRITE_DIRECTORY = "INSERT OVERWRITE DIRECTORY"
    LOAD_DATA = "LOAD DATA"
    ADD_JAR = "ADD JAR"
    SET = "SET"
    DROP_DATABASE = "DROP DATABASE"
    DROP_TABLE_PURGE = "DROP TABLE PURGE"
    TRUNCATE = "TRUNCATE"
    DELETE = "DELETE"
    UPDATE = "UPDATE"
    MERGE = "MERGE"
    CREATE_FUNCTION = "CREATE FUNCTION"
    JAVA_CALL = "reflect/java_method"
    FILE_QUERY = "a query on a file path"
    MULTIPLE_STATEMENTS = "more than one statement"
    CREATE_TABLE = "CREATE TABLE without AS"
    CREATE_DATABASE = "CREATE DATABASE"
    CREATE_VIEW = "CREATE VIEW"
    DROP_VIEW = "DROP VIEW"
    ALTER_TABLE = "ALTER TABLE"
    MSCK_DROP_PARTITIONS = "MSCK REPAIR TABLE DROP/SYNC PARTITIONS"
    UNLOAD = "UNLOAD"
    USE = "USE"
    OTHER = "this statement"


ALLOWED: frozenset[StatementKind] = frozenset(
    {
        StatementKind.SELECT,
        StatementKind.SHOW,
        StatementKind.DESCRIBE,
        StatementKind.EXPLAIN,
        StatementKind.CREATE_TABLE_AS,
        StatementKind.INSERT_INTO,
        StatementKind.CREATE_EXTERNAL_TABLE,
        StatementKind.MSCK_REPAIR_TABLE,
        StatementKind.ALTER_TABLE_ADD_PARTITION,
        StatementKind.DROP_TABLE,
    }
)
# The kinds whose result is rows (the others change the catalog or the lake).
RETURNS_ROWS: frozenset[StatementKind] = frozenset(
    {StatementKind.SELECT, StatementKind.SHOW, StatementKind.DESCRIBE, StatementKind.EXPLAIN}
)
_ALLOWED_LIST = ", ".join(kind.value for kind in StatementKind if kind in ALLOWED)

# Why each refused kind is refused: the second half of "<KIND> is not allowed: <why>".
REFUSED: dict[StatementKind, str] = {
    StatementKind.INSERT_OVERWRITE: (
        "Athena appends with INSERT INTO; to replace a table's data, rerun the step that "
        "writes it (the raw zone is written only by `playgrounds ingest`)"
    ),
    StatementKind.INSERT_OVERWRITE_DIRECTORY: (
        "write a result with --output FILE, or CREATE TABLE AS into a new location"
    ),
    StatementKind.LOAD_DATA: (
        "Athena has no LOAD DATA; land files with `playgrounds ingest`, then crawl them "
        "or run MSCK REPAIR TABLE"
    ),
    StatementKind.ADD_JAR: "Athena loads no code or files from a query",
    StatementKind.SET: (
        "Athena has no session settings (give the database for unqualified names with --database)"
    ),
    StatementKind.DROP_DATABASE: (
        "the lake's databases belong to `playgrounds crawl`; drop one table at a time "
        "with DROP TABLE, which keeps its files"
    ),
    StatementKind.DROP_TABLE_PURGE: (
        "DROP TABLE removes the catalog entry only, as Athena does, and never deletes files"
    ),
    StatementKind.TRUNCATE: "it deletes a table's files, and Athena truncates only Iceberg tables",
    StatementKind.DELETE: "Athena deletes rows only in Iceberg tables, and the lake's are files",
    StatementKind.UPDATE: "Athena updates rows only in Iceberg tables, and the lake's are files",
    StatementKind.MERGE: "Athena merges rows only in Iceberg tables, and the lake's are files",
    StatementKind.CREATE_FUNCTION: "Athena runs no user-defined functions created from SQL",
    StatementKind.JAVA_CALL: "they call arbitrary Java inside the query engine",
    StatementKind.FILE_QUERY: (
        "Athena reads tables only; register a folder of the lake with CREATE EXTERNAL TABLE "
        "or `playgrounds crawl`"
    ),
    StatementKind.MULTIPLE_STATEMENTS: "give one SQL statement at a time",
    StatementKind.CREATE_TABLE: (
        "Athena creates a table over files with CREATE EXTERNAL TABLE ... LOCATION, or "
        "from a query with CREATE TABLE AS"
    ),
    StatementKind.CREATE_DATABASE: "`playgrounds crawl` creates the lake's databases",
    StatementKind.CREATE_VIEW: (
        "playgrounds sql keeps tables only; keep the query in a file and run it with "
        "`playgrounds sql - < query.sql`"
    ),
    StatementKind.DROP_VIEW: "playgrounds sql creates no views, so it drops none",
    StatementKind.ALTER_TABLE: (
        "ALTER TABLE ADD PARTITION is the one change allowed; re-crawl to change a table"
    ),
    StatementKind.MSCK_DROP_PARTITIONS: "Athena's MSCK REPAIR TABLE only adds partitions",
    StatementKind.UNLOAD: "write a result with --output FILE, or CREATE TABLE AS",
    StatementKind.USE: "give the database for unqualified names with --database",
    StatementKind.OTHER: f"playgrounds sql runs Athena's statements: {_ALLOWED_LIST}",
}

# Spark reads ``<format>.`<path>``` as a query on files (spark.sql.runSQLOnFiles).
FILE_FORMATS = frozenset(
    {"parquet", "orc", "json", "csv", "text", "avro", "binaryfile", "jdbc", "libsvm", "hive",
     "delta", "image", "xml", "noop", "console", "kafka"}
)  # fmt: skip
# Spark functions that call Java methods by name.
JAVA_FUNCTIONS = frozenset({"reflect", "java_method", "try_reflect"})
_EXPLAIN_OPTIONS = re.compile(
    r"^\s*(?:(?:EXTENDED|CODEGEN|COST|FORMATTED|LOGICAL|VERBOSE)\b\s*|\([^)]*\)\s*)*",
    re.IGNORECASE,
)
_OBJECT_WORDS = frozenset(
    {"TABLE", "TABLES", "DATABASE", "FUNCTION", "VIEW", "PARTITIONS", "CACHE"}
)
# Athena's CTAS names its folder external_location (Trino's: location).
_LOCATION_PROPERTIES = ("external_location", "location")
_LOCATION = re.compile(r"\bLOCATION\s+'([^']*)'", re.IGNORECASE)
_FILE_REFERENCE = re.compile(r"\b\w+\s*\.\s*`[^`]*[/\\:][^`]*`")
# Statements sqlglot cannot parse in every dialect, known by their first words.
_LEADING_WORDS: tuple[tuple[re.Pattern[str], StatementKind], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), kind)
    for pattern, kind in (
        (r"^\s*INSERT\s+OVERWRITE\s+(LOCAL\s+)?DIRECTORY\b",
         StatementKind.INSERT_OVERWRITE_DIRECTORY),
        (r"^\s*INSERT\s+OVERWRITE\b", StatementKind.INSERT_OVERWRITE),
        (r"^\s*LOAD\s+DATA\b", StatementKind.LOAD_DATA),
        (r"^\s*(ADD|LIST)\s+(JARS?|FILES?|ARCHIVES?)\b", StatementKind.ADD_JAR),
        (r"^\s*(SET|RESET)\b", StatementKind.SET),
        (r"^\s*DROP\s+(DATABASE|SCHEMA|NAMESPACE)\b", StatementKind.DROP_DATABASE),
        (r"^\s*TRUNCATE\b", StatementKind.TRUNCATE),
        (r"^\s*DELETE\b", StatementKind.DELETE),
        (r"^\s*UPDATE\b", StatementKind.UPDATE),
        (r"^\s*MERGE\b", StatementKind.MERGE),
        (r"^\s*CREATE\s+(OR\s+REPLACE\s+)?(TEMP(ORARY)?\s+)?FUNCTION\b",
         StatementKind.CREATE_FUNCTION),
        (r"^\s*UNLOAD\b", StatementKind.UNLOAD),
    )
)  # fmt: skip


@dataclass
class Statement:
    """A statement that passed the policy: its kind, its tree (rewritten where Athena's
    semantics need it, names as typed) and where it writes or registers, if anywhere."""

    kind: StatementKind
    tree: exp.Expr
    target: exp.Table | None = None
    location: Path | None = None
    explained: Statement | None = None
    explain_options: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def target_name(self) -> str:
        """The target table as the user typed it, e.g. ``"demo-processed"."scores"``."""
        if self.target is None:
            return ""
        return ".".join(f'"{part}"' for part in (self.target.db, self.target.name) if part)


def refusal(kind: StatementKind, detail: str | None = None) -> StatementRefusedError:
    """``<KIND> is not allowed: <why>`` as an error."""
    return StatementRefusedError(f"{kind.value} is not allowed: {detail or REFUSED[kind]}")


def parse_statement(query: str, *, dialect: str = "athena") -> exp.Expr:
    """The one statement in ``query``, parsed; a refusal for a statement that is not allowed
    even when sqlglot cannot parse it, else a syntax error with its line and column."""
    if dialect not in DIALECTS:
        raise SqlError(f"unknown SQL dialect {dialect!r}: use one of {', '.join(DIALECTS)}")
    if not query.strip():
        raise SqlError("the query is empty")
    try:
        statements = [s for s in sqlglot.parse(query, read=dialect) if s is not None]
    except (ParseError, TokenError) as error:
        chunks = [chunk for chunk in query.split(";") if chunk.strip()]
        if len(chunks) > 1:
            raise _several(len(chunks)) from None
        kind = _kind_by_leading_words(query)
        if kind is not None:
            raise refusal(kind) from None
        if _FILE_REFERENCE.search(query):
            raise refusal(StatementKind.FILE_QUERY) from None
        raise syntax_error(error) from None
    if len(statements) != 1:
        raise _several(len(statements))
    return statements[0]


def _several(count: int) -> StatementRefusedError:
    return refusal(
        StatementKind.MULTIPLE_STATEMENTS, f"give one SQL statement at a time (found {count})"
    )


def _kind_by_leading_words(text: str) -> StatementKind | None:
    return next((kind for pattern, kind in _LEADING_WORDS if pattern.match(text)), None)


def check_statement(
    query: str,
    *,
    dialect: str = "athena",
    raw_zone: Path | None = None,
    processed_zone: Path | None = None,
    results_location: Path | None = None,
    table_location: Callable[[exp.Table], str | None] | None = None,
) -> StatementKind:
    """The kind of ``query`` when it may run; :class:`StatementRefusedError` naming its kind if not.

    ``processed_zone`` and ``results_location`` are where writes may go (none
    known: no writes); tables and partitions may point into the raw or processed
    zone only. ``table_location`` gives an existing table's location (a
    ``file:`` URI, an ``s3://`` address or a path); without it ``INSERT INTO``
    is checked for its kind only, so a server must pass it.
    """
    return plan_statement(
        parse_statement(query, dialect=dialect),
        LakeZones(raw_zone, processed_zone, results_location),
        table_location=table_location,
        dialect=dialect,
    ).kind


def plan_statement(
    tree: exp.Expr,
    zones: LakeZones,
    *,
    table_location: Callable[[exp.Table], str | None] | None,
    dialect: str = "athena",
    check_locations: bool = True,
) -> Statement:
    """The policy's decision on a parsed statement, as :class:`Statement`, or a refusal.

    ``check_locations=False`` decides on the kind alone (to show a translation
    before the lake is known); a statement that writes must never run from such a plan.
    """
    _refuse_file_queries_and_java(tree)
    kind = statement_kind(tree)
    if kind is StatementKind.OTHER:
        raise StatementRefusedError(f"{_leading_words(tree)} is not allowed: {REFUSED[kind]}")
    if kind not in ALLOWED:
        raise refusal(kind)
    statement = Statement(kind, tree)
    if kind is StatementKind.EXPLAIN:
        assert isinstance(tree, exp.Command)
        text = _command_text(tree)
        options = _EXPLAIN_OPTIONS.match(text)
        statement.explain_options = options.group(0).strip() if options else ""
        if re.match(r"^\s*ANALYZE\b", text[options.end() if options else 0 :], re.IGNORECASE):
            raise StatementRefusedError(
                "EXPLAIN ANALYZE is not allowed: it runs the statement; use EXPLAIN"
            )
        inner = parse_statement(text[options.end() if options else 0 :], dialect=dialect)
        statement.explained = plan_statement(
            inner,
            zones,
            table_location=None,
            dialect=dialect,
            check_locations=check_locations,
        )
    elif not check_locations:
        return statement
    elif kind is StatementKind.CREATE_TABLE_AS:
        _plan_create_table_as(statement, zones)
    elif kind is StatementKind.INSERT_INTO:
        _plan_insert_into(statement, zones, table_location)
    elif kind is StatementKind.CREATE_EXTERNAL_TABLE:
        assert isinstance(tree, exp.Create)
        found = tree.find(exp.LocationProperty)
        if found is None:
            raise refusal(kind, "give the table a LOCATION in the lake's raw or processed zone")
        statement.location = zones.readable(kind, found.this.name)
    elif kind is StatementKind.ALTER_TABLE_ADD_PARTITION:
        for location in _partition_locations(tree):
            zones.readable(kind, location)
    elif kind is StatementKind.DROP_TABLE:
        assert isinstance(tree, exp.Drop)
        tables = tree.args.get("tables") or []
        statement.target = tables[0] if tables else None
    return statement


def _leading_words(tree: exp.Expr) -> str:
    """``CACHE TABLE``, ``REFRESH TABLE``, ``PREPARE``: how a statement of no known kind starts."""
    words = tree.sql(dialect="spark").upper().split()[:2]
    second = words[1:] if words[1:] and words[1] in _OBJECT_WORDS else []
    return " ".join(words[:1] + second) or "this statement"


def statement_kind(tree: exp.Expr) -> StatementKind:
    """What kind of statement ``tree`` is (allowed or not), by Athena's names."""
    if isinstance(tree, exp.Values):
        return StatementKind.SELECT
    if isinstance(tree, exp.Query):
        return StatementKind.OTHER if tree.find(exp.Into) else StatementKind.SELECT
    if isinstance(tree, exp.Command):
        return _command_kind(tree)
    simple: dict[type[exp.Expr], StatementKind] = {
        exp.Describe: StatementKind.DESCRIBE,
        exp.LoadData: StatementKind.LOAD_DATA,
        exp.Set: StatementKind.SET,
        exp.TruncateTable: StatementKind.TRUNCATE,
        exp.Delete: StatementKind.DELETE,
        exp.Update: StatementKind.UPDATE,
        exp.Merge: StatementKind.MERGE,
        exp.Use: StatementKind.USE,
    }
    if type(tree) in simple:
        return simple[type(tree)]
    if isinstance(tree, exp.Insert):
        if isinstance(tree.this, exp.Directory):
            return StatementKind.INSERT_OVERWRITE_DIRECTORY
        return (
            StatementKind.INSERT_OVERWRITE
            if tree.args.get("overwrite")
            else StatementKind.INSERT_INTO
        )
    if isinstance(tree, exp.Create):
        return _create_kind(tree)
    if isinstance(tree, exp.Drop):
        kind = str(tree.args.get("kind") or "").upper()
        if kind == "TABLE":
            return (
                StatementKind.DROP_TABLE_PURGE
                if tree.args.get("purge")
                else StatementKind.DROP_TABLE
            )
        if kind in ("DATABASE", "SCHEMA", "NAMESPACE"):
            return StatementKind.DROP_DATABASE
        return StatementKind.DROP_VIEW if kind == "VIEW" else StatementKind.OTHER
    if isinstance(tree, exp.Alter):
        actions = tree.args.get("actions") or []
        if actions and all(isinstance(action, exp.AddPartition) for action in actions):
            return StatementKind.ALTER_TABLE_ADD_PARTITION
        return StatementKind.ALTER_TABLE
    return StatementKind.OTHER


def _command_text(tree: exp.Command) -> str:
    """What follows a command's first word(s), as typed (a literal or plain text)."""
    rest = tree.args.get("expression")
    return rest.name if isinstance(rest, exp.Expression) else str(rest or "")


def _command_kind(tree: exp.Command) -> StatementKind:
    """Kinds of the statements sqlglot keeps as text: the first word(s), then the rest."""
    head = str(tree.this).upper()
    rest = _command_text(tree)
    if head == "SHOW":
        return StatementKind.SHOW
    if head == "EXPLAIN":
        return StatementKind.EXPLAIN
    if head.startswith("MSCK"):
        if re.search(r"\b(DROP|SYNC)\s+PARTITIONS\b", rest, re.IGNORECASE):
            return StatementKind.MSCK_DROP_PARTITIONS
        return StatementKind.MSCK_REPAIR_TABLE
    if head == "ALTER":
        adds = re.match(r"^\s*TABLE\s+\S+\s+ADD\s+(IF\s+NOT\s+EXISTS\s+)?PARTITION\b", rest, re.I)
        return StatementKind.ALTER_TABLE_ADD_PARTITION if adds else StatementKind.ALTER_TABLE
    if head in ("DESCRIBE", "DESC"):
        return StatementKind.DESCRIBE
    if _FILE_REFERENCE.search(rest):
        return StatementKind.FILE_QUERY
    return _kind_by_leading_words(f"{head} {rest}") or StatementKind.OTHER


def _create_kind(tree: exp.Create) -> StatementKind:
    kind = str(tree.args.get("kind") or "").upper()
    if kind == "FUNCTION":
        return StatementKind.CREATE_FUNCTION
    if kind in ("DATABASE", "SCHEMA"):
        return StatementKind.CREATE_DATABASE
    if kind == "VIEW":
        return StatementKind.CREATE_VIEW
    if kind != "TABLE":
        return StatementKind.OTHER
    if tree.args.get("replace"):
        # CREATE OR REPLACE TABLE writes over the old table's data.
        return StatementKind.OTHER
    if tree.expression is not None:
        return StatementKind.CREATE_TABLE_AS
    if tree.find(exp.ExternalProperty) is not None:
        return StatementKind.CREATE_EXTERNAL_TABLE
    return StatementKind.CREATE_TABLE


def _refuse_file_queries_and_java(tree: exp.Expr) -> None:
    for table in tree.find_all(exp.Table):
        database, name = table.db or "", table.name or ""
        is_path = any(mark in name for mark in "/\\:") or name.startswith(("~", "."))
        names_a_format = database.lower() in FILE_FORMATS or "." in database
        if database and (is_path or names_a_format):
            raise refusal(StatementKind.FILE_QUERY, f"{database}.`{name}` is a file path, and "
                          + REFUSED[StatementKind.FILE_QUERY])  # fmt: skip
    for function in tree.find_all(exp.Anonymous):
        if function.name.lower() in JAVA_FUNCTIONS:
            raise refusal(StatementKind.JAVA_CALL)


@dataclass(frozen=True)
class LakeZones:
    """Where tables may point (raw, processed) and where statements may write (processed,
    results); ``None`` where unknown, which refuses what would need it."""

    raw: Path | None = None
    processed: Path | None = None
    results: Path | None = None

    @classmethod
    def of_lake(cls, lake: Path) -> LakeZones:
        """``<lake>/raw``, ``<lake>/processed``, and ``<lake>/results`` for CTAS without a
        location (Athena writes those under the workgroup's query results location)."""
        return cls(lake / RAW_ZONE, lake / PROCESSED_ZONE, lake / RESULTS_FOLDER)

    def writable(self) -> list[Path]:
        return [zone.resolve() for zone in (self.processed, self.results) if zone is not None]

    def readable(self, kind: StatementKind, text: str) -> Path:
        """The local folder of a table or partition LOCATION, which must be in a lake zone."""
        zones = [zone.resolve() for zone in (self.raw, self.processed) if zone is not None]
        folder = local_location(text)
        if folder is None or not any(folder.is_relative_to(zone) for zone in zones):
            where = " or ".join(str(zone) for zone in zones) or "no lake given"
            raise refusal(kind, f"its LOCATION {text!r} is outside the lake's zones ({where})")
        return folder


def local_location(text: str) -> Path | None:
    """The local folder of a metastore location (``file:``, ``s3://`` or an absolute path)."""
    if text.startswith("file:"):
        path = Path(re.sub(r"^file:(//)?", "", text))
    elif is_s3_uri(text):
        path = local_path(text)
    elif "://" in text:
        return None
    else:
        path = Path(text)
    return path.resolve() if path.is_absolute() else None


def _plan_create_table_as(statement: Statement, zones: LakeZones) -> None:
    """Athena's CTAS: a new, external table, Parquet by default, in an empty location."""
    tree = statement.tree
    assert isinstance(tree, exp.Create)
    kind = statement.kind
    properties = tree.args.get("properties") or exp.Properties(expressions=[])
    chosen: str | None = None
    kept = []
    for prop in properties.expressions:
        if isinstance(prop, exp.LocationProperty):
            chosen = prop.this.name
        elif isinstance(prop, exp.Property) and prop.name.lower() in _LOCATION_PROPERTIES:
            chosen = prop.args["value"].name
        else:
            kept.append(prop)
    writable = zones.writable()
    if chosen is None:
        if zones.results is None:
            where = str(zones.processed) if zones.processed else "the lake's processed zone"
            raise refusal(kind, f"give it an external_location in {where}")
        # Athena writes a CTAS without a location under the results location, per query.
        folder = zones.results.resolve() / "tables" / uuid.uuid4().hex
    else:
        found = local_location(chosen)
        if found is None or not any(found.is_relative_to(zone) for zone in writable):
            where = " or ".join(str(zone) for zone in writable) or "no lake given"
            raise refusal(kind, f"its location {chosen!r} is outside the processed zone and "
                          f"the results location ({where})")  # fmt: skip
        folder = found
    if folder in writable:
        raise refusal(kind, f"its location {folder} is a whole zone, not a new table folder")
    if folder.exists():
        raise refusal(kind, f"its location {folder} already exists, and Athena's CREATE TABLE AS "
                      "writes only into a new, empty location")  # fmt: skip
    if not any(isinstance(prop, exp.FileFormatProperty) for prop in kept):
        kept.append(exp.FileFormatProperty(this=exp.Var(this="PARQUET")))  # Athena's default
    kept.append(exp.LocationProperty(this=exp.Literal.string(f"file:{folder}")))
    tree.set("properties", exp.Properties(expressions=kept))
    statement.target = tree.this if isinstance(tree.this, exp.Table) else tree.find(exp.Table)
    statement.location = folder


def _plan_insert_into(
    statement: Statement, zones: LakeZones, table_location: Callable[[exp.Table], str | None] | None
) -> None:
    tree = statement.tree
    target = tree.this if isinstance(tree.this, exp.Table) else tree.find(exp.Table)
    assert target is not None
    statement.target = target
    if table_location is None:
        return
    text = table_location(target)
    folder = local_location(text) if text else None
    processed = zones.processed.resolve() if zones.processed is not None else None
    if folder is None or processed is None or not folder.is_relative_to(processed):
        where = f"the processed zone {processed}" if processed else "the processed zone"
        raise refusal(
            statement.kind,
            f"{statement.target_name} is at {text or 'no known location'}, outside {where} "
            "(the raw zone is written only by `playgrounds ingest`)",
        )
    statement.location = folder


def _partition_locations(tree: exp.Expr) -> list[str]:
    if isinstance(tree, exp.Command):
        rest = _command_text(tree)
        return _LOCATION.findall(rest)
    return [found.this.name for found in tree.find_all(exp.LocationProperty)]
