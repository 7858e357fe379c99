"""Start, inspect and stop a Spark standalone cluster on 127.0.0.1, from the pyspark wheel.

The master and each worker are ``spark-class`` JVMs (``org.apache.spark.deploy.master.Master``,
``...worker.Worker``) started in their own process groups, every address bound
to 127.0.0.1. Their logs, pid files, work folders and a ``cluster.json`` that
says where the master listens live in one folder (``<lake>/cluster``), so that
``status`` and ``down`` find them from any later command. A worker's executors
and their Python workers are children in the worker's process group, so
stopping the group stops them too.

The lake and the Hive metastore stay where they are: on one machine the
workers share the driver's disk (see ``docs/scale.md`` for several machines).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from playgrounds.errors import InputError, PlaygroundsError
from playgrounds.spark import ensure_java

HOST = "127.0.0.1"
DEFAULT_PORT = 7077
STATE_FILE = "cluster.json"
MASTER_CLASS = "org.apache.spark.deploy.master.Master"
WORKER_CLASS = "org.apache.spark.deploy.worker.Worker"
# The daemons only schedule; the executors they start get the memory given with --memory.
DAEMON_MEMORY = "256m"

Progress = Callable[[str], None]


def no_progress(stage: str) -> None:
    return None


def spark_home() -> Path:
    """The pyspark package's folder, which holds ``bin/spark-class`` and the jars."""
    import pyspark

    home = Path(pyspark.__file__).resolve().parent
    if not (home / "bin" / "spark-class").is_file():
        raise PlaygroundsError(f"pyspark at {home} has no bin/spark-class to start a cluster with")
    return home


@dataclass
class Process:
    """One daemon: its role (``master``, ``worker-1``...), pid, and log file."""

    role: str
    pid: int
    log: str


@dataclass
class ClusterState:
    """What ``cluster.json`` records about a running cluster."""

    master_url: str
    ui_port: int
    processes: list[Process] = field(default_factory=list)

    @property
    def ui_url(self) -> str:
        """The master's web UI (its ``/json`` lists the workers)."""
        return f"http://{HOST}:{self.ui_port}"


@dataclass(frozen=True)
class WorkerInfo:
    """A worker as the master sees it."""

    id: str
    state: str
    cores: int
    memory_mb: int


@dataclass(frozen=True)
class ClusterStatus:
    """``cluster status``: the master's address and its workers (empty when it is down)."""

    folder: Path
    master_url: str | None
    running: list[Process]
    workers: list[WorkerInfo]
    cleaned: list[str]
    """Pid entries removed because their process had ended."""

    @property
    def alive_workers(self) -> list[WorkerInfo]:
        """Workers the master counts as alive."""
        return [w for w in self.workers if w.state == "ALIVE"]


# ---------------------------------------------------------------- processes


# The daemons this process started, to tell how one that failed to start ended.
_children: dict[int, subprocess.Popen[bytes]] = {}


def is_daemon_alive(pid: int) -> bool:
    """True when ``pid`` runs and is one of Spark's daemons (not a process that reused the pid)."""
    child = _children.get(pid)
    if child is not None:
        return child.poll() is None  # started here: its exit status is the answer
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False  # another user's process: not ours
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
        status = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return True  # no /proc (not Linux): trust the signal check
    if status and status[0] == "Z":
        return False  # ended, waiting for its parent to collect it
    if not command:
        return True  # between two exec calls (spark-class ends in `exec java`): cannot tell
    return MASTER_CLASS.encode() in command or WORKER_CLASS.encode() in command


def port_in_use(port: int, host: str = HOST) -> bool:
    """True when something already listens on ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def free_port(host: str = HOST) -> int:
    """A port nothing listens on now (the kernel's pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def _daemon_environment(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "JAVA_HOME": ensure_java(),
            "SPARK_HOME": str(spark_home()),
            # Binds the daemons' RPC and web UIs to the loopback address only.
            "SPARK_LOCAL_IP": HOST,
            "SPARK_LOG_DIR": str(folder),
            "SPARK_DAEMON_MEMORY": DAEMON_MEMORY,
            "SPARK_DAEMON_JAVA_OPTS": "-XX:+UseSerialGC -XX:TieredStopAtLevel=1",
        }
    )
    # A driver's settings (PYSPARK_SUBMIT_ARGS...) are not the daemons' business.
    env.pop("PYSPARK_SUBMIT_ARGS", None)
    return env


def _how_it_ended(pid: int) -> str:
    child = _children.get(pid)
    code = child.poll() if child is not None else None
    if code is None:
        return "stopped"
    return f"was killed by signal {-code}" if code < 0 else f"exited with status {code}"


