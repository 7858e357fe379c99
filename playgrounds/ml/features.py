"""The feature step: read the processed zone, apply the notebook's feature steps, write the matrix.

:func:`build_features` reads the newest partition of the processed table,
checks it, applies :mod:`playgrounds.transforms.features` step by step and
counts the rows after each step (the notebook prints the frame's shape
after each). :func:`write_features` writes three files, each atomically:

* ``<lake>/processed/train/train.csv``: label first, no header, numbers only,
  which the crawler turns into a ``train`` table with columns ``col0 ... colN``;
* ``<lake>/ml/groups.csv``: the group (playground) of each row, same order;
* ``<lake>/ml/features.json``: names, types and order of the columns, the
  step counts, the data version; written last, with the checksums of the
  other two, so a reader can tell a matching set from a half-finished one.

Bad input is one sentence naming the column and the count, raised before
anything is written.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import DataType, DoubleType, LongType, StringType

from playgrounds.errors import InputError, PlaygroundsError, reading_input
from playgrounds.lake.layout import (
    ML_FOLDER,
    PROCESSED_TABLE,
    PROCESSED_ZONE,
    TRAIN_FILE,
    TRAIN_TABLE,
    data_files,
    latest_partition,
)
from playgrounds.lake.zones import open_zone
from playgrounds.transforms.choices import BOROUGH_SOURCES, BoroughSource
from playgrounds.transforms.columns import missing_columns, resolve_column
from playgrounds.transforms.features import (
    ASIDE_COLUMNS,
    BOROUGH,
    BOROUGH_SOURCE_COLUMNS,
    CLEANED_COLUMNS,
    FEATURE_INPUT_COLUMNS,
    GROUP,
    INCOME_BRACKET,
    LABEL,
    LEVEL,
    NORMALIZED_COLUMNS,
    NUMERIC_COLUMNS,
    OTHER_BOROUGH,
    RETURNS,
    SUPPRESSED,
    YES_NO_COLUMNS,
    cast_numeric,
    drop_raw_counts,
    drop_rows_with_nulls,
    drop_suppressed_rows,
    drop_unused_columns,
    encode_yes_no,
    is_suppressed,
    label_first,
    one_hot,
    with_borough,
    with_group_key,
    with_label,
    with_normalized_returns,
)
from playgrounds.transforms.income import INCOME_YEAR
from playgrounds.transforms.prep import OUTPUT_COLUMNS

Progress = Callable[[str], None]

FEATURES_FILE = "features.json"
GROUPS_FILE = "groups.csv"
# The crawler's name for the n-th column of a headerless CSV (Glue's CSV classifier).
CSV_COLUMN = "col{}"
_SPARK_TO_CATALOG: dict[DataType, str] = {LongType(): "bigint", DoubleType(): "double"}


def no_progress(stage: str) -> None:
    return None


@dataclass(frozen=True)
class Feature:
    """One column of the matrix after the label: its name, catalog type and crawled name."""

    name: str
    type: str
    column: str


@dataclass(frozen=True)
class StepCount:
    """The frame's shape after one step (columns kept aside are not counted)."""

    step: str
    rows: int
    columns: int


@dataclass(frozen=True)
class SourceData:
    """The processed partition read (relative to the lake root) and its files' SHA-256."""

    partition: str
    files: dict[str, str]


@dataclass(frozen=True)
class FeatureResult:
    """The training matrix on Spark, and how it was made."""

    # group, label, features, sorted by all of them (cached: about 5k rows).
    table: DataFrame
    features: list[Feature]
    steps: list[StepCount]
    borough_from: BoroughSource
    borough_rows_differing: int
    rows_without_returns: int
    source: SourceData
    label: str = LABEL

    @property
    def rows(self) -> int:
        """Rows of the matrix (the last step's count)."""
        return self.steps[-1].rows

    @property
    def matrix(self) -> DataFrame:
        """Label first, then the features, in the written order (no group key)."""
        return self.table.drop(GROUP)

    @property
    def feature_names(self) -> list[str]:
        """The features' names in column order (after the label)."""
        return [feature.name for feature in self.features]


@dataclass(frozen=True)
class FeaturePaths:
    """Where :func:`write_features` wrote the three files."""

    train_csv: str
    groups_csv: str
    features_json: str


