"""The one command-line entry point: ``playgrounds <command>``; ``--help`` on each."""

from __future__ import annotations

import datetime as dt
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from playgrounds.errors import PlaygroundsError

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLES_DIR = REPO_ROOT / "data" / "samples"
DEFAULT_LAKE = Path("lake")

console = Console(stderr=True, log_path=False)


def one_sentence(error: BaseException) -> str:
    """A user-facing sentence for an error: ours as written, Spark's without the Java stack."""
    if isinstance(error, PlaygroundsError):
        return str(error)
    java = getattr(error, "java_exception", None)
    text = str(java.getMessage()) if java is not None else str(error)
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return f"{type(error).__name__}: {first or 'no message'}"


@contextmanager
def stage_display(title: str) -> Iterator[Callable[[str], None]]:
    """A spinner with elapsed time; yields a callback that names the current stage."""
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(title, total=None)

        def show(stage: str) -> None:
            progress.update(task, description=f"{title}: {stage}")
            console.log(stage)

        yield show


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as bad:
        raise click.BadParameter(f"{value!r} is not a date like 2019-07-04") from bad


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show full stack traces and Spark's warnings.")
@click.version_option(package_name="playgrounds")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Develop, test and run the NYC playgrounds Glue + ML pipeline on this machine."""
    ctx.obj = {"debug": debug}
    if debug:
        os.environ.setdefault("PLAYGROUNDS_SPARK_LOG", "WARN")


def _prep(raw: Path, processed: Path, date: str | None, zip_match: str, state: str) -> None:
    from playgrounds.lake.raw import locate_raw_inputs
    from playgrounds.pipeline import run_prep
    from playgrounds.spark import spark_session

    locate_raw_inputs(raw)  # a missing input fails here, before Spark's start-up cost
    with stage_display("prep") as show:
        show("Starting Spark")
        spark = spark_session("playgrounds-prep")
        result = run_prep(
            spark,
            raw,
            processed,
            day=_date(date),
            state=state,
            zip_match=zip_match,  # type: ignore[arg-type]
            progress=show,
        )
    click.echo(f"Wrote {result.rows} rows x {len(result.columns)} columns to {result.path}")


_zip_match_option = click.option(
    "--zip-match",
    type=click.Choice(["workshop", "all"]),
    default="workshop",
    show_default=True,
    help="workshop: a park's Zip must be one ZIP (multi-ZIP parks match nothing, "
    "as in the workshop); all: match every ZIP a park lists.",
)
_date_option = click.option(
    "--date", "date", metavar="YYYY-MM-DD", help="Partition date of the output [default: today]."
)


@cli.command()
@click.option(
    "--raw",
    type=click.Path(path_type=Path),
    required=True,
    help="Raw zone (income-ny/, parks/, playgrounds/) or a folder of the published files.",
)
@click.option(
    "--processed",
    type=click.Path(path_type=Path),
    required=True,
    help="Processed zone; output goes to <processed>/processed/year=/month=/day=.",
)
@_date_option
@_zip_match_option
@click.option("--state", default="NY", show_default=True, help="IRS STATE to keep.")
def prep(raw: Path, processed: Path, date: str | None, zip_match: str, state: str) -> None:
    """Join IRS income, parks and playgrounds into the processed zone (prep_data_for_ml)."""
    _prep(raw, processed, date, zip_match, state)


@cli.command()
@click.option(
    "--lake",
    type=click.Path(path_type=Path),
    default=DEFAULT_LAKE,
    show_default=True,
    help="Lake root: raw/ and processed/ zones and the catalog/ live under it.",
)
@click.option(
    "--source",
    type=click.Path(path_type=Path),
    default=SAMPLES_DIR,
    show_default="data/samples",
    help="Folder holding the published files to ingest (IRS CSV, parks and playgrounds JSON).",
)
@click.option(
    "--prefix",
    default="playgrounds",
    show_default=True,
    help="Databases are <prefix>-raw and <prefix>-processed, as in the workshop.",
)
@_date_option
@_zip_match_option
def run(lake: Path, source: Path, prefix: str, date: str | None, zip_match: str) -> None:
    """Run the workshop here: ingest, crawl, prep, crawl, query (the README's first command)."""
    from playgrounds.pipeline import run_workshop

    if not source.is_dir():
        raise PlaygroundsError(f"source folder {source} does not exist")
    with stage_display("run") as show:
        result = run_workshop(
            lake,
            source,
            day=_date(date),
            prefix=prefix,
            zip_match=zip_match,  # type: ignore[arg-type]
            progress=show,
        )
    for line in [*result.ingested, *result.crawled]:
        click.echo(line)
    prep = result.prep
    click.echo(f"Wrote {prep.rows} rows x {len(prep.columns)} columns to {prep.path}")
    click.echo(f"\nAthena-style query on the catalog (playgrounds sql '...'):\n{result.query}")
    table = Table()
    for column in result.answer_columns:
        table.add_column(column)
    for row in result.answer:
        table.add_row(*[str(value) for value in row])
    Console().print(table)


@cli.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=SAMPLES_DIR,
    show_default="data/samples",
    help="Folder to write the sample inputs to.",
)
def samples(out: Path) -> None:
    """Regenerate the small sample inputs (deterministic, in the real schemas)."""
    from playgrounds.samples import generate

    counts = generate(out)
    for name, rows in counts.items():
        click.echo(f"{out / name}: {rows} rows")


# Commands that live with their packages register below; imported here, after
# `cli` and `stage_display` exist, so those modules can import them back.
from playgrounds.catalog.cli import register as _register_catalog_commands  # noqa: E402
from playgrounds.glue.cli import glue_local  # noqa: E402
from playgrounds.sources.cli import ingest_command  # noqa: E402

cli.add_command(ingest_command)
_register_catalog_commands(cli)
cli.add_command(glue_local)


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


if __name__ == "__main__":
    sys.exit(main())