def _start(folder: Path, role: str, arguments: Sequence[str], env: dict[str, str]) -> Process:
    log = folder / f"{role}.log"
    with open(log, "ab") as output:
        child = subprocess.Popen(
            [str(spark_home() / "bin" / "spark-class"), *arguments],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=folder,
            # Its own process group: `down` signals the daemon with its executors,
            # and a Ctrl-C in the terminal that started it does not reach it.
            start_new_session=True,
        )
    # spark-class ends with `exec java ...`, so this pid becomes the JVM's.
    (folder / f"{role}.pid").write_text(f"{child.pid}\n")
    _children[child.pid] = child
    return Process(role, child.pid, str(log))


def read_state(folder: Path) -> ClusterState | None:
    """The recorded cluster of ``folder``, or None when none was started there."""
    path = folder / STATE_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text())
        return ClusterState(
            master_url=data["master_url"],
            ui_port=int(data["ui_port"]),
            processes=[Process(**entry) for entry in data["processes"]],
        )
    except (ValueError, KeyError, TypeError):
        raise PlaygroundsError(
            f"{path} is not a cluster state file (remove it if no cluster runs)"
        ) from None


def _write_state(folder: Path, state: ClusterState) -> None:
    staged = folder / f".{STATE_FILE}.tmp-{os.getpid()}"
    staged.write_text(json.dumps(asdict(state), indent=2) + "\n")
    os.replace(staged, folder / STATE_FILE)


def _master_json(state: ClusterState, timeout: float = 2.0) -> dict[str, Any] | None:
    try:
        with urllib.request.urlopen(f"{state.ui_url}/json/", timeout=timeout) as answer:
            loaded: dict[str, Any] = json.loads(answer.read())
            return loaded
    except (urllib.error.URLError, OSError, ValueError):
        return None


def _workers(master: dict[str, Any]) -> list[WorkerInfo]:
    return [
        WorkerInfo(
            id=str(worker.get("id", "")),
            state=str(worker.get("state", "")),
            cores=int(worker.get("cores", 0)),
            memory_mb=int(worker.get("memory", 0)),
        )
        for worker in master.get("workers", [])
    ]


def _last_error(log: Path) -> str:
    """The last ERROR or exception line of a daemon's log, for a one-sentence failure."""
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    for line in reversed(lines):
        if "ERROR" in line or "Exception" in line:
            return line.strip()[:300]
    return lines[-1].strip()[:300] if lines else ""


# ---------------------------------------------------------------- up, status, down


def cluster_up(
    folder: Path,
    *,
    workers: int = 2,
    cores: int = 1,
    memory: str = "2g",
    port: int = DEFAULT_PORT,
    ui_port: int | None = None,
    timeout: float = 90.0,
    progress: Progress = no_progress,
) -> ClusterStatus:
    """Start a master and ``workers`` workers; return once every worker has registered.

    Refuses (one sentence) when a cluster recorded in ``folder`` still runs or
    a port is taken; on a failed start, whatever was started is stopped again.
    """
    if workers < 1 or cores < 1:
        raise InputError(f"a cluster needs at least 1 worker with 1 core (got {workers}, {cores})")
    folder.mkdir(parents=True, exist_ok=True)
    current = cluster_status(folder)
    if current.running:
        raise InputError(
            f"a cluster is already running from {folder} ({current.master_url}, "
            f"{len(current.running)} processes): stop it with `playgrounds cluster down` first"
        )
    if port_in_use(port):
        raise InputError(
            f"port {port} on {HOST} is in use (another Spark master?): choose another with --port"
        )
    while not ui_port or ui_port == port:
        ui_port = free_port()
    if port_in_use(ui_port):
        raise InputError(f"port {ui_port} on {HOST} is in use: choose another web UI port")
    env = _daemon_environment(folder)
    state = ClusterState(master_url=f"spark://{HOST}:{port}", ui_port=ui_port)
    try:
        progress(f"Starting the master on {state.master_url}")
        master_args = [MASTER_CLASS, "--host", HOST, "--port", str(port)]
        state.processes.append(
            _start(folder, "master", [*master_args, "--webui-port", str(ui_port)], env)
        )
        _write_state(folder, state)
        _wait(state, 0, timeout, progress)
        for number in range(1, workers + 1):
            role = f"worker-{number}"
            work = folder / "work" / role
            work.mkdir(parents=True, exist_ok=True)
            arguments = [
                WORKER_CLASS, "--host", HOST, "--cores", str(cores), "--memory", memory,
                "--webui-port", "0", "--work-dir", str(work), state.master_url,
            ]  # fmt: skip
            state.processes.append(_start(folder, role, arguments, env))
            _write_state(folder, state)
        progress(f"Waiting for {workers} workers to register")
        _wait(state, workers, timeout, progress)
    except BaseException:
        cluster_down(folder)
        raise
    return cluster_status(folder)