# ---------------------------------------------------------------- reading


def processed_partition(lake: Path) -> Path:
    """The newest ``year=/month=/day=`` partition of the processed table under ``lake``."""
    table = Path(lake) / PROCESSED_ZONE / PROCESSED_TABLE
    if not table.is_dir():
        raise InputError(
            f"processed table {table} does not exist: run `playgrounds prep` "
            "(or `playgrounds run`) first"
        )
    return latest_partition(table)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def source_data(lake: Path, partition: Path) -> SourceData:
    """The partition's address below the lake root and the checksum of each of its data files."""
    files = data_files(partition)
    if not files:
        raise InputError(f"processed partition {partition} holds no data files")
    root = Path(lake).resolve()
    resolved = partition.resolve()
    shown = resolved.relative_to(root) if resolved.is_relative_to(root) else resolved
    return SourceData(
        partition=shown.as_posix(),
        files={file.relative_to(partition).as_posix(): _sha256(file) for file in files},
    )


def read_processed(spark: SparkSession, partition: Path) -> DataFrame:
    """The processed partition's contract columns under their contract spelling.

    Columns the feature steps need must be there; the others of the prep
    step's contract are optional (they are dropped unseen), and columns
    outside it are left out so that they cannot slip into the matrix.
    """
    with reading_input(partition):
        frame = spark.read.parquet(str(partition))
    if INCOME_YEAR in frame.columns:
        # Several years would give each playground one row per year and bracket,
        # and the notebook's features and evaluations assume a single year.
        raise InputError(
            f"processed table {partition} holds several income years (column {INCOME_YEAR}): "
            "run `playgrounds prep` with one --income-year before the feature step"
        )
    missing = missing_columns(frame, FEATURE_INPUT_COLUMNS)
    if missing:
        raise InputError(
            f"processed table {partition} lacks column {missing[0]}"
            + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else "")
            + ", which the feature steps need"
        )
    present = [name for name in OUTPUT_COLUMNS if not missing_columns(frame, [name])]
    return frame.select(*[F.col(resolve_column(frame, name)).alias(name) for name in present])


# ---------------------------------------------------------------- checks
#
# Each check is one aggregation pass over a small cached frame, folded into
# the pass that counts the step's rows where it can: on two cores a Spark job
# costs a few hundred milliseconds even for 5k rows, so the number of jobs,
# not the data, sets the step's time.

ROWS = "rows"


def _aggregate(frame: DataFrame, sums: dict[str, Column], **extra: Column) -> dict[str, Any]:
    """One pass: how many rows meet each condition in ``sums``, and the ``extra`` aggregates."""
    row = frame.select(
        *[F.sum(F.when(test, 1).otherwise(0)).alias(name) for name, test in sums.items()],
        *[aggregate.alias(name) for name, aggregate in extra.items()],
    ).first()
    values = row.asDict() if row else {}
    return {
        **{name: int(values.get(name) or 0) for name in sums},
        **{name: values.get(name) for name in extra},
    }


def _suppressed(name: str) -> str:
    return f"suppressed {name}"


def _not_a_number(name: str) -> str:
    return f"not a number {name}"


def _not_finite(name: str) -> str:
    return f"not finite {name}"


def _share_null(name: str) -> str:
    return f"null {name}"


def stray_suppressed_tests(columns: Sequence[str]) -> dict[str, Column]:
    """A ``"**"`` where the notebook does not clean it would become a feature value or a label."""
    return {_suppressed(name): is_suppressed(name) for name in columns}


def raise_stray_suppressed(counts: Mapping[str, int], columns: Sequence[str], where: Path) -> None:
    for name in columns:
        if counts[_suppressed(name)]:
            raise InputError(
                f'column {name} of {where} holds "{SUPPRESSED}" in {counts[_suppressed(name)]} '
                f"rows, but the notebook removes it only from {', '.join(CLEANED_COLUMNS)}"
            )


def _types(frame: DataFrame) -> dict[str, DataType]:
    return {spark_field.name: spark_field.dataType for spark_field in frame.schema.fields}


