"""Atomic replacement of a dataset folder: readers see the old data or the new, never half."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path


def _sibling(target: Path, kind: str) -> Path:
    # A leading dot hides the folder from Spark, Hive and Glue crawlers, which
    # all skip names starting with "." or "_".
    return target.parent / f".{target.name}.{kind}-{uuid.uuid4().hex[:12]}"


def replace_folder_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` to fill a temporary folder, then move it into ``target``.

    If ``write`` fails or is interrupted, the temporary folder is removed and
    ``target`` is left as it was. The swap is two renames on one file system:
    the old folder is set aside first and only deleted once the new one is in place.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = _sibling(target, "tmp")
    try:
        write(staging)
        if not staging.exists():
            raise RuntimeError(f"the writer produced nothing at {staging}")
        if target.exists():
            retired = _sibling(target, "old")
            os.replace(target, retired)
            try:
                os.replace(staging, target)
            except BaseException:
                os.replace(retired, target)
                raise
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
