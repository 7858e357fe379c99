"""The workshop workflow cold on the real data vs the same steps as separate commands.

Both sides read the published files (``../shared/data/nyc-2019/``) from a local
HTTP server, so the ingest path is the real one (download, checks, landing),
and each side starts from an empty lake in new processes (cold: a JVM start).

- workflow: ``playgrounds workflow run playgrounds_workflow_for_ml --source
  http://.../`` (one process, one SparkSession, the three imports concurrent);
  per-step times are read from the run's history record.
- separate: ``playgrounds ingest income|parks|playgrounds``, ``crawl raw``,
  ``prep``, ``crawl processed``, one process after another.

The workflow runs first (the separate commands then find a warm page cache,
which favours them). The two processed outputs are compared (row count and
columns) before any figure is printed. Targets (issue 12): workflow <= half
the separate commands' time, and under 30 s cold on two cores.

    .venv/bin/python benchmarks/workflow.py [--data ../shared/data/nyc-2019] [--date 2019-07-04]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parent.parent
PLAYGROUNDS = str(Path(sys.executable).parent / "playgrounds")
WORKFLOW = "playgrounds_workflow_for_ml"
# The published names the import jobs ask a mirror for, and the files serving them.
SERVED = {
    "/16zpallagi.csv": "16zpallagi_ny.csv.gz",
    "/DPR_Parks_001.json": "DPR_Parks_001.json",
    "/DPR_Playgrounds_001.json": "DPR_Playgrounds_001.json",
}


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    """A local HTTP server with the published files under their published names."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            name = SERVED.get(self.path)
            if name is None:
                self.send_error(404)
                return
            body = (folder / name).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def timed(command: list[str], env: dict[str, str]) -> float:
    """Run ``command`` to its end; its wall time in seconds (a failure stops the benchmark)."""
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")
    return seconds


def processed_shape(lake: Path, day: str) -> tuple[int, int]:
    """Rows and columns of the processed partition of ``day``."""
    year, month, dom = (int(part) for part in day.split("-"))
    folder = lake / "processed" / "processed" / f"year={year}" / f"month={month}" / f"day={dom}"
    files = [p for p in folder.rglob("*.parquet") if not p.name.startswith((".", "_"))]
    table = pq.ParquetDataset(files, partitioning=None).read()  # data columns only
    return table.num_rows, table.num_columns


def workflow_side(lake: Path, url: str, day: str, env: dict[str, str]) -> dict[str, float]:
    command = [PLAYGROUNDS, "workflow", "run", WORKFLOW, "--lake", str(lake)]
    total = timed([*command, "--source", url, "--date", day], env)
    (history,) = (lake / "workflows" / WORKFLOW / "runs").glob("wr_*.json")
    record = json.loads(history.read_text())
    if record["Statistics"]["SucceededActions"] != 6:
        raise SystemExit(f"the workflow run did not succeed: {record['Statistics']}")
    steps: dict[str, float] = {}
    for node in record["Graph"]["Nodes"]:
        runs = node.get("JobDetails", {}).get("JobRuns") or node.get("CrawlerDetails", {}).get(
            "Crawls", []
        )
        for run in runs:
            dataset = (run.get("Arguments") or {}).get("--dataset")
            name = f"{node['Name']} ({dataset})" if dataset else node["Name"]
            steps[name] = run["LocalSeconds"]
    started = record["StartedOn"]
    steps["(graph, first action to last)"] = round(
        (_parse(record["CompletedOn"]) - _parse(started)), 2
    )
    steps["TOTAL (process, cold)"] = total
    return steps


def _parse(value: str) -> float:
    return dt.datetime.fromisoformat(value).timestamp()


def separate_side(lake: Path, url: str, day: str, env: dict[str, str]) -> dict[str, float]:
    lake_args = ["--lake", str(lake)]
    commands = {
        "ingest income": ["ingest", "income", *lake_args, "--source", f"{url}16zpallagi.csv"],
        "ingest parks": [
            *("ingest", "parks", *lake_args, "--date", day),
            *("--source", f"{url}DPR_Parks_001.json"),
        ],
        "ingest playgrounds": [
            *("ingest", "playgrounds", *lake_args, "--date", day),
            *("--source", f"{url}DPR_Playgrounds_001.json"),
        ],
        "crawl raw": ["crawl", "raw", *lake_args],
        "prep": [
            *("prep", "--raw", str(lake / "raw"), "--processed", str(lake / "processed")),
            *("--date", day),
        ],
        "crawl processed": ["crawl", "processed", *lake_args],
    }
    steps = {name: timed([PLAYGROUNDS, *args], env) for name, args in commands.items()}
    steps["TOTAL (six processes, cold)"] = sum(steps.values())
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "nyc-2019")
    parser.add_argument("--date", default="2019-07-04")
    options = parser.parse_args()
    missing = [name for name in SERVED.values() if not (options.data / name).is_file()]
    if missing:
        raise SystemExit(f"{options.data} lacks {', '.join(missing)}")
    server, url = serve(options.data)
    work = Path(tempfile.mkdtemp(prefix="workflow-bench-"))
    env = {**os.environ, "COLUMNS": "160"}
    try:
        workflow = workflow_side(work / "workflow", url, options.date, env)
        separate = separate_side(work / "separate", url, options.date, env)
        shapes = {
            side: processed_shape(work / side, options.date) for side in ("workflow", "separate")
        }
        if len(set(shapes.values())) != 1:
            raise SystemExit(f"the two sides' processed outputs differ: {shapes}")
    finally:
        server.shutdown()
        shutil.rmtree(work, ignore_errors=True)
    rows, columns = shapes["workflow"]
    print(f"Real data ({options.data}), both sides: {rows:,} rows x {columns} columns processed")
    print(f"cores: {os.cpu_count()}, load average at the end: {os.getloadavg()[0]:.1f}")
    print("\nworkflow (one process):")
    for name, seconds in workflow.items():
        print(f"  {name:<36} {seconds:6.1f} s")
    print("\nseparate commands:")
    for name, seconds in separate.items():
        print(f"  {name:<36} {seconds:6.1f} s")
    total_w = workflow["TOTAL (process, cold)"]
    total_s = separate["TOTAL (six processes, cold)"]
    print(f"\nworkflow / separate = {total_w / total_s:.2f} (target <= 0.50)")
    print(f"workflow cold total = {total_w:.1f} s (target < 30 s)")


if __name__ == "__main__":
    main()
