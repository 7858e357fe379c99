"""The local runner on small workflows: triggers, concurrency, failure, resume, bookmarks."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from pyspark.sql import SparkSession

from playgrounds.errors import InputError
from playgrounds.workflow.definition import parse_definition, resolve
from playgrounds.workflow.history import all_runs, read_run, run_path, writer_died
from playgrounds.workflow.runner import resume_run, start_run

# A job that records the argv it saw, sleeps (so concurrent runs overlap), and
# fails while a flag file exists.
RECORDING_JOB = """
import json, sys, time
from pathlib import Path
from awsglue.utils import getResolvedOptions

args = getResolvedOptions(sys.argv, ["JOB_NAME", "out", "tag"])
out = Path(args["out"])
started = time.time()
time.sleep(0.6)
if (out / f"fail-{args['tag']}").exists():
    raise ValueError(f"told to fail {args['tag']}")
(out / f"{args['tag']}.json").write_text(
    json.dumps({"argv": list(sys.argv), "started": started, "ended": time.time()})
)
"""


def _job(name: str, script: Path, out: Path) -> dict[str, Any]:
    return {
        "Name": name,
        "Command": {"Name": "glueetl", "ScriptLocation": str(script)},
        "DefaultArguments": {"--out": str(out)},
    }


def _diamond(tmp_path: Path) -> tuple[dict[str, Any], Path]:
    """start -> a(x), a(y), b; when a and b succeeded -> c."""
    script = tmp_path / "record.py"
    script.write_text(RECORDING_JOB)
    out = tmp_path / "out"
    out.mkdir()
    document = {
        "Workflow": {"Name": "diamond"},
        "Jobs": [_job(name, script, out) for name in ("a", "b", "c")],
        "Triggers": [
            {
                "Name": "start",
                "Type": "ON_DEMAND",
                "Actions": [
                    {"JobName": "a", "Arguments": {"--tag": "a-x"}},
                    {"JobName": "a", "Arguments": {"--tag": "a-y"}},
                    {"JobName": "b", "Arguments": {"--tag": "b"}},
                ],
            },
            {
                "Name": "then_c",
                "Type": "CONDITIONAL",
                "Predicate": {
                    "Logical": "AND",
                    "Conditions": [
                        {"LogicalOperator": "EQUALS", "JobName": "a", "State": "SUCCEEDED"},
                        {"LogicalOperator": "EQUALS", "JobName": "b", "State": "SUCCEEDED"},
                    ],
                },
                "Actions": [{"JobName": "c", "Arguments": {"--tag": "c"}}],
            },
        ],
    }
    return document, out


def _states(record: dict[str, Any]) -> dict[str, list[str]]:
    states: dict[str, list[str]] = {}
    for node in record["Graph"]["Nodes"]:
        if node["Type"] == "JOB":
            runs = node["JobDetails"]["JobRuns"]
            states[node["Name"]] = [
                run["JobRunState"] + ("*" if run.get("LocalSuperseded") else "") for run in runs
            ]
    return states


def test_independent_jobs_run_concurrently_each_with_its_own_argv(
    spark: SparkSession, tmp_path: Path
) -> None:
    document, out = _diamond(tmp_path)
    definition = parse_definition(document, tmp_path / "diamond.json")
    lake = tmp_path / "lake"
    record = start_run(definition, lake, spark, run_arguments={"--date": "2019-07-04"})

    assert record["Status"] == "COMPLETED"
    assert record["Statistics"]["SucceededActions"] == 4
    seen = {tag: json.loads((out / f"{tag}.json").read_text()) for tag in ("a-x", "a-y", "b", "c")}
    for tag, job in [("a-x", "a"), ("a-y", "a"), ("b", "b"), ("c", "c")]:
        argv = seen[tag]["argv"]
        assert argv[argv.index("--JOB_NAME") + 1] == job
        assert argv[argv.index("--tag") + 1] == tag
        assert argv[argv.index("--date") + 1] == "2019-07-04"
    # The three start actions overlapped in time; c began after all of them ended.
    first_end = min(seen[t]["ended"] for t in ("a-x", "a-y", "b"))
    assert all(seen[t]["started"] < first_end for t in ("a-x", "a-y", "b"))
    assert seen["c"]["started"] >= max(seen[t]["ended"] for t in ("a-x", "a-y", "b"))
    # The history on disk is the record returned, in GetWorkflowRun's shape.
    stored = read_run(run_path(lake, "diamond", record["WorkflowRunId"]))
    assert stored == record
    assert stored["WorkflowRunId"].startswith("wr_") and len(stored["WorkflowRunId"]) == 67
    assert all_runs(lake, "diamond") == [stored]


def test_a_failed_job_stops_what_follows_and_resume_reruns_it(
    spark: SparkSession, tmp_path: Path
) -> None:
    document, out = _diamond(tmp_path)
    definition = parse_definition(document, tmp_path / "diamond.json")
    lake = tmp_path / "lake"
    (out / "fail-a-y").touch()
    record = start_run(definition, lake, spark, run_arguments={})

    # Glue ends the run COMPLETED with a failed action; c never starts.
    assert record["Status"] == "COMPLETED"
    assert _states(record) == {"a": ["SUCCEEDED", "FAILED"], "b": ["SUCCEEDED"], "c": []}
    assert record["Statistics"]["FailedActions"] == 1
    failed = next(n for n in record["Graph"]["Nodes"] if n["Name"] == "a")["JobDetails"]
    message = failed["JobRuns"][1]["ErrorMessage"]
    assert message.endswith("record.py line 11: ValueError: told to fail a-y")
    assert not (out / "c.json").exists()

    (out / "fail-a-y").unlink()
    path = run_path(lake, "diamond", record["WorkflowRunId"])
    resumed = resume_run(definition, lake, spark, read_run(path), path)
    assert resumed["WorkflowRunId"] == record["WorkflowRunId"]
    # Only the failed attempt is rerun (a-x and b keep their success), then c.
    assert _states(resumed) == {
        "a": ["SUCCEEDED", "FAILED*", "SUCCEEDED"],
        "b": ["SUCCEEDED"],
        "c": ["SUCCEEDED"],
    }
    assert resumed["Statistics"]["SucceededActions"] == 4
    assert resumed["Statistics"]["FailedActions"] == 0
    a_runs = next(n for n in resumed["Graph"]["Nodes"] if n["Name"] == "a")["JobDetails"]
    assert a_runs["JobRuns"][2]["Arguments"] == {"--tag": "a-y"}
    assert a_runs["JobRuns"][2]["Attempt"] == 1  # the second try of that job run

    with pytest.raises(InputError, match="has no failed or interrupted node to resume"):
        resume_run(definition, lake, spark, read_run(path), path)


def test_a_run_whose_process_died_is_told_apart(tmp_path: Path) -> None:
    record = {"Status": "RUNNING", "LocalProcess": {"Pid": 2**22 + 12345}}
    assert writer_died(record)
    assert not writer_died({**record, "Status": "COMPLETED"})
    assert not writer_died({"Status": "RUNNING", "LocalProcess": {"Pid": 1}})


def test_a_crawler_on_an_empty_zone_fails_in_one_sentence(
    spark: SparkSession, tmp_path: Path
) -> None:
    empty = tmp_path / "lake" / "raw"
    empty.mkdir(parents=True)
    document = {
        "Workflow": {"Name": "crawl_only"},
        "Crawlers": [
            {
                "Name": "crawl_raw",
                "DatabaseName": "${raw_database}",
                "Targets": {"S3Targets": [{"Path": "${raw_zone}"}]},
            }
        ],
        "Triggers": [
            {"Name": "go", "Type": "ON_DEMAND", "Actions": [{"CrawlerName": "crawl_raw"}]}
        ],
    }
    definition = resolve(
        parse_definition(document, tmp_path / "crawl_only.json"),
        {"raw_zone": str(empty), "raw_database": "wftest-empty"},
    )
    record = start_run(definition, tmp_path / "lake", spark, run_arguments={})
    crawl = next(n for n in record["Graph"]["Nodes"] if n["Type"] == "CRAWLER")
    (attempt,) = crawl["CrawlerDetails"]["Crawls"]
    assert attempt["State"] == "FAILED"
    assert str(empty) in attempt["ErrorMessage"]
    assert "\n" not in attempt["ErrorMessage"]
    assert record["Statistics"]["FailedActions"] == 1


BOOKMARKED_JOB = """
import sys
from pathlib import Path
from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "input", "out"])
glue_context = GlueContext(SparkContext())
job = Job(glue_context)
job.init(args["JOB_NAME"], args)
frame = glue_context.create_dynamic_frame.from_options(
    "s3", {"paths": [args["input"]]}, format="json", transformation_ctx="source"
)
ids = sorted(row["id"] for row in frame.toDF().collect())
Path(args["out"]).write_text(",".join(ids))
job.commit()
"""


def test_job_bookmarks_carry_over_from_one_workflow_run_to_the_next(
    spark: SparkSession, tmp_path: Path
) -> None:
    script = tmp_path / "bookmarked.py"
    script.write_text(textwrap.dedent(BOOKMARKED_JOB))
    source = tmp_path / "input"
    source.mkdir()
    (source / "1.json").write_text('{"id": "a"}\n{"id": "b"}\n')
    seen = tmp_path / "seen.txt"
    document = {
        "Workflow": {"Name": "bookmarked"},
        "Jobs": [
            {
                "Name": "read_new",
                "Command": {"Name": "glueetl", "ScriptLocation": str(script)},
                "DefaultArguments": {
                    "--input": str(source),
                    "--out": str(seen),
                    "--job-bookmark-option": "job-bookmark-enable",
                },
            }
        ],
        "Triggers": [{"Name": "go", "Type": "ON_DEMAND", "Actions": [{"JobName": "read_new"}]}],
    }
    definition = parse_definition(document, tmp_path / "bookmarked.json")
    lake = tmp_path / "lake"

    first = start_run(definition, lake, spark, run_arguments={})
    assert first["Statistics"]["SucceededActions"] == 1
    assert seen.read_text() == "a,b"
    (source / "2.json").write_text('{"id": "c"}\n')
    start_run(definition, lake, spark, run_arguments={})
    assert seen.read_text() == "c"  # only the file added since the last run's commit
    assert (lake / "_glue_bookmarks" / "read_new").is_dir()
    assert len(all_runs(lake, "bookmarked")) == 2
