"""The ``jobs/`` Glue scripts' options, typed: parsed once from ``getResolvedOptions``.

A job file asks :meth:`JobOptions.argument_names` what to resolve, hands the
result to ``from_arguments`` and from then on reads typed fields, never a
string dict. ``getResolvedOptions`` knows only required options (on Glue as in
the shim), so an optional one (``--source``) is asked for only when it is given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from playgrounds.errors import InputError
from playgrounds.lake.layout import (
    PARKS_TABLE,
    PLAYGROUNDS_TABLE,
    IncomeYears,
    parse_day,
    parse_income_years,
)
from playgrounds.sources.ingest import NYC_PARKS_URLS, income_url
from playgrounds.transforms.choices import ZipMatch, as_zip_match


def _given(argv: Sequence[str], name: str) -> bool:
    flag = f"--{name}"
    return any(arg == flag or arg.startswith(f"{flag}=") for arg in argv)


def _year(arguments: Mapping[str, str], name: str) -> int:
    value = str(arguments[name]).strip()
    if not (value.isdigit() and len(value) == 4):
        raise InputError(f"--{name} {value!r} is not a year like 2016")
    return int(value)


def _years(arguments: Mapping[str, str], name: str) -> IncomeYears:
    try:
        return parse_income_years(str(arguments[name]).strip())
    except InputError as bad:
        raise InputError(f"--{name} {bad}") from bad


def _day(arguments: Mapping[str, str], name: str = "date") -> dt.date:
    if name not in arguments:
        # A scheduled Glue workflow starts its jobs with no --date: the run's day, in UTC
        # (Glue's clock), is the partition it lands.
        return dt.datetime.now(dt.UTC).date()
    try:
        return parse_day(str(arguments[name]))
    except InputError as bad:
        raise InputError(f"--{name} {bad}") from bad


def _dataset(arguments: Mapping[str, str], name: str = "dataset") -> str:
    value = str(arguments[name])
    if value not in (PARKS_TABLE, PLAYGROUNDS_TABLE):
        raise InputError(f"--{name} {value!r} is not one of {PARKS_TABLE}, {PLAYGROUNDS_TABLE}")
    return value


def _source(arguments: Mapping[str, str], published_url: str) -> str | None:
    """``--source``; a URL ending in ``/`` is a mirror of the published files, as a folder is.

    One workflow run passes the same ``--source`` to every import job, so a
    mirror (a local HTTP server, a bucket's website) names the folder and each
    job appends its own published file name.
    """
    value = arguments.get("source")
    if value is None:
        return None
    text = str(value)
    if "://" in text and text.endswith("/"):
        return text + published_url.rsplit("/", 1)[-1]
    return text


def _zip_match(arguments: Mapping[str, str], name: str = "zip_match") -> ZipMatch:
    try:
        return as_zip_match(str(arguments.get(name, "workshop")))
    except ValueError as bad:
        raise InputError(f"--{name}: {bad}") from bad


@dataclass(frozen=True, kw_only=True)
class JobOptions:
    """What every job gets: its name and the resolved arguments (for ``Job.init``)."""

    REQUIRED: ClassVar[tuple[str, ...]] = ()
    OPTIONAL: ClassVar[tuple[str, ...]] = ()

    job_name: str
    arguments: Mapping[str, str] = field(repr=False)

    @classmethod
    def argument_names(cls, argv: Sequence[str]) -> list[str]:
        """The names to give ``getResolvedOptions``: the required ones and the optional given."""
        optional = [name for name in cls.OPTIONAL if _given(argv, name)]
        return ["JOB_NAME", *cls.REQUIRED, *optional]


@dataclass(frozen=True, kw_only=True)
class ImportIncomeOptions(JobOptions):
    """``import_income_data``: ``--raw_zone``, ``--income_year`` [``--source``]."""

    REQUIRED: ClassVar[tuple[str, ...]] = ("raw_zone", "income_year")
    OPTIONAL: ClassVar[tuple[str, ...]] = ("source",)

    raw_zone: str
    income_year: int
    source: str | None = None

    @classmethod
    def from_arguments(cls, arguments: Mapping[str, str]) -> ImportIncomeOptions:
        """The typed options, or a one-sentence error naming the bad argument."""
        return cls(
            job_name=arguments["JOB_NAME"],
            arguments=arguments,
            raw_zone=arguments["raw_zone"],
            income_year=_year(arguments, "income_year"),
            source=_source(arguments, income_url(_year(arguments, "income_year"))),
        )


@dataclass(frozen=True, kw_only=True)
class ImportJsonOptions(JobOptions):
    """``import_json_data``: ``--raw_zone``, ``--dataset`` [``--date`` (UTC), ``--source``]."""

    REQUIRED: ClassVar[tuple[str, ...]] = ("raw_zone", "dataset")
    OPTIONAL: ClassVar[tuple[str, ...]] = ("date", "source")

    raw_zone: str
    dataset: str
    day: dt.date
    source: str | None = None

    @classmethod
    def from_arguments(cls, arguments: Mapping[str, str]) -> ImportJsonOptions:
        """The typed options, or a one-sentence error naming the bad argument."""
        return cls(
            job_name=arguments["JOB_NAME"],
            arguments=arguments,
            raw_zone=arguments["raw_zone"],
            dataset=_dataset(arguments),
            day=_day(arguments),
            source=_source(arguments, NYC_PARKS_URLS[_dataset(arguments)]),
        )


@dataclass(frozen=True, kw_only=True)
class PrepOptions(JobOptions):
    """``prep_data_for_ml``: ``--raw_database``, ``--processed_zone``, ``--income_year``
    (``2016`` or a range ``2014-2016``), ``--state`` [``--date`` (today, UTC), ``--zip_match``]."""

    REQUIRED: ClassVar[tuple[str, ...]] = ("raw_database", "processed_zone", "income_year", "state")
    OPTIONAL: ClassVar[tuple[str, ...]] = ("date", "zip_match")

    raw_database: str
    processed_zone: str
    day: dt.date
    income_years: IncomeYears
    state: str
    zip_match: ZipMatch = "workshop"

    @classmethod
    def from_arguments(cls, arguments: Mapping[str, str]) -> PrepOptions:
        """The typed options, or a one-sentence error naming the bad argument."""
        return cls(
            job_name=arguments["JOB_NAME"],
            arguments=arguments,
            raw_database=arguments["raw_database"],
            processed_zone=arguments["processed_zone"],
            day=_day(arguments),
            income_years=_years(arguments, "income_year"),
            state=arguments["state"].strip().upper(),
            zip_match=_zip_match(arguments),
        )
