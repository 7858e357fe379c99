"""End to end on the published data: prep, then `playgrounds features` and `report`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from pyspark.sql import SparkSession

from playgrounds.cli.main import main
from playgrounds.pipeline.prep import run_prep

pytestmark = [pytest.mark.e2e, pytest.mark.real_data]

# The workshop notebook's shapes on the same data: 4,590 rows x 11 columns
# after dropping nulls, then 12 features (its SQL names them col1 ... col12).
WORKSHOP_ROWS = 4590
WORKSHOP_COLUMNS_AFTER_NULLS = 11
WORKSHOP_FEATURES = 12


def test_features_and_report_on_the_published_files(
    spark: SparkSession,
    real_data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    lake = tmp_path / "lake"
    run_prep(spark, real_data_dir, lake / "processed", day=dt.date(2019, 7, 4))

    assert main(["features", "--lake", str(lake)]) == 0
    out = capsys.readouterr().out
    assert f"Matrix: 4,590 rows x 13 columns (label Level_4 + {WORKSHOP_FEATURES} features)" in out
    document = json.loads((lake / "ml" / "features.json").read_text())
    steps = {step["step"]: (step["rows"], step["columns"]) for step in document["steps"]}
    assert steps["processed table"] == (5429, 23)
    assert steps["drop rows with nulls"] == (WORKSHOP_ROWS, WORKSHOP_COLUMNS_AFTER_NULLS)
    assert steps["one-hot Borough, label first"] == (WORKSHOP_ROWS, 1 + WORKSHOP_FEATURES)
    assert [f["name"] for f in document["features"]][-6:] == [
        f"Borough_{letter}" for letter in "BMNQRX"
    ]
    # 18 rows of three school playgrounds have income but no Playground_ID ("N");
    # 26 rows are the top bracket of four Bronx ZIPs with no returns at all.
    assert document["borough_rows_differing"] == 18
    assert document["rows_without_returns"] == 26
    matrix = pd.read_csv(lake / "processed" / "train" / "train.csv", header=None)
    assert matrix.shape == (WORKSHOP_ROWS, 1 + WORKSHOP_FEATURES)
    assert matrix[0].value_counts().to_dict() == {1: 3168, 0: 1422}

    assert main(["report", "--lake", str(lake)]) == 0
    assert "(4 figures)" in capsys.readouterr().out
    assert "Training has not run" in (lake / "ml" / "report.html").read_text()