def not_a_number_tests(frame: DataFrame, columns: Sequence[str]) -> dict[str, Column]:
    """Text that does not read as a number would silently become null and drop its row."""
    types = _types(frame)
    return {
        _not_a_number(name): (F.trim(F.col(name)) != "") & F.col(name).cast("double").isNull()
        for name in columns
        if isinstance(types[name], StringType)
    }


def raise_not_a_number(
    frame: DataFrame, counts: Mapping[str, int], columns: Sequence[str], where: Path
) -> None:
    for name in columns:
        count = counts.get(_not_a_number(name), 0)
        if count:
            test = not_a_number_tests(frame, [name])[_not_a_number(name)]
            example = frame.filter(test).select(name).first()
            shown = f" (e.g. {example[0]!r})" if example else ""
            raise InputError(
                f"column {name} of {where} holds {count} values that are not numbers{shown}"
            )


def not_finite_tests(frame: DataFrame, columns: Sequence[str]) -> dict[str, Column]:
    """NaN and infinity pass Spark's null checks and every cast; XGBoost would learn from them."""
    types = _types(frame)
    return {
        _not_finite(name): F.isnan(F.col(name)) | (F.abs(F.col(name)) == float("inf"))
        for name in columns
        if isinstance(types[name], DoubleType)
    }


def raise_not_finite(counts: Mapping[str, int], columns: Sequence[str], where: str) -> None:
    for name in columns:
        count = counts.get(_not_finite(name), 0)
        if count:
            raise InputError(f"column {name} of {where} holds {count} NaN or infinite values")


def raise_impossible_shares(counts: Mapping[str, int], where: Path) -> None:
    """Returns of a kind in a bracket without returns are impossible counts; name them."""
    for share in NORMALIZED_COLUMNS:
        if counts[_share_null(share)]:
            raise InputError(
                f"column {RETURNS} of {where} is 0 in {counts[_share_null(share)]} rows where "
                f"{share.removeprefix('normalized_')} is not, so {share} cannot be computed"
            )


def raise_no_rows_left(before: DataFrame, where: Path) -> None:
    """Every row dropped for nulls: name the column that is null most often."""
    columns = [name for name in before.columns if name not in ASIDE_COLUMNS]
    nulls = _aggregate(before, {name: F.col(name).isNull() for name in columns})
    worst = max(columns, key=lambda name: nulls[name])
    raise InputError(
        f"no row of {where} has a value in every feature column "
        f"(column {worst} is null in {nulls[worst]} rows)"
    )


def raise_single_class(positives: int, rows: int) -> None:
    """A classifier needs both classes of the label."""
    if positives in (0, rows):
        which = "Level 4 (1)" if positives else "not Level 4 (0)"
        raise InputError(
            f"label {LABEL} (from column {LEVEL}) has a single class: all {rows} rows are "
            f"{which}, and a classifier needs both"
        )


# ---------------------------------------------------------------- building


class _StepCounter:
    """Records the frame's shape after each step (columns kept aside are not counted)."""

    def __init__(self, progress: Progress) -> None:
        self.steps: list[StepCount] = []
        self.progress = progress

    def record(self, step: str, frame: DataFrame, rows: int | None = None) -> int:
        """``rows`` counted by the caller's pass; None for a step that cannot change them.

        Adding, replacing or dropping columns (select, withColumns, drop) keeps
        every row, so those steps carry the previous count instead of a new job.
        """
        self.progress(step)
        counted = self.steps[-1].rows if rows is None else rows
        columns = len([name for name in frame.columns if name not in ASIDE_COLUMNS])
        self.steps.append(StepCount(step, counted, columns))
        return counted


def _other_source(source: BoroughSource) -> BoroughSource:
    return next(other for other in BOROUGH_SOURCES if other != source)


def _features_of(frame: DataFrame) -> list[Feature]:
    features = []
    for index, spark_field in enumerate(frame.schema.fields[1:], start=1):
        if spark_field.name in ASIDE_COLUMNS:
            continue
        kind = _SPARK_TO_CATALOG.get(spark_field.dataType)
        if kind is None:  # the transforms cast every column: a new one forgot to
            raise PlaygroundsError(
                f"feature {spark_field.name} has type {spark_field.dataType.simpleString()}, "
                "not bigint or double"
            )
        features.append(Feature(spark_field.name, kind, CSV_COLUMN.format(index)))
    return features


