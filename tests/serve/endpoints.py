"""Tiny models in a lake and real endpoints on a free port, for the serve and SQL tests.

A model is trained here with xgboost itself (a few rows) and saved as the
contract says: ``<lake>/ml/models/<name>/model.tar.gz`` holding ``xgboost-model``
at its root, beside ``registry.json``.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xgboost as xgb

from tests.support.servers import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
FEATURES = ("borough", "returns", "joint", "share")
FEATURE_TYPES = ("int", "int", "int", "float")


@dataclass(frozen=True)
class TinyModel:
    """A trained booster, where it was saved, and the rows it was trained on (label first)."""

    name: str
    artifact: Path
    booster: xgb.Booster
    rows: np.ndarray

    @property
    def features(self) -> np.ndarray:
        """The rows without their label column."""
        return self.rows[:, 1:]

    def direct(self, features: np.ndarray) -> np.ndarray:
        """The model called directly: xgboost's own predict on a DMatrix."""
        matrix = xgb.DMatrix(features, feature_names=list(FEATURES), nthread=1)
        return np.asarray(self.booster.predict(matrix), dtype=np.float64)


def training_rows(count: int = 40, seed: int = 7) -> np.ndarray:
    """``count`` rows: label, then four features of mixed scale (one with a null)."""
    generator = np.random.default_rng(seed)
    borough = generator.integers(1, 6, count).astype(float)
    returns = generator.integers(100, 5000, count).astype(float)
    joint = generator.integers(0, 900, count).astype(float)
    share = np.round(generator.random(count), 3)
    label = ((borough >= 3) ^ (share > 0.7)).astype(float)
    rows = np.column_stack([label, borough, returns, joint, share])
    rows[3, 4] = np.nan  # a missing value reaches the model as missing
    return rows


def write_tiny_model(lake: Path, name: str = "playgrounds-xgboost", seed: int = 7) -> TinyModel:
    """Train a small booster and register it in ``lake`` as ``train`` does."""
    rows = training_rows(seed=seed)
    matrix = xgb.DMatrix(rows[:, 1:], label=rows[:, 0], feature_names=list(FEATURES), nthread=1)
    # One thread: xgboost's OpenMP threads wait on each other on a busy machine.
    params = {
        "objective": "binary:logistic",
        "max_depth": 3,
        "eta": 0.3,
        "seed": seed,
        "nthread": 1,
    }
    booster = xgb.train(params, matrix, num_boost_round=8)
    folder = lake / "ml" / "models" / name
    folder.mkdir(parents=True, exist_ok=True)
    raw = bytes(booster.save_raw(raw_format="json"))
    artifact = folder / "model.tar.gz"
    with tarfile.open(artifact, "w:gz") as tar:
        info = tarfile.TarInfo("xgboost-model")
        info.size = len(raw)
        tar.addfile(info, io.BytesIO(raw))
    registry = {
        "name": name,
        "artifact": "model.tar.gz",
        "features": list(FEATURES),
        "feature_types": list(FEATURE_TYPES),
        "created": "2026-11-29T20:00:00+00:00",
    }
    (folder / "registry.json").write_text(json.dumps(registry), encoding="utf-8")
    return TinyModel(name, artifact, booster, rows)


@dataclass
class RunningEndpoint:
    """A ``playgrounds serve`` process: its URL, process, and how long it took to answer /ping."""

    url: str
    port: int
    process: subprocess.Popen[bytes]
    startup_seconds: float
    log_path: Path
    startup_cpu_seconds: float = 0.0

    def log(self) -> str:
        """What the server wrote to stderr so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def serve_command(artifact: Path, *extra: str) -> list[str]:
    """The command line that serves ``artifact``."""
    return [sys.executable, "-m", "playgrounds.cli", "serve", "--model", str(artifact), *extra]


@contextmanager
def running_endpoint(
    artifact: Path, lake: Path, name: str | None = None, *, workers: int = 1
) -> Iterator[RunningEndpoint]:
    """Start ``playgrounds serve`` as a real process, wait for /ping, SIGTERM it at the end."""
    port = free_port()
    extra = ["--port", str(port), "--lake", str(lake), "--workers", str(workers)]
    if name is not None:
        extra += ["--name", name]
    log_path = lake / f"serve-{port}.log"
    started = time.perf_counter()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            serve_command(artifact, *extra), cwd=REPO_ROOT, stdout=log, stderr=log
        )
    endpoint = RunningEndpoint(f"http://127.0.0.1:{port}", port, process, 0.0, log_path)
    try:
        endpoint.startup_seconds = _wait_for_ping(endpoint, started)
        endpoint.startup_cpu_seconds = cpu_seconds(process.pid)
        yield endpoint
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_for_ping(endpoint: RunningEndpoint, started: float, timeout: float = 30.0) -> float:
    while time.perf_counter() - started < timeout:
        if endpoint.process.poll() is not None:
            raise AssertionError(f"serve exited {endpoint.process.returncode}: {endpoint.log()}")
        try:
            with urllib.request.urlopen(f"{endpoint.url}/ping", timeout=1) as answer:
                if answer.status == 200:
                    return time.perf_counter() - started
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.05)
    raise AssertionError(f"serve did not answer /ping in {timeout} s: {endpoint.log()}")


def post(
    url: str, body: bytes, content_type: str = "text/csv", accept: str | None = None
) -> tuple[int, str, str]:
    """POST ``body``; the status, the response's content type and its text (errors included)."""
    headers = {"Content-Type": content_type}
    if accept is not None:
        headers["Accept"] = accept
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers.get("content-type", ""), answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("content-type", ""), error.read().decode()


def csv_body(rows: np.ndarray) -> bytes:
    """Rows as the XGBoost container takes them: no header, no label, empty for missing."""
    lines = (",".join("" if np.isnan(v) else repr(float(v)) for v in row) for row in rows)
    return ("\n".join(lines) + "\n").encode()
