"""``playgrounds serve`` (a SageMaker-style endpoint for a model) and ``playgrounds models``."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from playgrounds.cli.kit import console, lake_folder, lake_option
from playgrounds.errors import InputError


@click.command("serve")
@click.option(
    "--model",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The model.tar.gz to serve (default: the one `train` registered as --name in the lake).",
)
@click.option(
    "--name",
    help="Endpoint name: registers the endpoint in <lake>/ml/endpoints while it runs, so "
    "SQL's USING FUNCTION ... SAGEMAKER 'NAME' calls it.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; anything but loopback lets other machines call the model.",
)
@click.option(
    "--port",
    default=8080,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="TCP port (0: any free port, shown at start and in the registration).",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes, each with its own copy of the model.",
)
@lake_option("endpoints register in <ROOT>/ml/endpoints.")
def serve_command(
    model: Path | None, name: str | None, host: str, port: int, workers: int, lake: str
) -> None:
    """Serve a model over HTTP as SageMaker does: GET /ping, POST /invocations.

    Bodies: text/csv rows (no header, no label), application/json, application/jsonlines,
    application/x-npy; answers one score per row. Stop it with Ctrl-C or SIGTERM.
    """
    # Imported here: `playgrounds --help` must not load xgboost or uvicorn.
    from playgrounds.serve.registry import DEFAULT_MODEL_NAME, read_local_model
    from playgrounds.serve.server import ServeOptions, is_loopback, serve

    root = lake_folder(lake, must_exist=False)
    if model is None:
        wanted = name or DEFAULT_MODEL_NAME
        registered = read_local_model(root, wanted) if root.is_dir() else None
        if registered is None:
            raise InputError(
                f"no --model given and no model {wanted!r} registered in {root}: train one "
                "first, or give --model PATH/model.tar.gz"
            )
        model = registered.artifact
    if not is_loopback(host):
        console.print(
            f"[yellow]warning:[/yellow] listening on {host}: anyone who can reach this machine "
            "can call the model (the endpoint checks no credentials)",
            highlight=False,
        )
    options = ServeOptions(
        model=model,
        name=name,
        host=host,
        port=port,
        workers=workers,
        lake=root if name else None,
    )

    def ready(url: str) -> None:
        registered_at = f"; registered as {name!r} in {root}" if name else ""
        console.print(f"Serving {model} at {url}{registered_at}", highlight=False)

    serve(options, on_ready=ready)


@click.command("models")
@lake_option("models live in <ROOT>/ml/models, endpoints in <ROOT>/ml/endpoints.")
def models_command(lake: str) -> None:
    """List the models `train` registered and the endpoints running now."""
    from playgrounds.serve.registry import local_models, running_endpoints

    root = lake_folder(lake, must_exist=False)
    out = Console()
    models = local_models(root)
    if models:
        table = Table("model", "features", "created", "artifact", title="Models")
        for entry in models:
            table.add_row(entry.name, str(len(entry.features)), entry.created, str(entry.artifact))
        out.print(table)
    else:
        out.print(f"No models registered in {root}/ml/models (train one first).")
    endpoints = running_endpoints(root)
    if endpoints:
        table = Table("endpoint", "url", "pid", "model", title="Running endpoints")
        for endpoint in endpoints:
            table.add_row(endpoint.name, endpoint.url, str(endpoint.pid), endpoint.model)
        out.print(table)
    else:
        out.print("No endpoints running (start one with `playgrounds serve --name NAME`).")