def build_features(
    spark: SparkSession,
    lake: Path,
    *,
    borough_from: BoroughSource = "playground_id",
    progress: Progress = no_progress,
) -> FeatureResult:
    """Read the newest processed partition under ``lake`` and build the training matrix.

    ``borough_from``: ``playground_id`` reproduces the notebook (rows without
    a Playground_ID get borough "N"); ``prop_id`` takes the property's letter.
    Raises :class:`InputError` on bad input; nothing is written here.
    """
    if borough_from not in BOROUGH_SOURCES:
        raise InputError(
            f"borough_from must be one of {', '.join(BOROUGH_SOURCES)}, not {borough_from!r}"
        )
    lake = Path(lake)
    partition = processed_partition(lake)
    source = source_data(lake, partition)
    counter = _StepCounter(progress)

    progress(f"Reading {partition}")
    processed = read_processed(spark, partition).cache()
    uncleaned = (LEVEL, INCOME_BRACKET, BOROUGH_SOURCE_COLUMNS[borough_from])
    with reading_input(partition):
        read = _aggregate(processed, {ROWS: F.lit(True), **stray_suppressed_tests(uncleaned)})
    if counter.record("processed table", processed, read[ROWS]) == 0:
        raise InputError(f"processed table {partition} is empty (0 rows)")
    raise_stray_suppressed(read, uncleaned, partition)

    with_boroughs = (
        processed.transform(with_group_key)
        .transform(with_borough(borough_from))
        .transform(with_borough(_other_source(borough_from), OTHER_BOROUGH))
    )
    counter.record(f"{BOROUGH} from {BOROUGH_SOURCE_COLUMNS[borough_from]}", with_boroughs)
    encoded = with_boroughs.transform(encode_yes_no(*YES_NO_COLUMNS))
    counter.record("Accessible, Adaptive_Swing: Y -> 1, N -> 0", encoded)

    cleaned = encoded.transform(drop_suppressed_rows(*CLEANED_COLUMNS))
    numeric = cleaned.transform(cast_numeric(*NUMERIC_COLUMNS))
    cleaned_counts = _aggregate(
        cleaned, {ROWS: F.lit(True), **not_a_number_tests(cleaned, NUMERIC_COLUMNS)}
    )
    raise_not_a_number(cleaned, cleaned_counts, NUMERIC_COLUMNS, partition)
    finite_tests = not_finite_tests(numeric, NUMERIC_COLUMNS)
    if finite_tests:
        raise_not_finite(_aggregate(numeric, finite_tests), NUMERIC_COLUMNS, str(partition))
    counter.record('drop "**" rows, make numeric', numeric, cleaned_counts[ROWS])

    labelled = numeric.transform(with_label)
    counter.record(f"label {LABEL} from {LEVEL}", labelled)
    kept = labelled.transform(drop_unused_columns)
    counter.record("drop unused columns", kept)
    complete = kept.transform(drop_rows_with_nulls).cache()
    if counter.record("drop rows with nulls", complete, complete.count()) == 0:
        raise_no_rows_left(kept, partition)

    shares = complete.transform(with_normalized_returns)
    summary = _aggregate(
        shares,
        {
            **{_share_null(name): F.col(name).isNull() for name in NORMALIZED_COLUMNS},
            RETURNS: F.col(RETURNS) == 0,
            BOROUGH: ~F.col(BOROUGH).eqNullSafe(F.col(OTHER_BOROUGH)),
        },
        boroughs=F.array_sort(F.collect_set(BOROUGH)),
    )
    raise_impossible_shares(summary, partition)
    counter.record("normalized return shares", shares)
    reduced = shares.transform(drop_raw_counts).drop(OTHER_BOROUGH)
    counter.record("drop raw counts and Accessible", reduced)

    encoded_boroughs = reduced.transform(one_hot(summary["boroughs"])).transform(label_first)
    # One partition sorted in place is a total order without orderBy's sampling
    # and shuffle jobs; the matrix is a few thousand rows.
    ordered = encoded_boroughs.coalesce(1).sortWithinPartitions(
        GROUP, *encoded_boroughs.drop(GROUP).columns
    )
    table = ordered.select(GROUP, *ordered.drop(GROUP).columns).cache()
    features = _features_of(table.drop(GROUP))
    final = _aggregate(
        table,
        {
            ROWS: F.lit(True),
            LABEL: F.col(LABEL) == 1,
            **not_finite_tests(table, [feature.name for feature in features]),
        },
    )
    rows = counter.record("one-hot Borough, label first", table, final[ROWS])
    raise_not_finite(final, [feature.name for feature in features], "the feature matrix")
    raise_single_class(final[LABEL], rows)
    complete.unpersist()
    processed.unpersist()
    return FeatureResult(
        table=table,
        features=features,
        steps=counter.steps,
        borough_from=borough_from,
        borough_rows_differing=summary[BOROUGH],
        rows_without_returns=summary[RETURNS],
        source=source,
    )


