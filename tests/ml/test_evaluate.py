"""Metrics, the majority-class baseline, and the two evaluations."""

from __future__ import annotations

import numpy as np
import pytest

from playgrounds.ml.evaluate import (
    baseline_probability,
    classification_metrics,
    confusion,
    fold_indices,
    group_kfold_evaluation,
    random_split_evaluation,
)
from playgrounds.ml.train import workshop_trainer
from tests.ml.training_lake import FEATURE_NAMES, synthetic_matrix


def test_metrics_of_a_known_forecast() -> None:
    y = np.array([0, 0, 1, 1])
    probability = np.array([0.1, 0.6, 0.4, 0.9])
    metrics = classification_metrics(y, probability)
    assert metrics["accuracy"] == 0.5
    assert metrics["precision"] == 0.5 and metrics["recall"] == 0.5 and metrics["f1"] == 0.5
    assert metrics["roc_auc"] == 0.75
    expected_loss = -np.mean(np.log([0.9, 0.4, 0.4, 0.9]))
    assert metrics["log_loss"] == pytest.approx(expected_loss)
    assert confusion(y, probability) == [[1, 1], [1, 1]]


def test_the_baseline_predicts_the_training_share_of_positives() -> None:
    baseline = baseline_probability(np.array([1, 1, 1, 0]), 3)
    assert baseline.tolist() == [0.75, 0.75, 0.75]
    metrics = classification_metrics(np.array([1, 0, 1]), baseline)
    assert metrics["accuracy"] == pytest.approx(2 / 3) and metrics["recall"] == 1.0
    assert metrics["roc_auc"] == 0.5


def test_grouped_folds_never_split_a_playground() -> None:
    _, y, groups = synthetic_matrix(playgrounds=40)
    folds = fold_indices(y, groups, 4, seed=1)
    assert len(folds) == 4
    tested = np.concatenate([test for _, test in folds])
    assert np.sort(tested).tolist() == list(range(len(y)))  # every row tested once
    for train, test in folds:
        assert not set(groups[train]) & set(groups[test])
    assert [t.tolist() for _, t in fold_indices(y, groups, 4, seed=1)] == [
        t.tolist() for _, t in folds
    ]


def test_a_random_split_flatters_the_model_when_playgrounds_repeat() -> None:
    # Six near-copies of each playground: a random split tests on rows whose
    # copies were trained on; grouped folds test on unseen playgrounds only.
    matrix, y, groups = synthetic_matrix(playgrounds=150, seed=0)
    train = workshop_trainer(FEATURE_NAMES, seed=5)
    random_split = random_split_evaluation(matrix, y, train, seed=5)
    grouped = group_kfold_evaluation(matrix, y, groups, train, folds=5, seed=5)
    assert random_split["test_rows"] == 180
    assert random_split["metrics"]["roc_auc"] > 0.97
    assert grouped["metrics_mean"]["roc_auc"] < random_split["metrics"]["roc_auc"] - 0.1
    # Both beat the baseline, which knows only the share of positives.
    assert grouped["metrics_mean"]["roc_auc"] > grouped["baseline_mean"]["roc_auc"] == 0.5
    assert grouped["metrics_mean"]["log_loss"] < grouped["baseline_mean"]["log_loss"]
    # Pooled out-of-fold: every row counted once in the confusion matrix.
    assert sum(map(sum, grouped["confusion_matrix"])) == len(y)
    assert len(grouped["per_fold"]) == 5
    curve = grouped["roc_curve"]
    assert curve["fpr"][0] == 0.0 and curve["tpr"][-1] == 1.0
    calibration = grouped["calibration"]
    assert len(calibration["mean_predicted"]) == len(calibration["fraction_positive"]) > 1
