"""The IAM documents rendered from deploy/*.json, and the names a target derives."""

from __future__ import annotations

import json

import pytest

from playgrounds.deploy.policy import JOB_POLICY_TEMPLATE, job_policy, trust_policy
from playgrounds.deploy.target import DeployTarget
from playgrounds.errors import InputError

TARGET = DeployTarget("lake-raw", "lake-processed", "demo", "eu-west-1")
ACCOUNT = "111122223333"
LOGS = "arn:aws:logs:eu-west-1:111122223333:log-group:"
GLUE = "arn:aws:glue:eu-west-1:111122223333:"


def test_job_policy_allows_only_the_pipeline() -> None:
    policy = job_policy(TARGET, ACCOUNT, ["crawl_processed_data", "crawl_raw_data"])
    assert policy == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadDeployedScriptsAndWheel",
                "Effect": "Allow",
                "Action": ["s3:GetObject"],
                "Resource": [
                    "arn:aws:s3:::lake-raw/demo/glue/scripts/*",
                    "arn:aws:s3:::lake-raw/demo/glue/wheels/*",
                ],
            },
            {
                "Sid": "ReadWriteZonesAndTemp",
                "Effect": "Allow",
                "Action": [
                    "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"
                ],
                "Resource": [
                    "arn:aws:s3:::lake-raw/demo/raw/*",
                    "arn:aws:s3:::lake-raw/demo/glue/temp/*",
                    "arn:aws:s3:::lake-processed/demo/processed/*",
                ],
            },
            {
                "Sid": "ListRawBucketUnderPrefix",
                "Effect": "Allow",
                "Action": ["s3:ListBucket"],
                "Resource": ["arn:aws:s3:::lake-raw"],
                "Condition": {"StringLike": {"s3:prefix": [
                    "demo/raw", "demo/raw/*", "demo/glue/temp", "demo/glue/temp/*"
                ]}},
            },
            {
                "Sid": "ListProcessedBucketUnderPrefix",
                "Effect": "Allow",
                "Action": ["s3:ListBucket"],
                "Resource": ["arn:aws:s3:::lake-processed"],
                "Condition": {"StringLike": {"s3:prefix": ["demo/processed", "demo/processed/*"]}},
            },
            {
                "Sid": "LocateBuckets",
                "Effect": "Allow",
                "Action": ["s3:GetBucketLocation"],
                "Resource": ["arn:aws:s3:::lake-raw", "arn:aws:s3:::lake-processed"],
            },
            {
                "Sid": "CatalogTablesAndPartitionsOfTheTwoDatabases",
                "Effect": "Allow",
                "Action": [
                    "glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:CreateTable",
                    "glue:UpdateTable", "glue:GetPartition", "glue:GetPartitions",
                    "glue:BatchGetPartition", "glue:CreatePartition", "glue:BatchCreatePartition",
                    "glue:UpdatePartition", "glue:BatchUpdatePartition",
                ],
                "Resource": [
                    GLUE + "catalog",
                    GLUE + "database/demo-raw",
                    GLUE + "database/demo-processed",
                    GLUE + "table/demo-raw/*",
                    GLUE + "table/demo-processed/*",
                ],
            },
            {
                "Sid": "CreateGlueLogGroups",
                "Effect": "Allow",
                "Action": ["logs:CreateLogGroup"],
                "Resource": [
                    LOGS + "/aws-glue/jobs/output:*",
                    LOGS + "/aws-glue/jobs/error:*",
                    LOGS + "/aws-glue/jobs/logs-v2:*",
                    LOGS + "/aws-glue/crawlers:*",
                ],
            },
            {
                "Sid": "WriteJobAndCrawlerLogStreams",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": [
                    LOGS + "/aws-glue/jobs/output:log-stream:*",
                    LOGS + "/aws-glue/jobs/error:log-stream:*",
                    LOGS + "/aws-glue/jobs/logs-v2:log-stream:*",
                    LOGS + "/aws-glue/crawlers:log-stream:crawl_processed_data",
                    LOGS + "/aws-glue/crawlers:log-stream:crawl_raw_data",
                ],
            },
        ],
    }  # fmt: skip


def test_policy_has_no_wildcard_action_or_unfilled_placeholder() -> None:
    text = json.dumps(job_policy(TARGET, ACCOUNT, ["c"]))
    assert "${" not in text
    statements = json.loads(text)["Statement"]
    actions = [a for s in statements for a in s["Action"]]
    assert not [a for a in actions if a.endswith("*")]
    assert all(s["Effect"] == "Allow" for s in statements)
    # Every object-level S3 resource is under the deployment's prefix.
    objects = [r for s in statements for r in s["Resource"] if r.startswith("arn:aws:s3:::")
               and "/" in r]  # fmt: skip
    assert objects and all(r.split(":::")[1].split("/")[1] == "demo" for r in objects)
    # The template on disk is what a reviewer reads: it holds placeholders, not values.
    assert "${raw_bucket}" in JOB_POLICY_TEMPLATE.read_text()


def test_trust_policy_is_glue_for_this_account_only() -> None:
    assert trust_policy(TARGET, ACCOUNT) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "GlueJobsAndCrawlersOfThisAccount",
                "Effect": "Allow",
                "Principal": {"Service": "glue.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
            }
        ],
    }


def test_target_names() -> None:
    assert TARGET.raw_zone == "s3://lake-raw/demo/raw"
    assert TARGET.processed_zone == "s3://lake-processed/demo/processed"
    assert TARGET.script_key("x.py") == "demo/glue/scripts/x.py"
    assert TARGET.temp_dir == "s3://lake-raw/demo/glue/temp/"
    assert (TARGET.raw_database, TARGET.processed_database) == ("demo-raw", "demo-processed")
    assert TARGET.role_name == "demo-glue-role"
    assert TARGET.tags == {"playgrounds:deployment": "demo"}


@pytest.mark.parametrize(
    ("arguments", "sentence"),
    [
        (("Bad_Bucket", "ok-bucket"), r"--raw-bucket 'Bad_Bucket' is not an S3 bucket name"),
        (("ok-bucket", "x"), r"--processed-bucket 'x' is not an S3 bucket name"),
        (("ok-bucket", "ok-two", "a/b"), r"--prefix 'a/b' must be 1-31 lower-case letters"),
        (("ok-bucket", "ok-two", "p", "mars-1"), r"--region 'mars-1' is not an AWS region"),
    ],
)
def test_bad_target_is_one_sentence(arguments: tuple[str, ...], sentence: str) -> None:
    with pytest.raises(InputError, match=sentence):
        DeployTarget(*arguments)
