"""A tiny lake in the exact shape `playgrounds features` writes, for the training tests.

Each playground gets one row per AGI bracket (as the income join makes them):
the same label, features that differ only a little, so a random split sees
copies of a test playground in its training side and grouped folds do not.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from playgrounds.lake.layout import ML_FOLDER, PROCESSED_ZONE, TRAIN_FILE, TRAIN_TABLE

FEATURE_NAMES = [f"feature_{index}" for index in range(12)]


def synthetic_matrix(
    playgrounds: int = 150, brackets: int = 6, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X, y, groups): ``playgrounds`` x ``brackets`` rows, 12 features, a learnable label."""
    rng = np.random.default_rng(seed)
    per_playground = rng.normal(size=(playgrounds, len(FEATURE_NAMES)))
    label = (per_playground[:, 0] + rng.normal(scale=1.0, size=playgrounds) > 0).astype(int)
    rows = np.repeat(np.arange(playgrounds), brackets)
    matrix = per_playground[rows] + rng.normal(scale=0.05, size=(rows.size, len(FEATURE_NAMES)))
    return matrix, label[rows], np.array([f"P{index:03d}" for index in rows])


def write_training_lake(
    lake: Path, X: np.ndarray, y: np.ndarray, groups: np.ndarray, *, rows: int | None = None
) -> Path:
    """train.csv (label first, no header), features.json and groups.csv under ``lake``."""
    train = lake / PROCESSED_ZONE / TRAIN_TABLE / TRAIN_FILE
    train.parent.mkdir(parents=True, exist_ok=True)
    np.savetxt(train, np.column_stack([y, X]), delimiter=",", fmt="%.17g")
    ml = lake / ML_FOLDER
    ml.mkdir(parents=True, exist_ok=True)
    (ml / "groups.csv").write_text("group\n" + "".join(f"{g}\n" for g in groups))
    document = {
        "label": "Level_4",
        "label_column": "col0",
        "features": [
            {"name": name, "type": "double", "column": f"col{index + 1}"}
            for index, name in enumerate(FEATURE_NAMES[: X.shape[1]])
        ],
        "rows": len(y) if rows is None else rows,
        "groups_file": "groups.csv",
        "source": {"partition": "year=2019/month=7/day=4", "files": {"processed.parquet": "ab12"}},
    }
    (ml / "features.json").write_text(json.dumps(document))
    return lake
