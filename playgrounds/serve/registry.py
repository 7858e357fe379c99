"""What the lake knows about models: the ones ``train`` registered, the endpoints running now.

``<lake>/ml/models/<name>/registry.json`` is written by ``train``;
``<lake>/ml/endpoints/<name>.json`` by ``playgrounds serve --name``, removed
when it stops. An endpoint entry whose process is gone (a ``kill -9``) is
stale: it is ignored and removed when read.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from playgrounds.errors import InputError
from playgrounds.lake.layout import ML_FOLDER
from playgrounds.ml.artifact import (
    ARTIFACT_FILE,
    DEFAULT_MODEL_NAME,
    REGISTRY_FILE,
    model_folder,
    models_root,
)

__all__ = ["DEFAULT_MODEL_NAME", "EndpointRegistration", "LocalModel"]

ENDPOINTS_FOLDER = "endpoints"


@dataclass(frozen=True)
class LocalModel:
    """A model ``train`` registered: its artifact and the features it takes, in order."""

    name: str
    artifact: Path
    features: tuple[str, ...]
    feature_types: tuple[str, ...]
    created: str


@dataclass(frozen=True)
class EndpointRegistration:
    """A running ``playgrounds serve --name``: where it listens and which model it serves."""

    name: str
    host: str
    port: int
    pid: int
    model: str
    features: int
    started: str

    @property
    def url(self) -> str:
        """``http://host:port`` (a wildcard bind is reached on the loopback address)."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        host = "[::1]" if host == "::" else (f"[{host}]" if ":" in host else host)
        return f"http://{host}:{self.port}"


def endpoints_folder(lake: Path) -> Path:
    """``<lake>/ml/endpoints``."""
    return lake / ML_FOLDER / ENDPOINTS_FOLDER


def endpoint_file(lake: Path, name: str) -> Path:
    """``<lake>/ml/endpoints/<name>.json``; a name from SQL or ``--name`` must be one file name."""
    model_folder(lake, name)  # the same rule as model names: one sentence for '../x'
    return endpoints_folder(lake) / f"{name}.json"


def read_local_model(lake: Path, name: str) -> LocalModel | None:
    """The model registered as ``name`` in ``lake``, or None; one sentence for a broken entry."""
    path = model_folder(lake, name) / REGISTRY_FILE
    if not path.is_file():
        return None
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        features = tuple(str(f) for f in entry["features"])
        types = tuple(str(t) for t in entry.get("feature_types") or ())
        artifact = path.parent / str(entry.get("artifact") or ARTIFACT_FILE)
    except (ValueError, KeyError, TypeError) as error:
        raise InputError(
            f"{path} is not a model registry entry (expected JSON with name, artifact, "
            f"features: {error})"
        ) from None
    return LocalModel(
        str(entry.get("name") or name), artifact, features, types, str(entry.get("created", ""))
    )


def local_models(lake: Path) -> list[LocalModel]:
    """Every model registered in ``lake``, by name."""
    folder = models_root(lake)
    if not folder.is_dir():
        return []
    found = (read_local_model(lake, child.name) for child in sorted(folder.iterdir()))
    return [model for model in found if model is not None]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def register_endpoint(lake: Path, registration: EndpointRegistration) -> Path:
    """Write ``<lake>/ml/endpoints/<name>.json`` atomically; refuse a name a live server holds."""
    current = read_endpoint(lake, registration.name)
    if current is not None and current.pid != registration.pid:
        raise InputError(
            f"endpoint {registration.name!r} is already served by process {current.pid} at "
            f"{current.url}; stop it or give another --name"
        )
    folder = endpoints_folder(lake)
    folder.mkdir(parents=True, exist_ok=True)
    target = endpoint_file(lake, registration.name)
    handle, staging = tempfile.mkstemp(prefix=f".{registration.name}.", dir=folder)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(asdict(registration), out, indent=2)
    os.replace(staging, target)
    return target


def unregister_endpoint(lake: Path, name: str, pid: int) -> None:
    """Remove ``name``'s registration if it is still ``pid``'s."""
    path = endpoint_file(lake, name)
    current = _read_endpoint_file(path)
    if current is not None and current.pid == pid:
        path.unlink(missing_ok=True)


def _read_endpoint_file(path: Path) -> EndpointRegistration | None:
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        return EndpointRegistration(**entry)
    except (OSError, ValueError, TypeError):
        return None


def read_endpoint(lake: Path, name: str) -> EndpointRegistration | None:
    """The running endpoint ``name``, or None; a stale entry (its process is gone) is removed."""
    path = endpoint_file(lake, name)
    registration = _read_endpoint_file(path)
    if registration is None:
        return None
    if not _alive(registration.pid):
        path.unlink(missing_ok=True)
        return None
    return registration


def running_endpoints(lake: Path) -> list[EndpointRegistration]:
    """Every endpoint registered in ``lake`` whose process is alive, by name."""
    folder = endpoints_folder(lake)
    if not folder.is_dir():
        return []
    found = (read_endpoint(lake, path.stem) for path in sorted(folder.glob("*.json")))
    return [registration for registration in found if registration is not None]


def now() -> str:
    """The time in ISO 8601, UTC, to the second."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
