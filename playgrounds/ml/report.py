"""``playgrounds report``: one self-contained HTML file about the data and the model.

It reads what the other ML steps wrote (no Spark): the matrix, its groups and
features.json from ``playgrounds features``; the processed partition that
features.json names (for the income of each playground's ZIP); and from
``playgrounds train`` the model's ``evaluation.json`` and ``leaderboard.json``.
Figures are PNGs embedded as base64, so the file opens anywhere, offline.

Without a trained model the report still renders the data sections and says
plainly that training has not run (a report of the data is useful before
training, and ``make run`` can show it either way); without features.json
there is nothing to report and the command says to run ``playgrounds features``.
"""

from __future__ import annotations

import base64
import html
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from playgrounds.errors import InputError
from playgrounds.lake.layout import ML_FOLDER, PROCESSED_ZONE, TRAIN_FILE, TRAIN_TABLE
from playgrounds.lake.zones import open_zone
from playgrounds.ml import report_figures as figures
from playgrounds.ml.artifact import (
    DEFAULT_MODEL_NAME,
    EVALUATION_FILE,
    LEADERBOARD_FILE,
    model_folder,
)
from playgrounds.ml.features import FEATURES_FILE, GROUPS_FILE
from playgrounds.transforms.features import BOROUGH, GROUP, INCOME_BRACKET, group_key, one_hot_name

Progress = Callable[[str], None]

REPORT_FILE = "report.html"
METRICS: tuple[str, ...] = ("accuracy", "precision", "recall", "f1", "roc_auc", "log_loss")
RANDOM_SPLIT = "random_split"
GROUP_KFOLD = "group_kfold"
EVALUATION_TITLES = {RANDOM_SPLIT: "random 80/20 split", GROUP_KFOLD: "group k-fold"}
# IRS SOI 2016 ZIP data, agi_stub: size of adjusted gross income.
AGI_BRACKETS = {
    1: "$1-25k",
    2: "$25-50k",
    3: "$50-75k",
    4: "$75-100k",
    5: "$100-200k",
    6: "$200k+",
}
AFFLUENT_BRACKETS = (5, 6)
AFFLUENCE_QUARTILES = 4


def no_progress(stage: str) -> None:
    return None


@dataclass(frozen=True)
class ReportResult:
    """What was written, and whether a trained model was found."""

    path: str
    figures: int
    model_name: str
    model_folder: Path
    model_found: bool


@dataclass(frozen=True)
class ReportData:
    """The matrix with its names, the group of each row, and features.json."""

    matrix: pd.DataFrame
    groups: pd.Series
    document: dict[str, Any]
    processed: pd.DataFrame | None
    lake: Path

    @property
    def label(self) -> str:
        return str(self.document["label"])


# ---------------------------------------------------------------- reading


def _read_json(path: Path, what: str) -> dict[str, Any]:
    try:
        loaded = json.loads(path.read_text())
    except json.JSONDecodeError as bad:
        raise InputError(f"{path} is not valid JSON ({bad.msg} at line {bad.lineno})") from bad
    if not isinstance(loaded, dict):
        raise InputError(f"{path} is not a JSON object ({what})")
    return loaded


def load_report_data(lake: Path) -> ReportData:
    """The feature step's outputs under ``lake`` (and the processed rows they came from)."""
    features_json = lake / ML_FOLDER / FEATURES_FILE
    if not features_json.is_file():
        raise InputError(f"{features_json} does not exist: run `playgrounds features` first")
    document = _read_json(features_json, "the feature list")
    names = [str(document["label"]), *[str(f["name"]) for f in document["features"]]]
    train = lake / PROCESSED_ZONE / TRAIN_TABLE / TRAIN_FILE
    groups_path = lake / ML_FOLDER / str(document.get("groups_file") or GROUPS_FILE)
    for path in (train, groups_path):
        if not path.is_file():
            raise InputError(f"{path} does not exist: run `playgrounds features` again")
    matrix = pd.read_csv(train, header=None)
    if matrix.shape[1] != len(names):
        raise InputError(
            f"{train} has {matrix.shape[1]} columns but {features_json} lists {len(names)}: "
            "run `playgrounds features` again"
        )
    matrix.columns = names
    groups = pd.read_csv(groups_path, dtype=str, keep_default_na=False)[GROUP]
    if len(groups) != len(matrix):
        raise InputError(
            f"{groups_path} has {len(groups)} rows but {train} has {len(matrix)}: "
            "run `playgrounds features` again"
        )
    return ReportData(matrix, groups, document, _read_processed(lake, document), lake)


