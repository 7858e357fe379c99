"""Bad input to the prep step's readers: one clear error naming the file and column or row."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import shutil
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from playgrounds.errors import InputError
from playgrounds.pipeline.prep import run_prep
from playgrounds.sources.inputs import locate_raw_inputs

DAY = dt.date(2019, 7, 4)


@pytest.fixture
def raw(tmp_path: Path, samples_dir: Path) -> Path:
    """A writable copy of the samples to spoil."""
    folder = tmp_path / "raw"
    shutil.copytree(samples_dir, folder)
    return folder


def rewrite_csv(path: Path, edit_line: int, old: str, new: str) -> None:
    lines = path.read_text().splitlines(keepends=True)
    assert old in lines[edit_line - 1]
    lines[edit_line - 1] = lines[edit_line - 1].replace(old, new, 1)
    path.write_text("".join(lines))


def test_missing_input_folder(spark: SparkSession, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"input folder .*nowhere does not exist"):
        run_prep(spark, tmp_path / "nowhere", tmp_path / "out", day=DAY)


def test_missing_input_file_names_what_was_expected(raw: Path) -> None:
    (raw / "DPR_Parks_sample.json").unlink()
    with pytest.raises(
        InputError, match=r"no parks input in .*a file named like DPR_Parks\*\.json"
    ):
        locate_raw_inputs(raw)


def test_income_missing_a_required_column(spark: SparkSession, raw: Path) -> None:
    income = raw / "16zpallagi.csv"
    rewrite_csv(income, 1, ",MARS2,", ",MARS_2,")
    with pytest.raises(InputError, match=r"16zpallagi\.csv lacks column MARS2 \(expected the IRS"):
        run_prep(spark, raw, raw.parent / "out", day=DAY)


def test_non_numeric_zip_names_file_line_and_value(spark: SparkSession, raw: Path) -> None:
    income = raw / "16zpallagi.csv"
    header, *rows = income.read_text().splitlines()
    zip_index = header.split(",").index("zipcode")
    fields = rows[29].split(",")  # line 31 of the file, a NY row
    fields[zip_index] = "1O001"  # a letter O where a zero belongs
    rows[29] = ",".join(fields)
    income.write_text("\n".join([header, *rows]) + "\n")
    with pytest.raises(InputError) as error:
        run_prep(spark, raw, raw.parent / "out", day=DAY)
    assert str(error.value) == (
        f"{income} line 31: column zipcode holds '1O001', expected a whole number"
    )


def test_only_the_kept_state_rows_are_checked(spark: SparkSession, raw: Path) -> None:
    # Checking rows prep drops would cost a full-US file a regex per value of
    # every other state, for an output that cannot depend on them.
    income = raw / "16zpallagi.csv"
    text = income.read_text()
    assert "\n34,NJ,7030,1," in text
    income.write_text(text.replace("\n34,NJ,7030,1,", "\n34,NJ,70 30,1,", 1))
    assert run_prep(spark, raw, raw.parent / "out", day=DAY).rows == 345  # as unspoiled


def test_gzipped_income_errors_name_the_line_too(spark: SparkSession, raw: Path) -> None:
    income = raw / "16zpallagi.csv"
    text = income.read_text().replace("\n36,NY,", "\n36,NY,x", 1)  # first NY row, zipcode
    income.unlink()
    with gzip.open(raw / "16zpallagi.csv.gz", "wt") as handle:
        handle.write(text)
    with pytest.raises(InputError, match=r"16zpallagi\.csv\.gz line \d+: column zipcode holds 'x"):
        run_prep(spark, raw, raw.parent / "out", day=DAY)


@pytest.mark.parametrize(
    "name", ["16zpallagi.csv", "DPR_Parks_sample.json", "DPR_Playgrounds_sample.json"]
)
def test_empty_file(spark: SparkSession, raw: Path, name: str) -> None:
    (raw / name).write_bytes(b"")
    with pytest.raises(InputError, match=rf"{name.replace('.', '[.]')} is empty"):
        run_prep(spark, raw, raw.parent / "out", day=DAY)


def test_income_with_header_but_no_rows(spark: SparkSession, raw: Path) -> None:
    income = raw / "16zpallagi.csv"
    income.write_text(income.read_text().splitlines()[0] + "\n")
    with pytest.raises(InputError, match=r"16zpallagi\.csv has a header but no rows"):
        run_prep(spark, raw, raw.parent / "out", day=DAY)


def test_json_object_instead_of_array(spark: SparkSession, raw: Path) -> None:
    (raw / "DPR_Playgrounds_sample.json").write_text('{"Prop_ID": "B001"}')
    with pytest.raises(
        InputError, match=r"DPR_Playgrounds_sample\.json is not a JSON array of objects"
    ):
        run_prep(spark, raw, raw.parent / "out", day=DAY)


def test_malformed_json(spark: SparkSession, raw: Path) -> None:
    text = (raw / "DPR_Parks_sample.json").read_text()
    (raw / "DPR_Parks_sample.json").write_text(text[: len(text) // 2])
    with pytest.raises(InputError, match=r"DPR_Parks_sample\.json is not valid JSON"):
        run_prep(spark, raw, raw.parent / "out", day=DAY)


def test_playgrounds_missing_a_field(spark: SparkSession, raw: Path) -> None:
    path = raw / "DPR_Playgrounds_sample.json"
    records = [{k: v for k, v in r.items() if k != "Level"} for r in json.loads(path.read_text())]
    path.write_text(json.dumps(records))
    with pytest.raises(InputError, match=r"DPR_Playgrounds_sample\.json lacks column Level"):
        run_prep(spark, raw, raw.parent / "out", day=DAY)


def test_income_column_twice_is_said_not_missing(spark: SparkSession, raw: Path) -> None:
    income = raw / "16zpallagi.csv"
    rewrite_csv(income, 1, ",A00100,", ",N1,")
    with pytest.raises(InputError, match=r"16zpallagi\.csv has column N1 twice: columns 5 and"):
        run_prep(spark, raw, raw.parent / "out", day=DAY)


def test_parks_zip_twice_by_case_names_the_file(spark: SparkSession, raw: Path) -> None:
    parks = raw / "DPR_Parks_sample.json"
    records = json.loads(parks.read_text())
    for record in records:
        record["zip"] = record["Zip"]
    parks.write_text(json.dumps(records))
    with pytest.raises(InputError, match=r"DPR_Parks_sample\.json has column zip twice"):
        run_prep(spark, raw, raw.parent / "out", day=DAY)


def test_byte_order_marks_are_read_past(spark: SparkSession, raw: Path, tmp_path: Path) -> None:
    for name in ("16zpallagi.csv", "DPR_Parks_sample.json", "DPR_Playgrounds_sample.json"):
        path = raw / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = run_prep(spark, raw, tmp_path / "out", day=DAY)
    assert result.rows > 0
    assert not any(column.startswith("\ufeff") for column in result.columns)


def test_truncated_gzip_income_names_the_file(spark: SparkSession, raw: Path) -> None:
    income = raw / "16zpallagi.csv"
    packed = gzip.compress(income.read_bytes())
    (raw / "16zpallagi.csv.gz").write_bytes(packed[: len(packed) // 2])
    income.unlink()
    with pytest.raises(
        InputError, match=r"16zpallagi\.csv\.gz is a truncated gzip file \(it ends early\)$"
    ) as caught:
        run_prep(spark, raw, raw.parent / "out", day=DAY)
    # Spark's own failure is kept as the cause, for --debug.
    assert "EOFException" in str(caught.value.__cause__)


def test_files_and_folders_in_each_others_place(raw: Path) -> None:
    income = raw / "16zpallagi.csv"
    income.unlink()
    income.mkdir()
    with pytest.raises(InputError, match=r"16zpallagi\.csv is a folder where a file is expected"):
        locate_raw_inputs(raw)
    shutil.rmtree(income)
    (raw / "income-ny").write_text("not a folder")
    with pytest.raises(
        InputError, match=r"raw/income-ny is a file where the income-ny table's folder is expected"
    ):
        locate_raw_inputs(raw)


def test_several_income_years_need_a_choice_and_the_year_picks_one(raw: Path) -> None:
    # Ten published years side by side: never read one of them silently.
    shutil.copy(raw / "16zpallagi.csv", raw / "17zpallagi.csv")
    with pytest.raises(InputError, match=r"several IRS income files \(16zpallagi\.csv, 17zp"):
        locate_raw_inputs(raw)
    assert locate_raw_inputs(raw, income_year=2017).income.name == "17zpallagi.csv"
    with pytest.raises(InputError, match=r"no single IRS file for 2015 \(expected 15zpallagi"):
        locate_raw_inputs(raw, income_year=2015)


def test_income_year_picks_a_raw_zone_partition(tmp_path: Path, samples_dir: Path) -> None:
    raw = tmp_path / "raw"
    for year in (2016, 2017):
        (raw / "income-ny" / f"year={year}").mkdir(parents=True)
        shutil.copy(samples_dir / "16zpallagi.csv", raw / "income-ny" / f"year={year}" / "i.csv")
    for name in ("DPR_Parks_sample.json", "DPR_Playgrounds_sample.json"):
        shutil.copy(samples_dir / name, raw / name)
    assert locate_raw_inputs(raw).income.name == "year=2017"  # the newest by default
    assert locate_raw_inputs(raw, income_year=2016).income.name == "year=2016"
    with pytest.raises(InputError, match=r"has no year=2010 partition \(it holds year=2016, y"):
        locate_raw_inputs(raw, income_year=2010)
