"""The HTML report on small files in the shapes the feature and training steps write."""

from __future__ import annotations

import base64
import io
import json
import re
import struct
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from matplotlib.image import imread

from playgrounds.cli.main import main
from playgrounds.ml.report import write_report, zip_affluence

PARTITION = "processed/processed/year=2019/month=7/day=4"
FEATURES = [
    ("Adaptive_Swing", "bigint"),
    ("size_of_adjusted_gross_income", "bigint"),
    ("normalized_num_of_joint_returns", "double"),
    ("Borough_B", "bigint"),
    ("Borough_M", "bigint"),
    ("Borough_N", "bigint"),
]
# Playground, borough, label, ZIP: eight playgrounds, one a school without an ID.
PLAYGROUNDS = [
    ("B001", "B", 1, 11201),
    ("B002", "B", 1, 11202),
    ("B003", "B", 0, 11203),
    ("M001", "M", 1, 10001),
    ("M002", "M", 0, 10002),
    ("M003", "M", 1, 10003),
    ("M004", "M", 0, 10004),
    (None, "N", 1, 10005),
]
SCHOOL_GROUP = "M900:School Park"
DATA_FIGURES = (
    "class-balance",
    "accessibility-by-borough",
    "accessibility-by-income",
    "correlation-heatmap",
)
MODEL_FIGURES = ("roc-curves", "calibration-curves", "feature-importance")

METRICS = {
    "accuracy": 0.81,
    "precision": 0.84,
    "recall": 0.9,
    "f1": 0.87,
    "roc_auc": 0.83,
    "log_loss": 0.42,
}
BASELINE = {
    "accuracy": 0.62,
    "precision": 0.62,
    "recall": 1.0,
    "f1": 0.77,
    "roc_auc": 0.5,
    "log_loss": 0.66,
}
CURVE = {"fpr": [0.0, 0.1, 0.4, 1.0], "tpr": [0.0, 0.5, 0.8, 1.0]}
CALIBRATION = {"mean_predicted": [0.2, 0.5, 0.8], "fraction_positive": [0.25, 0.45, 0.85]}
EVALUATION = {
    "random_split": {
        "metrics": METRICS,
        "baseline": BASELINE,
        "confusion_matrix": [[3, 1], [1, 7]],
        "roc_curve": CURVE,
        "calibration": CALIBRATION,
    },
    "group_kfold": {
        "folds": 4,
        "metrics_mean": {**METRICS, "roc_auc": 0.6871},
        "metrics_std": dict.fromkeys(METRICS, 0.05),
        "baseline_mean": BASELINE,
        "confusion_matrix": [[2, 7], [3, 12]],
        "roc_curve": {"fpr": [0.0, 0.3, 1.0], "tpr": [0.0, 0.5, 1.0]},
        "calibration": CALIBRATION,
    },
    "feature_importance": {"Adaptive_Swing": 3.5, "Borough_M": 1.25},
}
LEADERBOARD = {
    "budget_seconds": 60,
    "wall_seconds": 58.4,
    "rows": [
        {
            "rank": 1,
            "learner": "lgbm",
            "config": {"num_leaves": 4},
            "roc_auc_mean": 0.7012,
            "roc_auc_std": 0.03,
            "log_loss_mean": 0.55,
            "seconds": 0.4,
        },
        {
            "rank": 2,
            "learner": "rf",
            "config": {"n_estimators": 8},
            "roc_auc_mean": 0.69,
            "roc_auc_std": 0.04,
            "log_loss_mean": 0.58,
            "seconds": 0.9,
        },
    ],
}


def feature_lake(root: Path) -> Path:
    """train.csv, groups.csv and features.json for 8 playgrounds x 3 brackets, and their rows."""
    lines, groups, processed = [], [], []
    for index, (pid, borough, label, zipcode) in enumerate(PLAYGROUNDS):
        for bracket in (1, 5, 6):
            share = round(0.1 * ((index + bracket) % 7), 2)
            onehot = [int(borough == letter) for letter in "BMN"]
            values = [label, index % 2, bracket, share, *onehot]
            lines.append(
                ",".join(str(float(v)) if k == 3 else str(v) for k, v in enumerate(values))
            )
            groups.append(pid or SCHOOL_GROUP)
            processed.append(
                {
                    "Playground_ID": pid,
                    "Prop_ID": "M900" if pid is None else pid,
                    "Name": "School Park",
                    "zipcode": zipcode,
                    "size_of_adjusted_gross_income": bracket,
                    # The ZIPs differ in how many returns sit in the top brackets.
                    "num_of_returns": 100 if bracket == 1 else 10 * (index + 1),
                }
            )
    train = root / "processed" / "train" / "train.csv"
    train.parent.mkdir(parents=True)
    train.write_text("\n".join(lines) + "\n")
    partition = root / PARTITION
    partition.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(processed), partition / "part-00000.parquet")
    ml = root / "ml"
    ml.mkdir()
    (ml / "groups.csv").write_text("group\n" + "\n".join(groups) + "\n")
    document = {
        "label": "Level_4",
        "label_column": "col0",
        "features": [
            {"name": name, "type": kind, "column": f"col{i + 1}"}
            for i, (name, kind) in enumerate(FEATURES)
        ],
        "rows": len(lines),
        "borough_from": "playground_id",
        "borough_rows_differing": 3,
        "steps": [{"step": "processed table", "rows": 30, "columns": 23}],
        "groups_file": "groups.csv",
        "source": {"partition": PARTITION, "files": {"part-00000.parquet": "0" * 64}},
    }
    (ml / "features.json").write_text(json.dumps(document))
    return root


