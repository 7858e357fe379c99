"""How good the model is: the workshop's random split, and a split by playground.

The income join repeats a playground once per AGI bracket (up to six rows with
the same label and nearly the same features), so a random split puts copies
of one playground on both sides and measures recall of seen playgrounds. The
grouped folds keep each playground on one side, which is what a new
playground would meet. Both come with the majority-class baseline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    log_loss,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)
from sklearn.model_selection import StratifiedGroupKFold, train_test_split

from playgrounds.errors import InputError

METRIC_NAMES: tuple[str, ...] = ("accuracy", "precision", "recall", "f1", "roc_auc", "log_loss")
TEST_FRACTION = 0.2
DEFAULT_FOLDS = 5
THRESHOLD = 0.5
CALIBRATION_BINS = 10
# The seed of the random split, the grouped folds and the model (the notebook's 1729).
DEFAULT_SEED = 1729
# Curves are for plots: six decimals are finer than any figure's pixels.
_DIGITS = 6

# P(label = 1) for each row of a matrix.
Predictor = Callable[[np.ndarray], np.ndarray]
# Fits a model on (X, y) and returns its predictor.
Trainer = Callable[[np.ndarray, np.ndarray], Predictor]


def classification_metrics(y_true: np.ndarray, probability: np.ndarray) -> dict[str, float]:
    """The six metrics of a probability forecast, the class cut at 0.5."""
    predicted = (probability >= THRESHOLD).astype(np.int64)
    both_classes = np.unique(y_true).size == 2
    return {
        "accuracy": float(accuracy_score(y_true, predicted)),
        "precision": float(precision_score(y_true, predicted, zero_division=0)),
        "recall": float(recall_score(y_true, predicted, zero_division=0)),
        "f1": float(f1_score(y_true, predicted, zero_division=0)),
        # A fold holding one class has no ROC curve: NaN, left out of the mean.
        "roc_auc": float(roc_auc_score(y_true, probability)) if both_classes else float("nan"),
        "log_loss": float(log_loss(y_true, probability, labels=[0, 1])),
    }


def baseline_probability(y_train: np.ndarray, rows: int) -> np.ndarray:
    """The majority-class baseline: every row gets the training share of positives.

    Its class is the majority class, its ROC AUC 0.5 and its log loss the
    label's entropy: what a model must beat to have learned anything.
    """
    return np.full(rows, float(np.mean(y_train)))


def confusion(y_true: np.ndarray, probability: np.ndarray) -> list[list[int]]:
    """``[[tn, fp], [fn, tp]]`` at the 0.5 cut."""
    predicted = (probability >= THRESHOLD).astype(np.int64)
    return confusion_matrix(y_true, predicted, labels=[0, 1]).astype(int).tolist()


def _rounded(values: np.ndarray) -> list[float]:
    return [round(float(v), _DIGITS) for v in values]


def curves(y_true: np.ndarray, probability: np.ndarray) -> dict[str, Any]:
    """The ROC curve and the calibration curve (10 equal-width bins) of a forecast."""
    fpr, tpr, _ = roc_curve(y_true, probability)
    fraction_positive, mean_predicted = calibration_curve(
        y_true, probability, n_bins=CALIBRATION_BINS, strategy="uniform"
    )
    return {
        "roc_curve": {"fpr": _rounded(fpr), "tpr": _rounded(tpr)},
        "calibration": {
            "mean_predicted": _rounded(mean_predicted),
            "fraction_positive": _rounded(fraction_positive),
        },
    }


def random_split_evaluation(
    X: np.ndarray, y: np.ndarray, train: Trainer, *, seed: int = DEFAULT_SEED
) -> dict[str, Any]:
    """The workshop's evaluation: one seeded random 80/20 split of the rows."""
    train_rows, test_rows, y_train, y_test = train_test_split(
        X, y, test_size=TEST_FRACTION, random_state=seed
    )
    probability = train(train_rows, y_train)(test_rows)
    baseline = baseline_probability(y_train, len(y_test))
    return {
        "test_fraction": TEST_FRACTION,
        "test_rows": len(y_test),
        "metrics": classification_metrics(y_test, probability),
        "baseline": classification_metrics(y_test, baseline),
        "confusion_matrix": confusion(y_test, probability),
        **curves(y_test, probability),
    }


def group_folds(folds: int, seed: int = DEFAULT_SEED) -> StratifiedGroupKFold:
    """k folds that keep every group (playground) on one side, with similar label shares."""
    return StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)


def fold_indices(
    y: np.ndarray, groups: np.ndarray, folds: int, seed: int = DEFAULT_SEED
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The (train, test) row indices of each grouped fold; the same for the same seed."""
    if folds < 2:
        raise InputError(f"--folds is {folds}: group k-fold needs at least 2 folds")
    distinct = np.unique(groups).size
    if distinct < folds:
        raise InputError(
            f"groups.csv names {distinct} playgrounds: {folds}-fold needs at least {folds}"
        )
    splitter = group_folds(folds, seed)
    return list(splitter.split(np.zeros((len(y), 1)), y, groups))


def _mean_std(per_fold: list[dict[str, float]]) -> tuple[dict[str, float], dict[str, float]]:
    means = {name: float(np.nanmean([fold[name] for fold in per_fold])) for name in METRIC_NAMES}
    stds = {name: float(np.nanstd([fold[name] for fold in per_fold])) for name in METRIC_NAMES}
    return means, stds


def group_kfold_evaluation(
    X: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    train: Trainer,
    *,
    folds: int = DEFAULT_FOLDS,
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """The honest evaluation: k folds by playground, mean and std over the folds.

    The curves and the confusion matrix pool the out-of-fold predictions, so
    every row is predicted once by a model that never saw its playground.
    """
    out_of_fold = np.empty(len(y), dtype=np.float64)
    per_fold, per_fold_baseline = [], []
    for train_rows, test_rows in fold_indices(y, groups, folds, seed):
        probability = train(X[train_rows], y[train_rows])(X[test_rows])
        out_of_fold[test_rows] = probability
        baseline = baseline_probability(y[train_rows], len(test_rows))
        per_fold.append(classification_metrics(y[test_rows], probability))
        per_fold_baseline.append(classification_metrics(y[test_rows], baseline))
    metrics_mean, metrics_std = _mean_std(per_fold)
    baseline_mean, baseline_std = _mean_std(per_fold_baseline)
    return {
        "folds": folds,
        "groups": int(np.unique(groups).size),
        "metrics_mean": metrics_mean,
        "metrics_std": metrics_std,
        "baseline_mean": baseline_mean,
        "baseline_std": baseline_std,
        "per_fold": per_fold,
        "confusion_matrix": confusion(y, out_of_fold),
        **curves(y, out_of_fold),
    }
