"""The lake: a root holding a ``raw`` and a ``processed`` zone, on local disk or on S3.

A root is a local folder (default ``./lake``, or ``$PLAYGROUNDS_LAKE``) or an
``s3://bucket/prefix`` address. An S3 root is served one of two ways:

* ``aws``: objects through boto3 (real S3, or any endpoint set with
  ``AWS_ENDPOINT_URL``: moto, LocalStack, MinIO);
* ``local``: the same mapping the local Spark runs use
  (:mod:`playgrounds.lake.local_s3`), so ``s3://bucket/x`` is
  ``<PLAYGROUNDS_LOCAL_S3>/bucket/x`` for both Python and Spark.

Every write is a commit of data that is already complete somewhere else (a
local staging file or folder): a local commit is a rename, an S3 commit is a
PUT, which S3 makes visible only once the whole object has arrived. A reader
therefore sees the old data or the new, and a failure before the commit leaves
the lake as it was.
"""

from __future__ import annotations

import errno
import importlib.util
import os
import shutil
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from playgrounds.errors import InputError, PlaygroundsError
from playgrounds.lake import aws, local_s3
from playgrounds.lake.atomic import (
    new_stage_folder,
    remove_stale_staging,
    replace_folder_atomically,
    staging_sibling,
)
from playgrounds.lake.layout import (
    DEFAULT_LAKE_ROOT,
    LAKE_ENV,
    PROCESSED_ZONE,
    RAW_ZONE,
    ZONES,
    is_hidden,
)

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

S3_MODE_ENV = "PLAYGROUNDS_S3"

S3Mode = Literal["aws", "local"]


def s3_mode(explicit: str | None = None) -> S3Mode:
    """How ``s3://`` roots are served: argument, ``$PLAYGROUNDS_S3``, else by endpoint.

    Without an explicit choice an endpoint override (``AWS_ENDPOINT_URL``) means
    a real S3 API is meant, and so does AWS's own ``awsglue`` library (a job
    deployed to Glue, or run in Glue's Docker image, where no environment
    variable can be set); otherwise a local run keeps ``s3://`` in local
    folders, as the local Spark runs do, so both sides agree.
    """
    chosen = (explicit or os.environ.get(S3_MODE_ENV) or "").strip().lower()
    if not chosen:
        return "aws" if aws.endpoint_url("s3") or on_aws_glue() else "local"
    if chosen not in ("aws", "local"):
        raise PlaygroundsError(f"{S3_MODE_ENV}={chosen!r} is not one of aws, local")
    return "aws" if chosen == "aws" else "local"


def on_aws_glue() -> bool:
    """True when ``awsglue`` is AWS's library, not the shim inside this package."""
    spec = importlib.util.find_spec("awsglue")
    if spec is None or spec.origin is None:
        return False
    ours = Path(__file__).resolve().parent.parent
    return not Path(spec.origin).resolve().is_relative_to(ours)


def _clean_key(key: str) -> str:
    parts = [p for p in key.replace("\\", "/").split("/") if p]
    if any(p in (".", "..") for p in parts):
        raise PlaygroundsError(f"lake key {key!r} must not contain . or .. parts")
    return "/".join(parts)


