"""The jobs' typed options: what to resolve, how each argument is typed, one sentence if bad."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from playgrounds.errors import InputError
from playgrounds.glue.options import GlueArgumentError, getResolvedOptions
from playgrounds.lake.layout import IncomeYears
from playgrounds.pipeline.jobs import ImportIncomeOptions, ImportJsonOptions, PrepOptions

PREP_ARGV = [
    "prep_data_for_ml.py", "--JOB_NAME", "prep", "--raw_database", "demo-raw",
    "--processed_zone", "s3://demo-processed/zone", "--date", "2019-07-04",
    "--income_year", "2016", "--state", "ny", "--TempDir", "s3://tmp",
]  # fmt: skip


def resolve(options: Any, argv: list[str]) -> Any:
    """``options`` resolved from ``argv`` as a job file does it."""
    return options.from_arguments(getResolvedOptions(argv, options.argument_names(argv)))


def test_prep_options_are_typed() -> None:
    options = resolve(PrepOptions, PREP_ARGV)
    assert isinstance(options, PrepOptions)
    assert (options.job_name, options.raw_database, options.processed_zone) == (
        "prep",
        "demo-raw",
        "s3://demo-processed/zone",
    )
    assert (options.day, options.income_years, options.state) == (
        dt.date(2019, 7, 4),
        IncomeYears(2016, 2016),
        "NY",
    )
    assert options.zip_match == "workshop"
    assert options.arguments["TempDir"] == "s3://tmp"  # everything resolved, for Job.init


def test_the_prep_job_takes_a_range_of_income_years() -> None:
    argv = list(PREP_ARGV)
    argv[argv.index("--income_year") + 1] = "2014-2016"
    options = resolve(PrepOptions, argv)
    assert options.income_years == IncomeYears(2014, 2016)
    assert options.income_years.years == (2014, 2015, 2016)


def test_optional_arguments_are_resolved_only_when_given() -> None:
    assert "zip_match" not in PrepOptions.argument_names(PREP_ARGV)
    argv = [*PREP_ARGV, "--zip_match=all"]
    assert PrepOptions.argument_names(argv)[-1] == "zip_match"
    assert resolve(PrepOptions, argv).zip_match == "all"
    income = resolve(
        ImportIncomeOptions,
        ["job.py", "--JOB_NAME", "i", "--raw_zone", "lake/raw", "--income_year", "2016"],
    )
    assert (income.raw_zone, income.income_year, income.source) == ("lake/raw", 2016, None)


def test_without_date_the_run_date_is_today_in_utc() -> None:
    # A scheduled workflow on Glue starts its jobs without --date.
    argv = [arg for arg in PREP_ARGV if arg not in ("--date", "2019-07-04")]
    assert "date" not in PrepOptions.argument_names(argv)
    assert resolve(PrepOptions, argv).day == dt.datetime.now(dt.UTC).date()


def test_today_is_the_run_date() -> None:
    argv = ["job.py", "--JOB_NAME", "j", "--raw_zone", "r", "--dataset", "parks", "--date", "today"]
    options = resolve(ImportJsonOptions, [*argv, "--source", "data/samples"])
    assert (options.dataset, options.day, options.source) == (
        "parks",
        dt.date.today(),
        "data/samples",
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("--date", "2019-13-01"), r"^--date '2019-13-01' is not a date like 2019-07-04"),
        (
            ("--income_year", "16"),
            r"^--income_year '16' is not a year like 2016 or a range like 2014-2016$",
        ),
        (
            ("--income_year", "2016-2014"),
            r"^--income_year '2016-2014' is not a range like 2014-2016: its first year is after "
            r"its last$",
        ),
        (("--zip_match", "some"), r"^--zip_match: zip_match must be one of workshop, all"),
    ],
)
def test_a_bad_argument_is_one_sentence_naming_it(change: tuple[str, str], message: str) -> None:
    argv = list(PREP_ARGV)
    if change[0] in argv:
        argv[argv.index(change[0]) + 1] = change[1]
    else:
        argv += list(change)
    with pytest.raises(InputError, match=message):
        resolve(PrepOptions, argv)


def test_a_missing_argument_is_named_by_get_resolved_options() -> None:
    argv = PREP_ARGV[: PREP_ARGV.index("--state")]
    with pytest.raises(GlueArgumentError, match="the following arguments are required: --state"):
        resolve(PrepOptions, argv)


def test_an_unknown_dataset_is_refused() -> None:
    argv = ["job.py", "--JOB_NAME", "j", "--raw_zone", "r", "--dataset", "trees", "--date", "today"]
    with pytest.raises(InputError, match=r"^--dataset 'trees' is not one of parks, playgrounds$"):
        resolve(ImportJsonOptions, argv)


def test_a_source_url_ending_in_a_slash_is_a_mirror_of_the_published_files() -> None:
    base = ["job.py", "--JOB_NAME", "j", "--raw_zone", "r", "--source", "http://127.0.0.1:8/m/"]
    parks = resolve(ImportJsonOptions, [*base, "--dataset", "parks"])
    assert parks.source == "http://127.0.0.1:8/m/DPR_Parks_001.json"
    income = resolve(ImportIncomeOptions, [*base, "--income_year", "2016"])
    assert income.source == "http://127.0.0.1:8/m/16zpallagi.csv"
    one_file = resolve(ImportJsonOptions, [*base[:-1], "http://h/p.json", "--dataset", "parks"])
    assert one_file.source == "http://h/p.json"
