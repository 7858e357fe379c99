"""A fresh deployment target on the session's moto server, for the deploy tests.

The moto server lives for the whole session, and Glue names are fixed by the
definition (``import_income_data``...), so each test deploys into a region of
its own (moto keeps one Glue backend per region) with its own prefix (IAM is
global) and its own two buckets.
"""

from __future__ import annotations

import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from playgrounds.deploy.target import DeployTarget

# Regions moto serves Glue, IAM and S3 in; one per test, never reused in a session
# (a test using this fixture beyond the list fails with StopIteration: add regions).
_REGIONS = iter([
    "eu-north-1", "eu-west-3", "ap-southeast-2", "sa-east-1", "ca-central-1", "ap-northeast-2",
    "ap-south-1", "us-west-1", "eu-west-2", "ap-northeast-3", "eu-central-1", "ap-northeast-1",
    "ap-southeast-1", "us-east-2", "eu-west-1", "us-west-2", "eu-south-1", "eu-central-2",
    "ap-southeast-3", "me-central-1", "il-central-1", "ca-west-1",
])  # fmt: skip
ACCOUNT_ID = "123456789012"  # moto's default account


@dataclass(frozen=True)
class MotoDeployment:
    """A target whose buckets exist on the moto server, and clients to inspect it."""

    target: DeployTarget
    endpoint: str
    wheel: Path

    def client(self, service: str) -> Any:
        """A boto3 client on the moto server in the target's region."""
        return boto3.client(service, endpoint_url=self.endpoint, region_name=self.target.region)

    def objects(self, bucket: str) -> dict[str, bytes]:
        """Every object of ``bucket`` with its bytes."""
        s3 = self.client("s3")
        found = {}
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", []):
                found[item["Key"]] = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
        return found


def tiny_wheel(
    folder: Path,
    body: str = "VERSION = 1\n",
    stamp: tuple[int, int, int, int, int, int] = (2026, 1, 1, 0, 0, 0),
) -> Path:
    """A small wheel-shaped zip (a real build takes ~6 s; one test builds the real one)."""
    folder.mkdir(parents=True, exist_ok=True)
    wheel = folder / "playgrounds-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, text in (
            ("playgrounds/__init__.py", body),
            ("playgrounds-0.1.0.dist-info/METADATA", "Name: playgrounds\n"),
        ):
            archive.writestr(zipfile.ZipInfo(name, date_time=stamp), text)
    return wheel


def aws_environment(monkeypatch: pytest.MonkeyPatch, endpoint: str, region: str) -> None:
    """Point boto3 at the moto server, with test credentials and nothing from ~/.aws."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", region)
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    # Wide tables: the plan's rows are asserted on.
    monkeypatch.setenv("COLUMNS", "250")


@pytest.fixture
def moto_deployment(
    moto_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[MotoDeployment]:
    """A fresh region, prefix and pair of buckets on the moto server."""
    region = next(_REGIONS)
    aws_environment(monkeypatch, moto_endpoint, region)
    tag = uuid.uuid4().hex[:8]
    target = DeployTarget(f"raw-{tag}", f"processed-{tag}", f"t{tag}", region)
    s3 = boto3.client("s3", endpoint_url=moto_endpoint, region_name=region)
    for bucket in (target.raw_bucket, target.processed_bucket):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    yield MotoDeployment(target, moto_endpoint, tiny_wheel(tmp_path / "wheel"))
