"""start_and_follow against the moto server: StartWorkflowRun, then GetWorkflowRun until it ends.

moto 5.2.5 serves both calls but never moves a run on from RUNNING (it runs
no jobs), so the test ends the run itself through moto's in-process backend
(the server runs in this process) after the second poll, as Glue would when
the last crawler finishes.
"""

from __future__ import annotations

from typing import Any

import pytest
from moto.glue.models import glue_backends

from playgrounds.deploy.runs import start_and_follow
from playgrounds.errors import PlaygroundsError
from tests.deploy.aws_fixtures import ACCOUNT_ID, MotoDeployment


def test_follows_a_run_until_it_completes(moto_deployment: MotoDeployment) -> None:
    region = moto_deployment.target.region
    moto_deployment.client("glue").create_workflow(Name="wf", DefaultRunProperties={"state": "NY"})
    seen: list[dict[str, Any]] = []

    def on_update(run: dict[str, Any]) -> None:
        seen.append(run)
        if len(seen) == 2:  # Glue finishing the run, played on moto's side
            glue_backends[ACCOUNT_ID][region].workflows["wf"].runs[
                run["WorkflowRunId"]
            ].status = "COMPLETED"

    final = start_and_follow("wf", region=region, poll_seconds=0.01, on_update=on_update)
    assert [run["Status"] for run in seen] == ["RUNNING", "RUNNING", "COMPLETED"]
    assert final["Status"] == "COMPLETED"
    assert final["WorkflowRunProperties"] == {"state": "NY"}
    assert len({run["WorkflowRunId"] for run in seen}) == 1


def test_stops_following_after_the_timeout(moto_deployment: MotoDeployment) -> None:
    region = moto_deployment.target.region
    moto_deployment.client("glue").create_workflow(Name="slow")
    with pytest.raises(PlaygroundsError, match=r"Glue workflow slow run wr_\w+ is still RUNNING"):
        start_and_follow("slow", region=region, poll_seconds=0.01, timeout_seconds=0.05)


def test_unknown_workflow_is_one_sentence(moto_deployment: MotoDeployment) -> None:
    with pytest.raises(PlaygroundsError) as raised:
        start_and_follow("nowhere", region=moto_deployment.target.region, poll_seconds=0.01)
    assert str(raised.value).startswith(
        "AWS refused starting Glue workflow nowhere: EntityNotFoundException"
    )


def test_workflow_start_command_follows_the_run_on_aws(
    moto_deployment: MotoDeployment, capsys: pytest.CaptureFixture[str]
) -> None:
    from playgrounds.cli import main

    region = moto_deployment.target.region
    moto_deployment.client("glue").create_workflow(Name="wf")
    assert (
        main(
            [
                "workflow",
                "start",
                "wf",
                "--aws",
                "--region",
                region,
                "--timeout",
                "1",
                "--poll",
                "1",
            ]
        )
        == 1
    )
    shown = capsys.readouterr()
    out = shown.out + shown.err
    assert "wf wr_" in out  # the first poll's line
    assert "is still RUNNING" in out
    assert main(["workflow", "start", "nowhere", "--aws", "--region", region]) == 1
    shown = capsys.readouterr()
    assert "EntityNotFoundException" in shown.out + shown.err
    assert main(["workflow", "start", "wf"]) == 2
    assert "add --aws" in capsys.readouterr().err
