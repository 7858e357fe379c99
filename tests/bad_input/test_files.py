"""Damaged files, table-driven: one sentence naming the file each (see tests/support/bad_input.py).

Truncated gzip and Parquet, byte-order marks, a column twice, a file where a
folder is expected and the reverse, a number beyond 64 bits: before issue #10
most of these printed a Java stack from Spark's executor and a message without
the file.
"""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.bad_input import Case, run_case
from tests.support.zones import parquet, write

Spoil = Callable[[Path], None]

PUBLISHED = "published"
INCOME = f"{PUBLISHED}/16zpallagi.csv"
PARKS = f"{PUBLISHED}/DPR_Parks_sample.json"
BOM = b"\xef\xbb\xbf"

PREP_PUBLISHED = ["prep", "--raw", "{lake}/published", "--processed", "{lake}/processed"]
PREP_RAW = ["prep", "--raw", "{lake}/raw", "--processed", "{lake}/processed"]
INGEST_PARKS = ["ingest", "parks", "--lake", "{lake}", "--source", "{lake}/" + PARKS]


def _all(*spoils: Spoil) -> Spoil:
    def spoil(lake: Path) -> None:
        for step in spoils:
            step(lake)

    return spoil


def _gzip_income(keep: float | None = None, *, valid: bool = True) -> Spoil:
    """Replace the income CSV by ``16zpallagi.csv.gz``, cut to ``keep`` of its bytes."""

    def spoil(lake: Path) -> None:
        plain = lake / INCOME
        data = gzip.compress(plain.read_bytes()) if valid else plain.read_bytes()
        if keep is not None:
            data = data[: int(len(data) * keep)]
        plain.with_name(plain.name + ".gz").write_bytes(data)
        plain.unlink()

    return spoil


def _rename_income_column(old: str, new: str, *, bom: bool = False) -> Spoil:
    def spoil(lake: Path) -> None:
        path = lake / INCOME
        header, body = path.read_text().split("\n", 1)
        names = [new if name == old else name for name in header.split(",")]
        path.write_bytes((BOM if bom else b"") + (",".join(names) + "\n" + body).encode())

    return spoil


def _edit_parks(change: Callable[[list[dict[str, object]]], None]) -> Spoil:
    def spoil(lake: Path) -> None:
        path = lake / PARKS
        records = json.loads(path.read_text())
        change(records)
        path.write_text(json.dumps(records))

    return spoil


def _huge_acres(records: list[dict[str, object]]) -> None:
    records[1]["Acres"] = 2**70


def _zip_twice(records: list[dict[str, object]]) -> None:
    for record in records:
        record["zip"] = record["Zip"]


def _raw_zone(lake: Path) -> None:
    """The raw lake layout the ingest jobs write, built without Spark."""
    raw = lake / "raw"
    write(raw / "income-ny" / "year=2016" / "income.csv", (lake / INCOME).read_text())
    for table, source in (
        ("parks", PARKS),
        ("playgrounds", f"{PUBLISHED}/DPR_Playgrounds_sample.json"),
    ):
        rows = json.loads((lake / source).read_text())
        parquet(raw / table / "year=2019" / "month=7" / "day=4" / "part-0.parquet", rows)


def _newest_parks_day(content: Callable[[bytes], bytes]) -> Spoil:
    """A ``day=5`` parks partition (the newest, which prep reads) holding damaged Parquet."""

    def spoil(lake: Path) -> None:
        good = lake / "raw" / "parks" / "year=2019" / "month=7" / "day=4" / "part-0.parquet"
        newest = lake / "raw" / "parks" / "year=2019" / "month=7" / "day=5" / "part-0.parquet"
        newest.parent.mkdir(parents=True)
        newest.write_bytes(content(good.read_bytes()))

    return spoil


def _file_at(relative: str) -> Spoil:
    def spoil(lake: Path) -> None:
        target = lake / relative
        if target.is_dir():
            shutil.rmtree(target)
        write(target, "not a folder\n")

    return spoil


def _folder_at(relative: str) -> Spoil:
    def spoil(lake: Path) -> None:
        target = lake / relative
        target.unlink()
        (target / "part-0.csv").parent.mkdir(parents=True)

    return spoil


