"""The workshop's XGBoost through xgboost.spark: the same model on one worker, sound on two."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from pyspark.sql import SparkSession

from playgrounds.ml.artifact import load_model, predict
from playgrounds.ml.distributed import spark_parameters, train_on_spark
from playgrounds.ml.train import NUM_ROUND, train_booster, training_parameters
from tests.ml.training_lake import FEATURE_NAMES, synthetic_matrix, write_training_lake

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_notebook_names_become_xgboost_spark_names() -> None:
    translated = spark_parameters(training_parameters(seed=3), 100)
    assert translated["learning_rate"] == 0.2 and translated["random_state"] == 3
    assert translated["n_estimators"] == 100 and translated["max_depth"] == 5
    assert "nthread" not in translated and "eta" not in translated


@pytest.mark.e2e
@pytest.mark.slow
def test_one_spark_worker_grows_the_local_model(spark: SparkSession, tmp_path: Path) -> None:
    # On the suite's local[1] session with one worker, xgboost.spark sees the
    # rows in file order, as the local run does: the same trees, the same scores.
    matrix, y, groups = synthetic_matrix(playgrounds=40)
    lake = write_training_lake(tmp_path, matrix, y, groups)
    csv = (lake / "processed" / "train" / "train.csv").as_uri()
    booster = train_on_spark(
        spark, csv, FEATURE_NAMES, training_parameters(), NUM_ROUND, num_workers=1
    )
    assert booster.feature_names == FEATURE_NAMES
    assert len(booster.get_dump()) == NUM_ROUND
    local = train_booster(matrix, y, FEATURE_NAMES)
    assert np.array_equal(predict(booster, matrix), predict(local, matrix))


@pytest.mark.e2e
@pytest.mark.slow
def test_train_command_on_local_2_with_two_workers(tmp_path: Path) -> None:
    # Its own process: a local[2] session beside the suite's would share its JVM.
    matrix, y, groups = synthetic_matrix(playgrounds=40)
    lake = write_training_lake(tmp_path / "lake", matrix, y, groups)
    completed = subprocess.run(
        [sys.executable, "-m", "playgrounds.cli", "train", "--lake", str(lake),
         "--spark-master", "local[2]", "--spark-workers", "2", "--automl-budget", "0",
         "--folds", "3"],
        capture_output=True, text=True, timeout=240, cwd=REPO_ROOT, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert "Trained XGBoost on Spark local[2] (2 xgboost.spark workers)" in completed.stdout
    folder = lake / "ml" / "models" / "playgrounds-xgboost"
    card = json.loads((folder / "model_card.json").read_text())
    assert card["model"]["trained_on"].startswith("Spark local[2]")
    served = predict(load_model(folder / "model.tar.gz"), matrix)
    local = predict(train_booster(matrix, y, FEATURE_NAMES), matrix)
    # Two workers draw their own subsamples: not the same bytes, the same model in substance.
    assert np.corrcoef(served, local)[0, 1] > 0.95
    assert np.mean((served >= 0.5) == y) > 0.9
