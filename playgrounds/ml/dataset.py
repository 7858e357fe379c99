"""The training matrix the feature step wrote, loaded and checked for training.

``playgrounds features`` writes three files: ``processed/train/train.csv``
(label first, then the features, no header: the workshop's layout, which Glue's
CSV classifier crawls into ``col0 ... colN``), ``ml/features.json`` (names,
types and order of those columns, and the data version) and ``ml/groups.csv``
(the playground of each row, the key of the honest evaluation). Training reads
them here and nowhere else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from playgrounds.errors import InputError
from playgrounds.lake.layout import ML_FOLDER, PROCESSED_ZONE, TRAIN_FILE, TRAIN_TABLE
from playgrounds.ml.features import FEATURES_FILE, GROUPS_FILE

GROUPS_COLUMN = "group"
RUN_FEATURES_FIRST = "run `playgrounds features` first"


@dataclass(frozen=True)
class TrainingData:
    """The matrix, its label, the group (playground) of each row, and what the columns are."""

    X: np.ndarray
    y: np.ndarray
    groups: np.ndarray
    feature_names: list[str]
    features_doc: dict[str, Any]

    @property
    def feature_types(self) -> list[str]:
        """The feature types in order (``double`` or ``bigint``), as features.json gives them."""
        return [str(feature.get("type", "double")) for feature in self.features_doc["features"]]


def train_csv_path(lake: Path) -> Path:
    """``<lake>/processed/train/train.csv``: the workshop's training matrix."""
    return lake / PROCESSED_ZONE / TRAIN_TABLE / TRAIN_FILE


def features_path(lake: Path) -> Path:
    """``<lake>/ml/features.json``: the feature list beside the matrix."""
    return lake / ML_FOLDER / FEATURES_FILE


def _require(path: Path) -> Path:
    if not path.is_file():
        raise InputError(f"{path} does not exist: {RUN_FEATURES_FIRST}")
    return path


def read_features_doc(lake: Path) -> dict[str, Any]:
    """features.json, checked for the keys training needs."""
    path = _require(features_path(lake))
    try:
        doc = json.loads(path.read_text())
    except json.JSONDecodeError as bad:
        raise InputError(f"{path} is not valid JSON ({bad.msg} at line {bad.lineno})") from bad
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list) or not features:
        raise InputError(f"{path} lacks a non-empty 'features' list: {RUN_FEATURES_FIRST}")
    if any(not isinstance(f, dict) or not f.get("name") for f in features):
        raise InputError(f"{path}: every entry of 'features' needs a 'name'")
    return doc


def _read_matrix(path: Path, width: int) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, header=None)
    except pd.errors.EmptyDataError as empty:
        raise InputError(f"{path} is empty: {RUN_FEATURES_FIRST}") from empty
    if frame.shape[1] != width:
        raise InputError(
            f"{path} has {frame.shape[1]} columns, expected {width} "
            f"(the label and the features listed in {FEATURES_FILE})"
        )
    for index, column in enumerate(frame.columns):
        if not pd.api.types.is_numeric_dtype(frame[column]):
            numbers = pd.to_numeric(frame[column], errors="coerce")
            bad = int(numbers.isna().sum() - frame[column].isna().sum())
            raise InputError(f"{path} column col{index} holds {bad} values that are not numbers")
    return frame


def _check_finite(path: Path, matrix: np.ndarray, names: list[str]) -> None:
    not_finite = ~np.isfinite(matrix)
    for index in np.flatnonzero(not_finite.any(axis=0)):
        count = int(not_finite[:, index].sum())
        raise InputError(
            f"{path} column col{index} ({names[index]}) holds {count} NaN or infinite values"
        )


def _check_label(path: Path, label: np.ndarray, name: str) -> np.ndarray:
    outside = ~np.isin(label, (0, 1))
    if outside.any():
        raise InputError(
            f"{path} column col0 ({name}) holds {int(outside.sum())} values other than 0 and 1"
        )
    classes = np.unique(label)
    if classes.size < 2:
        raise InputError(
            f"{path} column col0 ({name}) holds a single class ({int(classes[0])}) in "
            f"{label.size} rows: a classifier needs both 0 and 1"
        )
    return label.astype(np.int64)


def _read_groups(lake: Path, rows: int, doc: dict[str, Any]) -> np.ndarray:
    path = _require(lake / ML_FOLDER / str(doc.get("groups_file") or GROUPS_FILE))
    groups = pd.read_csv(path, dtype=str, keep_default_na=False)
    if GROUPS_COLUMN not in groups.columns:
        raise InputError(f"{path} lacks the header '{GROUPS_COLUMN}'")
    if len(groups) != rows:
        raise InputError(
            f"{path} has {len(groups)} rows but {TRAIN_FILE} has {rows}: "
            f"{RUN_FEATURES_FIRST} again so both come from the same run"
        )
    return groups[GROUPS_COLUMN].to_numpy()


def load_training_data(lake: Path) -> TrainingData:
    """Read and check the feature step's outputs under the lake root ``lake``."""
    doc = read_features_doc(lake)
    names = [str(feature["name"]) for feature in doc["features"]]
    label_name = str(doc.get("label", "label"))
    csv_path = _require(train_csv_path(lake))
    frame = _read_matrix(csv_path, 1 + len(names))
    expected_rows = doc.get("rows")
    if expected_rows is not None and int(expected_rows) != len(frame):
        raise InputError(
            f"{csv_path} has {len(frame)} rows but {FEATURES_FILE} says {expected_rows}: "
            f"{RUN_FEATURES_FIRST} again"
        )
    if frame.empty:
        raise InputError(f"{csv_path} has no rows: {RUN_FEATURES_FIRST}")
    matrix = frame.to_numpy(dtype=np.float64)
    _check_finite(csv_path, matrix, [label_name, *names])
    label = _check_label(csv_path, matrix[:, 0], label_name)
    groups = _read_groups(lake, len(frame), doc)
    return TrainingData(
        X=matrix[:, 1:], y=label, groups=groups, feature_names=names, features_doc=doc
    )


def data_version(doc: dict[str, Any]) -> dict[str, Any]:
    """What data a model was trained on: the processed partition and the input checksums."""
    source = doc.get("source") or {}
    return {
        "partition": source.get("partition"),
        "files": dict(source.get("files") or {}),
        "rows": doc.get("rows"),
    }