def _read_processed(lake: Path, document: Mapping[str, Any]) -> pd.DataFrame | None:
    """The processed rows features.json names, if they are still there (else None)."""
    source = document.get("source") or {}
    partition = lake / str(source.get("partition", ""))
    files = [partition / name for name in (source.get("files") or {})]
    if not files or not all(file.is_file() for file in files):
        return None
    wanted = ["Playground_ID", "Prop_ID", "Name", "zipcode", INCOME_BRACKET, "num_of_returns"]
    return pd.concat([pd.read_parquet(file, columns=wanted) for file in files], ignore_index=True)


def load_model_files(folder: Path) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """evaluation.json and leaderboard.json of a model folder (None for a missing file)."""
    evaluation = folder / EVALUATION_FILE
    leaderboard = folder / LEADERBOARD_FILE
    return (
        _read_json(evaluation, "a model evaluation") if evaluation.is_file() else None,
        _read_json(leaderboard, "an AutoML leaderboard") if leaderboard.is_file() else None,
    )


# ---------------------------------------------------------------- data summaries


def boroughs_of(data: ReportData) -> pd.Series:
    """Each row's borough letter, read back from its one-hot columns."""
    prefix = one_hot_name("", BOROUGH)
    columns = [name for name in data.matrix.columns if name.startswith(prefix)]
    if not columns:
        return pd.Series(["?"] * len(data.matrix), index=data.matrix.index)
    letters = data.matrix[columns].idxmax(axis=1).str.removeprefix(prefix)
    return letters.where(data.matrix[columns].sum(axis=1) == 1, "?")


def playgrounds_frame(data: ReportData) -> pd.DataFrame:
    """One row per group (playground): its label and borough (the same on all its rows)."""
    frame = pd.DataFrame(
        {"group": data.groups, "label": data.matrix[data.label], "borough": boroughs_of(data)}
    )
    return frame.groupby("group", sort=True).agg(
        label=("label", "max"), borough=("borough", "first")
    )


def share_table(frame: pd.DataFrame, by: str, label: str = "label") -> pd.DataFrame:
    """Share of label 1 and count per value of ``by``, sorted by that value."""
    grouped = frame.groupby(by, sort=True)[label].agg(["mean", "size"]).reset_index()
    return grouped.rename(columns={by: "group", "mean": "share", "size": "count"})


def zip_affluence(processed: pd.DataFrame) -> pd.Series:
    """Per ZIP: the share of its returns in the top AGI brackets ($100k or more).

    The processed table repeats each (ZIP, bracket) once per playground, so the
    brackets are de-duplicated first.
    """
    brackets = processed.dropna(subset=["zipcode", INCOME_BRACKET, "num_of_returns"])
    brackets = brackets.drop_duplicates(subset=["zipcode", INCOME_BRACKET])
    totals = brackets.groupby("zipcode")["num_of_returns"].sum()
    affluent = brackets[brackets[INCOME_BRACKET].isin(AFFLUENT_BRACKETS)]
    top = affluent.groupby("zipcode")["num_of_returns"].sum().reindex(totals.index, fill_value=0)
    return (top / totals.where(totals > 0)).dropna()


def affluence_shares(data: ReportData, playgrounds: pd.DataFrame) -> pd.DataFrame | None:
    """Share of Level 4 per quartile of ZIP affluence, over the matrix's playgrounds."""
    if data.processed is None:
        return None
    processed = data.processed
    keys = [
        group_key(p, q, n)
        for p, q, n in zip(
            processed["Playground_ID"], processed["Prop_ID"], processed["Name"], strict=True
        )
    ]
    zips = pd.DataFrame({"group": keys, "zipcode": processed["zipcode"]}).dropna()
    zip_of_group = zips.drop_duplicates("group").set_index("group")["zipcode"]
    affluence = zip_affluence(processed)
    frame = playgrounds.assign(affluence=zip_of_group.reindex(playgrounds.index).map(affluence))
    frame = frame.dropna(subset=["affluence"])
    if frame["affluence"].nunique() < AFFLUENCE_QUARTILES:
        return None
    bins = pd.qcut(frame["affluence"], AFFLUENCE_QUARTILES, duplicates="drop")
    labels = [f"Q{i + 1}\n{b.left:.0%}-{b.right:.0%}" for i, b in enumerate(bins.cat.categories)]
    frame = frame.assign(quartile=bins.cat.rename_categories(labels))
    table = frame.groupby("quartile", observed=True)["label"].agg(["mean", "size"]).reset_index()
    return table.rename(columns={"quartile": "group", "mean": "share", "size": "count"})


