"""Tests for ``playgrounds.sources.scale`` and ``playgrounds samples-scale`` (no Spark needed)."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from playgrounds.cli.main import cli, main
from playgrounds.errors import InputError
from playgrounds.sources import samples, scale

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "data" / "samples"
SMALL = 120  # ZIPs: ~1,300 rows, about a second on a busy machine


def read_irs(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        return next(reader), list(reader)


@pytest.fixture(scope="module")
def year_2016(tmp_path_factory: pytest.TempPathFactory) -> scale.Written:
    return scale.write_irs_year(tmp_path_factory.mktemp("irs"), 2016, zip_count=SMALL)


def test_irs_file_has_the_published_name_header_and_layout(year_2016: scale.Written) -> None:
    assert year_2016.path.name == "16zpallagi.csv"
    header, rows = read_irs(year_2016.path)
    assert tuple(header) == samples.IRS_COLUMNS and len(header) == 147
    assert all(len(row) == 147 for row in rows)
    assert year_2016.rows == len(rows)
    assert year_2016.bytes == year_2016.path.stat().st_size
    # Every state and DC, in FIPS order, each with totals (0) first and other ZIPs (99999) last.
    states = list(dict.fromkeys(row[1] for row in rows))
    assert states == [state.code for state in scale.STATES] and len(states) == 51
    fips = [int(row[0]) for row in rows]
    assert fips == sorted(fips)
    zips_of_ny = [int(row[2]) for row in rows if row[1] == "NY"]
    assert zips_of_ny[:6] == [0] * 6 and zips_of_ny[-6:] == [99999] * 6
    assert set(samples.NY_ZIPS) <= set(zips_of_ny)
    # Six agi_stub rows per ZIP; SMALL real ZIPs in all, plus a 0 and a 99999 per state.
    per_zip = Counter((row[1], row[2]) for row in rows)
    assert set(per_zip.values()) == {6}
    real_zips = [key for key in per_zip if key[1] not in ("0", "99999")]
    assert len(real_zips) == SMALL
    assert len(rows) == 6 * (SMALL + 2 * 51)


def test_state_totals_are_the_sum_of_the_states_rows(year_2016: scale.Written) -> None:
    header, rows = read_irs(year_2016.path)
    n1 = header.index("N1")
    for code in ("NY", "WY"):
        for stub in "123456":
            mine = [r for r in rows if r[1] == code and r[3] == stub]
            total = next(int(r[n1]) for r in mine if r[2] == "0")
            assert total == sum(int(r[n1]) for r in mine if r[2] != "0")


def test_the_same_seed_writes_the_same_bytes_and_years_differ(
    tmp_path: Path, year_2016: scale.Written
) -> None:
    again = scale.write_irs_year(tmp_path / "a", 2016, zip_count=SMALL)
    assert again.path.read_bytes() == year_2016.path.read_bytes()
    other_year = scale.write_irs_year(tmp_path / "a", 2017, zip_count=SMALL)
    other_seed = scale.write_irs_year(tmp_path / "b", 2016, zip_count=SMALL, seed=7)
    assert other_year.path.read_bytes() != year_2016.path.read_bytes()
    assert other_seed.path.read_bytes() != year_2016.path.read_bytes()
    # The ZIPs stay put from year to year (only the values move), as in the published files.
    zips = {(r[1], r[2]) for r in read_irs(year_2016.path)[1]}
    assert zips == {(r[1], r[2]) for r in read_irs(other_year.path)[1]}


def test_progress_reports_bytes_and_a_failed_write_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scale, "PROGRESS_EVERY", 100_000)
    seen: list[int] = []
    written = scale.write_irs_year(tmp_path, 2010, zip_count=SMALL, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == written.bytes and len(seen) > 1

    def interrupt(done: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        scale.write_irs_year(tmp_path / "cut", 2011, zip_count=SMALL, progress=interrupt)
    assert list((tmp_path / "cut").iterdir()) == []


def test_parks_factor_one_is_the_committed_sample_byte_for_byte(tmp_path: Path) -> None:
    parks, playgrounds = scale.write_parks(tmp_path, 1)
    assert parks.path.read_bytes() == (COMMITTED / samples.PARKS_FILE).read_bytes()
    assert playgrounds.path.read_bytes() == (COMMITTED / samples.PLAYGROUNDS_FILE).read_bytes()


def test_parks_factor_k_copies_with_distinct_ids_that_still_join(tmp_path: Path) -> None:
    parks_file, playgrounds_file = scale.write_parks(tmp_path, 12)
    parks = json.loads(parks_file.path.read_bytes())
    playgrounds = json.loads(playgrounds_file.path.read_bytes())
    assert (len(parks), len(playgrounds)) == (60 * 12, 80 * 12)
    assert parks_file.rows == 720 and playgrounds_file.rows == 960
    park_ids = [park["Prop_ID"] for park in parks]
    assert len(set(park_ids)) == len(park_ids)
    # Copy 11 of B123 is B11123: each copy's playgrounds point at that copy's parks.
    sample_parks = json.loads((COMMITTED / samples.PARKS_FILE).read_bytes())
    sample_playgrounds = json.loads((COMMITTED / samples.PLAYGROUNDS_FILE).read_bytes())
    on_a_park = sum(
        1 for p in sample_playgrounds if p["Prop_ID"] in {q["Prop_ID"] for q in sample_parks}
    )
    assert sum(1 for p in playgrounds if p["Prop_ID"] in set(park_ids)) == 12 * on_a_park
    assert Counter(park["Zip"] for park in parks) == Counter(
        {
            zip_value: 12 * count
            for zip_value, count in Counter(p["Zip"] for p in sample_parks).items()
        }
    )
    assert b"\\/" in parks_file.path.read_bytes()  # published escapes kept


@pytest.mark.parametrize(
    ("text", "years"),
    [("2010-2019", list(range(2010, 2020))), ("2016", [2016]), ("3", [2017, 2018, 2019])],
)
def test_years_option(text: str, years: list[int]) -> None:
    assert scale.parse_years(text) == years
    assert scale.irs_file_name(years[0]) == f"{years[0] % 100:02d}zpallagi.csv"


@pytest.mark.parametrize("text", ["2019-2010", "soon", "0"])
def test_bad_years_are_one_sentence(text: str) -> None:
    with pytest.raises(InputError, match="--years"):
        scale.parse_years(text)


def test_too_many_zips_is_one_sentence() -> None:
    with pytest.raises(InputError, match=r"ZIPs per year asked for: expected between 70 and"):
        scale.state_zips(scale.MAX_ZIPS + 1)


def test_command_writes_every_year_and_the_parks(tmp_path: Path) -> None:
    out = tmp_path / "scale"
    args = ["samples-scale", "--out", str(out), "--years", "2018-2019", "--zips", "70"]
    result = CliRunner().invoke(cli, [*args, "--parks-factor", "2"])
    assert result.exit_code == 0, result.output
    names = sorted(path.name for path in out.iterdir())
    assert names == ["18zpallagi.csv", "19zpallagi.csv", scale.PARKS_FILE, scale.PLAYGROUNDS_FILE]
    total = sum(path.stat().st_size for path in out.iterdir())
    assert f"Wrote 4 files, {total:,} bytes, to {out}" in result.output


def test_command_refuses_bad_years_in_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["samples-scale", "--out", str(tmp_path), "--years", "2019-2010"]) == 1
    assert "error: --years '2019-2010': expected first <= last" in capsys.readouterr().err
