"""The workshop's XGBoost trained through ``xgboost.spark`` on a Spark cluster the user names.

For a matrix that no longer fits one machine (the workshop's 4.6k rows train
in a fraction of a second locally, where a Spark start costs ~11 s): Spark
reads ``train.csv`` in parallel, each of ``num_workers`` barrier tasks holds a
slice of the rows, and XGBoost's Rabit all-reduce sums their histograms, so
every worker grows the same trees. The result is an ordinary booster, saved
in the same ``model.tar.gz``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import xgboost as xgb

from playgrounds.errors import InputError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

LABEL_COLUMN = "col0"
# xgboost.spark logs its parameters and each stage at INFO on the driver; the
# command line shows its own progress. Set before its first use, which keeps a set level.
_XGBOOST_SPARK_LOGGER = "XGBoost-PySpark"
FEATURES_VECTOR = "features"
# The notebook's (SageMaker) parameter names -> the scikit-learn names xgboost.spark takes.
_SPARK_NAMES = {"eta": "learning_rate", "seed": "random_state"}
# Set by Spark for each task (spark.task.cpus), not by the caller.
_NOT_FOR_SPARK = {"nthread", "objective"}


def spark_parameters(params: Mapping[str, Any], num_round: int) -> dict[str, Any]:
    """``SparkXGBClassifier`` keyword arguments for the booster parameters ``params``."""
    translated = {
        _SPARK_NAMES.get(key, key): value
        for key, value in params.items()
        if key not in _NOT_FOR_SPARK
    }
    return {**translated, "n_estimators": num_round}


def read_training_matrix(spark: SparkSession, train_csv: str, columns: int) -> DataFrame:
    """train.csv (label first, no header) as doubles ``col0 ... colN``, as Glue names them."""
    schema = ", ".join(f"col{index} double" for index in range(columns))
    return spark.read.csv(train_csv, schema=schema, header=False, mode="FAILFAST")


def train_on_spark(
    spark: SparkSession,
    train_csv: str,
    feature_names: Sequence[str],
    params: Mapping[str, Any],
    num_round: int,
    *,
    num_workers: int,
) -> xgb.Booster:
    """Train ``params`` for ``num_round`` rounds on ``num_workers`` Spark tasks; the booster."""
    from pyspark.ml.feature import VectorAssembler
    from xgboost.spark import SparkXGBClassifier

    if num_workers < 1:
        raise InputError(f"num_workers is {num_workers}: give at least 1")
    logging.getLogger(_XGBOOST_SPARK_LOGGER).setLevel(logging.WARNING)
    matrix = read_training_matrix(spark, train_csv, 1 + len(feature_names))
    inputs = [f"col{index}" for index in range(1, 1 + len(feature_names))]
    assembled = VectorAssembler(
        inputCols=inputs, outputCol=FEATURES_VECTOR, handleInvalid="error"
    ).transform(matrix)
    classifier = SparkXGBClassifier(
        features_col=FEATURES_VECTOR,
        label_col=LABEL_COLUMN,
        num_workers=num_workers,
        **spark_parameters(params, num_round),
    )
    booster = classifier.fit(assembled.select(LABEL_COLUMN, FEATURES_VECTOR)).get_booster()
    # The vector column has no names; the saved model should carry the matrix's.
    booster.feature_names = list(feature_names)
    return booster