def with_model(lake: Path, name: str = "playgrounds-xgboost") -> Path:
    folder = lake / "ml" / "models" / name
    folder.mkdir(parents=True)
    (folder / "evaluation.json").write_text(json.dumps(EVALUATION))
    (folder / "leaderboard.json").write_text(json.dumps(LEADERBOARD))
    return folder


def embedded_figures(page: str) -> dict[str, bytes]:
    """Each figure's id and its decoded PNG."""
    found = re.findall(r'<figure id="([^"]+)"><img [^>]*src="data:image/png;base64,([^"]+)"', page)
    return {name: base64.b64decode(data) for name, data in found}


def check_png(png: bytes) -> None:
    """A real PNG, of a sensible size, that is not one flat colour."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width >= 300 and height >= 200
    pixels = imread(io.BytesIO(png), format="png")
    assert pixels.shape[:2] == (height, width)
    assert float(np.std(pixels)) > 0.01


def test_report_with_a_trained_model(tmp_path: Path) -> None:
    lake = feature_lake(tmp_path / "lake")
    with_model(lake)
    result = write_report(lake)
    assert result.model_found and result.figures == 7
    page = (lake / "ml" / "report.html").read_text()
    figures = embedded_figures(page)
    assert tuple(figures) == (*DATA_FIGURES, *MODEL_FIGURES)
    for png in figures.values():
        check_png(png)
    # Self-contained: nothing is fetched from anywhere.
    assert not re.search(r'(src|href)="(?!data:)', page)
    # Both evaluations beside their baseline, the confusion matrices, the leaderboard.
    assert "<td>roc_auc</td><td>0.830</td><td>0.500</td><td>0.687 ± 0.050</td>" in page
    assert "group k-fold (4 folds)" in page
    assert "<td>actual 1</td><td>3</td><td>12</td>" in page
    assert "<td>1</td><td>lgbm</td><td>0.701 ± 0.030</td>" in page
    assert "Budget 60 s, wall time 58.4 s" in page
    assert "Training has not run" not in page
    assert "24 rows &times; 7 columns" in page and "8 playgrounds (groups)" in page


def test_report_without_a_model_says_so_and_shows_the_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lake = feature_lake(tmp_path / "lake")
    assert main(["report", "--lake", str(lake)]) == 0
    out = capsys.readouterr().out
    report = lake.resolve() / "ml" / "report.html"
    assert f"Wrote {report} (4 figures)" in out
    assert "run `playgrounds train` for the model sections" in out
    page = report.read_text()
    assert "Training has not run" in page and "No leaderboard" in page
    figures = embedded_figures(page)
    assert tuple(figures) == DATA_FIGURES
    for png in figures.values():
        check_png(png)


def test_report_names_another_model(tmp_path: Path) -> None:
    lake = feature_lake(tmp_path / "lake")
    with_model(lake, "automl-best")
    result = write_report(lake, model_name="automl-best")
    assert result.model_found and result.model_name == "automl-best" and result.figures == 7


def test_report_before_features_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lake = tmp_path / "lake"
    (lake / "ml").mkdir(parents=True)
    assert main(["report", "--lake", str(lake)]) == 1
    error = capsys.readouterr().err
    assert "features.json does not exist: run `playgrounds features` first" in error
    assert not (lake / "ml" / "report.html").exists()


def test_report_without_the_processed_partition_leaves_out_the_affluence_panel(
    tmp_path: Path,
) -> None:
    lake = feature_lake(tmp_path / "lake")
    (lake / PARTITION / "part-00000.parquet").unlink()
    result = write_report(lake)
    page = (lake / "ml" / "report.html").read_text()
    assert result.figures == 4
    assert "the affluence panel is left out" in page


def test_zip_affluence_counts_each_bracket_once() -> None:
    # Two playgrounds in 10001 repeat its brackets; 10002 has no returns at all.
    rows = [
        (zipcode, bracket, returns)
        for zipcode, returns_by_bracket in ((10001, [10, 10, 10, 10, 30, 30]), (10002, [0] * 6))
        for bracket, returns in enumerate(returns_by_bracket, start=1)
    ]
    frame = pd.DataFrame(
        rows * 2, columns=["zipcode", "size_of_adjusted_gross_income", "num_of_returns"]
    )
    assert zip_affluence(frame).to_dict() == {10001: 0.6}
