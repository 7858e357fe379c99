"""model.tar.gz in the SageMaker XGBoost container's layout, the card, the registry entry."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import numpy as np
import pytest
import xgboost as xgb
from sklearn.linear_model import LogisticRegression

from playgrounds.errors import InputError
from playgrounds.ml.artifact import (
    ModelRecord,
    load_model,
    model_card_markdown,
    predict,
    sklearn_archive,
    write_model_folder,
    xgboost_archive,
)
from playgrounds.ml.train import train_booster
from tests.ml.training_lake import FEATURE_NAMES, synthetic_matrix


@pytest.fixture(scope="module")
def trained() -> tuple[xgb.Booster, np.ndarray, np.ndarray]:
    matrix, y, _ = synthetic_matrix(playgrounds=40)
    return train_booster(matrix, y, FEATURE_NAMES), matrix, y


def test_the_archive_holds_only_xgboost_model_at_its_root(
    trained: tuple[xgb.Booster, np.ndarray, np.ndarray], tmp_path: Path
) -> None:
    booster, matrix, _ = trained
    archive = tmp_path / "model.tar.gz"
    archive.write_bytes(xgboost_archive(booster))
    with tarfile.open(archive) as tar:
        assert tar.getnames() == ["xgboost-model"]
        content = tar.extractfile("xgboost-model")
        assert content is not None
        document = json.loads(content.read())
    # XGBoost's JSON model document, which the container's Booster.load_model reads.
    assert document["learner"]["feature_names"] == FEATURE_NAMES
    assert len(document["learner"]["gradient_booster"]["model"]["trees"]) == 100
    # The container's way: a file named xgboost-model, no extension, loaded by Booster.
    extracted = tmp_path / "xgboost-model"
    with tarfile.open(archive) as tar:
        tar.extractall(tmp_path, filter="data")
    container_booster = xgb.Booster()
    container_booster.load_model(str(extracted))
    unnamed = container_booster.predict(xgb.DMatrix(matrix), validate_features=False)
    assert np.array_equal(predict(load_model(archive), matrix), predict(booster, matrix))
    assert np.array_equal(unnamed.astype(np.float64), predict(booster, matrix))
    assert xgboost_archive(booster) == archive.read_bytes()  # no timestamps inside


def test_an_estimator_of_another_family_round_trips_as_joblib(tmp_path: Path) -> None:
    matrix, y, _ = synthetic_matrix(playgrounds=20)
    estimator = LogisticRegression().fit(matrix, y)
    archive = tmp_path / "model.tar.gz"
    archive.write_bytes(sklearn_archive(estimator))
    with tarfile.open(archive) as tar:
        assert tar.getnames() == ["model.joblib"]
    loaded = load_model(archive)
    assert np.array_equal(predict(loaded, matrix), estimator.predict_proba(matrix)[:, 1])


def test_a_broken_archive_is_one_sentence(tmp_path: Path) -> None:
    broken = tmp_path / "model.tar.gz"
    broken.write_bytes(b"not a tar")
    with pytest.raises(InputError, match=r"model.tar.gz is not a readable model.tar.gz"):
        load_model(broken)
    empty = tmp_path / "empty.tar.gz"
    with tarfile.open(empty, "w:gz") as tar:
        info = tarfile.TarInfo("README")
        tar.addfile(info, io.BytesIO(b""))
    with pytest.raises(InputError, match=r"holds neither xgboost-model nor model\.joblib"):
        load_model(empty)


def _evaluation() -> dict:
    metrics = {m: 0.5 for m in ("accuracy", "precision", "recall", "f1", "roc_auc", "log_loss")}
    return {
        "random_split": {"metrics": metrics, "baseline": metrics},
        "group_kfold": {
            "folds": 5,
            "metrics_mean": metrics,
            "metrics_std": metrics,
            "baseline_mean": metrics,
        },
        "feature_importance": {},
    }


def test_the_model_folder_is_replaced_whole(
    trained: tuple[xgb.Booster, np.ndarray, np.ndarray], tmp_path: Path
) -> None:
    booster, _, _ = trained
    record = ModelRecord(
        name="m1",
        learner="xgboost",
        archive=xgboost_archive(booster),
        feature_names=FEATURE_NAMES,
        feature_types=["double"] * 12,
        label="Level_4",
        hyperparameters={"max_depth": 5},
        evaluation=_evaluation(),
        data_version={"partition": "year=2019/month=7/day=4", "files": {"a": "ff"}, "rows": 9},
        created="2026-01-01T00:00:00+00:00",
        training_seconds=0.1,
        trained_on="this machine",
    )
    folder = write_model_folder(tmp_path, record)
    assert folder == tmp_path / "ml" / "models" / "m1"
    registry = json.loads((folder / "registry.json").read_text())
    assert registry == {
        "name": "m1",
        "artifact": "model.tar.gz",
        "flavor": "xgboost",
        "features": FEATURE_NAMES,
        "feature_types": ["double"] * 12,
        "label": "Level_4",
        "created": "2026-01-01T00:00:00+00:00",
    }
    card = json.loads((folder / "model_card.json").read_text())
    markdown = (folder / "model_card.md").read_text()
    assert markdown == model_card_markdown(card)
    assert (
        "SageMaker XGBoost container 3.0-5" in markdown
        and "| 12 | feature_11 | double |" in markdown
    )
    # A record that cannot be written (NaN is not JSON) leaves the old folder.
    bad = {**_evaluation(), "feature_importance": {"x": float("nan")}}
    with pytest.raises(ValueError):
        write_model_folder(tmp_path, ModelRecord(**{**record.__dict__, "evaluation": bad}))
    assert json.loads((folder / "registry.json").read_text()) == registry
    assert sorted(p.name for p in folder.parent.iterdir()) == ["m1"]
