"""`playgrounds ingest ...` end to end: the raw zone it writes is what the prep step reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from playgrounds.cli import main
from playgrounds.sources.inputs import locate_raw_inputs, read_income, read_parks, read_playgrounds

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"

pytestmark = pytest.mark.e2e


def test_ingest_all_feeds_the_prep_readers(
    spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lake = tmp_path / "lake"
    code = main(
        ["ingest", "all", "--lake", str(lake), "--source", str(SAMPLES), "--date", "2019-07-04"]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "income: wrote 150 rows" in out
    assert "parks: wrote 60 rows" in out
    assert "playgrounds: wrote 80 rows" in out

    inputs = locate_raw_inputs(lake / "raw")
    assert inputs.income == lake / "raw" / "income-ny" / "year=2016"
    assert inputs.parks == lake / "raw" / "parks" / "year=2019" / "month=7" / "day=4"
    # The prep reader checks the header and that every number is a whole number.
    income = read_income(spark, inputs.income)
    header = (SAMPLES / "16zpallagi.csv").read_text().splitlines()[0].split(",")
    assert income.columns == header
    assert read_parks(spark, inputs.parks, inputs.parks_base).count() == 60
    playgrounds = read_playgrounds(spark, inputs.playgrounds, inputs.playgrounds_base)
    # Partition columns come back from the folder names, as the crawler will see them.
    assert {"year", "month", "day"} <= set(playgrounds.columns)
    assert playgrounds.count() == 80


def test_bad_input_is_one_sentence_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "16zpallagi.csv"
    bad.write_text("<html><body>Page not found</body></html>\n")
    code = main(["ingest", "income", "--lake", str(tmp_path / "lake"), "--source", str(bad)])
    assert code == 1
    err = capsys.readouterr().err
    assert f"{bad} is an HTML page, not the IRS ZIP-code CSV" in " ".join(err.split())
    assert "Traceback" not in err
    assert not (tmp_path / "lake").exists()


def test_all_wants_a_folder_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["ingest", "all", "--source", str(SAMPLES / "16zpallagi.csv")])
    assert code == 2
    assert "--source must be a folder" in capsys.readouterr().err
