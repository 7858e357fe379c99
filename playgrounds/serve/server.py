"""``playgrounds serve``: the endpoint app on uvicorn, registered beside the lake while it runs.

uvicorn handles SIGINT and SIGTERM by finishing the requests in flight and
returning, so the registration is removed and the process exits 0.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import uvicorn
from uvicorn.supervisors import Multiprocess

from playgrounds.errors import InputError
from playgrounds.serve.app import LOG_FORMAT, MODEL_ENV, NAME_ENV, create_app
from playgrounds.serve.model import feature_count, load_served_model
from playgrounds.serve.registry import (
    EndpointRegistration,
    now,
    register_endpoint,
    unregister_endpoint,
)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
WORKER_HEALTHCHECK_SECONDS = 120


@dataclass(frozen=True)
class ServeOptions:
    """How to serve: the artifact, its endpoint name, where to listen, how many processes."""

    model: Path
    name: str | None = None
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    workers: int = 1
    lake: Path | None = None


def is_loopback(host: str) -> bool:
    """True for ``127.0.0.1``, ``::1`` and ``localhost``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _ignore(signum: int, frame: FrameType | None) -> None:
    """SIGTERM after uvicorn has already handled it: nothing left to do."""


def serve(options: ServeOptions, on_ready: Callable[[str], None] | None = None) -> None:
    """Load the model, bind, register (with a name and a lake), serve until SIGINT/SIGTERM."""
    if options.workers < 1:
        raise InputError(f"--workers must be 1 or more, not {options.workers}")
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, stream=sys.stderr)
    started = time.perf_counter()
    model = load_served_model(options.model)  # a broken artifact fails before the port is taken
    if options.workers == 1:
        config = uvicorn.Config(
            create_app(options.model, options.name or "", model),
            host=options.host,
            port=options.port,
            access_log=False,
            log_config=None,
            timeout_graceful_shutdown=10,
        )
    else:
        os.environ[MODEL_ENV] = str(options.model.resolve())
        os.environ[NAME_ENV] = options.name or ""
        config = uvicorn.Config(
            "playgrounds.serve.app:app_from_environment",
            factory=True,
            host=options.host,
            port=options.port,
            workers=options.workers,
            # A worker imports xgboost (and scikit-learn through it) before it can answer
            # uvicorn's health check: 3-4 CPU seconds, far more on a busy machine, where
            # the default 5 s had uvicorn restart workers forever.
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
            access_log=False,
            log_config=None,
            timeout_graceful_shutdown=10,
        )
    try:
        sock = config.bind_socket()
    except SystemExit:  # uvicorn exits when the address is taken
        raise InputError(
            f"cannot listen on {options.host}:{options.port}: the address is in use or "
            "not on this machine; give another --port or --host"
        ) from None
    port = sock.getsockname()[1]
    server = uvicorn.Server(config)
    registered = options.name is not None and options.lake is not None
    if registered:
        assert options.name is not None and options.lake is not None
        register_endpoint(
            options.lake,
            EndpointRegistration(
                name=options.name,
                host=options.host,
                port=port,
                pid=os.getpid(),
                model=str(options.model.resolve()),
                features=feature_count(model),
                started=now(),
            ),
        )
    if on_ready is not None:
        on_ready(f"http://{options.host}:{port} (ready in {time.perf_counter() - started:.2f} s)")
    # uvicorn re-raises the SIGTERM it caught once it has shut down; with the default
    # handler that kills the process before the registration is removed. A handler
    # that does nothing lets serve() return, and the process exit 0.
    previous = signal.signal(signal.SIGTERM, _ignore)
    try:
        if options.workers == 1:
            server.run(sockets=[sock])
        else:
            Multiprocess(config, sockets=[sock]).run()
    finally:
        signal.signal(signal.SIGTERM, previous)
        sock.close()
        if registered:
            assert options.name is not None and options.lake is not None
            unregister_endpoint(options.lake, options.name, os.getpid())
