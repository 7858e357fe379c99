"""The deployment's AWS side: read what exists, create or update it, tear it down.

Every client comes from :func:`playgrounds.lake.aws.client` (so
``AWS_ENDPOINT_URL[_<SERVICE>]`` points it at a moto server). Every failure is
one sentence naming the resource and the call. Nothing here prints: progress
goes to the ``on_progress`` callback the command line passes in. Credentials are
never read here, only used by botocore to sign.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from playgrounds.deploy.artifacts import DIGEST_METADATA, Artifact
from playgrounds.deploy.resources import Change, Resource
from playgrounds.deploy.target import (
    DEPLOYMENT_TAG,
    PROCESSED_BUCKET_TAG,
    RAW_BUCKET_TAG,
    DeployTarget,
    role_name,
)
from playgrounds.errors import InputError, PlaygroundsError
from playgrounds.lake import aws

_NOT_FOUND = frozenset({"EntityNotFoundException", "NoSuchEntity", "404", "NoSuchKey", "NotFound"})
# A new role reaches every IAM endpoint within seconds; give it up to ~30 s.
ROLE_PROPAGATION_ATTEMPTS = 6
_DENIED = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"})


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def failure_sentence(error: BaseException, what: str) -> str:
    """One sentence for a failed AWS call while doing ``what`` (which names the resource)."""
    if isinstance(error, NoCredentialsError):
        # The lake's sentence ends with a hint for s3:// lake paths (PLAYGROUNDS_S3=local),
        # which means nothing to a deploy: keep the part that does.
        return aws.error_sentence(error, what).split(", or set ")[0]
    if isinstance(error, ClientError):
        info = error.response.get("Error", {})
        code = _code(error) or "error"
        message = info.get("Message") or code
        if code in _DENIED:
            return f"AWS denied {what}: {code} ({message}); the caller lacks that permission"
        return f"AWS refused {what}: {code} ({message})"
    if isinstance(error, BotoCoreError):
        return f"AWS could not be reached while {what}: {error}"
    return f"{what} failed: {error}"


def _not_found(error: ClientError) -> bool:
    return _code(error) in _NOT_FOUND


class AwsCalls:
    """Clients made lazily (one per service) and calls whose failure is one sentence."""

    def __init__(self, region: str, clients: Mapping[str, Any] | None = None) -> None:
        self.region = region
        self._clients: dict[str, Any] = dict(clients or {})

    def client(self, service: str) -> Any:
        """The service's client, made once."""
        if service not in self._clients:
            self._clients[service] = aws.client(service, region=self.region)
        return self._clients[service]

    def call(self, service: str, operation: str, what: str, **kwargs: Any) -> Any:
        """Call ``operation``; a failure becomes one sentence naming ``what``."""
        try:
            return getattr(self.client(service), operation)(**kwargs)
        except (ClientError, BotoCoreError) as error:
            raise PlaygroundsError(failure_sentence(error, what)) from None

    def is_missing(self, error: ClientError) -> bool:
        """True when ``error`` says the resource does not exist."""
        return _not_found(error)

    def maybe(self, service: str, operation: str, what: str, **kwargs: Any) -> Any | None:
        """Like :meth:`call`, but None when the resource does not exist."""
        try:
            return getattr(self.client(service), operation)(**kwargs)
        except ClientError as error:
            if self.is_missing(error):
                return None
            raise PlaygroundsError(failure_sentence(error, what)) from None
        except BotoCoreError as error:
            raise PlaygroundsError(failure_sentence(error, what)) from None

    def require_bucket(self, bucket: str, option: str) -> None:
        """``bucket`` (given as ``option``) exists and can be reached; else one sentence."""
        try:
            self.client("s3").head_bucket(Bucket=bucket)
        except ClientError as error:
            if _code(error) in ("404", "NoSuchBucket", "NotFound"):
                raise InputError(
                    f"bucket {bucket} ({option}) does not exist; create it first "
                    "(deploy never creates or deletes buckets)"
                ) from None
            raise PlaygroundsError(
                failure_sentence(error, f"reaching bucket {bucket} ({option})")
            ) from None
        except BotoCoreError as error:
            raise PlaygroundsError(
                failure_sentence(error, f"reaching bucket {bucket} ({option})")
            ) from None


