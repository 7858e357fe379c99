"""Tests for ``playgrounds.sources.samples`` (no Spark needed).

They check that the generator is deterministic, that the committed
``data/samples/`` cannot drift from it, and that every quirk of the real
inputs that the pipeline must survive is present in the sample.
"""

from __future__ import annotations

import ast
import csv
import gzip
import io
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from playgrounds.sources import samples

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "data" / "samples"
REAL_DATA = REPO.parent / "shared" / "data" / "nyc-2019"

Record = dict[str, Any]


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("samples")
    samples.generate(out)
    return out


@pytest.fixture(scope="module")
def irs(sample_dir: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of the CSV, read as plain text like a CSV reader would."""
    text = (sample_dir / samples.IRS_FILE).read_text(encoding="ascii")
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    rows = [dict(zip(header, row, strict=True)) for row in reader]
    return header, rows


@pytest.fixture(scope="module")
def parks(sample_dir: Path) -> list[Record]:
    loaded: list[Record] = json.loads((sample_dir / samples.PARKS_FILE).read_bytes())
    return loaded


@pytest.fixture(scope="module")
def playgrounds(sample_dir: Path) -> list[Record]:
    loaded: list[Record] = json.loads((sample_dir / samples.PLAYGROUNDS_FILE).read_bytes())
    return loaded


def _irs_zip_strings() -> set[str]:
    return {str(zipcode) for zipcode in samples.NY_ZIPS}


# --- determinism and drift ---------------------------------------------------


def test_two_runs_write_identical_bytes(tmp_path: Path) -> None:
    first = samples.generate(tmp_path / "a")
    second = samples.generate(tmp_path / "b")
    assert first == second
    for name in samples.FILE_NAMES:
        a = (tmp_path / "a" / name).read_bytes()
        assert a, name
        assert a == (tmp_path / "b" / name).read_bytes(), name


def test_cli_run_with_another_hash_seed_gives_same_bytes(sample_dir: Path, tmp_path: Path) -> None:
    # A different PYTHONHASHSEED would expose any dependence on set/dict-of-str order.
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [sys.executable, "-m", "playgrounds.sources.samples", "--out", str(tmp_path)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for name in samples.FILE_NAMES:
        assert (tmp_path / name).read_bytes() == (sample_dir / name).read_bytes(), name


def test_committed_samples_equal_a_fresh_generation(sample_dir: Path) -> None:
    for name in samples.FILE_NAMES:
        committed = COMMITTED / name
        assert committed.is_file(), f"{committed} missing: run `playgrounds samples`"
        assert committed.read_bytes() == (sample_dir / name).read_bytes(), (
            f"{committed} differs from the generator: run "
            "python -m playgrounds.sources.samples --out data/samples"
        )


def test_generate_reports_the_row_counts_it_wrote(
    tmp_path: Path,
    irs: tuple[list[str], list[dict[str, str]]],
    parks: list[Record],
    playgrounds: list[Record],
) -> None:
    counts = samples.generate(tmp_path)
    assert counts == {
        samples.IRS_FILE: len(irs[1]),
        samples.PARKS_FILE: len(parks),
        samples.PLAYGROUNDS_FILE: len(playgrounds),
    }
    # Sizes the brief asked for: about 20 NY ZIPs, ~60 parks, ~80 playgrounds.
    assert 120 <= counts[samples.IRS_FILE] <= 180
    assert 50 <= counts[samples.PARKS_FILE] <= 70
    assert 70 <= counts[samples.PLAYGROUNDS_FILE] <= 90


def test_total_size_under_300_kb(sample_dir: Path) -> None:
    total = sum((sample_dir / name).stat().st_size for name in samples.FILE_NAMES)
    assert total < 300_000


def test_main_help_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        samples.main(["--help"])
    assert exit_info.value.code == 0
    assert "--out" in capsys.readouterr().out


def test_main_writes_into_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "nested" / "samples"
    assert samples.main(["--out", str(out)]) == 0
    assert sorted(path.name for path in out.iterdir()) == sorted(samples.FILE_NAMES)
    assert f"{samples.IRS_FILE}: 150 rows" in capsys.readouterr().out


def test_module_imports_only_the_standard_library() -> None:
    tree = ast.parse(Path(samples.__file__).read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported, "no imports found: the AST walk is broken"
    assert imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)


# --- IRS CSV ------------------------------------------------------------------


def test_csv_has_the_published_147_columns(
    sample_dir: Path, irs: tuple[list[str], list[dict[str, str]]]
) -> None:
    header, rows = irs
    assert len(header) == 147
    assert header[:6] == ["STATEFIPS", "STATE", "zipcode", "agi_stub", "N1", "mars1"]
    assert "MARS2" in header and "MARS1" not in header
    assert header.index("n21020") + 1 == header.index("a21020")
    assert header[-1] == "A11902"
    assert all(value.lstrip("-").isdigit() for row in rows for key, value in row.items()
               if key != "STATE")  # fmt: skip
    raw = (sample_dir / samples.IRS_FILE).read_bytes()
    assert b"\r" not in raw and b'"' not in raw and raw.endswith(b"\n")


@pytest.mark.real_data
def test_header_matches_the_real_file() -> None:
    real = REAL_DATA / "16zpallagi_ny.csv.gz"
    if not real.is_file():
        pytest.skip(f"real data absent: {real}")
    with gzip.open(real, "rt", encoding="ascii") as handle:
        published = handle.readline().rstrip("\n").split(",")
    assert list(samples.IRS_COLUMNS) == published


def test_ny_filter_keeps_rows_and_drops_others(irs: tuple[list[str], list[dict[str, str]]]) -> None:
    _, rows = irs
    ny = [row for row in rows if row["STATE"] == "NY"]
    others = [row for row in rows if row["STATE"] != "NY"]
    assert len(ny) >= 6 * 20
    assert others, "no non-NY rows: the STATE filter would not be exercised"
    assert {row["STATEFIPS"] for row in ny} == {"36"}
    assert {row["STATEFIPS"] for row in others} == {"34"}
    # The IRS writes ZIPs as integers: NJ's 07030 is "7030".
    assert all(not row["zipcode"].startswith("0") for row in others)


def test_every_zip_has_six_agi_stubs(irs: tuple[list[str], list[dict[str, str]]]) -> None:
    _, rows = irs
    stubs: defaultdict[tuple[str, str], list[str]] = defaultdict(list)
    for row in rows:
        stubs[row["STATE"], row["zipcode"]].append(row["agi_stub"])
    assert len(stubs) >= 20
    for key, values in stubs.items():
        assert sorted(values) == ["1", "2", "3", "4", "5", "6"], key


def test_state_total_and_other_zip_rows(irs: tuple[list[str], list[dict[str, str]]]) -> None:
    _, rows = irs
    ny = [row for row in rows if row["STATE"] == "NY"]
    totals = {row["agi_stub"]: row for row in ny if row["zipcode"] == "0"}
    assert sorted(totals) == ["1", "2", "3", "4", "5", "6"]
    assert sum(row["zipcode"] == "99999" for row in ny) == 6
    # zipcode 0 is the state total, so counting it with the ZIPs double counts.
    for stub, total in totals.items():
        parts = [row for row in ny if row["agi_stub"] == stub and row["zipcode"] != "0"]
        for column in ("N1", "A00100", "N04470"):
            assert int(total[column]) == sum(int(row[column]) for row in parts), (stub, column)
    # Layout as in the whole-US file: state by state, the total first, 99999 last.
    assert rows[0]["STATE"] == "NJ"
    assert [row["zipcode"] for row in ny[:6]] == ["0"] * 6
    assert [row["zipcode"] for row in ny[-6:]] == ["99999"] * 6


def test_income_values_are_plausible(irs: tuple[list[str], list[dict[str, str]]]) -> None:
    _, rows = irs
    for row in rows:
        n1 = int(row["N1"])
        assert n1 > 0
        assert int(row["mars1"]) <= n1 and int(row["MARS2"]) <= n1
        assert int(row["A00100"]) > 0
    # Real files carry net losses, e.g. capital gains in the lowest bracket.
    assert any(int(row["A01000"]) < 0 for row in rows)


# --- NYC Parks JSON -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        (samples.PARKS_FILE, ["Prop_ID", "Name", "Location", "Zip"]),
        (
            samples.PLAYGROUNDS_FILE,
            ["Prop_ID", "Playground_ID", "School_ID", "Status", "Name", "Location",
             "Accessible", "Level", "Adaptive_Swing", "lat", "lon"],
        ),
    ],
)  # fmt: skip
def test_json_is_compact_with_source_key_order(
    sample_dir: Path, name: str, keys: list[str]
) -> None:
    raw = (sample_dir / name).read_bytes()
    records = json.loads(raw)
    assert isinstance(records, list) and records
    assert all(list(record) == keys for record in records)
    assert all(value is None or isinstance(value, str) for r in records for value in r.values())
    # One line, no spaces between tokens, no trailing newline, PHP-style escapes.
    expected = json.dumps(records, separators=(",", ":")).replace("/", "\\/").encode("ascii")
    assert raw == expected
    assert raw.startswith(b'[{"Prop_ID":"') and raw.endswith(b"}]")


def test_parks_escape_slash_and_non_ascii(sample_dir: Path) -> None:
    raw = (sample_dir / samples.PARKS_FILE).read_bytes()
    assert b"\\/" in raw
    assert b"\\u00f1" in raw and b"\\u2019" in raw


def test_park_ids_use_the_five_borough_letters(parks: list[Record]) -> None:
    letters = Counter(park["Prop_ID"][0] for park in parks)
    assert set(letters) == {"B", "M", "Q", "X", "R"}
    assert all(park["Prop_ID"][1:4].isdigit() for park in parks)
    assert len({park["Prop_ID"] for park in parks}) == len(parks)


def test_park_zip_quirks(parks: list[Record]) -> None:
    zips = [park["Zip"] for park in parks]
    assert all(value is None or isinstance(value, str) for value in zips)
    nulls = sum(value is None for value in zips)
    assert 0.03 <= nulls / len(zips) <= 0.1
    multi = [value for value in zips if value and ", " in value]
    assert len(multi) >= 3
    assert "11236, 11239" in multi
    truncated = [value for value in multi if len(value.split(", ")[-1]) < 5]
    assert len(truncated) == 1 and len(truncated[0]) == 50
    singles = {value for value in zips if value and ", " not in value}
    assert all(len(value) == 5 and value.isdigit() for value in singles)
    assert samples.PARK_ZIP_WITHOUT_IRS in singles
    assert samples.PARK_ZIP_WITHOUT_IRS not in _irs_zip_strings()


def test_borough_only_playgrounds(playgrounds: list[Record]) -> None:
    schools = [row for row in playgrounds if len(row["Prop_ID"]) == 1]
    assert len(schools) >= 5
    assert {row["Prop_ID"] for row in schools} <= {"B", "M", "Q", "X", "R"}
    assert "B" in {row["Prop_ID"] for row in schools}
    for row in schools:
        assert row["Playground_ID"] is None
        assert row["Status"] == "Open to the Public"
        school_id = row["School_ID"]
        assert school_id[0] in "KMQXR" and len(school_id) == 4 and school_id[1:].isdigit()
    # Brooklyn schools are K..., not B...
    assert all(row["School_ID"].startswith("K") for row in schools if row["Prop_ID"] == "B")


def test_playground_field_quirks(playgrounds: list[Record]) -> None:
    total = len(playgrounds)
    levels = Counter(row["Level"] for row in playgrounds)
    assert set(levels) <= {"1", "2", "3", "4", None}
    assert levels.most_common(1)[0][0] == "4"
    assert 0.55 <= levels["4"] / total <= 0.75
    assert 0.03 <= levels[None] / total <= 0.12
    accessible = Counter(row["Accessible"] for row in playgrounds)
    assert set(accessible) == {"Y", "N", None}
    swings = Counter(row["Adaptive_Swing"] for row in playgrounds)
    assert set(swings) == {"Y", "N", None, ""}
    assert swings[""] >= 2


def test_playground_coordinates(playgrounds: list[Record]) -> None:
    missing = [row for row in playgrounds if row["lat"] is None]
    assert 1 <= len(missing) <= 0.05 * len(playgrounds)
    assert all(row["lon"] is None for row in missing)
    for row in playgrounds:
        if row["lat"] is None:
            continue
        lat, lon = float(row["lat"]), float(row["lon"])
        assert 40.49 < lat < 40.92 and -74.26 < lon < -73.70, row
        assert len(row["lat"].split(".")[1]) <= 4


def test_playground_ids(playgrounds: list[Record]) -> None:
    by_park: defaultdict[str, list[str | None]] = defaultdict(list)
    for row in playgrounds:
        if len(row["Prop_ID"]) > 1:
            by_park[row["Prop_ID"]].append(row["Playground_ID"])
    several = {prop: ids for prop, ids in by_park.items() if len(ids) > 1}
    assert len(several) >= 3
    assert any(len(ids) == 3 for ids in several.values())
    for prop, ids in several.items():
        assert ids == [f"{prop}-{number:02d}" for number in range(1, len(ids) + 1)]


# --- the workshop's prep: income (NY) x parks, then playgrounds ----------------------


def test_prep_joins_exercise_every_case(
    irs: tuple[list[str], list[dict[str, str]]],
    parks: list[Record],
    playgrounds: list[Record],
) -> None:
    _, rows = irs
    ny = [row for row in rows if row["STATE"] == "NY"]
    irs_rows_per_park = Counter(
        park["Prop_ID"] for row in ny for park in parks if row["zipcode"] == park["Zip"]
    )
    park_ids = {park["Prop_ID"] for park in parks}

    # Playgrounds whose park matches a ZIP: six income rows each (one per agi_stub).
    joined = [row for row in playgrounds if row["Prop_ID"] in irs_rows_per_park]
    assert len(joined) >= 30
    assert {irs_rows_per_park[row["Prop_ID"]] for row in joined} == {6}

    # Playgrounds whose Prop_ID matches no park: borough letters and orphan IDs.
    orphans = [row for row in playgrounds if row["Prop_ID"] not in park_ids]
    assert any(len(row["Prop_ID"]) == 1 for row in orphans)
    assert any(len(row["Prop_ID"]) > 1 for row in orphans)

    # Parks whose Zip is null or multi-valued join no income row, and some of
    # them still have playgrounds that therefore fall out of the inner join.
    unmatched = [park for park in parks if park["Zip"] is None or ", " in park["Zip"]]
    assert unmatched and all(park["Prop_ID"] not in irs_rows_per_park for park in unmatched)
    unmatched_ids = {park["Prop_ID"] for park in unmatched}
    assert any(row["Prop_ID"] in unmatched_ids for row in playgrounds)

    # A NY ZIP without a park, a park ZIP without income rows, and no NJ match.
    park_zips = {park["Zip"] for park in parks}
    assert str(samples.NY_ZIP_WITHOUT_PARK) in {row["zipcode"] for row in ny}
    assert str(samples.NY_ZIP_WITHOUT_PARK) not in park_zips
    assert samples.PARK_ZIP_WITHOUT_IRS not in {row["zipcode"] for row in rows}
    assert not {row["zipcode"] for row in rows if row["STATE"] != "NY"} & park_zips

    # Parks without any playground survive a left join from the park side.
    with_playground = {row["Prop_ID"] for row in playgrounds}
    assert any(prop not in with_playground for prop in irs_rows_per_park)
