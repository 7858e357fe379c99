"""The lake's registry of models and running endpoints, and the per-process model cache."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from playgrounds.cli import main
from playgrounds.errors import InputError
from playgrounds.serve.model import cached_model, load_served_model
from playgrounds.serve.registry import (
    EndpointRegistration,
    local_models,
    read_endpoint,
    read_local_model,
    register_endpoint,
    running_endpoints,
    unregister_endpoint,
)
from tests.serve.endpoints import FEATURES, write_tiny_model


def registration(name: str, pid: int, port: int = 9) -> EndpointRegistration:
    return EndpointRegistration(name, "127.0.0.1", port, pid, "/m/model.tar.gz", 4, "now")


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_local_models_are_listed_from_their_registry_entries(tmp_path: Path) -> None:
    write_tiny_model(tmp_path, "b-model")
    write_tiny_model(tmp_path, "a-model")
    models = local_models(tmp_path)
    assert [m.name for m in models] == ["a-model", "b-model"]
    assert models[0].features == FEATURES
    assert models[0].artifact == tmp_path / "ml" / "models" / "a-model" / "model.tar.gz"


def test_a_stale_endpoint_is_ignored_and_removed(tmp_path: Path) -> None:
    register_endpoint(tmp_path, registration("live", os.getpid()))
    stale = tmp_path / "ml" / "endpoints" / "stale.json"
    register_endpoint(tmp_path, registration("stale", dead_pid()))
    assert stale.exists()
    assert [e.name for e in running_endpoints(tmp_path)] == ["live"]
    assert not stale.exists()
    assert read_endpoint(tmp_path, "live") == registration("live", os.getpid())


def test_a_name_held_by_a_live_server_is_refused_and_only_its_owner_unregisters(
    tmp_path: Path,
) -> None:
    register_endpoint(tmp_path, registration("busy", os.getppid()))
    with pytest.raises(InputError, match=r"^endpoint 'busy' is already served by process \d+"):
        register_endpoint(tmp_path, registration("busy", os.getpid()))
    unregister_endpoint(tmp_path, "busy", os.getpid())  # not the owner: left alone
    assert read_endpoint(tmp_path, "busy") is not None
    unregister_endpoint(tmp_path, "busy", os.getppid())
    assert read_endpoint(tmp_path, "busy") is None


def test_the_model_is_cached_until_its_file_changes(tmp_path: Path) -> None:
    first = write_tiny_model(tmp_path, "m", seed=1)
    loaded = cached_model(first.artifact)
    assert cached_model(first.artifact) is loaded
    time.sleep(0.01)
    second = write_tiny_model(tmp_path, "m", seed=2)  # same path, new file
    reloaded = cached_model(second.artifact)
    assert reloaded is not loaded
    rows = np.nan_to_num(second.features)
    np.testing.assert_array_equal(reloaded.predict(_matrix(rows)), second.direct(rows))


def _matrix(rows: np.ndarray) -> object:
    import xgboost as xgb

    return xgb.DMatrix(rows, feature_names=list(FEATURES))


def test_a_broken_artifact_is_one_sentence(tmp_path: Path) -> None:
    broken = tmp_path / "model.tar.gz"
    broken.write_bytes(b"not a tar")
    with pytest.raises(InputError, match=r"model.tar.gz is not a readable model.tar.gz"):
        load_served_model(broken)
    with pytest.raises(InputError, match=r"^model artifact .*nope.tar.gz does not exist$"):
        load_served_model(tmp_path / "nope.tar.gz")


def test_serve_and_models_from_the_command_line_say_what_is_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--model", str(tmp_path / "nope.tar.gz"), "--lake", str(tmp_path)]) == 1
    assert "model artifact" in capsys.readouterr().err
    assert main(["serve", "--lake", str(tmp_path)]) == 1
    assert "no --model given and no model 'playgrounds-xgboost' registered" in (
        capsys.readouterr().err.replace("\n", " ")
    )
    write_tiny_model(tmp_path, "listed")
    assert main(["models", "--lake", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "listed" in out and "No endpoints running" in out


@pytest.mark.parametrize("name", ["../../etc/passwd", "a/b", ".x"])
def test_names_from_sql_or_flags_cannot_reach_outside_the_registry(
    tmp_path: Path, name: str
) -> None:
    # `SAGEMAKER '../x'` in a statement: refused before any file is read or removed.
    outside = tmp_path / "victim.json"
    outside.write_text('{"name": "x", "host": "h", "port": 1, "pid": 999999, "model": "m"}')
    lake = tmp_path / "lake"
    with pytest.raises(InputError, match="one folder name"):
        read_endpoint(lake, name)
    with pytest.raises(InputError, match="one folder name"):
        read_local_model(lake, name)
    assert outside.exists()
