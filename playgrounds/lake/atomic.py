"""Atomic writes of dataset folders: readers see the old data or the new, never half.

Every staging folder a writer makes carries its owner's PID in its name
(``.day=4.tmp-<pid>-<token>`` beside the target, ``playgrounds-stage-<pid>-*``
in the temporary folder), so that what a killed writer leaves behind can be
told apart from the work of a writer still running: the next write removes a
staging folder only when its owner is gone.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

from playgrounds.errors import InputError

STAGE_PREFIX = "playgrounds-stage-"
# A hidden sibling of a target folder: ``.day=4.tmp-1234-0123456789ab`` holds a
# write in progress, ``.day=4.old-...`` the old folder during the swap.
_SIBLING = re.compile(r"^\.(?P<target>.+)\.(?P<kind>tmp|old)-(?P<pid>\d+)-[0-9a-f]{12}$")
# A private staging folder from :func:`new_stage_folder` (mkdtemp's suffix has no "-").
_STAGE = re.compile(rf"^{re.escape(STAGE_PREFIX)}(?P<pid>\d+)-[^-]+$")
# btime in /proc/stat has whole seconds; a process started within this margin
# after the folder was last touched is not taken for a later one reusing the PID.
_START_MARGIN_SECONDS = 2.0


def staging_sibling(target: Path, kind: str = "tmp") -> Path:
    """A hidden name beside ``target`` for staging it (``kind`` tmp) or setting it aside (old)."""
    # A leading dot hides the folder from Spark, Hive and Glue crawlers, which
    # all skip names starting with "." or "_".
    return target.parent / f".{target.name}.{kind}-{os.getpid()}-{uuid.uuid4().hex[:12]}"


def _process_start(pid: int) -> float | None:
    """When process ``pid`` started (seconds since the epoch), where /proc tells; else None."""
    try:
        # Field 22 (starttime, in clock ticks since boot) comes after the
        # parenthesised command name, which may itself hold spaces.
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        ticks = int(fields[19])
        boot = next(
            int(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
    except (OSError, ValueError, IndexError, StopIteration):
        return None
    return boot + ticks / os.sysconf("SC_CLK_TCK")


def owner_is_gone(pid: int, folder: Path) -> bool:
    """True when the process that made ``folder`` has ended.

    It has ended when no process ``pid`` runs, or when the one running started
    after ``folder`` was last changed (the number was reused). This process is
    never gone, so a write never removes its own work.
    """
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # alive, owned by another user
    started = _process_start(pid)
    try:
        changed = folder.lstat().st_mtime
    except FileNotFoundError:
        return False  # removed meanwhile by its owner or another sweep
    return started is not None and started > changed + _START_MARGIN_SECONDS


def remove_stale_staging(folder: Path) -> list[Path]:
    """Clean up after killed writers in ``folder``; returns what was removed or restored.

    A ``.<name>.tmp-<pid>-*`` or ``playgrounds-stage-<pid>-*`` folder of a process
    that is gone is deleted. A ``.<name>.old-<pid>-*`` folder is the previous
    data of ``<name>``, set aside by a writer killed between its two renames:
    it is put back when ``<name>`` is missing, deleted otherwise. Staging of a
    live process is never touched.
    """
    try:
        children = list(folder.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return []
    cleaned = []
    for child in children:
        sibling = _SIBLING.match(child.name)
        stage = _STAGE.match(child.name)
        found = sibling or stage
        if found is None or not owner_is_gone(int(found.group("pid")), child):
            continue
        target = folder / sibling.group("target") if sibling else None
        if sibling and sibling.group("kind") == "old" and target and not target.exists():
            try:
                os.replace(child, target)
            except OSError:
                continue  # another sweep restored it first
        elif child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
        cleaned.append(child)
    return cleaned


def new_stage_folder(parent: Path | None = None) -> Path:
    """A new private folder ``playgrounds-stage-<pid>-*`` under ``parent`` (the temp folder).

    Folders of the same kind left there by killed processes are removed first.
    """
    base = Path(parent) if parent is not None else Path(tempfile.gettempdir())
    remove_stale_staging(base)
    return Path(tempfile.mkdtemp(prefix=f"{STAGE_PREFIX}{os.getpid()}-", dir=base))


def replace_folder_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` to fill a temporary folder, then move it into ``target``.

    If ``write`` fails or is interrupted, the temporary folder is removed and
    ``target`` is left as it was; if the process is killed, the next write in
    the same folder removes the temporary folder (see :func:`remove_stale_staging`).
    The swap is two renames on one file system: the old folder is set aside
    first and only deleted once the new one is in place.
    """
    if target.exists() and not target.is_dir():
        # A folder never replaces a file: the file may be someone's data.
        raise InputError(f"{target} is a file where a folder is expected; move it away first")
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(target.parent)
    staging = staging_sibling(target, "tmp")
    try:
        write(staging)
        if not staging.exists():
            raise RuntimeError(f"the writer produced nothing at {staging}")
        if target.exists():
            retired = staging_sibling(target, "old")
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


def add_files_atomically(target: Path, write: Callable[[Path], None]) -> list[Path]:
    """Call ``write(tmp)`` to fill a temporary folder, then move its files into ``target``.

    An append: files already in ``target`` stay, and each new file appears whole
    (a rename) at the same relative path it had in ``tmp``, bookkeeping files
    (``_SUCCESS``) last. A failed or killed ``write`` adds nothing, where a
    writer appending in place (Spark's ``_temporary`` inside the target) leaves
    work behind that its next commit would take for its own. Returns the new files.
    """
    target.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(target.parent)
    staging = staging_sibling(target, "tmp")
    try:
        write(staging)
        files = sorted(
            (p for p in staging.rglob("*") if p.is_file()),
            key=lambda p: (p.name.startswith(("_", ".")), p.relative_to(staging).as_posix()),
        )
        moved = []
        for file in files:
            destination = target / file.relative_to(staging)
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(file, destination)
            moved.append(destination)
        return moved
    finally:
        shutil.rmtree(staging, ignore_errors=True)
