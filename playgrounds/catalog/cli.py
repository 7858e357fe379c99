"""Command-line commands of the catalog: ``crawl``, ``sql`` and ``catalog serve``.

Imports of Spark, boto3 and sqlglot happen inside the commands, so
``playgrounds --help`` stays fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from playgrounds.errors import InputError, PlaygroundsError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

DEFAULT_PREFIX = "playgrounds"
ZONES = ("raw", "processed")

_lake_option = click.option(
    "--lake",
    default="lake",
    show_default=True,
    help="Lake root: a folder (or s3://bucket/prefix, mapped to a local folder); "
    "the catalog lives in <lake>/catalog.",
)


def _lake_folder(lake: str) -> Path:
    from playgrounds.lake.local_s3 import is_s3_uri, local_path

    folder = local_path(lake) if is_s3_uri(lake) else Path(lake)
    if not folder.is_dir():
        raise InputError(f"lake root {lake} does not exist (give it with --lake)")
    return folder


@click.command("crawl")
@click.argument("zone", type=click.Choice(ZONES))
@_lake_option
@click.option(
    "--prefix",
    default=DEFAULT_PREFIX,
    show_default=True,
    help="Database names are <prefix>-raw and <prefix>-processed, as in the workshop.",
)
@click.option("--database", help="Glue database name [default: <prefix>-<zone>].")
@click.option(
    "--catalog",
    type=click.Choice(["local", "glue"]),
    default="local",
    show_default=True,
    help="local: the Hive metastore in <lake>/catalog; glue: the AWS Glue Data Catalog.",
)
@click.option(
    "--on-schema-change",
    type=click.Choice(["keep", "replace"]),
    default="keep",
    show_default=True,
    help="keep: report removed/retyped columns and keep the table; replace: re-register "
    "changed tables (external: data untouched). Added columns are always applied.",
)
@click.option("--region", help="AWS region for --catalog glue [default: from the environment].")
@click.option(
    "--endpoint-url",
    envvar="PLAYGROUNDS_GLUE_ENDPOINT",
    help="Glue endpoint for --catalog glue (e.g. a moto server) [env PLAYGROUNDS_GLUE_ENDPOINT].",
)
def crawl_command(
    zone: str,
    lake: str,
    prefix: str,
    database: str | None,
    catalog: str,
    on_schema_change: str,
    region: str | None,
    endpoint_url: str | None,
) -> None:
    """Register one table per top-level folder of the raw or processed zone (a Glue crawler)."""
    from playgrounds.catalog.crawler import crawl
    from playgrounds.catalog.metastore import crawls_dir, open_catalog
    from playgrounds.cli import console, stage_display

    root = _lake_folder(lake)
    zone_path: str | Path = f"{lake.rstrip('/')}/{zone}" if lake.startswith("s3") else root / zone
    name = database or f"{prefix}-{zone}"
    reports = crawls_dir(root)
    with stage_display(f"crawl {zone}") as show:
        if catalog == "glue":
            from playgrounds.catalog.glue import glue_client

            report = crawl(
                None,
                zone_path,
                name,
                catalog="glue",
                progress=show,
                on_schema_change=on_schema_change,  # type: ignore[arg-type]
                report_dir=reports,
                glue_client=glue_client(region, endpoint_url),
            )
        else:
            show("Opening the catalog")
            with open_catalog(root, f"crawl {zone}") as spark:
                report = crawl(
                    spark,
                    zone_path,
                    name,
                    progress=show,
                    on_schema_change=on_schema_change,  # type: ignore[arg-type]
                    report_dir=reports,
                )
    for line in report.lines():
        style = "yellow" if "skipped" in line or "not applied" in line else None
        console.print(line, style=style, highlight=False, markup=False, soft_wrap=True)
    if report.tables and all(t.action == "skipped" for t in report.tables):
        raise PlaygroundsError("nothing was registered: every table folder was skipped (see above)")


@click.command("sql")
@click.argument("query")
@_lake_option
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
def sql_command(
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
    from playgrounds.catalog.metastore import catalog_exists, open_catalog
    from playgrounds.cli import console
    from playgrounds.sql.query import run_sql, translate, write_result

    if query == "-":
        query = sys.stdin.read()
    spark_sql = translate(query, dialect=dialect)  # syntax errors before Spark starts
    if show_translation:
        console.print(spark_sql, highlight=False, markup=False)
    root = _lake_folder(lake)
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


def _print_table(frame: object, limit: int) -> None:
    from rich.console import Console
    from rich.table import Table

    rows = frame.limit(limit + 1).collect()  # type: ignore[attr-defined]
    columns: list[str] = frame.columns  # type: ignore[attr-defined]
    table = Table(*columns, show_lines=False)
    for row in rows[:limit]:
        table.add_row(*("NULL" if value is None else str(value) for value in row))
    out = Console()
    out.print(table)
    more = f"; first {limit} shown (use --limit or --output for more)" if len(rows) > limit else ""
    out.print(f"{min(len(rows), limit)} rows{more}", style="dim")


@click.group("catalog")
def catalog_group() -> None:
    """The local catalog (Hive metastore beside the lake)."""


@catalog_group.command("serve")
@_lake_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=10000, show_default=True, help="Thrift (HiveServer2) port.")
@click.option(
    "--crawl",
    "zones",
    type=click.Choice(ZONES),
    multiple=True,
    help="Crawl this zone first (repeatable): nothing else can crawl while the server runs.",
)
@click.option("--prefix", default=DEFAULT_PREFIX, show_default=True, help="For --crawl.")
def serve_command(lake: str, host: str, port: int, zones: tuple[str, ...], prefix: str) -> None:
    """Serve the catalog over JDBC/Thrift (HiveServer2) so many clients can query at once.

    Connect with beeline (`beeline -u jdbc:hive2://127.0.0.1:10000`) or a DB-API client
    (PyHive). Stop with Ctrl-C.
    """
    from playgrounds.catalog.serve import serve
    from playgrounds.cli import console

    root = _lake_folder(lake)

    def ready(url: str) -> None:
        console.print(
            f"Serving {root}/catalog at {url} (process {os.getpid()}); Ctrl-C to stop.",
            highlight=False,
        )

    def crawl_first(spark: SparkSession) -> None:
        from playgrounds.catalog.crawler import crawl
        from playgrounds.catalog.metastore import crawls_dir

        for zone in zones:
            report = crawl(spark, root / zone, f"{prefix}-{zone}", report_dir=crawls_dir(root))
            for line in report.lines():
                console.print(line, highlight=False, markup=False, soft_wrap=True)

    serve(root, host=host, port=port, on_ready=ready, before=crawl_first if zones else None)


@catalog_group.command("tables")
@_lake_option
def tables_command(lake: str) -> None:
    """List the databases and tables of the local catalog."""
    from playgrounds.catalog.metastore import catalog_exists, open_catalog

    root = _lake_folder(lake)
    if not catalog_exists(root):
        raise InputError(f"no catalog in {root}/catalog yet: run `playgrounds crawl` first")
    with open_catalog(root, "catalog tables") as spark:
        for db in sorted(d.name for d in spark.catalog.listDatabases()):
            for table in sorted(t.name for t in spark.catalog.listTables(db)):
                click.echo(f"{db}.{table}")


def register(cli: click.Group) -> None:
    """Add ``crawl``, ``sql`` and ``catalog`` to the ``playgrounds`` command group."""
    cli.add_command(crawl_command)
    cli.add_command(sql_command)
    cli.add_command(catalog_group)