class Cloud(AwsCalls):
    """The AWS calls of one deployment (clients made lazily, one per service)."""

    def __init__(
        self,
        target: DeployTarget,
        clients: Mapping[str, Any] | None = None,
        *,
        role_wait_seconds: float = 5.0,
    ) -> None:
        super().__init__(target.region, clients)
        self.target = target
        self._account_id: str | None = None
        self.role_wait_seconds = role_wait_seconds

    # ------------------------------------------------------------ identity and buckets

    @property
    def account_id(self) -> str:
        """The caller's account (STS GetCallerIdentity): the first call, so no credentials
        is said here, before anything is touched."""
        if self._account_id is None:
            answer = self.call(
                "sts", "get_caller_identity", f"deploying to region {self.target.region}"
            )
            self._account_id = str(answer["Account"])
        return self._account_id

    def check_buckets(self) -> None:
        """Both buckets exist and can be reached; else one sentence naming the bucket."""
        self.require_bucket(self.target.raw_bucket, "--raw-bucket")
        self.require_bucket(self.target.processed_bucket, "--processed-bucket")

    # ------------------------------------------------------------ ARNs and tags

    def glue_arn(self, kind: str, name: str) -> str:
        """A Glue resource's ARN (``kind`` is job, crawler, trigger, workflow or database)."""
        return f"arn:aws:glue:{self.target.region}:{self.account_id}:{kind}/{name}"

    def _glue_tags(self, kind: str, name: str) -> dict[str, str]:
        answer = self.call(
            "glue", "get_tags", f"reading the tags of Glue {kind} {name}",
            ResourceArn=self.glue_arn(kind, name),
        )  # fmt: skip
        return dict(answer.get("Tags") or {})

    def _check_owned(self, resource: Resource, tags: Mapping[str, str]) -> None:
        owner = tags.get(DEPLOYMENT_TAG)
        if owner == self.target.prefix:
            return
        if owner is None:
            reason = f"it has no {DEPLOYMENT_TAG} tag, so playgrounds deploy did not make it"
        else:
            reason = f"it belongs to deployment {owner!r} ({DEPLOYMENT_TAG})"
        raise InputError(
            f"{resource.kind} {resource.name} already exists and {reason}; deploy will not "
            f"take it over (remove it, or deploy with the prefix that owns it)"
        )

    # ------------------------------------------------------------ current state

    def current(self, resource: Resource) -> dict[str, Any] | None:
        """What AWS holds for ``resource`` in its Create shape, or None when it is absent.

        A resource that exists but carries another deployment's tag (or none)
        is an error: deploy never adopts what it did not make.
        """
        reader = getattr(self, "_current_" + resource.kind.replace(" ", "_"))
        found: tuple[dict[str, Any], dict[str, str]] | None = reader(resource)
        if found is None:
            return None
        config, tags = found
        if resource.kind not in ("iam policy", "s3 object"):
            self._check_owned(resource, tags)
        return config

    def _current_iam_role(self, resource: Resource) -> Any:
        what = f"reading IAM role {resource.name}"
        answer = self.maybe("iam", "get_role", what, RoleName=resource.name)
        if answer is None:
            return None
        role = answer["Role"]
        tags = {t["Key"]: t["Value"] for t in role.get("Tags", [])}
        return {
            "AssumeRolePolicyDocument": _policy_document(role["AssumeRolePolicyDocument"])
        }, tags

    def _current_iam_policy(self, resource: Resource) -> Any:
        role, policy = resource.name.split("/", 1)
        what = f"reading the inline policy {policy} of IAM role {role}"
        answer = self.maybe("iam", "get_role_policy", what, RoleName=role, PolicyName=policy)
        if answer is None:
            return None
        return {"PolicyDocument": _policy_document(answer["PolicyDocument"])}, {}

    def _current_s3_object(self, resource: Resource) -> Any:
        bucket, key = _split_s3(resource.name)
        answer = self.maybe("s3", "head_object", f"reading {resource.name}", Bucket=bucket,
                             Key=key)  # fmt: skip
        if answer is None:
            return None
        return {"sha256": answer.get("Metadata", {}).get(DIGEST_METADATA)}, {}

    def _current_glue_database(self, resource: Resource) -> Any:
        what = f"reading Glue database {resource.name}"
        answer = self.maybe("glue", "get_database", what, Name=resource.name)
        if answer is None:
            return None
        return answer["Database"], self._glue_tags("database", resource.name)

    def _current_glue_job(self, resource: Resource) -> Any:
        answer = self.maybe("glue", "get_job", f"reading Glue job {resource.name}",
                             JobName=resource.name)  # fmt: skip
        if answer is None:
            return None
        return answer["Job"], self._glue_tags("job", resource.name)

    def _current_glue_crawler(self, resource: Resource) -> Any:
        answer = self.maybe("glue", "get_crawler", f"reading Glue crawler {resource.name}",
                             Name=resource.name)  # fmt: skip
        if answer is None:
            return None
        return answer["Crawler"], self._glue_tags("crawler", resource.name)

    def _current_glue_workflow(self, resource: Resource) -> Any:
        answer = self.maybe("glue", "get_workflow", f"reading Glue workflow {resource.name}",
                             Name=resource.name)  # fmt: skip
        if answer is None:
            return None
        return answer["Workflow"], self._glue_tags("workflow", resource.name)

    def _current_glue_trigger(self, resource: Resource) -> Any:
        answer = self.maybe("glue", "get_trigger", f"reading Glue trigger {resource.name}",
                             Name=resource.name)  # fmt: skip
        if answer is None:
            return None
        return answer["Trigger"], self._glue_tags("trigger", resource.name)

    # ------------------------------------------------------------ apply

    def apply(self, change: Change, artifacts: Mapping[str, Artifact]) -> None:
        """Carry out one create or update (an unchanged resource is left alone)."""
        if change.action == "unchanged":
            return
        resource = change.resource
        verb = "creating" if change.action == "create" else "updating"
        what = f"{verb} {resource.kind} {resource.name}"
        method = getattr(self, f"_{change.action}_" + resource.kind.replace(" ", "_"))
        method(resource, what, artifacts)

    def _role_tag_list(self) -> list[dict[str, str]]:
        # The role records the buckets, so that teardown needs only the prefix.
        tags = {
            **self.target.tags,
            RAW_BUCKET_TAG: self.target.raw_bucket,
            PROCESSED_BUCKET_TAG: self.target.processed_bucket,
        }
        return [{"Key": key, "Value": value} for key, value in tags.items()]

    def _create_iam_role(self, resource: Resource, what: str, _: Any) -> None:
        self.call(
            "iam", "create_role", what,
            RoleName=resource.name,
            AssumeRolePolicyDocument=json.dumps(resource.config["AssumeRolePolicyDocument"]),
            Description=f"Glue jobs and crawlers of playgrounds deployment {self.target.prefix}",
            Tags=self._role_tag_list(),
        )  # fmt: skip

    def _update_iam_role(self, resource: Resource, what: str, _: Any) -> None:
        self.call(
            "iam", "update_assume_role_policy", what,
            RoleName=resource.name,
            PolicyDocument=json.dumps(resource.config["AssumeRolePolicyDocument"]),
        )  # fmt: skip

    def _create_iam_policy(self, resource: Resource, what: str, _: Any) -> None:
        role, policy = resource.name.split("/", 1)
        self.call(
            "iam", "put_role_policy", what,
            RoleName=role, PolicyName=policy,
            PolicyDocument=json.dumps(resource.config["PolicyDocument"]),
        )  # fmt: skip

    _update_iam_policy = _create_iam_policy

    def _create_s3_object(
        self, resource: Resource, what: str, artifacts: Mapping[str, Artifact]
    ) -> None:
        bucket, key = _split_s3(resource.name)
        artifact = artifacts[key]
        self.call(
            "s3", "put_object", what,
            Bucket=bucket, Key=key, Body=artifact.path.read_bytes(),
            ContentType=artifact.content_type,
            Metadata={DIGEST_METADATA: artifact.digest},
            Tagging=f"{DEPLOYMENT_TAG}={self.target.prefix}",
        )  # fmt: skip

    _update_s3_object = _create_s3_object

    def _create_glue_database(self, resource: Resource, what: str, _: Any) -> None:
        self.call(
            "glue", "create_database", what,
            DatabaseInput={"Name": resource.name, **resource.config}, Tags=self.target.tags,
        )  # fmt: skip

    def _update_glue_database(self, resource: Resource, what: str, _: Any) -> None:
        self.call(
            "glue", "update_database", what,
            Name=resource.name, DatabaseInput={"Name": resource.name, **resource.config},
        )  # fmt: skip

    def _create_glue_job(self, resource: Resource, what: str, _: Any) -> None:
        self.call("glue", "create_job", what, **resource.config, Tags=self.target.tags)

    def _update_glue_job(self, resource: Resource, what: str, _: Any) -> None:
        # UpdateJob replaces the whole definition: send all of it, not only what changed.
        update = {key: value for key, value in resource.config.items() if key != "Name"}
        self.call("glue", "update_job", what, JobName=resource.name, JobUpdate=update)

    def _create_glue_crawler(self, resource: Resource, what: str, _: Any) -> None:
        # CreateCrawler checks that Glue can assume the role, and a role made seconds
        # ago is not yet visible everywhere in IAM (eventual consistency): wait for it.
        for attempt in range(ROLE_PROPAGATION_ATTEMPTS):
            try:
                self.client("glue").create_crawler(**resource.config, Tags=self.target.tags)
                return
            except ClientError as error:
                unseen = _code(error) == "InvalidInputException" and "assume" in str(error).lower()
                if not unseen or attempt == ROLE_PROPAGATION_ATTEMPTS - 1:
                    raise PlaygroundsError(failure_sentence(error, what)) from None
            except BotoCoreError as error:
                raise PlaygroundsError(failure_sentence(error, what)) from None
            time.sleep(self.role_wait_seconds)

    def _update_glue_crawler(self, resource: Resource, what: str, _: Any) -> None:
        self.call("glue", "update_crawler", what, **resource.config)

    def _create_glue_workflow(self, resource: Resource, what: str, _: Any) -> None:
        self.call("glue", "create_workflow", what, **resource.config, Tags=self.target.tags)

    def _update_glue_workflow(self, resource: Resource, what: str, _: Any) -> None:
        self.call("glue", "update_workflow", what, **resource.config)

    def _create_glue_trigger(self, resource: Resource, what: str, _: Any) -> None:
        self.call("glue", "create_trigger", what, **resource.config, Tags=self.target.tags)

    def _update_glue_trigger(self, resource: Resource, what: str, _: Any) -> None:
        fields = ("Description", "Schedule", "Actions", "Predicate", "EventBatchingCondition")
        update = {key: resource.config[key] for key in fields if key in resource.config}
        self.call(
            "glue", "update_trigger", what,
            Name=resource.name, TriggerUpdate={"Name": resource.name, **update},
        )  # fmt: skip


