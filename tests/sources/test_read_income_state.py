"""read_income(state=...): the state's rows found on the raw text before parsing, none lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from chispa import assert_df_equality
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from playgrounds.errors import InputError
from playgrounds.sources.inputs import evaluating_income, read_income


def test_same_rows_as_parsing_every_line(spark: SparkSession, samples_dir: Path) -> None:
    income = samples_dir / "16zpallagi.csv"  # NY rows and NJ rows
    every_line = read_income(spark, income).filter(F.col("STATE") == "NY")
    state_only = read_income(spark, income, state="NY")
    assert every_line.count() == 132
    assert_df_equality(state_only, every_line, ignore_row_order=True)


@pytest.mark.parametrize(
    ("header", "lines"),
    [
        # STATE in the middle, plain and quoted; a CA row holding "NY" in another field.
        (
            "zipcode,STATE,agi_stub,note",
            ["10001,NY,1,a", '10002,"NY",2,b', "90001,CA,1,NY", '90002,CA,2,"x,NY,y"'],
        ),
        # STATE first, then last: the test on the raw line follows its position.
        ("STATE,zipcode,agi_stub,note", ["NY,10001,1,a", '"NY",10002,2,b', "CA,90001,1,NY"]),
        ("zipcode,agi_stub,note,STATE", ["10001,1,a,NY", '10002,2,b,"NY"', "90001,1,NY,CA"]),
    ],
)
def test_state_found_wherever_and_however_written(
    spark: SparkSession, tmp_path: Path, header: str, lines: list[str]
) -> None:
    path = tmp_path / "16zpallagi.csv"
    workshop = "MARS1,MARS2,MARS4,PREP,N2,NUMDEP,TOTAL_VITA,VITA,TCE,N1"
    path.write_text(
        f"{header},{workshop}\n" + "".join(f"{line},1,2,3,4,5,6,7,8,9,10\n" for line in lines)
    )
    rows = read_income(spark, path, state="NY").select("zipcode", "agi_stub").collect()
    assert sorted(tuple(row) for row in rows) == [(10001, 1), (10002, 2)]


def test_bad_number_in_a_state_row_names_the_line(spark: SparkSession, tmp_path: Path) -> None:
    path = tmp_path / "16zpallagi.csv"
    workshop = "zipcode,agi_stub,N1,MARS1,MARS2,MARS4,PREP,N2,NUMDEP,TOTAL_VITA,VITA,TCE"
    path.write_text(
        f"STATE,{workshop}\n"
        "NY,10001,1,1,1,1,1,1,1,1,1,1,1\n"
        "CA,9OOO1,1,1,1,1,1,1,1,1,1,1,1\n"  # not NY: never parsed, never checked
        "NY,10002,1,1,1,1,1,1,1,1,1,1.5,1\n"
    )
    frame = read_income(spark, path, state="NY")
    with pytest.raises(InputError) as error, evaluating_income(path):
        frame.collect()
    assert str(error.value) == f"{path} line 4: column VITA holds '1.5', expected a whole number"
