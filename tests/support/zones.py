"""Small lake zones written on the fly, in the layouts a crawler meets."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

INCOME_HEADER = "STATEFIPS,STATE,zipcode,agi_stub,N1,A00100\n"


def write(path: Path, text: str) -> Path:
    """Write ``text`` to ``path``, creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def parquet(path: Path, rows: list[dict[str, object]]) -> Path:
    """Write ``rows`` as one Parquet file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), path)
    return path


def income_csv(zone: Path, year: int, rows: int = 3) -> Path:
    """``income-ny/year=Y/income.csv`` with a header, as the ingest job writes it."""
    body = "".join(f"36,NY,{10001 + i},{1 + i % 6},{100 + i},{2500.5 + i}\n" for i in range(rows))
    return write(zone / "income-ny" / f"year={year}" / "income.csv", INCOME_HEADER + body)


def parks_parquet(zone: Path, year: int, month: int, day: int) -> Path:
    """``parks/year=Y/month=M/day=D/part-0.parquet`` (values not zero-padded)."""
    rows = [
        {"Prop_ID": "B001", "Name": "Park One", "Zip": "11201", "Acres": 1.5},
        {"Prop_ID": "M002", "Name": "Park Two", "Zip": "10001", "Acres": 2.0},
        {"Prop_ID": "M003", "Name": "Park Three", "Zip": "10002", "Acres": 0.5},
    ]
    folder = zone / "parks" / f"year={year}" / f"month={month}" / f"day={day}"
    return parquet(folder / "part-0.parquet", rows)


def train_csv(zone: Path, name: str = "train.csv") -> Path:
    """The workshop's ``train`` table: numbers only, no header."""
    return write(zone / "train" / name, "1,0.5,3\n0,0.25,4\n1,0.75,5\n")


def events_json(zone: Path, folder: str, records: list[dict[str, object]]) -> Path:
    """JSON lines under ``events/<folder>/`` (a plain, non key=value folder)."""
    text = "".join(json.dumps(r) + "\n" for r in records)
    return write(zone / "events" / folder / "events.json", text)


def basic_zone(zone: Path) -> Path:
    """A raw zone with every layout: CSV with and without header, Parquet, JSON."""
    income_csv(zone, 2016)
    income_csv(zone, 2017)
    parks_parquet(zone, 2019, 7, 4)
    parks_parquet(zone, 2019, 7, 5)
    train_csv(zone)
    events_json(zone, "a", [{"Kind": "open", "count": 1}, {"Kind": "close", "count": 2}])
    events_json(zone, "b", [{"Kind": "open", "count": 3, "extra": {"x": 1.5}}])
    return zone
