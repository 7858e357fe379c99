"""Job bookmarks kept in the lake: which input files each source of a job has processed.

One JSON file per job and ``transformation_ctx`` under the bookmark root
(``$PLAYGROUNDS_GLUE_BOOKMARKS``, default ``./lake/_glue_bookmarks``; the
leading ``_`` hides it from Spark and crawlers). A file counts as processed
by its path and modification time, as Glue's S3 bookmarks do, so a rewritten
file is read again. ``job-bookmark-enable`` reads only new files and records
them when the job commits; ``-pause`` reads new files without recording;
``-disable`` reads everything and records nothing.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from playgrounds.glue.errors import GlueShimError, UnsupportedGlueFeatureError

ROOT_ENV = "PLAYGROUNDS_GLUE_BOOKMARKS"
DEFAULT_ROOT = Path("lake") / "_glue_bookmarks"
ENABLE, PAUSE, DISABLE = "job-bookmark-enable", "job-bookmark-pause", "job-bookmark-disable"

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


def bookmark_root() -> Path:
    """The folder holding every job's bookmarks."""
    return Path(os.environ.get(ROOT_ENV, DEFAULT_ROOT)).expanduser().resolve()


def _file_name(name: str) -> str:
    # Job names and contexts are free text; keep them readable but path-safe.
    return _UNSAFE.sub("_", name) or "_"


@dataclass
class JobBookmarks:
    """The bookmark state of one job run (created by ``Job.init``)."""

    job_name: str
    option: str
    root: Path = field(default_factory=bookmark_root)
    pending: dict[str, dict[str, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.option not in (ENABLE, PAUSE, DISABLE):
            raise GlueShimError(f"unknown --job-bookmark-option {self.option!r}")

    def path(self, ctx: str) -> Path:
        """Where the bookmark of ``ctx`` is stored."""
        return self.root / _file_name(self.job_name) / f"{_file_name(ctx)}.json"

    def processed(self, ctx: str) -> dict[str, int]:
        """Files (path -> mtime in ns) recorded for ``ctx`` by earlier committed runs."""
        stored = self.path(ctx)
        if not stored.exists():
            return {}
        data = json.loads(stored.read_text(encoding="utf-8"))
        return {str(k): int(v) for k, v in data.get("files", {}).items()}

    def select(self, ctx: str, files: dict[str, int]) -> list[str]:
        """The files of ``files`` (path -> mtime) to read for ``ctx`` under this option."""
        if self.option == DISABLE or not ctx:
            return sorted(files)
        seen = self.processed(ctx)
        new = {path: mtime for path, mtime in files.items() if seen.get(path) != mtime}
        if self.option == ENABLE:
            self.pending.setdefault(ctx, {}).update(new)
        return sorted(new)

    def commit(self) -> None:
        """Record the files read under ``job-bookmark-enable`` (atomically per context)."""
        if self.option != ENABLE:
            self.pending.clear()
            return
        for ctx, files in self.pending.items():
            target = self.path(ctx)
            target.parent.mkdir(parents=True, exist_ok=True)
            merged = {**self.processed(ctx), **files}
            staging = target.with_suffix(".json.tmp")
            staging.write_text(json.dumps({"files": merged}, indent=1, sort_keys=True), "utf-8")
            os.replace(staging, target)
        self.pending.clear()


_active: JobBookmarks | None = None


def activate(bookmarks: JobBookmarks | None) -> None:
    """Make ``bookmarks`` the state readers consult (``None`` turns bookmarks off)."""
    global _active
    _active = bookmarks


def active() -> JobBookmarks | None:
    """The bookmarks of the job initialised in this process, if any."""
    return _active


def check_range_options(args: dict[str, object]) -> None:
    """Refuse bookmark ranges: the shim does not keep run history to replay a range."""
    for key in ("job_bookmark_from", "job_bookmark_to"):
        if args.get(key) is not None:
            raise UnsupportedGlueFeatureError(f"--{key.replace('_', '-')}")
