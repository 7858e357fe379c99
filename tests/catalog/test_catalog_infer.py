"""Format detection, header heuristic, type inference and unreadable files (no Spark)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from playgrounds.catalog.infer import (
    CatalogColumn,
    UnreadableFileError,
    detect_format,
    infer_file,
)
from tests.support.zones import parquet, write


def test_csv_with_header_gets_lower_case_names_and_types(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "STATE,ZipCode,N1,A00100\nNY,10001,5,2.5\nNY,10002,,3\n")
    schema = infer_file(path)
    assert schema.format == "csv"
    assert schema.header is True
    assert schema.columns == [
        CatalogColumn("state", "string"),
        CatalogColumn("zipcode", "bigint"),
        CatalogColumn("n1", "bigint"),
        CatalogColumn("a00100", "double"),
    ]


def test_csv_of_numbers_has_no_header_and_gets_col_names(tmp_path: Path) -> None:
    schema = infer_file(write(tmp_path / "train.csv", "1,0.5,3\n0,0.25,4\n"))
    assert schema.header is False
    assert [c.name for c in schema.columns] == ["col0", "col1", "col2"]
    assert [c.type for c in schema.columns] == ["bigint", "double", "bigint"]


def test_text_only_csv_whose_first_row_repeats_in_the_data_has_no_header(tmp_path: Path) -> None:
    schema = infer_file(write(tmp_path / "t.csv", "open,door\nclose,door\nopen,window\n"))
    assert schema.header is False
    labelled = infer_file(write(tmp_path / "u.csv", "kind,thing\nclose,door\nopen,window\n"))
    assert labelled.header is True


def test_tab_delimited_and_gzip_csv(tmp_path: Path) -> None:
    path = tmp_path / "a.tsv.gz"
    with gzip.open(path, "wt") as stream:
        stream.write("name\tcount\nx\t1\ny\t2\n")
    schema = infer_file(path)
    assert (schema.delimiter, schema.header, schema.compressed) == ("\t", True, True)
    assert schema.columns == [CatalogColumn("name", "string"), CatalogColumn("count", "bigint")]


def test_json_lines_and_json_array(tmp_path: Path) -> None:
    lines = write(
        tmp_path / "a.json", '{"Kind": "x", "n": 1}\n{"Kind": "y", "n": 2.5, "t": true}\n'
    )
    schema = infer_file(lines)
    assert schema.json_array is False
    assert schema.columns == [
        CatalogColumn("kind", "string"),
        CatalogColumn("n", "double"),
        CatalogColumn("t", "boolean"),
    ]
    assert schema.source_names["kind"] == "Kind"
    array = write(tmp_path / "b.json", json.dumps([{"a": {"b": [1, 2]}}]))
    nested = infer_file(array)
    assert nested.json_array is True
    assert nested.columns == [CatalogColumn("a", "struct<b:array<bigint>>")]


def test_parquet_types_from_the_footer(tmp_path: Path) -> None:
    path = parquet(tmp_path / "p.parquet", [{"Prop_ID": "B1", "Acres": 1.5, "N": 3}])
    assert infer_file(path).columns == [
        CatalogColumn("prop_id", "string"),
        CatalogColumn("acres", "double"),
        CatalogColumn("n", "bigint"),
    ]
    # No extension: recognised by its PAR1 magic.
    bare = tmp_path / "part-0000"
    bare.write_bytes(path.read_bytes())
    assert detect_format(bare) == "parquet"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.csv", b"", "is empty"),
        ("page.json", b"<!DOCTYPE html><html><body>Not found</body></html>", "HTML"),
        ("page.csv", b"<html><body>Service unavailable</body></html>\n", "HTML"),
        ("object.json", b'{\n  "a": 1,\n  "b": 2\n}\n', "one JSON object over several lines"),
        ("scalars.json", b"[1, 2, 3]", "not of objects"),
        ("cut.json", b'{"a": 1}\n{"a": 2, "b"', "line 2 is not valid JSON"),
        ("cut.csv", b"a,b,c\n1,2,3\n4,5", r"last row \(line 3\) has 2 of 3 fields"),
        ("wide.csv", b"a,b\n1,2,3\n4,5,6\n", "header names 2 columns"),
    ],
)
def test_unreadable_files_say_why(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableFileError, match=reason):
        infer_file(path)


def test_truncated_parquet_and_gzip(tmp_path: Path) -> None:
    whole = parquet(tmp_path / "whole.parquet", [{"a": i} for i in range(100)])
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(whole.read_bytes()[:-20])
    with pytest.raises(UnreadableFileError, match="truncated Parquet file"):
        infer_file(cut)
    packed = gzip.compress(b"a,b\n" + b"1,2\n" * 5000)
    cut_gz = tmp_path / "cut.csv.gz"
    cut_gz.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(UnreadableFileError, match="truncated gzip"):
        infer_file(cut_gz)


@pytest.mark.parametrize("packed", [False, True], ids=["plain", "gzip"])
def test_a_byte_order_mark_is_not_part_of_the_header(tmp_path: Path, packed: bool) -> None:
    text = b"\xef\xbb\xbfSTATE,zipcode,N1\nNY,10001,5\nNY,10002,6\n"
    path = tmp_path / ("bom.csv.gz" if packed else "bom.csv")
    path.write_bytes(gzip.compress(text) if packed else text)
    schema = infer_file(path)
    assert schema.header is True
    assert [c.name for c in schema.columns] == ["state", "zipcode", "n1"]
    assert schema.columns[1] == CatalogColumn("zipcode", "bigint")


def test_json_with_a_byte_order_mark(tmp_path: Path) -> None:
    lines = tmp_path / "a.json"
    lines.write_bytes(b'\xef\xbb\xbf{"Kind": "x", "n": 1}\n{"Kind": "y", "n": 2}\n')
    assert [c.name for c in infer_file(lines).columns] == ["kind", "n"]
    array = tmp_path / "b.json"
    array.write_bytes(b'\xef\xbb\xbf[{"a": 1}]')
    assert infer_file(array).json_array is True


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        (
            "twice.csv",
            b"STATE,zipcode,N1,N1\nNY,10001,5,6\n",
            r"twice\.csv has header column N1 twice: header columns 3 and 4$",
        ),
        (
            "case.csv",
            b"Zip,name,zip\n10001,a,10001\n",
            r"has header column zip twice \(as Zip and zip\): header columns 1 and 3",
        ),
        (
            "twice.json",
            b'{"Zip": "10001", "zip": "10001"}\n',
            r"has field zip twice \(as Zip and zip\): fields 1 and 2",
        ),
    ],
)
def test_a_name_twice_is_reported_not_renamed(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableFileError, match=reason):
        infer_file(path)


def test_parquet_columns_that_differ_only_in_case(tmp_path: Path) -> None:
    path = parquet(tmp_path / "p.parquet", [{"Zip": "10001", "zip": "10002"}])
    with pytest.raises(UnreadableFileError, match=r"has column zip twice \(as Zip and zip\)"):
        infer_file(path)


def test_text_rows_with_a_repeated_value_are_still_data(tmp_path: Path) -> None:
    # Not a header with a name twice: the data below repeats the labels, so no header at all.
    schema = infer_file(write(tmp_path / "t.csv", "open,open\nclose,door\nopen,window\n"))
    assert schema.header is False
    assert [c.name for c in schema.columns] == ["col0", "col1"]
