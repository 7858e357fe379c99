"""What a deployment uploads: the library wheel and the job scripts, each with a content digest.

The digest is what the plan compares (kept as the object's ``sha256`` metadata),
so a second deploy of the same code is "unchanged". A wheel's bytes differ on
every build (zip timestamps), so its digest is taken over its members' names
and contents instead.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from playgrounds.errors import PlaygroundsError

REPO_ROOT = Path(__file__).resolve().parents[2]
DIGEST_METADATA = "sha256"


@dataclass(frozen=True)
class Artifact:
    """One local file and the S3 object key it is uploaded to."""

    path: Path
    key: str
    digest: str
    content_type: str


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def wheel_digest(path: Path) -> str:
    """sha256 over a wheel's member names and contents (not its zip timestamps)."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(path) as wheel:
        for name in sorted(wheel.namelist()):
            digest.update(name.encode() + b"\0")
            digest.update(hashlib.sha256(wheel.read(name)).digest())
    return digest.hexdigest()


def build_wheel(into: Path, project: Path = REPO_ROOT) -> Path:
    """``pip wheel --no-deps`` of the library into ``into``; the wheel's path."""
    # --no-deps: only our code; Glue provides pyspark and the job installs the
    # wheel with --no-deps as well (see desired.py), so nothing shadows Glue's own.
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(project), "--no-deps", "--quiet", "-w",
         str(into)],
        capture_output=True,
        text=True,
    )  # fmt: skip
    wheels = sorted(into.glob("playgrounds-*.whl"))
    if done.returncode != 0 or len(wheels) != 1:
        last = (done.stderr.strip().splitlines() or ["no wheel was written"])[-1]
        raise PlaygroundsError(f"building the library wheel from {project} failed: {last}")
    return wheels[0]
