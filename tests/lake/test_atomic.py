"""replace_folder_atomically: readers see the old folder or the new one, never half of either."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from playgrounds.errors import InputError
from playgrounds.lake.atomic import (
    STAGE_PREFIX,
    add_files_atomically,
    new_stage_folder,
    owner_is_gone,
    remove_stale_staging,
    replace_folder_atomically,
)


def test_interrupted_write_leaves_previous_output_and_no_debris(tmp_path: Path) -> None:
    target = tmp_path / "table" / "year=2019"
    target.mkdir(parents=True)
    (target / "part-0.parquet").write_bytes(b"old")

    def write_half_then_stop(staging: Path) -> None:
        staging.mkdir()
        (staging / "part-0.parquet").write_bytes(b"new, half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        replace_folder_atomically(target, write_half_then_stop)
    assert (target / "part-0.parquet").read_bytes() == b"old"
    assert sorted(p.name for p in target.parent.iterdir()) == ["year=2019"]


def test_successful_write_replaces_the_whole_folder(tmp_path: Path) -> None:
    target = tmp_path / "year=2019"
    target.mkdir()
    (target / "stale.parquet").write_bytes(b"old")

    def write_new(staging: Path) -> None:
        staging.mkdir()
        (staging / "fresh.parquet").write_bytes(b"new")

    replace_folder_atomically(target, write_new)
    assert [p.name for p in target.iterdir()] == ["fresh.parquet"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["year=2019"]


def _dead_pid() -> int:
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    return ended.pid


def test_staging_names_carry_the_pid_and_only_dead_owners_are_cleaned(tmp_path: Path) -> None:
    dead, alive = _dead_pid(), os.getppid()
    table = tmp_path / "month=7"
    (table / "day=4").mkdir(parents=True)
    (table / "day=4" / "part-0.parquet").write_bytes(b"current")
    left = {
        "dead staging": table / f".day=4.tmp-{dead}-{'a' * 12}",
        "dead set-aside": table / f".day=5.old-{dead}-{'b' * 12}",
        "dead set-aside, target there": table / f".day=4.old-{dead}-{'c' * 12}",
        "live staging": table / f".day=4.tmp-{alive}-{'d' * 12}",
        "own staging": table / f".day=4.tmp-{os.getpid()}-{'e' * 12}",
        "not ours": table / ".day=4.tmp-notapid",
    }
    for folder in left.values():
        folder.mkdir()
        (folder / "part-0.parquet").write_bytes(b"old")

    def write_new(staging: Path) -> None:
        assert re.fullmatch(rf"\.day=4\.tmp-{os.getpid()}-[0-9a-f]{{12}}", staging.name)
        staging.mkdir()
        (staging / "part-0.parquet").write_bytes(b"new")

    replace_folder_atomically(table / "day=4", write_new)
    assert (table / "day=4" / "part-0.parquet").read_bytes() == b"new"
    # A writer killed between its two renames had set day=5 aside: it is put back.
    assert (table / "day=5" / "part-0.parquet").read_bytes() == b"old"
    gone = {name for name, folder in left.items() if not folder.exists()}
    assert gone == {"dead staging", "dead set-aside", "dead set-aside, target there"}


def test_a_reused_pid_does_not_keep_a_dead_writers_staging(tmp_path: Path) -> None:
    # PID 1 runs, but started long before this folder was last changed... so
    # the folder is its; make the folder older than PID 1 instead.
    staging = tmp_path / f".day=4.tmp-1-{'a' * 12}"
    staging.mkdir()
    assert not owner_is_gone(1, staging)
    os.utime(staging, (0, 0))  # changed in 1970, before PID 1 started
    if Path("/proc/1/stat").exists():
        assert owner_is_gone(1, staging)
        assert remove_stale_staging(tmp_path) == [staging]


def test_stage_folders_are_private_and_stale_ones_swept(tmp_path: Path) -> None:
    stale = tmp_path / f"{STAGE_PREFIX}{_dead_pid()}-abc_123"
    live = tmp_path / f"{STAGE_PREFIX}{os.getppid()}-def_456"
    for folder in (stale, live):
        (folder / "parquet").mkdir(parents=True)
    made = new_stage_folder(tmp_path)
    assert made.name.startswith(f"{STAGE_PREFIX}{os.getpid()}-")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, made.name])


def test_added_files_appear_whole_and_a_failed_write_adds_nothing(tmp_path: Path) -> None:
    target = tmp_path / "table"
    (target / "year=2019").mkdir(parents=True)
    (target / "year=2019" / "part-a.parquet").write_bytes(b"first")

    def write(staging: Path) -> None:
        (staging / "year=2020").mkdir(parents=True)
        (staging / "year=2020" / "part-b.parquet").write_bytes(b"second")
        (staging / "_SUCCESS").write_bytes(b"")

    added = add_files_atomically(target, write)
    assert [p.relative_to(target).as_posix() for p in added] == [
        "year=2020/part-b.parquet",
        "_SUCCESS",
    ]
    assert (target / "year=2019" / "part-a.parquet").read_bytes() == b"first"

    def write_half(staging: Path) -> None:
        (staging / "year=2021").mkdir(parents=True)
        (staging / "year=2021" / "part-c.parquet").write_bytes(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        add_files_atomically(target, write_half)
    assert not (target / "year=2021").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table"]


def test_a_file_where_the_folder_goes_is_never_replaced(tmp_path: Path) -> None:
    target = tmp_path / "day=4"
    target.write_bytes(b"someone's data")

    def write_new(staging: Path) -> None:
        staging.mkdir()
        (staging / "part-0.parquet").write_bytes(b"new")

    with pytest.raises(InputError, match=r"day=4 is a file where a folder is expected"):
        replace_folder_atomically(target, write_new)
    assert target.read_bytes() == b"someone's data"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["day=4"]