class Zone(ABC):
    """One zone (or any folder) of the lake; keys are ``/``-separated and relative to it."""

    uri: str
    # True where a folder of several files cannot be swapped in at once (S3):
    # the datasets are then written as one file, replaced by one PUT.
    single_file_folders: bool = False

    def uri_of(self, key: str = "") -> str:
        """The address a user sees for ``key`` (a local path or ``s3://...``)."""
        key = _clean_key(key)
        return f"{self.uri.rstrip('/')}/{key}" if key else self.uri

    @abstractmethod
    def exists(self, key: str) -> bool:
        """True when ``key`` is an object (file), or a folder holding at least one object."""

    @abstractmethod
    def list_keys(self, prefix: str = "") -> list[str]:
        """All object keys under ``prefix`` (relative to the zone), sorted."""

    @abstractmethod
    def read_bytes(self, key: str) -> bytes:
        """The whole content of one (small) object."""

    @abstractmethod
    def check_writable(self) -> None:
        """Raise a one-sentence error when nothing could be committed here (before any work)."""

    @abstractmethod
    def commit_file(self, key: str, staged: Path) -> None:
        """Make the complete local file ``staged`` the object ``key``, replacing it atomically."""

    @abstractmethod
    def commit_folder(self, key: str, staged: Path) -> None:
        """Make the complete local folder ``staged`` the folder ``key``, replacing the old one."""

    @abstractmethod
    def spark_path(self, key: str = "") -> str:
        """The path Spark should use to read ``key``."""

    def replace_with_parquet(self, key: str, frame: DataFrame) -> str:
        """Write ``frame`` as Parquet and make it the folder ``key``, atomically.

        The one writer of the lake's datasets (ingest, prep, the Glue jobs): the
        data is complete in a private staging folder before :meth:`commit_folder`
        swaps it in, so a failed or killed write leaves the old folder as it was.
        Locally, one file per partition of ``frame``: a single file
        (``coalesce(1)``) would run the whole last stage, joins included, in one
        task. On S3 (:attr:`single_file_folders`) one file, so that a reader
        never sees old and new files of one dataset side by side.
        Returns the folder's address.
        """
        self.check_writable()
        with self.staging() as stage:
            out = stage / "parquet"
            (frame.coalesce(1) if self.single_file_folders else frame).write.parquet(out.as_uri())
            self.commit_folder(key, out)
        return self.uri_of(key)

    @contextmanager
    def staging(self) -> Iterator[Path]:
        """A private local folder to build data in before a commit; always removed afterwards.

        Its name carries this process's PID (``playgrounds-stage-<pid>-*``): one
        left by a killed process is removed by the next staging in the same place.
        """
        folder = new_stage_folder()
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def _move_file(src: Path, target: Path) -> None:
    """Rename ``src`` onto ``target`` atomically, copying to a hidden sibling first across disks."""
    try:
        os.replace(src, target)
        return
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
    # Another file system: copy next to the target (a hidden name nobody reads),
    # then rename, which is atomic within the target's folder.
    sibling = staging_sibling(target)
    try:
        shutil.copyfile(src, sibling)
        os.replace(sibling, target)
    finally:
        sibling.unlink(missing_ok=True)


def _drop_checksums(folder: Path) -> None:
    # Hadoop's local file system writes a .crc beside every file; they are not
    # data, and S3 or a copied folder would carry them around for nothing.
    for crc in folder.rglob(".*.crc"):
        crc.unlink()


