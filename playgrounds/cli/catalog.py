"""``playgrounds crawl`` and ``playgrounds catalog serve|tables``: the catalog's commands."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from playgrounds.cli.kit import TypedChoice, console, lake_folder, lake_option, stage_display
from playgrounds.errors import InputError, PlaygroundsError
from playgrounds.lake.layout import ZONES
from playgrounds.lake.local_s3 import is_s3_uri

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from playgrounds.catalog.crawler import SchemaPolicy

DEFAULT_PREFIX = "playgrounds"
SCHEMA_POLICIES: tuple[SchemaPolicy, ...] = ("keep", "replace")


@click.command("crawl")
@click.argument("zone", type=click.Choice(ZONES))
@lake_option("the catalog lives in <ROOT>/catalog.")
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
    type=TypedChoice(SCHEMA_POLICIES),
    default="keep",
    show_default=True,
    help="keep: report removed/retyped columns and keep the table; replace: re-register "
    "changed tables (external: data untouched). Added columns are always applied.",
)
@click.option(
    "--region",
    help="AWS region for --catalog glue [default: from the environment, else us-east-1].",
)
@click.option(
    "--endpoint-url",
    help="Glue endpoint for --catalog glue (e.g. a moto server) [default: AWS_ENDPOINT_URL_GLUE, "
    "then AWS_ENDPOINT_URL, as the AWS CLI reads them].",
)
def crawl(
    zone: str,
    lake: str,
    prefix: str,
    database: str | None,
    catalog: str,
    on_schema_change: SchemaPolicy,
    region: str | None,
    endpoint_url: str | None,
) -> None:
    """Register one table per top-level folder of the raw or processed zone (a Glue crawler)."""
    # Imported here: Spark's start-up cost is paid only by commands that use it.
    from playgrounds.catalog.crawler import crawl as crawl_zone
    from playgrounds.catalog.metastore import crawls_dir, open_catalog

    root = lake_folder(lake)
    zone_path: str | Path = f"{lake}/{zone}" if is_s3_uri(lake) else root / zone
    name = database or f"{prefix}-{zone}"
    reports = crawls_dir(root)
    with stage_display(f"crawl {zone}") as show:
        if catalog == "glue":
            from playgrounds.catalog.glue_catalog import glue_client

            report = crawl_zone(
                None,
                zone_path,
                name,
                catalog="glue",
                progress=show,
                on_schema_change=on_schema_change,
                report_dir=reports,
                glue_client=glue_client(region, endpoint_url),
            )
        else:
            show("Opening the catalog")
            with open_catalog(root, f"crawl {zone}") as spark:
                report = crawl_zone(
                    spark,
                    zone_path,
                    name,
                    progress=show,
                    on_schema_change=on_schema_change,
                    report_dir=reports,
                )
    for line in report.lines():
        style = "yellow" if "skipped" in line or "not applied" in line else None
        console.print(line, style=style, highlight=False, markup=False, soft_wrap=True)
    if report.tables and all(t.action == "skipped" for t in report.tables):
        raise PlaygroundsError("nothing was registered: every table folder was skipped (see above)")


@click.group("catalog")
def catalog_group() -> None:
    """The local catalog (Hive metastore beside the lake)."""


@catalog_group.command("serve")
@lake_option("the catalog lives in <ROOT>/catalog.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (another than loopback needs authentication).",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=10000,
    show_default=True,
    help="Thrift (HiveServer2) port.",
)
@click.option(
    "--password-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Clients log in with the first line of this file [default: $PLAYGROUNDS_SERVE_PASSWORD, "
    "else a new password written to <ROOT>/catalog/serve.token, readable by you only].",
)
@click.option(
    "--no-auth",
    is_flag=True,
    help="Let anyone connect without a password (only with a loopback --host).",
)
@click.option(
    "--crawl",
    "zones",
    type=click.Choice(ZONES),
    multiple=True,
    help="Crawl this zone first (repeatable): nothing else can crawl while the server runs.",
)
@click.option("--prefix", default=DEFAULT_PREFIX, show_default=True, help="For --crawl.")
def serve_command(
    lake: str,
    host: str,
    port: int,
    password_file: Path | None,
    no_auth: bool,
    zones: tuple[str, ...],
    prefix: str,
) -> None:
    """Serve the catalog over JDBC/Thrift (HiveServer2) so many clients can query at once.

    Clients log in with any user name and the password (beeline -u
    jdbc:hive2://127.0.0.1:10000 -n me -p "$(cat lake/catalog/serve.token)"; PyHive
    with auth="CUSTOM"). They may run queries, SHOW/DESCRIBE/EXPLAIN, CREATE TABLE
    [AS SELECT], INSERT INTO, MSCK REPAIR TABLE, ALTER TABLE ADD PARTITION and DROP TABLE
    of external tables; nothing that overwrites or deletes data. Stop with Ctrl-C.
    """
    from playgrounds.catalog.serve import (
        PASSWORD_ENV,
        check_exposure,
        read_password_file,
        serve,
        token_path,
    )

    root = lake_folder(lake)
    if no_auth and password_file:
        raise InputError("--no-auth and --password-file contradict each other: choose one")
    check_exposure(host, authenticate=not no_auth)
    password = os.environ.get(PASSWORD_ENV) or None
    if password_file is not None:
        password = read_password_file(password_file)

    def ready(url: str, token: str | None) -> None:
        if token is not None:
            console.print(
                f"Password (also in {token_path(root)}, readable by you only): {token}",
                highlight=False,
                markup=False,
            )
        elif no_auth:
            console.print("No authentication: anyone on this machine can connect.", style="yellow")
        console.print(
            f"Serving {root}/catalog at {url} (process {os.getpid()}); Ctrl-C to stop.",
            highlight=False,
        )

    def crawl_first(spark: SparkSession) -> None:
        from playgrounds.catalog.crawler import crawl as crawl_zone
        from playgrounds.catalog.metastore import crawls_dir

        for zone in zones:
            report = crawl_zone(spark, root / zone, f"{prefix}-{zone}", report_dir=crawls_dir(root))
            for line in report.lines():
                console.print(line, highlight=False, markup=False, soft_wrap=True)

    serve(
        root,
        host=host,
        port=port,
        password=password,
        authenticate=not no_auth,
        on_ready=ready,
        before=crawl_first if zones else None,
    )


@catalog_group.command("tables")
@lake_option("the catalog lives in <ROOT>/catalog.")
def tables_command(lake: str) -> None:
    """List the databases and tables of the local catalog."""
    from playgrounds.catalog.metastore import catalog_exists, open_catalog

    root = lake_folder(lake)
    if not catalog_exists(root):
        raise InputError(f"no catalog in {root}/catalog yet: run `playgrounds crawl` first")
    with open_catalog(root, "catalog tables") as spark:
        for db in sorted(d.name for d in spark.catalog.listDatabases()):
            for table in sorted(t.name for t in spark.catalog.listTables(db)):
                click.echo(f"{db}.{table}")
