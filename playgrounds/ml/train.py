"""The train step: the workshop's XGBoost, both evaluations, AutoML, the served model.

The booster is seeded and single-threaded, so the same data gives the same
model byte for byte; it is evaluated twice (the workshop's random split and
grouped folds by playground), AutoML searches other families on the same
folds, and the model folder is written whole (:mod:`playgrounds.ml.artifact`).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import xgboost as xgb

from playgrounds.errors import InputError
from playgrounds.ml.artifact import (
    DEFAULT_MODEL_NAME,
    ModelRecord,
    model_folder,
    predict,
    sklearn_archive,
    write_model_folder,
    xgboost_archive,
)
from playgrounds.ml.automl import DEFAULT_BUDGET_SECONDS, Leaderboard, run_automl
from playgrounds.ml.dataset import TrainingData, data_version, load_training_data, train_csv_path
from playgrounds.ml.evaluate import (
    DEFAULT_FOLDS,
    DEFAULT_SEED,
    Predictor,
    Trainer,
    group_kfold_evaluation,
    random_split_evaluation,
)

# The workshop notebook's `xgb.set_hyperparameters(...)`, unchanged.
WORKSHOP_HYPERPARAMETERS: dict[str, Any] = {
    "max_depth": 5,
    "eta": 0.2,
    "gamma": 4,
    "min_child_weight": 6,
    "subsample": 0.8,
    "objective": "binary:logistic",
}
NUM_ROUND = 100
# A fixed thread count, so a run does not depend on the machine's cores; one is
# enough (4.6k rows x 100 rounds train in ~0.2 s).
TRAINING_THREADS = 1


def training_parameters(seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """The booster parameters: the workshop's, plus what makes a run reproducible."""
    # "hist" is what SageMaker's container picks for "auto" since XGBoost 2.0.
    return {
        **WORKSHOP_HYPERPARAMETERS,
        "tree_method": "hist",
        "seed": seed,
        "nthread": TRAINING_THREADS,
        "eval_metric": "logloss",
    }


def training_matrix(
    X: np.ndarray, y: np.ndarray | None = None, feature_names: Sequence[str] | None = None
) -> xgb.DMatrix:
    """An XGBoost matrix whose columns carry the feature names (so the saved model does too)."""
    return xgb.DMatrix(
        X,
        label=y,
        feature_names=list(feature_names) if feature_names is not None else None,
        nthread=TRAINING_THREADS,
    )


def train_booster(
    X: np.ndarray,
    y: np.ndarray,
    feature_names: Sequence[str],
    *,
    seed: int = DEFAULT_SEED,
    num_round: int = NUM_ROUND,
) -> xgb.Booster:
    """Train the workshop's model on ``X``, ``y``."""
    return xgb.train(
        training_parameters(seed),
        training_matrix(X, y, feature_names),
        num_boost_round=num_round,
    )


def workshop_trainer(feature_names: Sequence[str], seed: int = DEFAULT_SEED) -> Trainer:
    """Fit the workshop's XGBoost on one training side; its predictor for the other."""

    def train(X: np.ndarray, y: np.ndarray) -> Predictor:
        booster = train_booster(X, y, feature_names, seed=seed)
        return lambda rows: predict(booster, rows)

    return train


def feature_importance(booster: xgb.Booster, feature_names: Sequence[str]) -> dict[str, float]:
    """Average gain per split of each feature, in the matrix's order (0 for unused ones)."""
    gains = booster.get_score(importance_type="gain")
    # One number per feature for a tree model (lists are for multi-output models).
    return {name: round(float(np.mean(gains.get(name, 0.0))), 6) for name in feature_names}


def evaluate_workshop_model(
    data: TrainingData, booster: xgb.Booster, *, folds: int, seed: int
) -> dict[str, Any]:
    """evaluation.json: the random split, the grouped folds, the served booster's importance."""
    train = workshop_trainer(data.feature_names, seed)
    return {
        "random_split": random_split_evaluation(data.X, data.y, train, seed=seed),
        "group_kfold": group_kfold_evaluation(
            data.X, data.y, data.groups, train, folds=folds, seed=seed
        ),
        "feature_importance": feature_importance(booster, data.feature_names),
    }


@dataclass(frozen=True)
class TrainingResult:
    """What ``playgrounds train`` did: shapes, times, both evaluations, the leaderboard, paths."""

    folder: Path
    rows: int
    features: int
    training_seconds: float
    trained_on: str
    served_learner: str
    evaluation: dict[str, Any]
    leaderboard: Leaderboard | None


