"""The library wheel as AWS Glue uses it: on the path (--extra-py-files) or pip-installed
(--additional-python-modules), importable, and never shadowing Glue's own ``awsglue``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

# Builds wheels with pip.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
# What a Glue job's interpreter does with our code: import the library and the
# runner, then look for awsglue (on Glue, the real one; here, none).
PROBE = """
import importlib.util, json, sys
import playgrounds.glue.runner, playgrounds.transforms.prep as prep
print(json.dumps({
    "prep": prep.__file__,
    "awsglue": importlib.util.find_spec("awsglue") is not None,
    "shim_on_path": any(p.endswith("playgrounds/glue") for p in sys.path),
}))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "--quiet", "-w", str(out)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("playgrounds-*.whl")
    return built


def test_wheel_holds_one_top_level_package_and_its_data(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert {name.split("/")[0] for name in names} == {
        "playgrounds",
        wheel.name.split("-py3")[0] + ".dist-info",
    }
    assert "playgrounds/conf/log4j2.properties" in names  # Spark's quiet logging
    assert "playgrounds/glue/awsglue/context.py" in names  # the shim, below the library


def _probe(path_entry: Path, cwd: Path) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(path_entry)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, cwd=cwd, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


@pytest.mark.parametrize("how", ["extra-py-files", "additional-python-modules"])
def test_wheel_imports_without_shadowing_awsglue(wheel: Path, tmp_path: Path, how: str) -> None:
    if how == "extra-py-files":
        entry = wheel  # Glue puts the file itself on the path
    else:
        entry = tmp_path / "site"
        pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps"]
        subprocess.run(
            [*pip, "--target", str(entry), str(wheel)],
            check=True,
            capture_output=True,
        )
    seen = _probe(entry, tmp_path)
    assert Path(str(seen["prep"])).is_relative_to(entry)
    assert not seen["awsglue"], "importing the library made `import awsglue` find the shim"
    assert not seen["shim_on_path"]
