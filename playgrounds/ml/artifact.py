"""The served model: a SageMaker-loadable ``model.tar.gz``, a model card, a registry entry.

``<lake>/ml/models/<name>/`` is the local model registry; one folder per model
name, replaced as a whole (a failed training leaves the previous model as it
was), holding:

* ``model.tar.gz``: the booster as the single file ``xgboost-model`` at the
  archive's root, in XGBoost's JSON model format. The container
  (aws/sagemaker-xgboost-container, ``serve_utils.get_loaded_booster``) loads
  *every* file of the model folder, trying pickle first and then
  ``Booster.load_model``, whose format detection reads JSON whatever the file
  name; so nothing else may go into the archive. A best AutoML model of
  another family is stored as ``model.joblib`` instead (the scikit-learn
  layout), which only :func:`load_model` here reads;
* ``model_card.json`` and ``model_card.md``; ``evaluation.json``;
  ``leaderboard.json`` when AutoML ran; ``registry.json`` (what a SQL
  ``predict`` needs to find the model and order its inputs).
"""

from __future__ import annotations

import gzip
import io
import json
import platform
import re
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import xgboost as xgb

from playgrounds.errors import InputError
from playgrounds.lake.atomic import replace_folder_atomically
from playgrounds.lake.layout import ML_FOLDER

MODELS_FOLDER = "models"
DEFAULT_MODEL_NAME = "playgrounds-xgboost"
ARTIFACT_FILE = "model.tar.gz"
XGBOOST_MODEL_FILE = "xgboost-model"
SKLEARN_MODEL_FILE = "model.joblib"
REGISTRY_FILE = "registry.json"
EVALUATION_FILE = "evaluation.json"
LEADERBOARD_FILE = "leaderboard.json"
CARD_JSON_FILE = "model_card.json"
CARD_MARKDOWN_FILE = "model_card.md"
# The newest SageMaker XGBoost image (docker/3.0-5 of aws/sagemaker-xgboost-container
# installs xgboost==3.0.5). XGBoost reads JSON models written by older releases,
# so the 2.1/3.x models trained here load there.
SAGEMAKER_CONTAINER = {
    "image": "sagemaker-xgboost",
    "framework_version": "3.0-5",
    "xgboost": "3.0.5",
    "model_file": XGBOOST_MODEL_FILE,
    "format": "XGBoost JSON model",
}
# A model folder name is one path segment a SQL predict(...) can name.
_MODEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
# Fixed archive metadata, so that the same model gives the same archive bytes.
_ARCHIVE_MTIME = 0


def models_root(lake: Path) -> Path:
    """``<lake>/ml/models``: the local model registry."""
    return lake / ML_FOLDER / MODELS_FOLDER


def model_folder(lake: Path, name: str) -> Path:
    """``<lake>/ml/models/<name>``, after checking that ``name`` is one plain folder name."""
    if not _MODEL_NAME.match(name):
        raise InputError(
            f"model name {name!r} must be letters, digits, '.', '_' or '-' (one folder name)"
        )
    return models_root(lake) / name


