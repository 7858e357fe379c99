"""getResolvedOptions: required options, Glue's own options, reserved names, errors."""

from __future__ import annotations

import pytest

from playgrounds.glue.options import GlueArgumentError, getResolvedOptions

GLUE_ARGV = [
    "script.py",
    "--JOB_NAME", "prep",
    "--JOB_ID", "j_1",
    "--JOB_RUN_ID", "jr_1",
    "--job-bookmark-option", "job-bookmark-enable",
    "--TempDir", "s3://tmp/x",
    "--enable-metrics", "true",
    "--raw_database", "demo-raw",
    "--my-arg", "v",
]  # fmt: skip


def test_resolves_asked_options_and_keeps_glues_own() -> None:
    args = getResolvedOptions(GLUE_ARGV, ["JOB_NAME", "raw_database", "my-arg"])
    assert args["JOB_NAME"] == "prep"
    assert args["raw_database"] == "demo-raw"
    assert args["my_arg"] == "v"  # --my-arg is read as my_arg, as argparse (and Glue) do
    assert args["job_bookmark_option"] == "job-bookmark-enable"
    assert args["JOB_RUN_ID"] == "jr_1"
    assert args["TempDir"] == args["RedshiftTempDir"] == "s3://tmp/x"
    assert "enable_metrics" not in args  # not asked for: ignored as on Glue


def test_missing_option_names_it() -> None:
    with pytest.raises(GlueArgumentError, match="--processed_zone"):
        getResolvedOptions(GLUE_ARGV, ["JOB_NAME", "processed_zone"])


def test_bookmark_option_defaults_to_disable_and_follows_continuation() -> None:
    assert getResolvedOptions(["s"], [])["job_bookmark_option"] == "job-bookmark-disable"
    legacy = ["s", "--continuation-option", "continuation-readonly"]
    assert getResolvedOptions(legacy, [])["job_bookmark_option"] == "job-bookmark-pause"


def test_reserved_and_invalid_options() -> None:
    with pytest.raises(RuntimeError, match="job-bookmark-option"):
        getResolvedOptions(GLUE_ARGV, ["job-bookmark-option"])
    with pytest.raises(GlueArgumentError, match="invalid choice"):
        getResolvedOptions(["s", "--job-bookmark-option", "on"], [])
    with pytest.raises(GlueArgumentError, match="--job-bookmark-to"):
        getResolvedOptions(
            ["s", "--job-bookmark-option", "job-bookmark-pause", "--job-bookmark-from", "r1"], []
        )
