"""The root command group and :func:`main`, which turns every error into one sentence."""

from __future__ import annotations

import os
import sys
import traceback

import click

from playgrounds.cli.catalog import catalog_group, crawl
from playgrounds.cli.cluster import cluster_group
from playgrounds.cli.deploy import deploy, deploy_model, teardown, teardown_model
from playgrounds.cli.glue import glue_local, glue_pytest, glue_run
from playgrounds.cli.ingest import ingest_group
from playgrounds.cli.kit import console, one_sentence
from playgrounds.cli.ml import features, report
from playgrounds.cli.pipeline import prep, run, samples
from playgrounds.cli.scale import samples_scale
from playgrounds.cli.serve import models_command, serve_command
from playgrounds.cli.sql import sql
from playgrounds.cli.train import train
from playgrounds.cli.workflow import workflow_group


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show full stack traces and Spark's warnings.")
@click.version_option(package_name="playgrounds")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Develop, test and run the NYC playgrounds Glue + ML pipeline on this machine."""
    ctx.obj = {"debug": debug}
    if debug:
        os.environ.setdefault("PLAYGROUNDS_SPARK_LOG", "WARN")


for _command in (
    run,
    prep,
    samples,
    features,
    train,
    report,
    samples_scale,
    ingest_group,
    crawl,
    sql,
    catalog_group,
    cluster_group,
    glue_local,
    glue_pytest,
    glue_run,
    workflow_group,
    deploy,
    teardown,
    deploy_model,
    teardown_model,
    serve_command,
    models_command,
):
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; errors become one sentence unless ``--debug`` is given."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        cli.main(args=args, prog_name="playgrounds", standalone_mode=False)
    except click.exceptions.Abort:
        console.print("Aborted.")
        return 130
    except click.ClickException as usage:
        usage.show()
        return usage.exit_code
    except KeyboardInterrupt:
        console.print("Interrupted; nothing was replaced.")
        return 130
    except Exception as error:  # the user gets one sentence, not a stack
        if debug:
            traceback.print_exc()
        console.print(f"[red]error:[/red] {one_sentence(error)}", highlight=False, soft_wrap=True)
        if not debug:
            console.print("(run again with --debug for the full trace)", style="dim")
        return 1
    return 0
