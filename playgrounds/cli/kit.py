"""What every command module shares: the console, progress displays, error sentences, options.

Kept light at import time (``playgrounds --help`` must not load Spark or boto3):
nothing here imports them.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Generic, TypeVar

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from playgrounds.errors import InputError, describe_error
from playgrounds.lake.layout import DEFAULT_LAKE_ROOT, LAKE_ENV, parse_day
from playgrounds.lake.local_s3 import is_s3_uri, local_path
from playgrounds.transforms.choices import ZIP_MATCHES

Choice = TypeVar("Choice", bound=str)

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLES_DIR = REPO_ROOT / "data" / "samples"

# Progress and errors go to stderr, so that stdout carries only results.
console = Console(stderr=True, log_path=False)


def one_sentence(error: BaseException) -> str:
    """A user-facing sentence for an error: ours as written, others naming their file, no stack.

    The rules (an ``OSError``'s path, the file in a Spark failure's Java chain)
    live in :func:`playgrounds.errors.describe_error`, so the library's own
    wrappers and the command line say the same thing.
    """
    return describe_error(error)


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


@contextmanager
def byte_progress(label: str) -> Iterator[Callable[[int, int | None], None]]:
    """A progress bar in bytes (with speed and time left when the size is known)."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        yield update


# ---------------------------------------------------------------- option types


class LakeRootType(click.ParamType):
    """A lake root: a local folder or ``s3://bucket/prefix`` (kept as the user spelled it)."""

    name = "ROOT"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        """The root as a string without a trailing ``/``; a clear usage error otherwise."""
        text = os.fspath(value).strip() if isinstance(value, str | os.PathLike) else ""
        if not text:
            self.fail("the lake root must not be empty", param, ctx)
        if "://" in text and not is_s3_uri(text):
            self.fail(f"{text!r} is not a local folder or an s3:// address", param, ctx)
        if not is_s3_uri(text) and Path(text).is_file():
            self.fail(f"{text} is a file, not a lake folder", param, ctx)
        return text.rstrip("/") or "/"


class DayType(click.ParamType):
    """A partition day: ``2019-07-04`` or ``today``."""

    name = "YYYY-MM-DD"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        """The day, or a usage error saying what a day looks like."""
        try:
            return parse_day(value)
        except InputError as bad:
            self.fail(str(bad), param, ctx)


class TypedChoice(click.Choice, Generic[Choice]):
    """A ``click.Choice`` whose value comes back as one of the typed choices (a ``Literal``)."""

    def __init__(self, choices: Sequence[Choice]) -> None:
        super().__init__(list(choices))
        self.typed_choices = tuple(choices)

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Choice:
        """The matching typed choice (``click.Choice`` has checked that there is one)."""
        text = super().convert(value, param, ctx)
        return next(choice for choice in self.typed_choices if choice == text)


LAKE_ROOT = LakeRootType()
DAY = DayType()


def default_lake_root() -> str:
    """``$PLAYGROUNDS_LAKE``, else ``./lake``."""
    return os.environ.get(LAKE_ENV) or DEFAULT_LAKE_ROOT


def lake_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--lake ROOT``, the same option on every command; ``help_text`` says what it holds."""
    return click.option(
        "--lake",
        type=LAKE_ROOT,
        default=default_lake_root,
        show_default="$PLAYGROUNDS_LAKE or ./lake",
        help=f"Lake root, a folder or s3://bucket/prefix (kept in a local folder): {help_text}",
    )


def lake_folder(root: str, *, must_exist: bool = True) -> Path:
    """The local folder of a lake root (an ``s3://`` root's local stand-in)."""
    folder = local_path(root) if is_s3_uri(root) else Path(root)
    if must_exist and not folder.is_dir():
        raise InputError(f"lake root {root} does not exist (give it with --lake)")
    return folder


def date_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--date YYYY-MM-DD`` (or ``today``), the partition day, converted to a date."""
    return click.option(
        "--date", "day", type=DAY, default="today", show_default=True, help=help_text
    )


zip_match_option = click.option(
    "--zip-match",
    type=TypedChoice(ZIP_MATCHES),
    default="workshop",
    show_default=True,
    help="workshop: a park's Zip must be one ZIP (multi-ZIP parks match nothing, "
    "as in the workshop); all: match every ZIP a park lists.",
)


def _use_master(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value:
        # Imported here: pyspark loads only when a command is given a master.
        from playgrounds.spark import SPARK_MASTER_ENV

        os.environ[SPARK_MASTER_ENV] = value


def master_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--master URL``: this command's Spark master (sets ``$PLAYGROUNDS_SPARK_MASTER``)."""
    return click.option(
        "--master",
        default=None,
        expose_value=False,
        callback=_use_master,
        metavar="URL",
        help="Spark master, e.g. spark://127.0.0.1:7077 from `playgrounds cluster up` "
        "(default: $PLAYGROUNDS_SPARK_MASTER, else local[*]).",
    )(command)
