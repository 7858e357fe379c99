"""Start a deployed workflow on AWS Glue and follow its run until it ends."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from playgrounds.deploy.cloud import failure_sentence
from playgrounds.errors import PlaygroundsError
from playgrounds.lake import aws

# GetWorkflowRun's Status values: RUNNING until one of these.
FINISHED = frozenset({"COMPLETED", "STOPPED", "ERROR"})


def start_and_follow(
    workflow_name: str,
    *,
    region: str | None = None,
    poll_seconds: float = 15.0,
    on_update: Callable[[dict[str, Any]], None] | None = None,
    timeout_seconds: float | None = None,
    glue: Any | None = None,
) -> dict[str, Any]:
    """StartWorkflowRun, then GetWorkflowRun every ``poll_seconds`` until the run ends.

    ``on_update`` gets each answer's ``Run`` (Status, Statistics when Glue gives
    them); the last one is returned. ``timeout_seconds`` stops following (the
    run goes on in AWS) with one sentence naming the run.
    """
    client = glue if glue is not None else aws.client("glue", region=region)

    def call(operation: str, what: str, **kwargs: Any) -> Any:
        try:
            return getattr(client, operation)(**kwargs)
        except (ClientError, BotoCoreError) as error:
            raise PlaygroundsError(failure_sentence(error, what)) from None

    run_id = call(
        "start_workflow_run", f"starting Glue workflow {workflow_name}", Name=workflow_name
    )["RunId"]
    started = time.monotonic()
    while True:
        run = call(
            "get_workflow_run",
            f"reading run {run_id} of Glue workflow {workflow_name}",
            Name=workflow_name,
            RunId=run_id,
            IncludeGraph=False,
        )["Run"]
        if on_update is not None:
            on_update(run)
        if run.get("Status") in FINISHED:
            return dict(run)
        if timeout_seconds is not None and time.monotonic() - started > timeout_seconds:
            raise PlaygroundsError(
                f"Glue workflow {workflow_name} run {run_id} is still {run.get('Status')} after "
                f"{timeout_seconds:.0f} s; it goes on in AWS (stopped following it)"
            )
        time.sleep(poll_seconds)
