"""The AutoML leaderboard: several families, the grouped folds, the time budget."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

# Loaded before the clock starts: its one-off import (1 s on an idle machine,
# far more on a busy one) is process set-up, not search time.
pytest.importorskip("flaml.automl")

from playgrounds.errors import InputError
from playgrounds.ml.artifact import load_model, predict
from playgrounds.ml.automl import fold_mean_and_std, run_automl
from playgrounds.ml.train import run_training
from tests.ml.training_lake import synthetic_matrix, write_training_lake


def test_fold_aggregation_keeps_mean_and_spread() -> None:
    loss, logged = fold_mean_and_std(
        [0.2, 0.4], [{"roc_auc": 0.8, "log_loss": 0.5}, {"roc_auc": 0.6, "log_loss": 0.7}]
    )
    assert loss == pytest.approx(0.3)
    assert logged["roc_auc_mean"] == pytest.approx(0.7)
    assert logged["roc_auc_std"] == pytest.approx(0.1)
    assert logged["log_loss_mean"] == pytest.approx(0.6)


def test_a_budget_of_zero_or_less_is_refused() -> None:
    matrix, y, groups = synthetic_matrix(playgrounds=10)
    with pytest.raises(InputError, match="give a positive number"):
        run_automl(matrix, y, groups, budget_seconds=0)


@pytest.mark.slow
def test_leaderboard_ranks_families_within_the_budget() -> None:
    matrix, y, groups = synthetic_matrix(playgrounds=60)
    board = run_automl(matrix, y, groups, budget_seconds=5, folds=3, seed=2, refit_best=True)
    assert board.wall_seconds <= 5 * 1.1
    learners = [row.learner for row in board.rows]
    assert len(learners) >= 3 and len(set(learners)) == len(learners)
    assert [row.rank for row in board.rows] == list(range(1, len(learners) + 1))
    aucs = [row.roc_auc_mean for row in board.rows]
    assert aucs == sorted(aucs, reverse=True)
    assert all(0.5 < auc <= 1 and not math.isnan(auc) for auc in aucs[:1])
    assert all(row.roc_auc_std >= 0 and row.log_loss_mean > 0 for row in board.rows)
    assert board.best_model is not None
    probability = board.best_model.predict_proba(matrix)[:, 1]
    assert probability.shape == (len(y),)
    document = board.as_json()
    assert document["budget_seconds"] == 5 and set(document["rows"][0]) >= {
        "rank",
        "learner",
        "config",
        "roc_auc_mean",
        "roc_auc_std",
        "log_loss_mean",
        "seconds",
    }


@pytest.mark.slow
def test_serve_best_publishes_the_leaderboard_winner(tmp_path: Path) -> None:
    matrix, y, groups = synthetic_matrix(playgrounds=50)
    lake = write_training_lake(tmp_path, matrix, y, groups)
    result = run_training(lake, automl_budget=3, folds=3, serve_best=True)
    assert result.leaderboard is not None
    winner = result.leaderboard.rows[0].learner
    assert result.served_learner in (winner, "xgboost")
    assert (result.folder / "leaderboard.json").is_file()
    served = load_model(result.folder / "model.tar.gz")
    probability = predict(served, matrix)
    expected = result.leaderboard.best_model.predict_proba(matrix)[:, 1]
    assert np.allclose(probability, expected)
