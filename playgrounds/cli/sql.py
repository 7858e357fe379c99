"""``playgrounds sql QUERY``: Athena-style SQL on the lake's catalog."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.table import Table

from playgrounds.cli.kit import console, lake_folder, lake_option
from playgrounds.errors import InputError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


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
@click.option("--limit", default=100, show_default=True, help="Rows shown on the terminal.")
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
    limit: int,
    dialect: str,
    show_translation: bool,
) -> None:
    """Run an Athena (Presto/Trino) QUERY on the catalog.

    Name databases as in Glue/Athena, e.g. 'SELECT * FROM "playgrounds-raw"."parks"';
    "-" reads the query from stdin.
    """
    # Imported here: Spark's start-up cost is paid only by commands that use it.
    from playgrounds.catalog.metastore import catalog_exists, open_catalog
    from playgrounds.sql.query import run_sql, translate, write_result

    if query == "-":
        query = sys.stdin.read()
    spark_sql = translate(query, dialect=dialect)  # syntax errors before Spark starts
    if show_translation:
        console.print(spark_sql, highlight=False, markup=False)
    root = lake_folder(lake)
    if not catalog_exists(root):
        raise InputError(
            f"no catalog in {root}/catalog yet: register tables first with "
            f"`playgrounds crawl raw --lake {lake}`"
        )
    with open_catalog(root, "sql") as spark:
        frame = run_sql(spark, query, dialect=dialect, database=database)
        if output is not None:
            write_result(frame, output)
            console.print(f"Wrote {output}", highlight=False)
            return
        _print_table(frame, limit)


def _print_table(frame: DataFrame, limit: int) -> None:
    rows = frame.limit(limit + 1).collect()
    table = Table(*frame.columns, show_lines=False)
    for row in rows[:limit]:
        table.add_row(*("NULL" if value is None else str(value) for value in row))
    out = Console()
    out.print(table)
    more = f"; first {limit} shown (use --limit or --output for more)" if len(rows) > limit else ""
    out.print(f"{min(len(rows), limit)} rows{more}", style="dim")