def _train_served_booster(
    lake: Path, data: TrainingData, seed: int, spark_master: str | None, spark_workers: int
) -> tuple[xgb.Booster, str]:
    if spark_master is None:
        return train_booster(data.X, data.y, data.feature_names, seed=seed), "this machine"
    from playgrounds.ml.distributed import train_on_spark
    from playgrounds.spark import spark_session

    spark = spark_session("playgrounds-train", master=spark_master)
    booster = train_on_spark(
        spark,
        train_csv_path(lake).resolve().as_uri(),
        data.feature_names,
        training_parameters(seed),
        NUM_ROUND,
        num_workers=spark_workers,
    )
    return booster, f"Spark {spark_master} ({spark_workers} xgboost.spark workers)"


def _served_archive(
    booster: xgb.Booster, leaderboard: Leaderboard | None, serve_best: bool, names: list[str]
) -> tuple[bytes, str]:
    if not serve_best:
        return xgboost_archive(booster), "xgboost"
    if leaderboard is None:
        raise InputError("--serve-best needs the AutoML search: give --automl-budget above 0")
    if leaderboard.best_model is None:
        raise InputError(
            f"the AutoML budget ({leaderboard.budget_seconds:g} s) ran out before its winner "
            "was refitted on every row: give a larger --automl-budget"
        )
    best, learner = leaderboard.best_model, leaderboard.rows[0].learner
    if isinstance(best, xgb.XGBModel):
        best_booster = best.get_booster()
        best_booster.feature_names = names
        return xgboost_archive(best_booster), "xgboost"
    return sklearn_archive(best), learner


def run_training(
    lake: Path,
    *,
    name: str = DEFAULT_MODEL_NAME,
    automl_budget: float = DEFAULT_BUDGET_SECONDS,
    folds: int = DEFAULT_FOLDS,
    seed: int = DEFAULT_SEED,
    spark_master: str | None = None,
    spark_workers: int = 2,
    serve_best: bool = False,
    progress: Callable[[str], None] = lambda stage: None,
) -> TrainingResult:
    """Train, evaluate and publish ``<lake>/ml/models/<name>/`` from the feature step's outputs."""
    model_folder(lake, name)  # a bad name fails before any work
    if automl_budget < 0:
        raise InputError(f"--automl-budget is {automl_budget}: give seconds, or 0 to skip AutoML")
    if serve_best and automl_budget == 0:
        raise InputError("--serve-best needs the AutoML search: give --automl-budget above 0")
    data = load_training_data(lake)
    progress(f"Loaded the matrix: {data.X.shape[0]} rows x {data.X.shape[1]} features")
    started = time.perf_counter()
    booster, trained_on = _train_served_booster(lake, data, seed, spark_master, spark_workers)
    training_seconds = time.perf_counter() - started
    progress(f"Trained XGBoost on {trained_on} in {training_seconds:.2f} s")
    progress(f"Evaluating: random 80/20 split and {folds}-fold by playground")
    evaluation = evaluate_workshop_model(data, booster, folds=folds, seed=seed)
    leaderboard = None
    if automl_budget > 0:
        progress(f"AutoML: searching model families for {automl_budget:g} s")
        leaderboard = run_automl(
            data.X,
            data.y,
            data.groups,
            budget_seconds=automl_budget,
            folds=folds,
            seed=seed,
            refit_best=serve_best,
        )
    archive, learner = _served_archive(booster, leaderboard, serve_best, data.feature_names)
    record = ModelRecord(
        name=name,
        learner=learner,
        archive=archive,
        feature_names=data.feature_names,
        feature_types=data.feature_types,
        label=str(data.features_doc.get("label", "label")),
        hyperparameters=(
            {**training_parameters(seed), "num_round": NUM_ROUND}
            if not serve_best
            else {"automl_config": leaderboard.rows[0].config if leaderboard else {}}
        ),
        evaluation=evaluation,
        data_version=data_version(data.features_doc),
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        training_seconds=training_seconds,
        trained_on=trained_on,
        leaderboard=leaderboard.as_json() if leaderboard else None,
    )
    folder = write_model_folder(lake, record)
    return TrainingResult(
        folder=folder,
        rows=int(data.X.shape[0]),
        features=int(data.X.shape[1]),
        training_seconds=training_seconds,
        trained_on=trained_on,
        served_learner=learner,
        evaluation=evaluation,
        leaderboard=leaderboard,
    )
