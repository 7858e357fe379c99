"""Small pieces the job files in ``jobs/`` share (kept here so the jobs stay a dozen lines)."""

from __future__ import annotations

import datetime as dt
import sys

from playgrounds.glue.errors import GlueShimError
from playgrounds.pipeline import PROCESSED_TABLE, date_partition


def job_day(value: str) -> dt.date:
    """A job's ``--date`` (``2019-07-04``); ``today`` is the run's date, as in the workshop."""
    if value == "today":
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError as bad:
        raise GlueShimError(f"--date {value!r} is not a date like 2019-07-04 (or 'today')") from bad


def day_predicate(day: dt.date) -> str:
    """The workshop's push-down predicate for one ``year=/month=/day=`` partition."""
    return f"(year=='{day.year}' and month=='{day.month}' and day=='{day.day}')"


def processed_location(processed_zone: str, day: dt.date) -> str:
    """``<zone>/processed/year=Y/month=M/day=D``: where the prep job writes one day."""
    return f"{processed_zone.rstrip('/')}/{PROCESSED_TABLE}/{date_partition(day)}"


def optional_argument(name: str, argv: list[str] | None = None) -> str | None:
    """The value of ``--name`` if given (``getResolvedOptions`` only knows required options)."""
    args = sys.argv if argv is None else argv
    flag = f"--{name}"
    for i, arg in enumerate(args):
        if arg == flag and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(flag + "="):
            return arg.split("=", 1)[1]
    return None
