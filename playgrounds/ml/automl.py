"""The local answer to SageMaker Autopilot: a time-budgeted FLAML search over model families.

Every trial is scored on the same grouped folds as the honest evaluation
(:func:`playgrounds.ml.evaluate.group_folds`, same seed), so the leaderboard
and the XGBoost evaluation can be read side by side.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.metrics import log_loss, roc_auc_score

from playgrounds.errors import InputError
from playgrounds.ml.evaluate import DEFAULT_FOLDS, DEFAULT_SEED, group_folds

# LightGBM, XGBoost, random forest, extra trees, L1 logistic regression.
AUTOML_LEARNERS: tuple[str, ...] = ("lgbm", "xgboost", "rf", "extra_tree", "lrl1")
DEFAULT_BUDGET_SECONDS = 60.0
# FLAML checks its clock between trials, and the last trial may end after
# the budget; it gets this share of the budget, less the time its import took
# (about 1 s), so that the whole search stays inside budget + 10 %.
_SEARCH_SHARE = 0.85
_MIN_SEARCH_SECONDS = 0.5


@dataclass(frozen=True)
class LeaderboardRow:
    """The best configuration one model family reached, scored on the grouped folds."""

    rank: int
    learner: str
    config: dict[str, Any]
    roc_auc_mean: float
    roc_auc_std: float
    log_loss_mean: float
    seconds: float
    trials: int

    def as_json(self) -> dict[str, Any]:
        """The row as leaderboard.json stores it."""
        return {
            "rank": self.rank,
            "learner": self.learner,
            "config": self.config,
            "roc_auc_mean": self.roc_auc_mean,
            "roc_auc_std": self.roc_auc_std,
            "log_loss_mean": self.log_loss_mean,
            "seconds": self.seconds,
            "trials": self.trials,
        }


@dataclass
class Leaderboard:
    """The search's result: one row per family, best first, and the winner refitted on all rows."""

    budget_seconds: float
    wall_seconds: float
    folds: int
    rows: list[LeaderboardRow]
    best_model: Any = field(default=None, repr=False)

    def as_json(self) -> dict[str, Any]:
        """leaderboard.json."""
        return {
            "budget_seconds": self.budget_seconds,
            "wall_seconds": round(self.wall_seconds, 3),
            "folds": self.folds,
            "metric": "roc_auc on grouped folds (by playground)",
            "rows": [row.as_json() for row in self.rows],
        }


def grouped_fold_metric(
    X_val: Any,
    y_val: Any,
    estimator: Any,
    labels: Any,
    X_train: Any,
    y_train: Any,
    *args: Any,
    **kwargs: Any,
) -> tuple[float, dict[str, float]]:
    """FLAML's custom metric: 1 - ROC AUC to minimise; ROC AUC and log loss to log."""
    probability = estimator.predict_proba(X_val)[:, 1]
    auc = float(roc_auc_score(y_val, probability))
    loss = float(log_loss(y_val, probability, labels=[0, 1]))
    return 1.0 - auc, {"roc_auc": auc, "log_loss": loss}


def fold_mean_and_std(
    val_loss_folds: Sequence[float], metrics_folds: Sequence[dict[str, float]]
) -> tuple[float, dict[str, float]]:
    """FLAML's fold aggregation, keeping the spread over folds beside the mean."""
    logged: dict[str, float] = {}
    for name in ("roc_auc", "log_loss"):
        values = np.array([fold[name] for fold in metrics_folds], dtype=np.float64)
        logged[f"{name}_mean"] = float(values.mean())
        logged[f"{name}_std"] = float(values.std())
    return float(np.mean(val_loss_folds)), logged


def _family_results(automl: Any) -> list[tuple[str, dict[str, Any], dict[str, float], float, int]]:
    """Per learner: (name, best config, its fold metrics, seconds spent, trials), best first.

    FLAML's trial log keeps only the trials that beat the overall best, so a
    family that never led would be missing; its per-learner search states
    (``_search_states``, FLAML 2.x) hold every family's best.
    """
    results = []
    for learner, state in automl._search_states.items():
        if state.best_config is None or not np.isfinite(state.best_loss):
            continue  # no trial of this family finished inside the budget
        logged = (state.best_result or {}).get("metric_for_logging") or {}
        results.append(
            (learner, state.best_config, logged, float(state.total_time_used), state.total_iter)
        )
    return sorted(results, key=lambda result: -float(result[2].get("roc_auc_mean", 0.0)))


def _plain(config: dict[str, Any]) -> dict[str, Any]:
    # JSON-ready: numpy numbers to Python numbers.
    return {key: value.item() if hasattr(value, "item") else value for key, value in config.items()}


def run_automl(
    X: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    *,
    budget_seconds: float = DEFAULT_BUDGET_SECONDS,
    folds: int = DEFAULT_FOLDS,
    seed: int = DEFAULT_SEED,
    learners: Sequence[str] = AUTOML_LEARNERS,
    refit_best: bool = False,
) -> Leaderboard:
    """Search model families and settings for ``budget_seconds`` on the grouped folds.

    ``refit_best`` refits the winner on every row (inside the budget) so it can be served.
    """
    if budget_seconds <= 0:
        raise InputError(f"the AutoML budget is {budget_seconds} s: give a positive number")
    started = time.perf_counter()
    from flaml import AutoML  # imported here: FLAML and LightGBM take a second to load

    # FLAML logs every trial at INFO; the command line shows progress itself.
    logging.getLogger("flaml.automl.logger").setLevel(logging.WARNING)
    automl = AutoML()
    automl.fit(
        X,
        y,
        task="classification",
        metric=grouped_fold_metric,
        cv_score_agg_func=fold_mean_and_std,
        estimator_list=list(learners),
        time_budget=max(
            budget_seconds * _SEARCH_SHARE - (time.perf_counter() - started),
            _MIN_SEARCH_SECONDS,
        ),
        eval_method="cv",
        split_type=group_folds(folds, seed),
        groups=groups,
        n_splits=folds,
        seed=seed,
        n_jobs=1,
        sample=False,
        retrain_full="budget" if refit_best else False,
        verbose=0,
    )
    rows = []
    for rank, (learner, config, logged, seconds, trials) in enumerate(
        _family_results(automl), start=1
    ):
        rows.append(
            LeaderboardRow(
                rank=rank,
                learner=learner,
                config=_plain(config),
                roc_auc_mean=float(logged["roc_auc_mean"]),
                roc_auc_std=float(logged["roc_auc_std"]),
                log_loss_mean=float(logged["log_loss_mean"]),
                seconds=round(seconds, 3),
                trials=trials,
            )
        )
    if not rows:
        raise InputError(
            f"the AutoML search finished no trial in {budget_seconds} s: give a larger budget"
        )
    best_model = getattr(automl.model, "estimator", None) if refit_best else None
    return Leaderboard(
        budget_seconds=float(budget_seconds),
        wall_seconds=time.perf_counter() - started,
        folds=folds,
        rows=rows,
        best_model=best_model,
    )


def is_finite_row(row: LeaderboardRow) -> bool:
    """True when the row's scores are numbers (a family that failed every fold has NaN)."""
    return all(math.isfinite(v) for v in (row.roc_auc_mean, row.roc_auc_std, row.log_loss_mean))
