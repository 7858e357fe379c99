"""``playgrounds cluster up|status|down``: a Spark standalone cluster on this machine."""

from __future__ import annotations

from pathlib import Path

import click

from playgrounds.cli.kit import console, lake_folder, lake_option, stage_display

CLUSTER_FOLDER = "cluster"


def _folder(lake: str) -> Path:
    return lake_folder(lake, must_exist=False) / CLUSTER_FOLDER


@click.group("cluster")
def cluster_group() -> None:
    """Start, inspect and stop a Spark standalone cluster bound to 127.0.0.1.

    Point any command at it with PLAYGROUNDS_SPARK_MASTER=spark://127.0.0.1:7077.
    """


@cluster_group.command("up")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True)
@click.option("--cores", type=click.IntRange(min=1), default=1, show_default=True,
              help="Cores each worker offers.")  # fmt: skip
@click.option("--memory", default="2g", show_default=True, help="Memory each worker offers.")
@click.option("--port", type=click.IntRange(1, 65535), default=7077, show_default=True,
              help="The master's port.")  # fmt: skip
@lake_option("logs and pid files go to <ROOT>/cluster.")
def up(workers: int, cores: int, memory: str, port: int, lake: str) -> None:
    """Start a master and workers; return once every worker has registered."""
    from playgrounds.cluster.standalone import cluster_up

    folder = _folder(lake)
    with stage_display("cluster up") as show:
        status = cluster_up(
            folder, workers=workers, cores=cores, memory=memory, port=port, progress=show
        )
    alive = status.alive_workers
    click.echo(
        f"Spark master {status.master_url} with {len(alive)} workers "
        f"({sum(w.cores for w in alive)} cores); logs in {folder}"
    )
    click.echo(f"Use it: export PLAYGROUNDS_SPARK_MASTER={status.master_url}")


@cluster_group.command("status")
@lake_option("the cluster's files are in <ROOT>/cluster.")
def status(lake: str) -> None:
    """The master's address, its workers (alive, cores, memory), and the processes running."""
    from playgrounds.cluster.standalone import cluster_status

    folder = _folder(lake)
    current = cluster_status(folder)
    for role in current.cleaned:
        console.print(f"removed the stale pid entry of {role} (its process had ended)")
    if not current.running:
        click.echo(f"No cluster is running from {folder}")
        return
    click.echo(f"master: {current.master_url}")
    click.echo(f"workers alive: {len(current.alive_workers)} of {len(current.workers)} known")
    for worker in current.workers:
        click.echo(f"  {worker.id}: {worker.state}, {worker.cores} cores, {worker.memory_mb} MB")
    for process in current.running:
        click.echo(f"  process {process.role}: pid {process.pid}, log {process.log}")


@cluster_group.command("down")
@lake_option("the cluster's files are in <ROOT>/cluster.")
def down(lake: str) -> None:
    """Stop the master and workers (SIGTERM, then SIGKILL after 15 s)."""
    from playgrounds.cluster.standalone import cluster_down

    folder = _folder(lake)
    with stage_display("cluster down") as show:
        stopped = cluster_down(folder, progress=show)
    if stopped:
        click.echo(f"Stopped {', '.join(stopped)}")
    else:
        click.echo(f"No cluster was running from {folder}")