# ---------------------------------------------------------------- writing


def _number(value: Any) -> str:
    # repr is the shortest text that reads back as the same double, and always
    # has a "." or an exponent, so the crawler types the column double, not bigint.
    if isinstance(value, float):
        if not math.isfinite(value):
            raise PlaygroundsError(f"the matrix holds {value!r}, which train.csv cannot carry")
        return repr(value)
    return str(int(value))


def matrix_csv(rows: Sequence[Sequence[Any]]) -> bytes:
    """The matrix as the workshop's train.csv: no header, comma-separated, numbers only."""
    return "".join(",".join(_number(value) for value in row) + "\n" for row in rows).encode()


def groups_csv(groups: Sequence[str]) -> bytes:
    """One ``group`` per matrix row, under a header (quoted where a key holds a comma)."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow([GROUP])
    writer.writerows([group] for group in groups)
    return text.getvalue().encode()


def features_document(
    result: FeatureResult, train_sha256: str, groups_sha256: str
) -> dict[str, Any]:
    """features.json's content (the contract of the training step)."""
    return {
        "label": result.label,
        "label_column": CSV_COLUMN.format(0),
        "features": [{"name": f.name, "type": f.type, "column": f.column} for f in result.features],
        "rows": result.rows,
        "borough_from": result.borough_from,
        "borough_rows_differing": result.borough_rows_differing,
        "rows_without_returns": result.rows_without_returns,
        "steps": [{"step": s.step, "rows": s.rows, "columns": s.columns} for s in result.steps],
        "groups_file": GROUPS_FILE,
        "train_file": f"{PROCESSED_ZONE}/{TRAIN_TABLE}/{TRAIN_FILE}",
        "checksums": {TRAIN_FILE: train_sha256, GROUPS_FILE: groups_sha256},
        "source": {"partition": result.source.partition, "files": result.source.files},
    }


def write_features(result: FeatureResult, lake: Path) -> FeaturePaths:
    """Write train.csv, groups.csv and features.json (last), each replaced atomically."""
    lake_root = str(lake)
    processed = open_zone(f"{lake_root}/{PROCESSED_ZONE}")
    ml = open_zone(f"{lake_root}/{ML_FOLDER}")
    processed.check_writable()
    ml.check_writable()
    collected = result.table.collect()
    train = matrix_csv([tuple(row)[1:] for row in collected])
    groups = groups_csv([row[GROUP] for row in collected])
    document = features_document(
        result, hashlib.sha256(train).hexdigest(), hashlib.sha256(groups).hexdigest()
    )
    described = (json.dumps(document, indent=2) + "\n").encode()
    train_key = f"{TRAIN_TABLE}/{TRAIN_FILE}"
    with processed.staging() as stage:
        for name, content in (
            (TRAIN_FILE, train),
            (GROUPS_FILE, groups),
            (FEATURES_FILE, described),
        ):
            (stage / name).write_bytes(content)
        processed.commit_file(train_key, stage / TRAIN_FILE)
        ml.commit_file(GROUPS_FILE, stage / GROUPS_FILE)
        ml.commit_file(FEATURES_FILE, stage / FEATURES_FILE)
    return FeaturePaths(
        train_csv=processed.uri_of(train_key),
        groups_csv=ml.uri_of(GROUPS_FILE),
        features_json=ml.uri_of(FEATURES_FILE),
    )
