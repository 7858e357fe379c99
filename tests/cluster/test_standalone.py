"""``playgrounds.cluster.standalone`` without starting Spark: refusals, stale entries, stopping.

The real master and workers are started in ``tests/e2e/test_cluster_e2e.py``;
here a small Python process whose command line names the master's class
stands in for a daemon where only the process handling is under test.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from playgrounds.cli.main import main
from playgrounds.cluster import standalone
from playgrounds.errors import InputError, PlaygroundsError

# A process that ignores SIGTERM, so that `down` must escalate to SIGKILL.
STUBBORN = (
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    "print('ready', flush=True); time.sleep(60)"
)


@pytest.fixture
def stand_in(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """A process recorded as the master of ``tmp_path/cluster``, in its own process group."""
    process = subprocess.Popen(
        [sys.executable, "-c", STUBBORN, standalone.MASTER_CLASS],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    folder = tmp_path / "cluster"
    folder.mkdir()
    state = {
        "master_url": "spark://127.0.0.1:1",
        "ui_port": standalone.free_port(),
        "processes": [{"role": "master", "pid": process.pid, "log": str(folder / "master.log")}],
    }
    (folder / standalone.STATE_FILE).write_text(json.dumps(state))
    (folder / "master.pid").write_text(f"{process.pid}\n")
    yield process
    process.kill()
    process.wait()


def test_no_cluster_recorded_is_not_running(tmp_path: Path) -> None:
    status = standalone.cluster_status(tmp_path / "cluster")
    assert status.master_url is None and status.running == [] and status.workers == []
    assert standalone.cluster_down(tmp_path / "cluster") == []


def test_up_refuses_a_port_in_use_in_one_sentence(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind((standalone.HOST, 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(InputError, match=rf"^port {port} on 127.0.0.1 is in use"):
            standalone.cluster_up(tmp_path / "cluster", port=port)


def test_up_refuses_while_a_recorded_cluster_runs(
    tmp_path: Path, stand_in: subprocess.Popen[str]
) -> None:
    with pytest.raises(InputError, match=r"a cluster is already running from .*cluster down"):
        standalone.cluster_up(tmp_path / "cluster", port=standalone.free_port())
    assert stand_in.poll() is None  # refused without touching it


def test_status_removes_entries_of_ended_processes(tmp_path: Path) -> None:
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    folder = tmp_path / "cluster"
    folder.mkdir()
    entry = {"role": "worker-1", "pid": ended.pid, "log": "w.log"}
    state = {"master_url": "spark://127.0.0.1:1", "ui_port": 1, "processes": [entry]}
    (folder / standalone.STATE_FILE).write_text(json.dumps(state))
    (folder / "worker-1.pid").write_text(f"{ended.pid}\n")
    status = standalone.cluster_status(folder)
    assert status.cleaned == ["worker-1"] and status.running == []
    assert list(folder.iterdir()) == []


def test_a_pid_reused_by_another_program_is_not_a_daemon() -> None:
    # This test's own process is alive but is not a Spark master or worker.
    assert not standalone.is_daemon_alive(os.getpid())


def test_down_escalates_to_sigkill_and_removes_the_records(
    tmp_path: Path, stand_in: subprocess.Popen[str]
) -> None:
    folder = tmp_path / "cluster"
    started = time.monotonic()
    assert standalone.cluster_down(folder, timeout=1.0) == ["master"]
    # It ignored SIGTERM for the whole timeout, then SIGKILL ended it (and `down`
    # collected it, so no zombie is left to this process).
    assert 1.0 <= time.monotonic() - started < 10
    assert not standalone.group_members(stand_in.pid)
    assert not Path(f"/proc/{stand_in.pid}").exists()
    assert list(folder.iterdir()) == []


def test_a_corrupt_state_file_is_one_sentence(tmp_path: Path) -> None:
    (tmp_path / standalone.STATE_FILE).write_text("{not json")
    with pytest.raises(PlaygroundsError, match="is not a cluster state file"):
        standalone.cluster_status(tmp_path)


def test_status_command_without_a_cluster(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cluster", "status", "--lake", str(tmp_path)]) == 0
    assert f"No cluster is running from {tmp_path / 'cluster'}" in capsys.readouterr().out


def test_a_master_that_does_not_answer_is_one_sentence() -> None:
    # spark_session runs this check before starting a JVM (Spark itself would retry
    # for a minute); the suite's session is already running, so call it directly.
    from playgrounds import spark as spark_module

    nowhere = f"spark://127.0.0.1:{standalone.free_port()}"
    with pytest.raises(PlaygroundsError, match=rf"^no Spark master answers at {nowhere}"):
        spark_module._require_master_answers(nowhere)
    spark_module._require_master_answers("local[2]")  # not a spark:// master: nothing to check
