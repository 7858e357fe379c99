"""The train step: loading the feature step's files, the seeded booster, the model folder."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from playgrounds.errors import InputError
from playgrounds.ml.artifact import load_model, model_bytes, predict
from playgrounds.ml.dataset import load_training_data
from playgrounds.ml.train import run_training, train_booster
from tests.ml.training_lake import FEATURE_NAMES, synthetic_matrix, write_training_lake


@pytest.fixture
def lake(tmp_path: Path) -> Path:
    matrix, y, groups = synthetic_matrix(playgrounds=60)
    return write_training_lake(tmp_path / "lake", matrix, y, groups)


def test_loads_the_matrix_label_groups_and_names(lake: Path) -> None:
    data = load_training_data(lake)
    assert data.X.shape == (360, 12) and data.y.shape == (360,)
    assert set(np.unique(data.y)) == {0, 1}
    assert data.feature_names == FEATURE_NAMES
    assert data.groups[:7].tolist() == ["P000"] * 6 + ["P001"]


def test_missing_files_say_run_features_first(tmp_path: Path) -> None:
    with pytest.raises(
        InputError, match=r"features.json does not exist: run `playgrounds features`"
    ):
        load_training_data(tmp_path)


def test_row_count_mismatch_names_both_files(lake: Path) -> None:
    groups = lake / "ml" / "groups.csv"
    groups.write_text("\n".join(groups.read_text().splitlines()[:-2]) + "\n")
    with pytest.raises(InputError, match=r"groups.csv has 358 rows but train.csv has 360"):
        load_training_data(lake)


def test_nan_and_infinite_values_name_the_column_and_count(tmp_path: Path) -> None:
    matrix, y, groups = synthetic_matrix(playgrounds=10)
    matrix[3, 4], matrix[5, 4], matrix[7, 4] = np.nan, np.inf, -np.inf
    write_training_lake(tmp_path, matrix, y, groups)
    with pytest.raises(InputError, match=r"column col5 \(feature_4\) holds 3 NaN or infinite"):
        load_training_data(tmp_path)


def test_a_single_class_label_is_refused(tmp_path: Path) -> None:
    matrix, _, groups = synthetic_matrix(playgrounds=10)
    write_training_lake(tmp_path, matrix, np.ones(len(matrix), dtype=int), groups)
    with pytest.raises(InputError, match=r"col0 \(Level_4\) holds a single class \(1\) in 60 rows"):
        load_training_data(tmp_path)


def test_text_in_the_matrix_names_the_column(lake: Path) -> None:
    train = lake / "processed" / "train" / "train.csv"
    lines = train.read_text().splitlines()
    first = lines[0].split(",")
    first[2] = "**"
    train.write_text("\n".join([",".join(first), *lines[1:]]) + "\n")
    with pytest.raises(InputError, match=r"column col2 holds 1 values that are not numbers"):
        load_training_data(lake)


def test_same_data_same_seed_gives_the_same_model_bytes() -> None:
    matrix, y, _ = synthetic_matrix(playgrounds=40)
    first = model_bytes(train_booster(matrix, y, FEATURE_NAMES, seed=7))
    second = model_bytes(train_booster(matrix, y, FEATURE_NAMES, seed=7))
    other_seed = model_bytes(train_booster(matrix, y, FEATURE_NAMES, seed=8))
    assert first == second
    assert first != other_seed  # subsample=0.8 draws rows from the seed


def test_run_training_writes_the_model_folder(lake: Path) -> None:
    stages: list[str] = []
    result = run_training(lake, automl_budget=0, folds=3, seed=3, progress=stages.append)
    folder = lake / "ml" / "models" / "playgrounds-xgboost"
    assert result.folder == folder
    assert sorted(p.name for p in folder.iterdir()) == [
        "evaluation.json",
        "model.tar.gz",
        "model_card.json",
        "model_card.md",
        "registry.json",
    ]
    registry = json.loads((folder / "registry.json").read_text())
    assert registry["features"] == FEATURE_NAMES and registry["artifact"] == "model.tar.gz"
    evaluation = json.loads((folder / "evaluation.json").read_text())
    assert evaluation["group_kfold"]["folds"] == 3
    assert set(evaluation["feature_importance"]) == set(FEATURE_NAMES)
    assert evaluation["feature_importance"]["feature_0"] == max(
        evaluation["feature_importance"].values()
    )  # the label is built from feature_0
    card = json.loads((folder / "model_card.json").read_text())
    assert card["hyperparameters"]["max_depth"] == 5 and card["hyperparameters"]["num_round"] == 100
    assert card["data_version"]["partition"] == "year=2019/month=7/day=4"
    assert card["container"]["framework_version"] == "3.0-5"
    assert {"xgboost", "scikit-learn", "flaml", "pyspark", "python"} <= set(card["libraries"])
    assert any("Trained XGBoost" in stage for stage in stages)
    # Same data, same seed: the same archive, byte for byte.
    first = (folder / "model.tar.gz").read_bytes()
    run_training(lake, automl_budget=0, folds=3, seed=3)
    assert (folder / "model.tar.gz").read_bytes() == first
    data = load_training_data(lake)
    served = predict(load_model(folder / "model.tar.gz"), data.X)
    assert np.array_equal(
        served, predict(train_booster(data.X, data.y, FEATURE_NAMES, seed=3), data.X)
    )


def test_a_failed_training_leaves_the_previous_model(lake: Path) -> None:
    run_training(lake, automl_budget=0, folds=3)
    folder = lake / "ml" / "models" / "playgrounds-xgboost"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    groups = lake / "ml" / "groups.csv"
    groups.write_text("group\nP000\n")  # now disagrees with train.csv
    with pytest.raises(InputError, match=r"groups\.csv has 1 rows"):
        run_training(lake, automl_budget=0, folds=3)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert sorted(p.name for p in folder.parent.iterdir()) == ["playgrounds-xgboost"]


def test_bad_model_name_and_options_fail_before_any_work(lake: Path) -> None:
    with pytest.raises(InputError, match=r"model name '../x' must be letters"):
        run_training(lake, name="../x", automl_budget=0)
    with pytest.raises(InputError, match="--serve-best needs the AutoML search"):
        run_training(lake, automl_budget=0, serve_best=True)
    with pytest.raises(InputError, match=r"groups\.csv names 60 playgrounds: 61-fold"):
        run_training(lake, automl_budget=0, folds=61)
    assert not (lake / "ml" / "models").exists()


def test_train_command_prints_shape_tables_and_paths(
    lake: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from playgrounds.cli import main

    status = main(["train", "--lake", str(lake), "--automl-budget", "0", "--folds", "3"])
    out = capsys.readouterr().out
    assert status == 0
    assert "Matrix: 360 rows x 12 features" in out
    assert "Trained XGBoost on this machine in" in out
    assert "random 80/20" in out and "by playground, 3-fold" in out and "roc_auc" in out
    folder = lake / "ml" / "models" / "playgrounds-xgboost"
    assert f"Wrote {folder / 'model.tar.gz'}" in out
    assert f"Wrote {folder / 'registry.json'}" in out


def test_train_command_without_features_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from playgrounds.cli import main

    status = main(["train", "--lake", str(tmp_path), "--automl-budget", "0"])
    err = capsys.readouterr().err
    assert status == 1
    assert "features.json does not exist: run `playgrounds features` first" in err
    assert "Traceback" not in err
