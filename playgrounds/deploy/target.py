"""Where one deployment lives: its buckets, prefix and region, and every name derived from them.

One rule per name, kept here so that deploy, the plan, the IAM policy and
teardown agree: the raw zone is ``s3://<raw bucket>/<prefix>/raw``, the
processed zone ``s3://<processed bucket>/<prefix>/processed``, the deployed
scripts and wheel sit under ``s3://<raw bucket>/<prefix>/glue/`` (beside the
raw zone, not in it, so the raw crawler never catalogs them), the databases are
``<prefix>-raw`` and ``<prefix>-processed`` (the workshop's names for the
default prefix), and every resource carries the tag ``playgrounds:deployment``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from playgrounds.errors import InputError
from playgrounds.lake.layout import PROCESSED_ZONE, RAW_ZONE

DEFAULT_PREFIX = "playgrounds"
DEPLOYMENT_TAG = "playgrounds:deployment"
# Recorded on the role, so that teardown (given only the prefix) finds the buckets.
RAW_BUCKET_TAG = "playgrounds:raw-bucket"
PROCESSED_BUCKET_TAG = "playgrounds:processed-bucket"
ARTIFACTS_FOLDER = "glue"

# S3's bucket naming rules (the general-purpose bucket ones, without the IP-address check).
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
# The prefix names databases, a role and S3 folders: keep it to what all of them accept.
_PREFIX = re.compile(r"^[a-z0-9][a-z0-9-]{0,30}$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")


@dataclass(frozen=True)
class DeployTarget:
    """One deployment: two buckets, a prefix and a region."""

    raw_bucket: str
    processed_bucket: str
    prefix: str = DEFAULT_PREFIX
    region: str = "us-east-1"

    def __post_init__(self) -> None:
        for option, bucket in (
            ("--raw-bucket", self.raw_bucket),
            ("--processed-bucket", self.processed_bucket),
        ):
            if not _BUCKET.match(bucket) or ".." in bucket:
                raise InputError(
                    f"{option} {bucket!r} is not an S3 bucket name (3-63 lower-case letters, "
                    "digits, dots and hyphens, starting and ending with a letter or digit)"
                )
        check_prefix(self.prefix)
        if not _REGION.match(self.region):
            raise InputError(f"--region {self.region!r} is not an AWS region like us-east-1")

    # ------------------------------------------------------------ S3

    @property
    def raw_zone(self) -> str:
        """``s3://<raw bucket>/<prefix>/raw``."""
        return f"s3://{self.raw_bucket}/{self.prefix}/{RAW_ZONE}"

    @property
    def processed_zone(self) -> str:
        """``s3://<processed bucket>/<prefix>/processed``."""
        return f"s3://{self.processed_bucket}/{self.prefix}/{PROCESSED_ZONE}"

    @property
    def artifacts_key(self) -> str:
        """The key prefix of the deployed scripts, wheel and Glue's temp folder (raw bucket)."""
        return f"{self.prefix}/{ARTIFACTS_FOLDER}"

    def script_key(self, file_name: str) -> str:
        """The object key of a job script."""
        return f"{self.artifacts_key}/scripts/{file_name}"

    def wheel_key(self, file_name: str) -> str:
        """The object key of the library wheel."""
        return f"{self.artifacts_key}/wheels/{file_name}"

    @property
    def temp_dir(self) -> str:
        """Glue's ``--TempDir``, inside the deployment's prefix (the policy allows only that)."""
        return f"s3://{self.raw_bucket}/{self.artifacts_key}/temp/"

    def data_prefixes(self) -> list[tuple[str, str]]:
        """(bucket, key prefix) of everything this deployment may have written."""
        return [(self.raw_bucket, f"{self.prefix}/"), (self.processed_bucket, f"{self.prefix}/")]

    # ------------------------------------------------------------ names

    @property
    def raw_database(self) -> str:
        """``<prefix>-raw``."""
        return f"{self.prefix}-{RAW_ZONE}"

    @property
    def processed_database(self) -> str:
        """``<prefix>-processed``."""
        return f"{self.prefix}-{PROCESSED_ZONE}"

    @property
    def role_name(self) -> str:
        """The one IAM role the jobs and crawlers run as."""
        return role_name(self.prefix)

    @property
    def policy_name(self) -> str:
        """The role's one inline policy."""
        return f"{self.prefix}-glue-pipeline"

    @property
    def tags(self) -> dict[str, str]:
        """The tag every resource of this deployment carries."""
        return {DEPLOYMENT_TAG: self.prefix}

    def variables(self) -> dict[str, str]:
        """The definition's placeholders filled for AWS: s3:// zones, the two databases."""
        return {
            "raw_zone": self.raw_zone,
            "processed_zone": self.processed_zone,
            "raw_database": self.raw_database,
            "processed_database": self.processed_database,
        }


def check_prefix(prefix: str) -> str:
    """``prefix`` when it can name databases, a role and S3 folders; else one sentence."""
    if not _PREFIX.match(prefix):
        raise InputError(
            f"--prefix {prefix!r} must be 1-31 lower-case letters, digits and hyphens, "
            "starting with a letter or digit (it names databases, a role and S3 folders)"
        )
    return prefix


def role_name(prefix: str) -> str:
    """``<prefix>-glue-role``: teardown finds the role (and the buckets in its tags) by it."""
    return f"{check_prefix(prefix)}-glue-role"