def _wait(state: ClusterState, workers: int, timeout: float, progress: Progress) -> None:
    """Poll the master's ``/json`` until it is up with ``workers`` alive workers."""
    deadline = time.monotonic() + timeout
    shown = -1
    while time.monotonic() < deadline:
        for process in state.processes:
            if not is_daemon_alive(process.pid):
                reason = _last_error(Path(process.log))
                raise PlaygroundsError(
                    f"the Spark {process.role} (pid {process.pid}) "
                    f"{_how_it_ended(process.pid)} while starting"
                    + (f": {reason}" if reason else "")
                    + f" (log: {process.log})"
                )
        master = _master_json(state, timeout=1.0)
        if master is not None:
            alive = sum(1 for worker in _workers(master) if worker.state == "ALIVE")
            if alive >= workers:
                return
            if alive != shown and workers:
                progress(f"{alive} of {workers} workers registered")
                shown = alive
        time.sleep(0.5)
    what = f"{workers} workers to register" if workers else "the master to answer"
    raise PlaygroundsError(
        f"timed out after {timeout:.0f} s waiting for {what} at {state.ui_url} "
        f"(logs in {Path(state.processes[0].log).parent})"
    )


def cluster_status(folder: Path) -> ClusterStatus:
    """The recorded cluster's live processes and workers; entries of ended processes are removed."""
    state = read_state(folder)
    if state is None:
        return ClusterStatus(folder, None, [], [], [])
    running = [p for p in state.processes if is_daemon_alive(p.pid)]
    ended = [p for p in state.processes if p not in running]
    for process in ended:
        (folder / f"{process.role}.pid").unlink(missing_ok=True)
    if not running:
        (folder / STATE_FILE).unlink(missing_ok=True)
        return ClusterStatus(folder, None, [], [], [p.role for p in ended])
    if ended:
        state.processes = running
        _write_state(folder, state)
    master = _master_json(state) if any(p.role == "master" for p in running) else None
    workers = _workers(master) if master else []
    return ClusterStatus(folder, state.master_url, running, workers, [p.role for p in ended])


def _signal_group(pid: int, signum: int) -> None:
    try:
        os.killpg(pid, signum)  # the daemon leads its own group (start_new_session)
    except ProcessLookupError:
        pass
    except PermissionError:
        os.kill(pid, signum)


def group_members(pgid: int) -> list[int]:
    """The live (not zombie) processes of process group ``pgid``: a daemon and its executors."""
    members: list[int] = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # ended while we looked
        if len(fields) > 2 and fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(stat.parent.name))
    return members


def _group_alive(pid: int) -> bool:
    if Path("/proc/self/stat").exists():
        return bool(group_members(pid))
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def cluster_down(
    folder: Path, *, timeout: float = 15.0, progress: Progress = no_progress
) -> list[str]:
    """Stop every recorded process (SIGTERM, SIGKILL after ``timeout``); the roles stopped."""
    state = read_state(folder)
    if state is None:
        return []
    # Workers first, so the master does not log them as lost.
    ordered = sorted(state.processes, key=lambda p: p.role == "master")
    targets = [p for p in ordered if is_daemon_alive(p.pid)]
    for process in targets:
        progress(f"Stopping the {process.role} (pid {process.pid})")
        _signal_group(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    pids = [p.pid for p in targets]
    while any(_group_alive(p.pid) for p in targets) and time.monotonic() < deadline:
        _reap(pids)
        time.sleep(0.2)
    for process in targets:
        if _group_alive(process.pid):
            progress(f"The {process.role} did not stop in {timeout:.0f} s: killing it")
            _signal_group(process.pid, signal.SIGKILL)
    time.sleep(0.2)
    _reap(pids)
    for process in state.processes:
        (folder / f"{process.role}.pid").unlink(missing_ok=True)
    (folder / STATE_FILE).unlink(missing_ok=True)
    return [p.role for p in targets]


def _reap(pids: Sequence[int]) -> None:
    """Collect those of ``pids`` that this process started and that have ended (no zombies)."""
    for pid in pids:
        child = _children.get(pid)
        if child is not None:
            if child.poll() is not None:
                del _children[pid]
            continue
        # One started by another process is collected by its parent (or init).
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
