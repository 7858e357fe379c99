"""The served model, loaded once per process, through the model artifact's own reader.

:mod:`playgrounds.ml.artifact` owns the ``model.tar.gz`` layout (``xgboost-model``
at the root, or ``model.joblib`` for an AutoML model of another family) and the
prediction rule (P(label = 1), columns in the registry's order); this module
adds what serving needs: a per-process cache, a feature count, one sentence
for an artifact that is missing or broken.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np
import xgboost as xgb

from playgrounds.errors import InputError
from playgrounds.ml.artifact import load_model
from playgrounds.ml.artifact import predict as predict_with_library_defaults

__all__ = ["cached_model", "feature_count", "load_served_model", "predict", "warm_up"]

_cache: dict[tuple[str, int], Any] = {}
_cache_lock = threading.Lock()


def load_served_model(artifact: Path) -> Any:
    """The model in ``artifact``; one sentence if it is missing or not a model."""
    if not artifact.is_file():
        raise InputError(f"model artifact {artifact} does not exist")
    try:
        model = load_model(artifact)
    except xgb.core.XGBoostError as error:
        first = next((line for line in str(error).splitlines() if line.strip()), "unreadable")
        raise InputError(
            f"model artifact {artifact} holds no readable XGBoost model ({first})"
        ) from None
    if isinstance(model, xgb.Booster):
        model.set_param({"nthread": 1})
    return model


def predict(model: Any, features: np.ndarray) -> np.ndarray:
    """P(label = 1) per row, as :func:`playgrounds.ml.artifact.predict`, on one thread.

    The parallelism of serving is across requests (and Spark's tasks); xgboost's
    OpenMP threads on top of that wait on each other: one row took 92 ms with all
    threads and 0.6 ms with one on a busy two-core machine (same scores, bit for bit).
    """
    if isinstance(model, xgb.Booster):
        matrix = xgb.DMatrix(features, feature_names=model.feature_names, nthread=1)
        return np.asarray(model.predict(matrix), dtype=np.float64)
    return predict_with_library_defaults(model, features)


def cached_model(artifact: Path) -> Any:
    """The model of ``artifact``, loaded once per process and again only when the file changes.

    Spark reuses its Python workers between tasks, so a query over many Arrow
    batches loads the model once per worker, not once per batch.
    """
    key = (str(artifact.resolve()), artifact.stat().st_mtime_ns)
    with _cache_lock:
        model = _cache.get(key)
        if model is None:
            model = load_served_model(artifact)
            for old in [old for old in _cache if old[0] == key[0]]:
                del _cache[old]
            _cache[key] = model
        return model


def feature_count(model: Any) -> int:
    """How many features a row must have."""
    if isinstance(model, xgb.Booster):
        return int(model.num_features())
    return int(getattr(model, "n_features_in_", 0))


def warm_up(model: Any) -> None:
    """One prediction, so the first request does not pay the library's first-call set-up."""
    predict(model, np.zeros((1, feature_count(model))))
