"""The feature step on Spark (playgrounds.ml.features) against the same steps in pandas, same rows.

The real NYC 2019 data (../shared/data/nyc-2019) goes through the prep step
into a temporary lake first; then both sides read that processed partition
and run the notebook's feature steps, counting rows after each. One warm-up
of each, then ``--repeats`` alternating runs; prints the median times, the
ratio Spark / pandas, and both sides' row counts after each step (they must
agree, and so must the matrices). Skips (exit 0) when the data is absent.

    .venv/bin/python benchmarks/ml.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
REAL_DATA = REPO.parent / "shared" / "data" / "nyc-2019"
DAY = dt.date(2019, 7, 4)


def pandas_features(partition: Path) -> tuple[pd.DataFrame, list[tuple[str, int, int]]]:
    """The notebook's steps as the workshop runs them, in pandas, with the library's choices.

    Borough from Playground_ID (``str(None)[0]`` is "N"), ``map`` for Y/N, the
    share 0 where a bracket has no returns (the library's rule; pandas alone
    would give NaN), one-hot columns in sorted order, rows sorted by group.
    """
    from playgrounds.transforms import features as spec

    steps: list[tuple[str, int, int]] = []

    def record(step: str, frame: pd.DataFrame) -> None:
        aside = [name for name in spec.ASIDE_COLUMNS if name in frame.columns]
        steps.append((step, len(frame), frame.shape[1] - len(aside)))

    frame = pd.read_parquet(partition)
    record("processed table", frame)
    frame["group"] = [
        spec.group_key(p, q, n)
        for p, q, n in zip(frame["Playground_ID"], frame["Prop_ID"], frame["Name"], strict=True)
    ]
    frame["Borough"] = frame["Playground_ID"].map(lambda value: str(value)[0])
    record("Borough from Playground_ID", frame)
    for name in spec.YES_NO_COLUMNS:
        frame[name] = frame[name].map({"Y": "1", "N": "0", spec.SUPPRESSED: spec.SUPPRESSED})
    record("Accessible, Adaptive_Swing: Y -> 1, N -> 0", frame)
    suppressed = (frame[list(spec.CLEANED_COLUMNS)].astype(str) == spec.SUPPRESSED).any(axis=1)
    frame = frame[~suppressed].copy()
    for name in spec.NUMERIC_COLUMNS:
        frame[name] = pd.to_numeric(frame[name])
    record('drop "**" rows, make numeric', frame)
    frame["Level"] = (frame["Level"] == spec.ACCESSIBLE_LEVEL).astype("int64")
    frame = frame.rename(columns={"Level": spec.LABEL})
    record("label Level_4 from Level", frame)
    frame = frame.drop(columns=list(spec.UNUSED_COLUMNS))
    record("drop unused columns", frame)
    frame = frame.dropna(subset=[c for c in frame.columns if c not in spec.ASIDE_COLUMNS])
    record("drop rows with nulls", frame)
    for kind in spec.RETURN_KINDS:
        share = frame[kind] / frame[spec.RETURNS]
        frame[f"normalized_{kind}"] = share.where(frame[spec.RETURNS] != 0, 0.0)
    record("normalized return shares", frame)
    frame = frame.drop(columns=list(spec.RAW_COUNT_COLUMNS))
    record("drop raw counts and Accessible", frame)
    dummies = pd.get_dummies(frame["Borough"], prefix="Borough", dtype="int64")
    frame = pd.concat([frame.drop(columns=["Borough"]), dummies[sorted(dummies.columns)]], axis=1)
    features = [c for c in frame.columns if c not in (spec.LABEL, spec.GROUP)]
    frame = frame[[spec.GROUP, spec.LABEL, *features]]
    frame = frame.sort_values(list(frame.columns), kind="mergesort").reset_index(drop=True)
    record("one-hot Borough, label first", frame)
    return frame, steps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    options = parser.parse_args()
    if not REAL_DATA.is_dir():
        print(f"skipped: real data not found at {REAL_DATA}")
        return 0

    from playgrounds.ml.features import build_features, processed_partition
    from playgrounds.pipeline.prep import run_prep
    from playgrounds.spark import spark_session

    spark = spark_session("bench-ml")
    with tempfile.TemporaryDirectory(prefix="bench-ml-") as work:
        lake = Path(work) / "lake"
        started = time.perf_counter()
        run_prep(spark, REAL_DATA, lake / "processed", day=DAY)
        print(f"prep on the real data: {time.perf_counter() - started:.1f} s")
        partition = processed_partition(lake)

        def run_spark() -> tuple[float, object]:
            started = time.perf_counter()
            result = build_features(spark, lake)
            seconds = time.perf_counter() - started
            result.table.unpersist()
            return seconds, result

        def run_pandas() -> tuple[float, tuple[pd.DataFrame, list[tuple[str, int, int]]]]:
            started = time.perf_counter()
            result = pandas_features(partition)
            return time.perf_counter() - started, result

        run_spark(), run_pandas()  # warm-up: JIT, caches, imports
        spark_times, pandas_times = [], []
        for _ in range(options.repeats):
            seconds, spark_result = run_spark()
            spark_times.append(seconds)
            seconds, (pandas_matrix, pandas_steps) = run_pandas()
            pandas_times.append(seconds)

        spark_steps = [(s.step, s.rows, s.columns) for s in spark_result.steps]  # type: ignore[attr-defined]
        print(f"\n{'step':<45} {'spark rows x cols':>18} {'pandas rows x cols':>19}")
        for (step, rows, columns), (_, p_rows, p_columns) in zip(
            spark_steps, pandas_steps, strict=True
        ):
            print(f"{step:<45} {f'{rows:,} x {columns}':>18} {f'{p_rows:,} x {p_columns}':>19}")
        spark_matrix = spark_result.table.toPandas()  # type: ignore[attr-defined]
        same_counts = spark_steps == pandas_steps
        same_matrix = (
            list(spark_matrix.columns) == list(pandas_matrix.columns)
            and np.allclose(
                spark_matrix.iloc[:, 1:].to_numpy(float), pandas_matrix.iloc[:, 1:].to_numpy(float)
            )
            and (spark_matrix["group"].to_numpy() == pandas_matrix["group"].to_numpy()).all()
        )
        print(f"\nfinal matrix: {spark_matrix.shape[0]:,} rows x {spark_matrix.shape[1] - 1} "
              f"columns (label + {spark_matrix.shape[1] - 2} features)")  # fmt: skip
        print(f"counts agree: {same_counts}; matrices agree: {bool(same_matrix)}")
        spark_median = statistics.median(spark_times)
        pandas_median = statistics.median(pandas_times)
        print(
            f"spark:  median {spark_median:.2f} s  ({', '.join(f'{t:.2f}' for t in spark_times)})"
        )
        print(
            f"pandas: median {pandas_median:.3f} s  ({', '.join(f'{t:.3f}' for t in pandas_times)})"
        )
        print(f"ratio spark / pandas: {spark_median / pandas_median:.0f}x")
    return 0 if same_counts and same_matrix else 1


if __name__ == "__main__":
    sys.exit(main())