# ---------------------------------------------------------------- teardown


@dataclass(frozen=True)
class Found:
    """One resource teardown found (by its deployment tag) and will delete."""

    kind: str
    name: str


class Teardown(AwsCalls):
    """Finds what a deployment made (by its tag) and deletes exactly that."""

    def __init__(self, prefix: str, region: str, clients: Mapping[str, Any] | None = None) -> None:
        super().__init__(region, clients)
        self.prefix = prefix
        self.role = role_name(prefix)
        self._account_id: str | None = None

    @property
    def account_id(self) -> str:
        """The caller's account (the first call: no credentials is said before anything)."""
        if self._account_id is None:
            answer = self.call("sts", "get_caller_identity", f"tearing down {self.prefix}")
            self._account_id = str(answer["Account"])
        return self._account_id

    def _owned(self, kind: str, name: str) -> bool:
        arn = f"arn:aws:glue:{self.region}:{self.account_id}:{kind}/{name}"
        tags = self.call("glue", "get_tags", f"reading the tags of Glue {kind} {name}",
                         ResourceArn=arn).get("Tags") or {}  # fmt: skip
        return bool(tags.get(DEPLOYMENT_TAG) == self.prefix)

    def _tagged_names(self, operation: str, key: str, kind: str) -> list[str]:
        names: list[str] = []
        token: str | None = None
        while True:
            extra = {"NextToken": token} if token else {}
            answer = self.call(
                "glue", operation, f"listing Glue {kind}s tagged {DEPLOYMENT_TAG}={self.prefix}",
                Tags={DEPLOYMENT_TAG: self.prefix}, **extra,
            )  # fmt: skip
            names += answer.get(key, [])
            token = answer.get("NextToken")
            if not token:
                return names

    def role_tags(self) -> dict[str, str] | None:
        """The role's tags (they record the buckets), or None when there is no such role."""
        try:
            answer = self.client("iam").get_role(RoleName=self.role)
        except ClientError as error:
            if _not_found(error):
                return None
            raise PlaygroundsError(
                failure_sentence(error, f"reading IAM role {self.role}")
            ) from None
        except BotoCoreError as error:
            raise PlaygroundsError(
                failure_sentence(error, f"reading IAM role {self.role}")
            ) from None
        tags = {t["Key"]: t["Value"] for t in answer["Role"].get("Tags", [])}
        return tags if tags.get(DEPLOYMENT_TAG) == self.prefix else None

    def find(self) -> list[Found]:
        """Everything this deployment made, in deletion order (triggers first, the role last)."""
        self.account_id  # noqa: B018 - who is calling: no credentials is said first
        found = [
            Found("glue trigger", n)
            for n in self._tagged_names("list_triggers", "TriggerNames", "trigger")
        ]
        workflows = self.call("glue", "list_workflows", "listing Glue workflows").get(
            "Workflows", []
        )
        found += [Found("glue workflow", n) for n in workflows if self._owned("workflow", n)]
        found += [
            Found("glue crawler", n)
            for n in self._tagged_names("list_crawlers", "CrawlerNames", "crawler")
        ]
        found += [Found("glue job", n) for n in
                  self._tagged_names("list_jobs", "JobNames", "job")]  # fmt: skip
        databases = self.call("glue", "get_databases", "listing Glue databases")["DatabaseList"]
        found += [
            Found("glue database", d["Name"])
            for d in databases
            if self._owned("database", d["Name"])
        ]
        tags = self.role_tags()
        if tags is not None:
            bucket = tags.get(RAW_BUCKET_TAG)
            if bucket:
                found += [Found("s3 object", f"s3://{bucket}/{key}") for key in
                          self._tagged_objects(bucket, f"{self.prefix}/glue/")]  # fmt: skip
            found += [
                Found("iam policy", f"{self.role}/{name}")
                for name in self.call("iam", "list_role_policies", f"listing the policies of "
                                      f"IAM role {self.role}", RoleName=self.role)["PolicyNames"]
            ]  # fmt: skip
            found.append(Found("iam role", self.role))
        return found

    def _keys(self, bucket: str, prefix: str) -> Iterator[str]:
        paginator = self.client("s3").get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
                for item in page.get("Contents", []):
                    yield str(item["Key"])
        except (ClientError, BotoCoreError) as error:
            raise PlaygroundsError(
                failure_sentence(error, f"listing s3://{bucket}/{prefix}")
            ) from None

    def _tagged_objects(self, bucket: str, prefix: str) -> list[str]:
        keys = []
        for key in self._keys(bucket, prefix):
            answer = self.call("s3", "get_object_tagging", f"reading the tags of s3://{bucket}/{key}",
                               Bucket=bucket, Key=key)  # fmt: skip
            tags = {t["Key"]: t["Value"] for t in answer.get("TagSet", [])}
            if tags.get(DEPLOYMENT_TAG) == self.prefix:
                keys.append(key)
        return keys

    def data_objects(self) -> list[Found]:
        """Every object under the deployment's prefix in its two buckets (for --delete-data)."""
        tags = self.role_tags() or {}
        found = []
        for tag in (RAW_BUCKET_TAG, PROCESSED_BUCKET_TAG):
            bucket = tags.get(tag)
            if bucket:
                found += [Found("s3 object", f"s3://{bucket}/{key}") for key in
                          self._keys(bucket, f"{self.prefix}/")]  # fmt: skip
        return sorted(set(found), key=lambda f: f.name)

    def delete(self, item: Found) -> None:
        """Delete one found resource."""
        what = f"deleting {item.kind} {item.name}"
        if item.kind == "glue trigger":
            self.call("glue", "delete_trigger", what, Name=item.name)
        elif item.kind == "glue workflow":
            self.call("glue", "delete_workflow", what, Name=item.name)
        elif item.kind == "glue crawler":
            self.call("glue", "delete_crawler", what, Name=item.name)
        elif item.kind == "glue job":
            self.call("glue", "delete_job", what, JobName=item.name)
        elif item.kind == "glue database":
            self.call("glue", "delete_database", what, Name=item.name)
        elif item.kind == "s3 object":
            bucket, key = _split_s3(item.name)
            self.call("s3", "delete_object", what, Bucket=bucket, Key=key)
        elif item.kind == "iam policy":
            role, policy = item.name.split("/", 1)
            self.call("iam", "delete_role_policy", what, RoleName=role, PolicyName=policy)
        elif item.kind == "iam role":
            self.call("iam", "delete_role", what, RoleName=item.name)
        else:  # pragma: no cover - find() makes only the kinds above
            raise PlaygroundsError(f"teardown does not know how to delete a {item.kind}")


# ---------------------------------------------------------------- helpers


def _policy_document(value: Any) -> Any:
    # botocore decodes IAM policy documents to dicts; a string (URL-quoted JSON) is decoded here.
    if isinstance(value, str):
        from urllib.parse import unquote

        return json.loads(unquote(value))
    return value


def _split_s3(uri: str) -> tuple[str, str]:
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return bucket, key
