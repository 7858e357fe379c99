"""``playgrounds sql QUERY``: Athena-style SQL on the lake's catalog."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.table import Table

from playgrounds.cli.kit import console, lake_folder, lake_option
from playgrounds.errors import InputError
from playgrounds.lake.layout import LAKE_FOLDERS, PROCESSED_ZONE, RAW_ZONE, RESULTS_FOLDER

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

# A rich table of 1M rows took 139 s and 2.4 GB; past a screenful or two a file is the
# way to read a result, and Spark writes one without collecting it.
MAX_TERMINAL_ROWS = 10_000
# Folders of the lake that `--output` never writes into: the zones belong to the
# steps that write them, the catalog folder to the metastore.
LAKE_FOLDERS_NOT_FOR_OUTPUT = LAKE_FOLDERS
SQL_ON_FILES = "spark.sql.runSQLOnFiles"


def _terminal_limit(ctx: click.Context, param: click.Parameter, value: int) -> int:
    if value < 0:
        raise click.BadParameter("give a number of rows, 0 or more", ctx, param)
    if value > MAX_TERMINAL_ROWS:
        raise click.BadParameter(
            f"{value} rows is more than the terminal shows (at most {MAX_TERMINAL_ROWS:,}); "
            "write every row to a file with --output result.csv (or .json, .parquet)",
            ctx,
            param,
        )
    return value


@click.command("sql")
@click.argument("query")
@lake_option("the catalog lives in <ROOT>/catalog.")
@click.option("--database", "-d", help="Glue database for unqualified table names.")
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    help="Write all rows to a .csv, .json (JSON lines) or .parquet file instead of the terminal.",
)
@click.option("--force", is_flag=True, help="Replace the --output file if it exists.")
@click.option(
    "--limit",
    default=100,
    show_default=True,
    callback=_terminal_limit,
    help=f"Rows shown on the terminal (at most {MAX_TERMINAL_ROWS:,}; --output writes all).",
)
@click.option(
    "--dialect",
    type=click.Choice(["athena", "trino", "presto", "spark"]),
    default="athena",
    show_default=True,
    help="SQL dialect of QUERY.",
)
@click.option("--show-translation", is_flag=True, help="Print the Spark SQL that runs.")
def sql(
    query: str,
    lake: str,
    database: str | None,
    output: Path | None,
    force: bool,
    limit: int,
    dialect: str,
    show_translation: bool,
) -> None:
    """Run an Athena (Presto/Trino) QUERY on the catalog.

    Name databases as in Glue/Athena, e.g. 'SELECT * FROM "playgrounds-raw"."parks"';
    "-" reads the query from stdin. Athena's statements run (SELECT, SHOW, DESCRIBE,
    EXPLAIN, CREATE TABLE AS, INSERT INTO the processed zone, CREATE EXTERNAL TABLE,
    MSCK REPAIR TABLE, ALTER TABLE ADD PARTITION, DROP TABLE of the catalog entry);
    anything else is refused before Spark starts.
    """
    # Imported here: Spark's start-up cost is paid only by commands that use it.
    from playgrounds.catalog.metastore import catalog_exists, open_catalog
    from playgrounds.serve.functions import ModelFunctionResolver
    from playgrounds.sql.functions import split_using
    from playgrounds.sql.policy import RETURNS_ROWS, check_statement
    from playgrounds.sql.query import check_output, run_statement, write_result

    if query == "-":
        query = sys.stdin.read()
    root = lake_folder(lake, must_exist=False)
    # Syntax errors and refused statements before Spark starts (table locations are
    # checked again, with the catalog, when the statement runs).
    using = split_using(query)
    kind = check_statement(
        using.statement,
        dialect=dialect,
        raw_zone=root / RAW_ZONE,
        processed_zone=root / PROCESSED_ZONE,
        results_location=root / RESULTS_FOLDER,
        table_location=None,
    )
    if output is not None:
        if kind not in RETURNS_ROWS:
            raise InputError(
                f"--output needs a statement that returns rows (SELECT, SHOW, DESCRIBE, "
                f"EXPLAIN), not {kind.value}"
            )
        check_output(output, overwrite=force)
        _refuse_output_in_lake(output, root)
    root = lake_folder(lake)
    models = ModelFunctionResolver(root)
    for function in using.functions:
        models.target(function)  # an unknown model or a stopped endpoint, before Spark starts
    if not catalog_exists(root):
        raise InputError(
            f"no catalog in {root}/catalog yet: register tables first with "
            f"`playgrounds crawl raw --lake {lake}`"
        )

    def shown(spark_sql: str) -> None:
        if show_translation:
            console.print(spark_sql, highlight=False, markup=False)

    with open_catalog(root, "sql") as spark, _without_sql_on_files(spark):
        result = run_statement(
            spark,
            query,
            dialect=dialect,
            database=database,
            lake=root,
            on_translation=shown,
            functions=models,
        )
        if result.note is not None:
            Console().print(result.note, highlight=False, markup=False)
        if not result.returns_rows:
            return
        if output is not None:
            write_result(result.frame, output, overwrite=force)
            console.print(f"Wrote {output}", highlight=False)
            return
        _print_table(result.frame, limit)


def _refuse_output_in_lake(output: Path, root: Path) -> None:
    target = output.resolve()
    for name in LAKE_FOLDERS_NOT_FOR_OUTPUT:
        folder = (root / name).resolve()
        if target.is_relative_to(folder):
            raise InputError(
                f"cannot write {output}: it is inside the lake's {name} folder {folder}, "
                "which only the lake's own steps write; give a path outside it"
            )


@contextmanager
def _without_sql_on_files(spark: SparkSession) -> Iterator[None]:
    """``spark.sql.runSQLOnFiles=false`` while the command runs, restored after.

    The statement policy already refuses ``parquet.`/path``` queries; this is the
    engine's own lock on the same door. It is a runtime SQL conf, so a running
    session (the test suite's, a reused one) takes it without a restart.
    """
    before = spark.conf.get(SQL_ON_FILES, "true")
    spark.conf.set(SQL_ON_FILES, "false")
    try:
        yield
    finally:
        spark.conf.set(SQL_ON_FILES, before or "true")


def _print_table(frame: DataFrame, limit: int) -> None:
    # One row more than shown, to know whether there are more; never the whole result.
    rows = frame.limit(limit + 1).collect()
    table = Table(*frame.columns, show_lines=False)
    for row in rows[:limit]:
        table.add_row(*("NULL" if value is None else str(value) for value in row))
    out = Console()
    out.print(table)
    more = ""
    if len(rows) > limit:
        more = f"; first {limit} shown (use --limit, up to {MAX_TERMINAL_ROWS:,}, or --output)"
    out.print(f"{min(len(rows), limit)} rows{more}", style="dim")
