"""``s3://bucket/key`` on one machine: each bucket is a folder under a local root.

Spark and the Python side of the lake share this mapping, so a path written
by one is found by the other. Spark gets it through Hadoop's
``ViewFileSystemOverloadScheme`` (shipped in pyspark's Hadoop jars, no extra
download): the ``s3``/``s3a`` schemes are served by the local file system,
and each bucket is a view-fs mount table whose fallback link is the bucket's
folder. Measured on pyspark 3.5.6: ``link./`` is refused and ``linkMergeSlash``
breaks the output committer; ``linkFallback`` works, one bucket per mount table.

A bucket with no mount table is an error naming it, never a write elsewhere
(see :func:`enable_local_s3`): a session mounts the bucket folders that exist
under the root (:func:`bucket_folders`) and those it is told about.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playgrounds.errors import PlaygroundsError
from playgrounds.lake.layout import is_hidden

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

ROOT_ENV = "PLAYGROUNDS_LOCAL_S3"
DEFAULT_ROOT = Path("lake") / "s3"
SCHEMES = ("s3", "s3a")

_S3_URI = re.compile(r"^(?P<scheme>s3a?)://(?P<bucket>[^/]+)(?:/(?P<key>.*))?$")
# Hadoop's words when a bucket has no mount table (see enable_local_s3).
_UNMOUNTED = re.compile(r"Could not initialize target File System for URI : s3a?://([^/\s]+)")
# The view file system's own class, used as the target of an unmounted bucket.
_VIEW_FS = "org.apache.hadoop.fs.viewfs.ViewFileSystem"


def is_s3_uri(path: str) -> bool:
    """True for ``s3://`` and ``s3a://`` addresses."""
    return _S3_URI.match(path) is not None


def split_s3_uri(uri: str) -> tuple[str, str]:
    """``s3://bucket/a/b`` -> ``("bucket", "a/b")``."""
    match = _S3_URI.match(uri)
    if match is None:
        raise PlaygroundsError(f"{uri!r} is not an s3:// address")
    return match.group("bucket"), match.group("key") or ""


def local_root(root: Path | str | None = None) -> Path:
    """The folder with one sub-folder per bucket: argument, $PLAYGROUNDS_LOCAL_S3 or ./lake/s3."""
    chosen = root if root is not None else os.environ.get(ROOT_ENV, DEFAULT_ROOT)
    return Path(chosen).expanduser().resolve()


def local_path(uri: str, root: Path | str | None = None) -> Path:
    """The local file or folder that stands for ``uri``."""
    bucket, key = split_s3_uri(uri)
    return local_root(root) / bucket / key


def _hadoop_configuration(spark: SparkSession) -> Any:
    # Imported here: the command line imports this module for its address rules
    # alone, and should not pay for importing pyspark.
    from playgrounds.spark import hadoop_configuration

    return hadoop_configuration(spark)


def enable_local_s3(spark: SparkSession) -> None:
    """Serve ``s3://`` and ``s3a://`` from the local file system in this session."""
    conf = _hadoop_configuration(spark)
    for scheme in SCHEMES:
        conf.set(f"fs.{scheme}.impl", "org.apache.hadoop.fs.viewfs.ViewFileSystemOverloadScheme")
        # The target file system serves only a bucket that has no mount table:
        # the overload scheme then falls back to the address itself on it. With
        # LocalFileSystem (which ignores the bucket) `s3://other/k` was written
        # to `/k` on the local disk, outside the lake (measured on pyspark
        # 3.5.6). Plain ViewFileSystem refuses an empty mount table, so such a
        # bucket fails naming itself. Mounted buckets link to `file:` folders
        # and never reach this target.
        conf.set(f"fs.viewfs.overload.scheme.target.{scheme}.impl", _VIEW_FS)


def mount_buckets(
    spark: SparkSession, buckets: Iterable[str], root: Path | str | None = None
) -> list[Path]:
    """Mount each bucket on ``<root>/<bucket>`` (created if absent); returns the folders.

    Hadoop caches one file system per scheme and bucket, so a bucket must be
    mounted before the session first touches it; mounting again is harmless.
    """
    enable_local_s3(spark)
    conf = _hadoop_configuration(spark)
    folders = []
    for bucket in buckets:
        folder = local_root(root) / bucket
        folder.mkdir(parents=True, exist_ok=True)
        conf.set(f"fs.viewfs.mounttable.{bucket}.linkFallback", folder.as_uri())
        folders.append(folder)
    return folders


def bucket_folders(root: Path | str | None = None) -> list[str]:
    """The buckets that have a folder under the local S3 root (hidden folders are not buckets)."""
    folder = local_root(root)
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and not is_hidden(p.name))


def unmounted_bucket(message: str) -> str | None:
    """The bucket named by Hadoop's error for a bucket with no mount table, if it is one."""
    match = _UNMOUNTED.search(message)
    return match.group(1) if match else None


def unmounted_bucket_error(bucket: str, root: Path | str | None = None) -> str:
    """One sentence for an ``s3://`` address whose bucket has no local folder mounted."""
    return (
        f"s3 bucket {bucket!r} is not mounted on this machine: create the folder "
        f"{local_root(root) / bucket} before the run or name the bucket in the job's "
        "arguments or --local-s3-buckets"
    )


def buckets_in(paths: Iterable[str]) -> list[str]:
    """The distinct buckets named by the ``s3://`` paths among ``paths``, in order."""
    seen: dict[str, None] = {}
    for path in paths:
        if is_s3_uri(path):
            seen.setdefault(split_s3_uri(path)[0], None)
    return list(seen)