def _archive(file_name: str, content: bytes) -> bytes:
    """A gzip tar holding one file at its root, byte-identical for identical content."""
    buffer = io.BytesIO()
    with (
        gzip.GzipFile(fileobj=buffer, mode="wb", mtime=_ARCHIVE_MTIME) as zipped,
        tarfile.open(fileobj=zipped, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        info = tarfile.TarInfo(file_name)
        info.size = len(content)
        info.mtime = _ARCHIVE_MTIME
        info.mode = 0o644
        tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def model_bytes(booster: xgb.Booster) -> bytes:
    """The booster as XGBoost's JSON model document (what ``xgboost-model`` holds)."""
    return bytes(booster.save_raw(raw_format="json"))


def xgboost_archive(booster: xgb.Booster) -> bytes:
    """``model.tar.gz`` for SageMaker's XGBoost container: ``xgboost-model`` at the root."""
    return _archive(XGBOOST_MODEL_FILE, model_bytes(booster))


def sklearn_archive(estimator: Any) -> bytes:
    """``model.tar.gz`` holding a scikit-learn style estimator as ``model.joblib``."""
    import joblib

    buffer = io.BytesIO()
    joblib.dump(estimator, buffer)
    return _archive(SKLEARN_MODEL_FILE, buffer.getvalue())


def load_model(path: Path) -> Any:
    """The model in a ``model.tar.gz``: an ``xgboost.Booster``, or a joblib estimator."""
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            members = {member.name: member for member in tar.getmembers() if member.isfile()}
            if XGBOOST_MODEL_FILE in members:
                content = tar.extractfile(members[XGBOOST_MODEL_FILE])
                booster = xgb.Booster()
                booster.load_model(bytearray(content.read() if content else b""))
                return booster
            if SKLEARN_MODEL_FILE in members:
                import joblib

                content = tar.extractfile(members[SKLEARN_MODEL_FILE])
                return joblib.load(io.BytesIO(content.read() if content else b""))
    except (tarfile.TarError, OSError, EOFError) as bad:
        raise InputError(f"{path} is not a readable model.tar.gz ({bad})") from bad
    raise InputError(f"{path} holds neither {XGBOOST_MODEL_FILE} nor {SKLEARN_MODEL_FILE}")


def predict(model: Any, X: np.ndarray) -> np.ndarray:
    """P(label = 1) for each row of ``X``, columns in the registry's feature order."""
    if isinstance(model, xgb.Booster):
        # Named columns: a booster trained with feature names refuses unnamed ones.
        matrix = xgb.DMatrix(X, feature_names=model.feature_names)
        return np.asarray(model.predict(matrix), dtype=np.float64)
    return np.asarray(model.predict_proba(X)[:, 1], dtype=np.float64)


def library_versions() -> dict[str, str]:
    """The versions a model card records (what trained and evaluated the model)."""
    versions = {"python": platform.python_version()}
    for package in ("xgboost", "scikit-learn", "flaml", "lightgbm", "pyspark", "numpy", "pandas"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


@dataclass(frozen=True)
class ModelRecord:
    """Everything the model folder says about one trained model."""

    name: str
    learner: str
    archive: bytes
    feature_names: list[str]
    feature_types: list[str]
    label: str
    hyperparameters: dict[str, Any]
    evaluation: dict[str, Any]
    data_version: dict[str, Any]
    created: str
    training_seconds: float
    trained_on: str
    leaderboard: dict[str, Any] | None = None

    @property
    def flavor(self) -> str:
        """``xgboost`` (the SageMaker container loads it) or ``sklearn`` (joblib)."""
        return "xgboost" if self.learner == "xgboost" else "sklearn"


def registry_entry(record: ModelRecord) -> dict[str, Any]:
    """registry.json: how a later SQL ``predict`` finds the model and orders its inputs."""
    return {
        "name": record.name,
        "artifact": ARTIFACT_FILE,
        "flavor": record.flavor,
        "features": record.feature_names,
        "feature_types": record.feature_types,
        "label": record.label,
        "created": record.created,
    }


def _summary(evaluation: Mapping[str, Any]) -> dict[str, Any]:
    split = evaluation["random_split"]
    folds = evaluation["group_kfold"]
    return {
        "random_split": {"metrics": split["metrics"], "baseline": split["baseline"]},
        "group_kfold": {
            "folds": folds["folds"],
            "metrics_mean": folds["metrics_mean"],
            "metrics_std": folds["metrics_std"],
            "baseline_mean": folds["baseline_mean"],
        },
    }


def model_card(record: ModelRecord) -> dict[str, Any]:
    """model_card.json."""
    card: dict[str, Any] = {
        "name": record.name,
        "created": record.created,
        "model": {
            "learner": record.learner,
            "flavor": record.flavor,
            "artifact": ARTIFACT_FILE,
            "trained_on": record.trained_on,
            "training_seconds": round(record.training_seconds, 3),
        },
        "container": SAGEMAKER_CONTAINER
        if record.flavor == "xgboost"
        else {"note": "joblib estimator: not loadable by the SageMaker XGBoost container"},
        "label": record.label,
        "features": [
            {"position": index + 1, "name": name, "type": kind}
            for index, (name, kind) in enumerate(
                zip(record.feature_names, record.feature_types, strict=True)
            )
        ],
        "hyperparameters": record.hyperparameters,
        "evaluation": _summary(record.evaluation),
        "data_version": record.data_version,
        "libraries": library_versions(),
    }
    if record.leaderboard is not None:
        card["automl"] = {
            key: record.leaderboard[key] for key in ("budget_seconds", "wall_seconds")
        } | {"best": record.leaderboard["rows"][0] if record.leaderboard["rows"] else None}
    return card


def _number(value: float) -> str:
    return f"{value:.3f}"


def model_card_markdown(card: Mapping[str, Any]) -> str:
    """model_card.md: the same card for people."""
    model = card["model"]
    lines = [
        f"# Model card: {card['name']}",
        "",
        f"Created {card['created']}. Served learner: {model['learner']} ({model['flavor']}). "
        f"The workshop's XGBoost trained on {model['trained_on']} in "
        f"{model['training_seconds']} s.",
        "",
    ]
    container = card["container"]
    if "framework_version" in container:
        lines += [
            f"Artifact: `{model['artifact']}` holding `{container['model_file']}` "
            f"({container['format']}) for the SageMaker XGBoost container "
            f"{container['framework_version']} (xgboost {container['xgboost']}).",
            "",
        ]
    else:
        lines += [f"Artifact: `{model['artifact']}` ({container['note']}).", ""]
    lines += [f"Label: `{card['label']}` (1 = accessible, Level 4).", "", "## Features", ""]
    lines += ["| # | name | type |", "|---|---|---|"]
    lines += [f"| {f['position']} | {f['name']} | {f['type']} |" for f in card["features"]]
    lines += ["", "## Hyper-parameters", ""]
    lines += [f"- `{key}`: {value}" for key, value in card["hyperparameters"].items()]
    evaluation = card["evaluation"]
    split, folds = evaluation["random_split"], evaluation["group_kfold"]
    lines += [
        "",
        "## Evaluation",
        "",
        f"| metric | random 80/20 | baseline | group {folds['folds']}-fold, mean ± std "
        "| baseline |",
        "|---|---|---|---|---|",
    ]
    for metric in split["metrics"]:
        lines.append(
            f"| {metric} | {_number(split['metrics'][metric])} | "
            f"{_number(split['baseline'][metric])} | "
            f"{_number(folds['metrics_mean'][metric])} ± {_number(folds['metrics_std'][metric])} | "
            f"{_number(folds['baseline_mean'][metric])} |"
        )
    lines += [
        "",
        "The random split puts rows of one playground (one per AGI bracket) on both sides; "
        "the grouped folds keep each playground on one side, as a new playground would be. "
        "Both evaluate the workshop's XGBoost.",
    ]
    automl = card.get("automl")
    if automl:
        best = automl["best"] or {}
        lines += [
            "",
            "## AutoML",
            "",
            f"Budget {automl['budget_seconds']:g} s, wall {automl['wall_seconds']:.1f} s. "
            f"Best: {best.get('learner')}, ROC AUC {_number(best.get('roc_auc_mean', 0.0))} "
            f"± {_number(best.get('roc_auc_std', 0.0))} on the same grouped folds "
            "(leaderboard.json has every family).",
        ]
    lines += [
        "",
        "## Data version",
        "",
        f"- partition: `{card['data_version'].get('partition')}`",
        f"- rows: {card['data_version'].get('rows')}",
    ]
    lines += [
        f"- `{file}`: sha256 `{digest}`" for file, digest in card["data_version"]["files"].items()
    ]
    lines += ["", "## Libraries", ""]
    lines += [f"- {package} {version}" for package, version in card["libraries"].items()]
    return "\n".join(lines) + "\n"


def _json(document: Any) -> bytes:
    return (json.dumps(document, indent=2, allow_nan=False) + "\n").encode()


def write_model_folder(lake: Path, record: ModelRecord) -> Path:
    """Write ``<lake>/ml/models/<name>/`` whole; the previous one stays until this one is."""
    target = model_folder(lake, record.name)
    card = model_card(record)
    files = {
        ARTIFACT_FILE: record.archive,
        EVALUATION_FILE: _json(record.evaluation),
        CARD_JSON_FILE: _json(card),
        CARD_MARKDOWN_FILE: model_card_markdown(card).encode(),
        REGISTRY_FILE: _json(registry_entry(record)),
    }
    if record.leaderboard is not None:
        files[LEADERBOARD_FILE] = _json(record.leaderboard)

    def write(staging: Path) -> None:
        staging.mkdir(parents=True)
        for file_name, content in files.items():
            (staging / file_name).write_bytes(content)

    replace_folder_atomically(target, write)
    return target
