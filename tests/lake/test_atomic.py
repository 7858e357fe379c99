"""replace_folder_atomically: readers see the old folder or the new one, never half of either."""

from __future__ import annotations

from pathlib import Path

import pytest

from playgrounds.lake.atomic import replace_folder_atomically


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
