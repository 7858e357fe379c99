"""One process at a time on the local catalog: a second gets one sentence naming the holder."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from playgrounds.catalog.metastore import CatalogBusyError, catalog_lock

HOLD = """
import sys, time
from pathlib import Path
from playgrounds.catalog.metastore import catalog_lock
with catalog_lock(Path(sys.argv[1]), "crawl raw"):
    print("held", flush=True)
    time.sleep(30)
"""


def test_second_holder_in_this_process_is_refused(tmp_path: Path) -> None:
    with (
        catalog_lock(tmp_path, "crawl raw"),
        pytest.raises(CatalogBusyError) as busy,
        catalog_lock(tmp_path, "sql"),
    ):
        pass
    message = str(busy.value)
    assert f"in use by process {os.getpid()} (crawl raw)" in message
    assert "\n" not in message
    with catalog_lock(tmp_path, "sql") as folder:  # released: usable again
        assert folder == tmp_path / "catalog"


def test_another_process_holding_the_catalog_is_named(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        with (
            pytest.raises(CatalogBusyError, match=f"in use by process {holder.pid} "),
            catalog_lock(tmp_path, "sql"),
        ):
            pass
    finally:
        holder.kill()
        holder.wait()
    # The kernel drops the lock with the process: no stale lock after a crash.
    deadline = time.monotonic() + 5
    with catalog_lock(tmp_path, "sql"):
        assert time.monotonic() < deadline