# ---------------------------------------------------------------- HTML


def _image(png: bytes, name: str, caption: str) -> str:
    encoded = base64.b64encode(png).decode()
    return (
        f'<figure id="{name}"><img alt="{html.escape(caption)}" '
        f'src="data:image/png;base64,{encoded}"><figcaption>{html.escape(caption)}'
        "</figcaption></figure>"
    )


def _number(value: Any, digits: int = 3) -> str:
    if value is None:
        return "&ndash;"
    if isinstance(value, float):
        return "&ndash;" if not math.isfinite(value) else f"{value:.{digits}f}"
    return html.escape(str(value))


def _table(headings: list[str], rows: list[list[str]], css: str = "") -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headings)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _steps_table(document: Mapping[str, Any]) -> str:
    rows = [
        [html.escape(str(s["step"])), f"{int(s['rows']):,}", str(s["columns"])]
        for s in document.get("steps", [])
    ]
    return _table(["step", "rows", "columns"], rows)


def evaluation_table(evaluation: Mapping[str, Any]) -> str:
    """Both evaluations side by side, each beside its majority-class baseline."""
    random_split = evaluation.get(RANDOM_SPLIT) or {}
    grouped = evaluation.get(GROUP_KFOLD) or {}
    rows = []
    for metric in METRICS:
        mean = (grouped.get("metrics_mean") or {}).get(metric)
        std = (grouped.get("metrics_std") or {}).get(metric)
        grouped_text = _number(mean) + (f" ± {_number(std)}" if std is not None else "")
        rows.append(
            [
                metric,
                _number((random_split.get("metrics") or {}).get(metric)),
                _number((random_split.get("baseline") or {}).get(metric)),
                grouped_text,
                _number((grouped.get("baseline_mean") or {}).get(metric)),
            ]
        )
    folds = grouped.get("folds")
    return _table(
        [
            "metric",
            "random 80/20: model",
            "random 80/20: baseline",
            f"group k-fold ({folds} folds): model, mean ± sd",
            "group k-fold: baseline",
        ],
        rows,
        "metrics",
    )


def confusion_tables(evaluation: Mapping[str, Any]) -> str:
    """The confusion matrix of each evaluation ([[tn, fp], [fn, tp]])."""
    parts = []
    for key, title in EVALUATION_TITLES.items():
        matrix = (evaluation.get(key) or {}).get("confusion_matrix")
        if not matrix:
            continue
        (tn, fp), (fn, tp) = matrix
        rows = [
            ["actual 0", _number(tn), _number(fp)],
            ["actual 1", _number(fn), _number(tp)],
        ]
        parts.append(
            f"<div class='confusion'><h4>{title}</h4>"
            + _table(["", "predicted 0", "predicted 1"], rows)
            + "</div>"
        )
    return "<div class='confusions'>" + "".join(parts) + "</div>"


def leaderboard_table(leaderboard: Mapping[str, Any]) -> str:
    """The AutoML leaderboard's rows, best first, with its budget and wall time."""
    rows = []
    for row in leaderboard.get("rows", []):
        config = json.dumps(row.get("config", {}), sort_keys=True)
        rows.append(
            [
                _number(row.get("rank")),
                html.escape(str(row.get("learner", ""))),
                f"{_number(row.get('roc_auc_mean'))} ± {_number(row.get('roc_auc_std'))}",
                _number(row.get("log_loss_mean")),
                _number(row.get("seconds"), 1),
                f"<code>{html.escape(config)}</code>",
            ]
        )
    budget = leaderboard.get("budget_seconds")
    wall = leaderboard.get("wall_seconds")
    intro = (
        f"<p>Budget {_number(budget, 0)} s, wall time {_number(wall, 1)} s, on the same "
        "grouped folds as the evaluation.</p>"
    )
    return intro + _table(
        ["rank", "learner", "ROC AUC (mean ± sd)", "log loss", "seconds", "config"],
        rows,
        "leaderboard",
    )


