"""The report's figures: matplotlib figures rendered to PNG bytes, no display, no network.

Each function takes plain data (pandas frames, lists from the JSON files) and
returns PNG bytes. ``matplotlib.figure.Figure`` is used without pyplot, so no
global figure state and no GUI backend is involved: saving a PNG uses Agg.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

ACCESSIBLE_COLOR = "#2a7f62"
OTHER_COLOR = "#c8553d"
RANDOM_COLOR = "#3b6ea5"
GROUPED_COLOR = "#e09f3e"
DPI = 100


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    # No timestamp or software tag in the file: the same data gives the same bytes.
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _share_bars(
    axes: Any, labels: Sequence[str], shares: Sequence[float], counts: Sequence[int]
) -> None:
    positions = np.arange(len(labels))
    axes.bar(positions, shares, color=ACCESSIBLE_COLOR)
    axes.set_xticks(positions, labels)
    axes.set_ylim(0, 1.08)
    axes.set_ylabel("share Level 4")
    for x, share, count in zip(positions, shares, counts, strict=True):
        axes.text(x, share + 0.02, f"{share:.0%}\nn={count}", ha="center", fontsize=8)


def class_balance(row_labels: pd.Series, playground_labels: pd.Series) -> bytes:
    """Counts of Level 4 and not, over matrix rows and over distinct playgrounds."""
    figure = Figure(figsize=(7, 3.6))
    for index, (title, labels) in enumerate(
        (("matrix rows", row_labels), ("playgrounds (groups)", playground_labels))
    ):
        axes = figure.add_subplot(1, 2, index + 1)
        counts = [int((labels == 1).sum()), int((labels == 0).sum())]
        bars = axes.bar(["Level 4 (1)", "other (0)"], counts, color=[ACCESSIBLE_COLOR, OTHER_COLOR])
        total = max(sum(counts), 1)
        for bar, count in zip(bars, counts, strict=True):
            axes.text(
                bar.get_x() + bar.get_width() / 2,
                count,
                f"{count:,} ({count / total:.0%})",
                ha="center",
                va="bottom",
                fontsize=8,
            )
        axes.set_title(title)
        axes.set_ylim(0, max(counts) * 1.15 + 1)
    return _png(figure)


def accessibility_by_group(shares: pd.DataFrame, title: str, xlabel: str) -> bytes:
    """Share of Level 4 per group; ``shares`` has columns group, share, count."""
    figure = Figure(figsize=(7, 3.6))
    axes = figure.add_subplot(1, 1, 1)
    _share_bars(
        axes, [str(g) for g in shares["group"]], list(shares["share"]), list(shares["count"])
    )
    axes.set_title(title)
    axes.set_xlabel(xlabel)
    return _png(figure)


def accessibility_by_income(by_bracket: pd.DataFrame, by_affluence: pd.DataFrame | None) -> bytes:
    """Share of Level 4 per AGI bracket (rows), and per ZIP-affluence quartile (playgrounds)."""
    panels = 2 if by_affluence is not None and len(by_affluence) else 1
    figure = Figure(figsize=(11 if panels == 2 else 7, 3.8))
    axes = figure.add_subplot(1, panels, 1)
    _share_bars(
        axes,
        [str(g) for g in by_bracket["group"]],
        list(by_bracket["share"]),
        list(by_bracket["count"]),
    )
    axes.set_title("by AGI bracket (matrix rows)")
    axes.set_xlabel("size_of_adjusted_gross_income (IRS agi_stub)")
    if panels == 2 and by_affluence is not None:
        axes = figure.add_subplot(1, 2, 2)
        _share_bars(
            axes,
            [str(g) for g in by_affluence["group"]],
            list(by_affluence["share"]),
            list(by_affluence["count"]),
        )
        axes.set_title("by ZIP affluence quartile (playgrounds)")
        axes.set_xlabel("share of the ZIP's returns with AGI of $100k or more")
        axes.tick_params(axis="x", labelsize=7)
    return _png(figure)


def correlation_heatmap(matrix: pd.DataFrame) -> bytes:
    """Pearson correlations between the label and every feature (constant columns left blank)."""
    correlations = matrix.corr(numeric_only=True)
    names = list(correlations.columns)
    size = max(6.0, 0.55 * len(names) + 2)
    figure = Figure(figsize=(size + 1.5, size))
    axes = figure.add_subplot(1, 1, 1)
    image = axes.imshow(correlations.to_numpy(), cmap="RdBu_r", vmin=-1, vmax=1)
    axes.set_xticks(range(len(names)), names, rotation=60, ha="right", fontsize=8)
    axes.set_yticks(range(len(names)), names, fontsize=8)
    values = correlations.to_numpy()
    for row in range(len(names)):
        for column in range(len(names)):
            value = values[row, column]
            if np.isfinite(value):
                color = "white" if abs(value) > 0.6 else "black"
                axes.text(
                    column, row, f"{value:.2f}", ha="center", va="center", fontsize=6, color=color
                )
    figure.colorbar(image, ax=axes, fraction=0.046, pad=0.04)
    axes.set_title("correlation (Pearson) of label and features")
    return _png(figure)


def roc_curves(curves: Mapping[str, Mapping[str, Any]], aucs: Mapping[str, float | None]) -> bytes:
    """ROC curves, one per evaluation (``{"fpr": [...], "tpr": [...]}``), with the chance line."""
    figure = Figure(figsize=(5.5, 5))
    axes = figure.add_subplot(1, 1, 1)
    for (name, curve), color in zip(curves.items(), (RANDOM_COLOR, GROUPED_COLOR), strict=False):
        auc = aucs.get(name)
        label = f"{name} (AUC {auc:.3f})" if auc is not None else name
        axes.plot(curve["fpr"], curve["tpr"], color=color, label=label, linewidth=2)
    axes.plot([0, 1], [0, 1], color="grey", linestyle="--", label="chance")
    axes.set_xlabel("false positive rate")
    axes.set_ylabel("true positive rate")
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1.01)
    axes.legend(loc="lower right", fontsize=8)
    axes.set_title("ROC curves")
    return _png(figure)


def calibration_curves(curves: Mapping[str, Mapping[str, Any]]) -> bytes:
    """Reliability curves (mean predicted vs fraction positive), one per evaluation."""
    figure = Figure(figsize=(5.5, 5))
    axes = figure.add_subplot(1, 1, 1)
    styles = ((RANDOM_COLOR, "o", "-"), (GROUPED_COLOR, "s", "--"))
    for (name, curve), (color, marker, line) in zip(curves.items(), styles, strict=False):
        # Distinct markers and lines: two close curves must both stay visible.
        axes.plot(
            curve["mean_predicted"],
            curve["fraction_positive"],
            marker=marker,
            linestyle=line,
            color=color,
            label=name,
        )
    axes.plot([0, 1], [0, 1], color="grey", linestyle="--", label="perfectly calibrated")
    axes.set_xlabel("mean predicted probability")
    axes.set_ylabel("fraction Level 4")
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1.01)
    axes.legend(loc="upper left", fontsize=8)
    axes.set_title("calibration")
    return _png(figure)


def feature_importance(importance: Mapping[str, float]) -> bytes:
    """Horizontal bars of the model's gain per feature, largest on top."""
    ranked = sorted(importance.items(), key=lambda item: item[1])
    figure = Figure(figsize=(7, max(2.5, 0.35 * len(ranked) + 1)))
    axes = figure.add_subplot(1, 1, 1)
    axes.barh([name for name, _ in ranked], [value for _, value in ranked], color=RANDOM_COLOR)
    axes.set_xlabel("gain")
    axes.tick_params(axis="y", labelsize=8)
    axes.set_title("feature importance (XGBoost gain)")
    return _png(figure)