CASES = [
    Case(
        "prep-truncated-csv-gz",
        PREP_PUBLISHED,
        r"16zpallagi\.csv\.gz is a truncated gzip file \(it ends early\)",
        spoil=_gzip_income(keep=0.5),
    ),
    Case(
        "prep-csv-gz-cut-in-its-header",
        PREP_PUBLISHED,
        r"16zpallagi\.csv\.gz is a truncated gzip file",
        spoil=_gzip_income(keep=0.01),
    ),
    Case(
        "prep-csv-gz-not-gzip",
        PREP_PUBLISHED,
        r"16zpallagi\.csv\.gz is not valid gzip data",
        spoil=_gzip_income(valid=False),
    ),
    Case(
        "prep-truncated-parquet-in-newest-partition",
        PREP_RAW,
        r"raw/parks/year=2019/month=7/day=5/part-0\.parquet is not a readable Parquet file",
        spoil=_all(_raw_zone, _newest_parks_day(lambda good: good[: len(good) // 2])),
    ),
    Case(
        "prep-parquet-that-is-text",
        PREP_RAW,
        r"day=5/part-0\.parquet is not a readable Parquet file",
        spoil=_all(_raw_zone, _newest_parks_day(lambda good: b"Prop_ID,Name\nB1,Park\n")),
    ),
    Case(
        "prep-processed-is-a-file",
        ["prep", "--raw", "{lake}/published", "--processed", "{lake}/out"],
        r"lake/out is a file\b",
        spoil=_file_at("out"),
    ),
    Case(
        "prep-partition-parent-is-a-file",
        [*PREP_PUBLISHED, "--date", "2019-07-04"],
        r"processed/processed/year=2019/month=7 is a file where a folder is expected",
        spoil=_file_at("processed/processed/year=2019/month=7"),
    ),
    Case(
        "prep-output-under-proc",
        ["prep", "--raw", "{lake}/published", "--processed", "/proc/playgrounds-bad-input"],
        r"/proc/playgrounds-bad-input cannot be created: /proc is a kernel file system",
    ),
    Case(
        "prep-income-column-twice",
        PREP_PUBLISHED,
        r"16zpallagi\.csv has column N1 twice: columns 5 and \d+",
        spoil=_rename_income_column("A00100", "N1"),
    ),
    Case(
        "prep-parks-zip-twice-by-case",
        PREP_PUBLISHED,
        r"DPR_Parks_sample\.json has column zip twice",
        spoil=_edit_parks(_zip_twice),
    ),
    Case(
        "prep-parks-bom-then-html",
        PREP_PUBLISHED,
        r"DPR_Parks_sample\.json is not a JSON array of objects \(it starts with '<html>",
        spoil=lambda lake: (lake / PARKS).write_bytes(BOM + b"<html>busy</html>"),
    ),
    Case(
        "prep-parks-json-cut-short",
        PREP_PUBLISHED,
        r"DPR_Parks_sample\.json is not valid JSON",
        spoil=lambda lake: (lake / PARKS).write_text((lake / PARKS).read_text()[:5000]),
    ),
    Case(
        "prep-raw-table-is-a-file",
        PREP_RAW,
        r"raw/parks is a file where the parks table's folder is expected",
        spoil=_all(_raw_zone, _file_at("raw/parks")),
    ),
    Case(
        "prep-income-csv-is-a-folder",
        PREP_PUBLISHED,
        r"16zpallagi\.csv is a folder where a file is expected",
        spoil=_folder_at(INCOME),
    ),
    Case(
        "ingest-parks-integer-beyond-64-bits",
        INGEST_PARKS,
        r"DPR_Parks_sample\.json item 1 field Acres holds the whole number "
        r"1180591620717411303424, beyond 64 bits",
        spoil=_edit_parks(_huge_acres),
    ),
    Case(
        "ingest-parks-zip-twice-by-case",
        INGEST_PARKS,
        r"DPR_Parks_sample\.json has field zip twice \(as Zip and zip\)",
        spoil=_edit_parks(_zip_twice),
    ),
    Case(
        "ingest-income-truncated-gz",
        ["ingest", "income", "--lake", "{lake}", "--source", "{lake}/" + INCOME + ".gz"],
        r"16zpallagi\.csv\.gz is a gzip file that ends early \(truncated\)",
        spoil=_gzip_income(keep=0.5),
    ),
    Case(
        "ingest-income-bom-and-column-twice",
        ["ingest", "income", "--lake", "{lake}", "--source", "{lake}/" + INCOME],
        r"16zpallagi\.csv header has column N1 twice: columns 5 and \d+",
        spoil=_rename_income_column("A00100", "N1", bom=True),
    ),
]


@pytest.fixture
def lake(tmp_path: Path, samples_dir: Path) -> Path:
    """A lake with the published files beside its zones, to spoil; ``tmp_path`` is its parent."""
    root = tmp_path / "lake"
    shutil.copytree(samples_dir, root / PUBLISHED)
    (root / "processed").mkdir()
    return root


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_damaged_file(
    case: Case, lake: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    run_case(case, lake, tmp_path, capfd)