CSS = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto;
       max-width: 1100px; color: #222; line-height: 1.45; padding: 0 1em; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ddd; padding-bottom: 0.2em;
       margin-top: 2em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
th { background: #f3f3f3; } td:first-child, th:first-child { text-align: left; }
table.leaderboard td:last-child { text-align: left; font-size: 0.8em; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.85em; }
.note { background: #fff6e0; border-left: 4px solid #e09f3e; padding: 0.6em 1em; }
.confusions { display: flex; gap: 2em; } .row { display: flex; gap: 1em; flex-wrap: wrap; }
.row figure { margin: 0; flex: 1 1 45%; } table.leaderboard td:nth-child(2) { text-align: left; }
"""


def render_report(
    data: ReportData,
    model_name: str,
    evaluation: Mapping[str, Any] | None,
    leaderboard: Mapping[str, Any] | None,
    progress: Progress = no_progress,
) -> tuple[str, int]:
    """The report's HTML and how many figures it embeds."""
    document = data.document
    matrix = data.matrix
    label = data.label
    playgrounds = playgrounds_frame(data)
    parts: list[str] = []
    count = 0

    def figure(png: bytes, name: str, caption: str) -> str:
        nonlocal count
        count += 1
        return _image(png, name, caption)

    positives = int((matrix[label] == 1).sum())
    parts.append(
        "<h1>NYC playgrounds accessibility: data and model report</h1>"
        f"<p>Matrix: {len(matrix):,} rows &times; {matrix.shape[1]} columns (label {label}, "
        f"{matrix.shape[1] - 1} features), {len(playgrounds):,} playgrounds (groups); "
        f"read from <code>{html.escape(str(document.get('source', {}).get('partition')))}"
        f"</code>; borough from {html.escape(str(document.get('borough_from')))} "
        f"({document.get('borough_rows_differing')} rows would differ with the other "
        "option).</p>"
    )
    parts.append("<h2>Feature steps</h2>" + _steps_table(document))

    progress("Drawing the data figures")
    parts.append("<h2>Class balance</h2>")
    parts.append(
        f"<p>{positives:,} of {len(matrix):,} rows ({positives / max(len(matrix), 1):.0%}) are "
        "Level 4. A model that always answers the majority class is the baseline every "
        "metric below is compared with.</p>"
    )
    parts.append(
        figure(
            figures.class_balance(matrix[label], playgrounds["label"]),
            "class-balance",
            "Level 4 and other playgrounds, by matrix row and by distinct playground",
        )
    )
    parts.append("<h2>Accessibility by borough</h2>")
    parts.append(
        figure(
            figures.accessibility_by_group(
                share_table(playgrounds, "borough"),
                "share of playgrounds at Level 4, by borough",
                "borough letter ('N': no Playground_ID, the notebook's str(None)[0])",
            ),
            "accessibility-by-borough",
            "Share of distinct playgrounds at Level 4 per borough, with their counts",
        )
    )
    parts.append("<h2>Accessibility by income</h2>")
    parts.append(
        "<p>Left: by the processed table's bracket column, "
        f"<code>{INCOME_BRACKET}</code> (the IRS <code>agi_stub</code>: "
        + ", ".join(f"{k} = {v}" for k, v in AGI_BRACKETS.items())
        + "). The income join gives every playground one row per bracket of its ZIP, so this "
        "panel is nearly flat by construction: the bracket says nothing about the "
        "playground. Right: playgrounds split into quartiles of their ZIP's affluence, the "
        "share of the ZIP's returns in brackets 5 and 6 ($100k or more), computed from the "
        "processed table.</p>"
    )
    by_bracket = share_table(matrix.assign(label=matrix[label]), INCOME_BRACKET)
    by_affluence = affluence_shares(data, playgrounds)
    if by_affluence is None:
        parts.append(
            "<p class='note'>The processed partition named in features.json is gone or has "
            "too few ZIPs, so the affluence panel is left out.</p>"
        )
    parts.append(
        figure(
            figures.accessibility_by_income(by_bracket, by_affluence),
            "accessibility-by-income",
            "Share at Level 4 by AGI bracket (rows) and by ZIP affluence quartile (playgrounds)",
        )
    )
    parts.append("<h2>Correlations</h2>")
    parts.append(
        figure(
            figures.correlation_heatmap(matrix),
            "correlation-heatmap",
            "Pearson correlation between the label and the features",
        )
    )

    parts.append(f"<h2>Model: {html.escape(model_name)}</h2>")
    if evaluation is None:
        parts.append(
            "<p class='note'><strong>Training has not run</strong>: there is no "
            f"{EVALUATION_FILE} for model {html.escape(model_name)}. Run "
            "<code>playgrounds train</code>, then <code>playgrounds report</code> again, for "
            "the evaluations, ROC and calibration curves and feature importance.</p>"
        )
    else:
        progress("Drawing the model figures")
        parts.append(
            "<p>Two evaluations. The workshop's random 80/20 split puts rows of the same "
            "playground on both sides (the income join repeats a playground up to six times, "
            "once per AGI bracket), so the model is partly tested on rows it has seen. The "
            "group k-fold keeps each playground's rows in one fold: its figures are the honest "
            "estimate for a playground the model has never seen.</p>"
        )
        parts.append(evaluation_table(evaluation))
        parts.append(confusion_tables(evaluation))
        curves = {
            EVALUATION_TITLES[key]: (evaluation.get(key) or {}).get("roc_curve")
            for key in EVALUATION_TITLES
        }
        aucs = {
            EVALUATION_TITLES[RANDOM_SPLIT]: (
                (evaluation.get(RANDOM_SPLIT) or {}).get("metrics") or {}
            ).get("roc_auc"),
            EVALUATION_TITLES[GROUP_KFOLD]: (
                (evaluation.get(GROUP_KFOLD) or {}).get("metrics_mean") or {}
            ).get("roc_auc"),
        }
        calibrations = {
            EVALUATION_TITLES[key]: (evaluation.get(key) or {}).get("calibration")
            for key in EVALUATION_TITLES
        }
        drawn_curves = {name: curve for name, curve in curves.items() if curve}
        drawn_calibrations = {name: curve for name, curve in calibrations.items() if curve}
        row = []
        if drawn_curves:
            row.append(
                figure(
                    figures.roc_curves(drawn_curves, aucs),
                    "roc-curves",
                    "ROC curves of both evaluations (group k-fold: out-of-fold predictions)",
                )
            )
        if drawn_calibrations:
            row.append(
                figure(
                    figures.calibration_curves(drawn_calibrations),
                    "calibration-curves",
                    "Calibration: mean predicted probability against the fraction at Level 4",
                )
            )
        parts.append("<div class='row'>" + "".join(row) + "</div>")
        importance = evaluation.get("feature_importance") or {}
        if importance:
            parts.append(
                figure(
                    figures.feature_importance(importance),
                    "feature-importance",
                    "Gain of each feature in the trained booster",
                )
            )
    parts.append("<h2>AutoML leaderboard</h2>")
    if leaderboard is None:
        parts.append(
            "<p class='note'>No leaderboard: AutoML has not run for this model "
            f"({LEADERBOARD_FILE} is absent).</p>"
        )
    else:
        parts.append(leaderboard_table(leaderboard))
    body = "\n".join(parts)
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>playgrounds report</title><style>{CSS}</style></head><body>{body}</body></html>\n"
    )
    return page, count


def write_report(
    lake: Path, *, model_name: str | None = None, progress: Progress = no_progress
) -> ReportResult:
    """Write ``<lake>/ml/report.html`` (replaced atomically); see the module's notes."""
    name = model_name or DEFAULT_MODEL_NAME
    folder = model_folder(lake, name)
    progress("Reading the matrix and features.json")
    data = load_report_data(lake)
    progress(f"Reading model {name}")
    evaluation, leaderboard = load_model_files(folder)
    page, count = render_report(data, name, evaluation, leaderboard, progress)
    zone = open_zone(f"{lake}/{ML_FOLDER}")
    zone.check_writable()
    with zone.staging() as stage:
        staged = stage / REPORT_FILE
        staged.write_text(page, encoding="utf-8")
        zone.commit_file(REPORT_FILE, staged)
    return ReportResult(
        path=zone.uri_of(REPORT_FILE),
        figures=count,
        model_name=name,
        model_folder=folder,
        model_found=evaluation is not None,
    )
