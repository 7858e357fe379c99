"""``make glue-run``: the same job file in AWS's Glue 5 image, with the real awsglue.

The command follows AWS's "Develop and test AWS Glue jobs locally using a
Docker image" page for Glue 5.0 (image ``public.ecr.aws/glue/aws-glue-libs:5``,
user ``hadoop``, workspace ``/home/hadoop/workspace``, ``spark-submit``):

* ``jobs/`` is mounted read-only; the library goes in as a zip passed with
  ``--py-files`` (the same way ``--extra-py-files`` ships it to AWS Glue), built
  without ``playgrounds/glue/awsglue`` so the image's real ``awsglue`` is used;
* the lake folder is mounted at ``/home/hadoop/workspace/lake``;
* ``~/.aws`` is mounted read-only and ``AWS_PROFILE`` passed unless ``--no-aws``:
  the real awsglue reads ``from_catalog`` tables from the AWS Glue Data Catalog,
  so the prep job needs credentials; jobs given ``file://`` paths only do not.

Usage: ``playgrounds glue-run [--print] [--no-aws] JOB [JOB ARGS...]``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from collections.abc import Sequence
from pathlib import Path

from playgrounds.glue.errors import GlueShimError

# The Glue 5.0 image tag AWS documents; set $PLAYGROUNDS_GLUE_IMAGE to pin a digest.
GLUE_IMAGE = "public.ecr.aws/glue/aws-glue-libs:5"
IMAGE_ENV = "PLAYGROUNDS_GLUE_IMAGE"
WORKSPACE = "/home/hadoop/workspace"
LIBRARY_ZIP = "playgrounds.zip"
REPO_ROOT = Path(__file__).resolve().parents[2]


def build_library_zip(package: Path, out: Path) -> Path:
    """Zip the ``playgrounds`` package (no shim, no caches) for ``--py-files``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    shim = package / "glue" / "awsglue"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(package.rglob("*")):
            if not file.is_file() or "__pycache__" in file.parts or file.is_relative_to(shim):
                continue
            archive.write(file, Path("playgrounds") / file.relative_to(package))
    return out


def docker_command(
    job: str,
    job_args: Sequence[str] = (),
    *,
    repo: Path = REPO_ROOT,
    lake: Path = Path("lake"),
    dist: Path | None = None,
    aws: bool = True,
    aws_profile: str | None = None,
    image: str | None = None,
    home: Path | None = None,
) -> list[str]:
    """The ``docker run`` command line that runs ``jobs/<job>.py`` in the Glue 5 image."""
    script = repo / "jobs" / f"{job}.py"
    if not script.is_file():
        raise GlueShimError(f"job {job!r} not found: {script} does not exist")
    dist_dir = (dist or repo / "build" / "glue").resolve()
    command = [
        "docker", "run", "--rm",
        "--name", f"playgrounds-glue-{job.replace('_', '-')}",
        "-v", f"{(repo / 'jobs').resolve()}:{WORKSPACE}/jobs:ro",
        "-v", f"{dist_dir}:{WORKSPACE}/dist:ro",
        "-v", f"{lake.resolve()}:{WORKSPACE}/lake",
    ]  # fmt: skip
    if aws:
        aws_dir = (home or Path.home()) / ".aws"
        command += ["-v", f"{aws_dir}:/home/hadoop/.aws:ro"]
        profile = aws_profile or os.environ.get("AWS_PROFILE")
        if profile:
            command += ["-e", f"AWS_PROFILE={profile}"]
    command += [
        image or os.environ.get(IMAGE_ENV, GLUE_IMAGE),
        "spark-submit",
        "--py-files", f"{WORKSPACE}/dist/{LIBRARY_ZIP}",
        f"{WORKSPACE}/jobs/{job}.py",
        "--JOB_NAME", job,
        *job_args,
    ]  # fmt: skip
    return command


def run_in_docker(
    job: str, job_args: Sequence[str] = (), *, lake: Path = Path("lake"), aws: bool = True
) -> int:
    """Build the library zip and run the docker command; its exit status.

    Without a Docker client the command is printed with one sentence, status 1.
    """
    dist = REPO_ROOT / "build" / "glue"
    command = docker_command(job, job_args, lake=lake, dist=dist, aws=aws)
    build_library_zip(REPO_ROOT / "playgrounds", dist / LIBRARY_ZIP)
    if shutil.which("docker") is None:
        raise GlueShimError(
            f"docker is not installed here; the command would be: {' '.join(command)}"
        )
    return subprocess.call(command)