class LocalZone(Zone):
    """A zone in a local folder (also the local stand-in of an ``s3://`` zone)."""

    def __init__(self, folder: Path | str, uri: str | None = None) -> None:
        """``uri`` is what users see (an ``s3://`` address when mapped); defaults to the folder."""
        self.folder = Path(folder).expanduser().resolve()
        self.uri = uri or str(self.folder)

    def __repr__(self) -> str:
        return f"LocalZone({str(self.folder)!r}, uri={self.uri!r})"

    def path_of(self, key: str = "") -> Path:
        """The local file or folder of ``key``."""
        key = _clean_key(key)
        return self.folder / key if key else self.folder

    def exists(self, key: str) -> bool:
        """True for a file, or a folder with at least one visible file under it."""
        path = self.path_of(key)
        if path.is_file():
            return True
        return path.is_dir() and any(p.is_file() and not is_hidden(p.name) for p in path.rglob("*"))

    def list_keys(self, prefix: str = "") -> list[str]:
        """Visible files under ``prefix``, as keys relative to the zone."""
        base = self.path_of(prefix)
        if base.is_file():
            return [_clean_key(prefix)]
        if not base.is_dir():
            return []
        return sorted(
            p.relative_to(self.folder).as_posix()
            for p in base.rglob("*")
            if p.is_file() and not any(is_hidden(part) for part in p.relative_to(self.folder).parts)
        )

    def read_bytes(self, key: str) -> bytes:
        """The content of one file."""
        return self.path_of(key).read_bytes()

    def check_writable(self) -> None:
        """The zone folder, or its nearest existing ancestor, must be a writable folder.

        A missing lake root is not an error: it is created by the first commit.
        """
        probe = self.folder
        while not probe.exists():
            probe = probe.parent
        if not probe.is_dir():
            raise InputError(f"lake path {probe} is a file, so {self.folder} cannot be a folder")
        if not os.access(probe, os.W_OK | os.X_OK):
            raise InputError(
                f"lake folder {probe} is not writable, so {self.uri} cannot be written"
            )

    def commit_file(self, key: str, staged: Path) -> None:
        """Rename the staged file into place (atomic on one file system)."""
        target = self.path_of(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_staging(target.parent)
        _move_file(staged, target)

    def commit_folder(self, key: str, staged: Path) -> None:
        """Swap the staged folder in with :func:`replace_folder_atomically`."""
        _drop_checksums(staged)

        def move_in(tmp: Path) -> None:
            try:
                os.replace(staged, tmp)
            except OSError as error:
                if error.errno != errno.EXDEV:
                    raise
                shutil.copytree(staged, tmp)

        replace_folder_atomically(self.path_of(key), move_in)

    def spark_path(self, key: str = "") -> str:
        """The local path: Spark reads it without any connector or mount."""
        return str(self.path_of(key))


class S3Zone(Zone):
    """A zone under ``s3://bucket/prefix``, operated through boto3."""

    single_file_folders = True

    def __init__(self, bucket: str, prefix: str = "", *, endpoint: str | None = None) -> None:
        """``endpoint`` overrides the S3 endpoint (else ``AWS_ENDPOINT_URL``)."""
        self.bucket = bucket
        self.prefix = _clean_key(prefix)
        self.endpoint = endpoint
        self.uri = f"s3://{bucket}/{self.prefix}" if self.prefix else f"s3://{bucket}"
        self._client: Any = None

    def __repr__(self) -> str:
        return f"S3Zone({self.uri!r})"

    @property
    def s3(self) -> Any:
        """The boto3 S3 client (created on first use)."""
        if self._client is None:
            self._client = aws.client("s3", endpoint=self.endpoint)
        return self._client

    def object_key(self, key: str = "") -> str:
        """The full S3 key of a zone-relative key."""
        key = _clean_key(key)
        return "/".join(p for p in (self.prefix, key) if p)

    def _call(self, what: str, function: Any, **kwargs: Any) -> Any:
        try:
            return function(**kwargs)
        except Exception as error:
            if isinstance(error, PlaygroundsError):
                raise
            self._raise_missing_bucket(error, what)
            raise aws.as_playgrounds_error(error, what) from error

    def _raise_missing_bucket(self, error: BaseException, what: str) -> None:
        response = getattr(error, "response", None) or {}
        if response.get("Error", {}).get("Code") == "NoSuchBucket":
            raise InputError(f"bucket {self.bucket} does not exist (while {what})") from error

    def _keys_under(self, full_prefix: str) -> Iterator[str]:
        paginator = self.s3.get_paginator("list_objects_v2")
        pages = self._call(
            f"listing s3://{self.bucket}/{full_prefix}",
            lambda: list(paginator.paginate(Bucket=self.bucket, Prefix=full_prefix)),
        )
        for page in pages:
            for item in page.get("Contents", []):
                yield item["Key"]

    def exists(self, key: str) -> bool:
        """An object with this key, or any object under ``key/``."""
        full = self.object_key(key)
        from botocore.exceptions import ClientError

        try:
            self.s3.head_object(Bucket=self.bucket, Key=full)
            return True
        except ClientError as error:
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if status != 404:
                raise aws.as_playgrounds_error(
                    error, f"reading s3://{self.bucket}/{full}"
                ) from error
        except Exception as error:
            raise aws.as_playgrounds_error(error, f"reading s3://{self.bucket}/{full}") from error
        listing = self._call(
            f"listing s3://{self.bucket}/{full}/",
            self.s3.list_objects_v2,
            Bucket=self.bucket,
            Prefix=f"{full}/" if full else "",
            MaxKeys=1,
        )
        return bool(listing.get("KeyCount", 0))

    def list_keys(self, prefix: str = "") -> list[str]:
        """Visible object keys under ``prefix``, relative to the zone."""
        full = self.object_key(prefix)
        start = f"{self.prefix}/" if self.prefix else ""
        keys = []
        for key in self._keys_under(f"{full}/" if full else ""):
            relative = key[len(start) :]
            if not any(is_hidden(part) for part in relative.split("/")):
                keys.append(relative)
        if not keys and full and self.exists(prefix):
            keys.append(_clean_key(prefix))
        return sorted(keys)

    def read_bytes(self, key: str) -> bytes:
        """Download one object into memory."""
        full = self.object_key(key)
        response = self._call(
            f"reading s3://{self.bucket}/{full}", self.s3.get_object, Bucket=self.bucket, Key=full
        )
        return bytes(response["Body"].read())

    def check_writable(self) -> None:
        """The bucket must exist and answer; a missing bucket is a clear error, not created."""
        from botocore.exceptions import ClientError

        try:
            self.s3.head_bucket(Bucket=self.bucket)
        except ClientError as error:
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if status == 404:
                raise InputError(
                    f"bucket {self.bucket} does not exist, so {self.uri} cannot be written"
                ) from error
            raise aws.as_playgrounds_error(error, f"opening bucket {self.bucket}") from error
        except Exception as error:
            raise aws.as_playgrounds_error(error, f"opening bucket {self.bucket}") from error

    def commit_file(self, key: str, staged: Path) -> None:
        """Upload the staged file; S3 shows the object only once the upload completes."""
        full = self.object_key(key)
        self._call(
            f"writing s3://{self.bucket}/{full}",
            self.s3.upload_file,
            Filename=str(staged),
            Bucket=self.bucket,
            Key=full,
        )

    def commit_folder(self, key: str, staged: Path) -> None:
        """Upload the folder's files under stable names, ``_SUCCESS`` last, then drop stale objects.

        S3 has no folder rename, so a folder is replaced object by object. Data
        files get names that depend only on their position (``part-00000...``):
        a rewrite of a one-file partition (what the ingest jobs write) replaces
        that one object in a single PUT, so a reader sees old or new, never both.
        """
        full = self.object_key(key)
        _drop_checksums(staged)
        files = sorted(p for p in staged.rglob("*") if p.is_file())
        data = [p for p in files if not is_hidden(p.name)]
        markers = [p for p in files if is_hidden(p.name)]
        written: list[str] = []

        def upload(path: Path, object_key: str) -> None:
            self._call(
                f"writing s3://{self.bucket}/{object_key}",
                self.s3.upload_file,
                Filename=str(path),
                Bucket=self.bucket,
                Key=object_key,
            )
            written.append(object_key)

        for index, path in enumerate(data):
            suffix = "".join(path.suffixes[-2:]) if path.name.startswith("part-") else ""
            relative = path.relative_to(staged)
            name = f"part-{index:05d}{suffix}" if suffix else relative.as_posix()
            parent = relative.parent.as_posix()
            upload(path, "/".join(p for p in (full, "" if parent == "." else parent, name) if p))
        for path in markers:
            upload(path, f"{full}/{path.relative_to(staged).as_posix()}")
        keep = set(written)
        stale = [k for k in self._keys_under(f"{full}/") if k not in keep]
        for start in range(0, len(stale), 1000):
            batch = [{"Key": k} for k in stale[start : start + 1000]]
            self._call(
                f"deleting old objects under s3://{self.bucket}/{full}/",
                self.s3.delete_objects,
                Bucket=self.bucket,
                Delete={"Objects": batch, "Quiet": True},
            )

    def spark_path(self, key: str = "") -> str:
        """``s3a://``: needs the hadoop-aws connector on Spark's classpath (see docs/lake.md)."""
        full = self.object_key(key)
        return f"s3a://{self.bucket}/{full}" if full else f"s3a://{self.bucket}"


def open_zone(
    location: str | os.PathLike[str] | Zone,
    *,
    s3: str | None = None,
    endpoint_url: str | None = None,
    local_s3_root: Path | str | None = None,
) -> Zone:
    """A :class:`Zone` for a local folder or an ``s3://bucket/prefix`` address (or a Zone as is)."""
    if isinstance(location, Zone):
        return location
    text = os.fspath(location)
    if local_s3.is_s3_uri(text):
        bucket, prefix = local_s3.split_s3_uri(text)
        uri = f"s3://{bucket}/{_clean_key(prefix)}".rstrip("/")
        if s3_mode(s3) == "aws":
            return S3Zone(bucket, prefix, endpoint=endpoint_url)
        return LocalZone(local_s3.local_path(uri, local_s3_root), uri=uri)
    if "://" in text:
        raise PlaygroundsError(f"{text!r} is not a local folder or an s3:// address")
    return LocalZone(text)


class Lake:
    """A lake root with its zones: ``Lake().raw`` is ``./lake/raw``."""

    def __init__(
        self,
        root: str | os.PathLike[str] | None = None,
        *,
        s3: str | None = None,
        endpoint_url: str | None = None,
        local_s3_root: Path | str | None = None,
    ) -> None:
        """``root``: argument, ``$PLAYGROUNDS_LAKE``, or ``./lake``; ``s3``: aws or local."""
        chosen = root if root is not None else os.environ.get(LAKE_ENV) or DEFAULT_LAKE_ROOT
        self.root = os.fspath(chosen).rstrip("/") or "/"
        self._options: dict[str, Any] = {
            "s3": s3,
            "endpoint_url": endpoint_url,
            "local_s3_root": local_s3_root,
        }

    def __repr__(self) -> str:
        return f"Lake({self.root!r})"

    def zone(self, name: str) -> Zone:
        """The zone called ``name`` (``raw`` or ``processed``)."""
        if name not in ZONES:
            raise PlaygroundsError(
                f"unknown lake zone {name!r}: expected one of {', '.join(ZONES)}"
            )
        return open_zone(f"{self.root}/{name}", **self._options)

    @property
    def raw(self) -> Zone:
        """The raw zone: the ingest jobs' output, as published."""
        return self.zone(RAW_ZONE)

    @property
    def processed(self) -> Zone:
        """The processed zone: the prep step's output."""
        return self.zone(PROCESSED_ZONE)
