"""The feature step on a tiny processed partition: counts, the three files, the crawl, bad input."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pyspark.sql import SparkSession

from playgrounds.catalog.crawler import crawl
from playgrounds.catalog.model import TablePlan
from playgrounds.catalog.plan import plan_table
from playgrounds.cli.main import main
from playgrounds.errors import InputError
from playgrounds.ml.features import build_features, write_features
from playgrounds.transforms.income import INCOME_COLUMNS
from playgrounds.transforms.prep import OUTPUT_COLUMNS

PARTITION = "processed/processed/year=2019/month=7/day=4"
INCOME_NAMES = list(INCOME_COLUMNS.values())

# (Playground_ID, Prop_ID, Name, Accessible, Level, Adaptive_Swing,
#  bracket, returns, joint, head of household, single, exemptions); income None = no park.
Row = tuple[Any, ...]
ROWS: list[Row] = [
    ("B001", "B001", "Maple Park", "Y", "4", "N", 1, 100, 20, 10, 70, 180),
    ("B001", "B001", "Maple Park", "Y", "4", "N", 2, 50, 5, 5, 40, 90),
    ("M010", "M010", "Elm Park", "N", "2", "Y", 1, 200, 50, 50, 100, 300),
    (None, "Q005", "Queens Park", "Y", "4", "N", 3, 80, 40, 0, 40, 150),  # school: "N"
    ("X020", "X020", "Oak Park", "Y", None, "Y", 4, 10, 1, 2, 7, 12),  # null Level: 0
    ("R030", "R030", "Pine Park", "Y", "4", "**", 1, 100, 20, 10, 70, 180),  # "**": dropped
    ("B040", "B040", "Ash Park", "**", "4", "N", 1, 100, 20, 10, 70, 180),  # "**": dropped
    ("B050", "B050", "Birch Park", "Y", "4", "", 1, 100, 20, 10, 70, 180),  # "": null
    ("Q060", None, None, "Y", "4", "N", None, None, None, None, None, None),  # no income
    ("M070", "M070", "Cedar Park", "Y", "3", "N", 6, 0, 0, 0, 0, 0),  # no returns: shares 0
    ("X080", "X080", "Yew Park", None, "4", "N", 1, 100, 20, 10, 70, 180),  # null: dropped
    ("B090", "B090", "Fir Park", "Y", "1", "Y", 5, 40, 10, 20, 10, 60),
]

# The matrix those rows give, sorted by group, exactly as train.csv holds it.
TRAIN_CSV = """\
1,0,1,180,0.2,0.1,0.7,1,0,0,0
1,0,2,90,0.1,0.1,0.8,1,0,0,0
0,1,5,60,0.25,0.5,0.25,1,0,0,0
0,1,1,300,0.25,0.25,0.5,0,1,0,0
0,0,6,0,0.0,0.0,0.0,0,1,0,0
1,0,3,150,0.5,0.0,0.5,0,0,1,0
0,1,4,12,0.1,0.2,0.7,0,0,0,1
"""
GROUPS_CSV = "group\nB001\nB001\nB090\nM010\nM070\nQ005:Queens Park\nX020\n"
FEATURES = [
    ("Adaptive_Swing", "bigint"),
    ("size_of_adjusted_gross_income", "bigint"),
    ("num_of_exemptions", "bigint"),
    ("normalized_num_of_joint_returns", "double"),
    ("normalized_num_of_head_of_household_returns", "double"),
    ("normalized_num_of_single_returns", "double"),
    ("Borough_B", "bigint"),
    ("Borough_M", "bigint"),
    ("Borough_N", "bigint"),
    ("Borough_X", "bigint"),
]
STEPS = [
    ("processed table", 12, 23),
    ("Borough from Playground_ID", 12, 24),
    ("Accessible, Adaptive_Swing: Y -> 1, N -> 0", 12, 24),
    ('drop "**" rows, make numeric', 10, 24),
    ("label Level_4 from Level", 10, 24),
    ("drop unused columns", 10, 11),
    ("drop rows with nulls", 7, 11),
    ("normalized return shares", 7, 14),
    ("drop raw counts and Accessible", 7, 8),
    ("one-hot Borough, label first", 7, 11),
]


def processed_record(row: Row) -> dict[str, Any]:
    """One row of the processed table (the prep step's 23 columns) from a short tuple."""
    pid, prop, name, accessible, level, swing, bracket, returns, joint, hoh, single, exempt = row
    income = dict.fromkeys(INCOME_NAMES)
    if returns is not None:
        income.update(
            zipcode=11222,
            size_of_adjusted_gross_income=bracket,
            num_of_returns=returns,
            num_of_single_returns=single,
            num_of_joint_returns=joint,
            num_of_head_of_household_returns=hoh,
            num_with_paid_preparers_signature=7,
            num_of_exemptions=exempt,
            num_of_dependents=3,
        )
        income.update({name: 1 for name in INCOME_NAMES if name.startswith("num_of_volunteer")})
    return {
        "Playground_ID": pid,
        "School_ID": "Q005" if pid is None else None,
        "Status": None,
        "Accessible": accessible,
        "Level": level,
        "Adaptive_Swing": swing,
        "lat": "40.7",
        "lon": None,
        **income,
        "Prop_ID": prop,
        "Name": name,
        "Location": "somewhere",
    }


def processed_schema(double_columns: tuple[str, ...] = ()) -> pa.Schema:
    """The processed zone's types: text for the playground fields, int64 for income."""
    return pa.schema(
        [
            (
                name,
                pa.float64()
                if name in double_columns
                else pa.int64()
                if name in INCOME_NAMES
                else pa.string(),
            )
            for name in OUTPUT_COLUMNS
        ]
    )


def write_processed(
    lake: Path,
    records: list[dict[str, Any]],
    schema: pa.Schema | None = None,
) -> Path:
    """A processed partition holding ``records``, as prep writes it (one Parquet file)."""
    folder = lake / PARTITION
    folder.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist(records, schema=schema or processed_schema())
    pq.write_table(table, folder / "part-00000.parquet")
    return folder


@pytest.fixture
def lake(tmp_path: Path) -> Path:
    write_processed(tmp_path / "lake", [processed_record(row) for row in ROWS])
    return tmp_path / "lake"


def test_feature_steps_counts_and_matrix(spark: SparkSession, lake: Path) -> None:
    result = build_features(spark, lake)
    assert [(s.step, s.rows, s.columns) for s in result.steps] == STEPS
    assert [(f.name, f.type) for f in result.features] == FEATURES
    assert [f.column for f in result.features] == [f"col{i}" for i in range(1, 11)]
    assert result.borough_rows_differing == 1  # the school playground: "N" here, "Q" by Prop_ID
    assert result.rows_without_returns == 1
    assert result.matrix.columns == ["Level_4", *[name for name, _ in FEATURES]]

    paths = write_features(result, lake)
    assert paths.train_csv == str(lake.resolve() / "processed" / "train" / "train.csv")
    assert Path(paths.train_csv).read_text() == TRAIN_CSV
    assert Path(paths.groups_csv).read_text() == GROUPS_CSV
    document = json.loads(Path(paths.features_json).read_text())
    assert document["label"] == "Level_4" and document["label_column"] == "col0"
    assert document["rows"] == 7
    assert [(f["name"], f["type"]) for f in document["features"]] == FEATURES
    assert document["borough_from"] == "playground_id"
    assert document["borough_rows_differing"] == 1
    assert [(s["step"], s["rows"], s["columns"]) for s in document["steps"]] == STEPS
    assert document["groups_file"] == "groups.csv"
    assert document["source"]["partition"] == PARTITION
    assert list(document["source"]["files"]) == ["part-00000.parquet"]
    assert len(document["source"]["files"]["part-00000.parquet"]) == 64
    # Nothing but the three files (no staging left over).
    assert sorted(p.name for p in (lake / "ml").iterdir()) == ["features.json", "groups.csv"]
    assert sorted(p.name for p in (lake / "processed" / "train").iterdir()) == ["train.csv"]


def test_same_input_gives_byte_identical_files(spark: SparkSession, lake: Path) -> None:
    files = ("processed/train/train.csv", "ml/groups.csv", "ml/features.json")
    write_features(build_features(spark, lake), lake)
    first = {name: (lake / name).read_bytes() for name in files}
    # The same rows in another order (and in two files) must not change a byte.
    folder = lake / PARTITION
    (folder / "part-00000.parquet").unlink()
    records = [processed_record(row) for row in reversed(ROWS)]
    pq.write_table(
        pa.Table.from_pylist(records[:5], schema=processed_schema()), folder / "a.parquet"
    )
    pq.write_table(
        pa.Table.from_pylist(records[5:], schema=processed_schema()), folder / "b.parquet"
    )
    write_features(build_features(spark, lake), lake)
    second = {name: (lake / name).read_bytes() for name in files}
    assert second["processed/train/train.csv"] == first["processed/train/train.csv"]
    assert second["ml/groups.csv"] == first["ml/groups.csv"]
    # features.json differs only by the source files it names.
    first_doc, second_doc = (json.loads(d["ml/features.json"]) for d in (first, second))
    assert list(second_doc["source"]["files"]) == ["a.parquet", "b.parquet"]
    first_doc.pop("source"), second_doc.pop("source")
    assert first_doc == second_doc


def test_borough_from_prop_id(spark: SparkSession, lake: Path) -> None:
    result = build_features(spark, lake, borough_from="prop_id")
    names = result.feature_names
    assert names[-4:] == ["Borough_B", "Borough_M", "Borough_Q", "Borough_X"]
    assert result.borough_rows_differing == 1
    assert result.steps[1].step == "Borough from Prop_ID"


def test_the_crawler_makes_a_train_table_named_as_glue_does(
    spark: SparkSession, lake: Path
) -> None:
    paths = write_features(build_features(spark, lake), lake)
    document = json.loads(Path(paths.features_json).read_text())
    plan = plan_table(lake / "processed" / "train")
    assert isinstance(plan, TablePlan)
    assert plan.name == "train" and plan.format == "csv" and not plan.header
    expected = [("col0", "bigint")] + [(f["column"], f["type"]) for f in document["features"]]
    assert [(c.name, c.type) for c in plan.columns] == expected
    assert plan.partition_keys == []
    # Registered in a real metastore and read back through it.
    crawl(spark, lake / "processed", "mlfeatures-processed")
    table = spark.table("mlfeatures_processed.train")
    assert table.columns == [name for name, _ in expected]
    assert sorted(tuple(r) for r in table.collect()) == sorted(
        tuple(float(v) if "." in v else int(v) for v in line.split(","))
        for line in TRAIN_CSV.splitlines()
    )


def _bad_lake(tmp_path: Path, case: str) -> Path:
    lake = tmp_path / "lake"
    records = [processed_record(row) for row in ROWS]
    schema = processed_schema()
    if case == "missing column":
        schema = schema.remove(schema.get_field_index("num_of_dependents"))
        for record in records:
            del record["num_of_dependents"]
    elif case == "empty table":
        records = []
    elif case == "single class":
        for record in records:
            record["Level"] = "4"
    elif case == "NaN":
        schema = processed_schema(double_columns=("num_of_exemptions",))
        for index in (0, 2):
            records[index]["num_of_exemptions"] = math.nan
        records[3]["num_of_exemptions"] = math.inf
    elif case == "stray **":
        records[0]["Level"] = "**"
    elif case == "returns without returns":
        records[9]["num_of_joint_returns"] = 5
    write_processed(lake, records, schema)
    return lake


@pytest.mark.parametrize(
    ("case", "sentence"),
    [
        ("missing column", "lacks column num_of_dependents, which the feature steps need"),
        ("empty table", "is empty (0 rows)"),
        ("single class", "label Level_4 (from column Level) has a single class: all 7 rows"),
        ("NaN", "column num_of_exemptions of {partition} holds 3 NaN or infinite values"),
        ("stray **", 'column Level of {partition} holds "**" in 1 rows, but the notebook'),
        (
            "returns without returns",
            "column num_of_returns of {partition} is 0 in 1 rows where num_of_joint_returns "
            "is not, so normalized_num_of_joint_returns cannot be computed",
        ),
    ],
)
def test_bad_input_is_one_sentence_and_nothing_is_written(
    spark: SparkSession,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: str,
    sentence: str,
) -> None:
    lake = _bad_lake(tmp_path, case)
    expected = sentence.format(partition=lake / PARTITION)
    with pytest.raises(InputError) as raised:
        build_features(spark, lake)
    assert expected in str(raised.value)
    assert "\n" not in str(raised.value)
    # The command says the same in one line, exit status 1, and writes nothing.
    assert main(["features", "--lake", str(lake)]) == 1
    error = capsys.readouterr().err
    assert "error:" in error and "Traceback" not in error
    assert not (lake / "ml").exists()
    assert not (lake / "processed" / "train").exists()


def test_features_command_prints_the_counts_and_paths(
    lake: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["features", "--lake", str(lake), "--borough-from", "prop_id"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"drop rows with nulls\s+│\s+7 │\s+11 │", out)
    assert "Matrix: 7 rows x 11 columns (label Level_4 + 10 features)" in out
    assert "Borough from prop_id: 1 rows would differ with --borough-from playground_id" in out
    assert f"Wrote {lake.resolve() / 'processed' / 'train' / 'train.csv'}" in out
    assert f"Wrote {lake.resolve() / 'ml' / 'features.json'}" in out
