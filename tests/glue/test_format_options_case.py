"""Format option keys in any case; a catalog-map CSV table shaped as the crawler registers it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from playgrounds.catalog.infer import infer_csv
from playgrounds.glue.errors import UnsupportedGlueFeatureError
from playgrounds.glue.io import canonical_options

MEDICARE_HEADER = "DRG Definition,Provider Id, Average Covered Charges ,Total Discharges"
MEDICARE_ROWS = ["039 - EXTRACRANIAL,10001,32963.07,91", "057 - DEGENERATIVE,10005,20312.78,38"]


def test_option_keys_take_glues_spelling_whatever_their_case() -> None:
    spelled = canonical_options(
        {"multiline": True, "WITHHEADER": True, "groupfiles": "inPartition", "nope": 1},
        ["multiLine", "withHeader", "groupFiles"],
    )
    assert spelled == {
        "multiLine": True, "withHeader": True, "groupFiles": "inPartition", "nope": 1
    }  # fmt: skip


def test_json_multiline_is_read_in_either_spelling(glue_context: Any, tmp_path: Path) -> None:
    folder = tmp_path / "json"
    folder.mkdir()
    # One JSON array spread over lines: only a multi-line read sees two records.
    (folder / "parks.json").write_text(
        json.dumps([{"id": 1, "name": "A"}, {"id": 2, "name": "B"}], indent=2)
    )
    for options in ({"multiLine": True}, {"multiline": True}, {"MULTILINE": "true"}):
        frame = glue_context.create_dynamic_frame.from_options(
            "s3", {"paths": [str(folder)]}, format="json", format_options=options
        )
        rows = sorted((r["id"], r["name"]) for r in frame.toDF().collect())
        assert rows == [(1, "A"), (2, "B")], options
    with pytest.raises(UnsupportedGlueFeatureError, match="format_options nope=1"):
        glue_context.create_dynamic_frame.from_options(
            "s3", {"paths": [str(folder)]}, format="json", format_options={"nope": 1}
        )


def test_csv_header_and_separator_in_lower_case(glue_context: Any, tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "a.csv").write_text("zip;state\n11201;NY\n")
    frame = glue_context.create_dynamic_frame.from_options(
        "s3",
        {"paths": [str(folder)]},
        format="csv",
        format_options={"withheader": True, "SEPARATOR": ";"},
    )
    assert frame.toDF().columns == ["zip", "state"]
    assert [r["state"] for r in frame.toDF().collect()] == ["NY"]
    out = tmp_path / "out"
    glue_context.write_dynamic_frame.from_options(
        frame, "s3", {"path": str(out)}, format="csv", format_options={"writeheader": False}
    )
    written = [p.read_text() for p in out.glob("*.csv")]
    assert written == ["11201,NY\n"]  # no header row: the lower-case key was applied


def test_catalog_map_csv_table_trims_names_and_reads_whole_numbers_as_long(
    glue_context: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "medicare"
    folder.mkdir()
    csv = folder / "medicare.csv"
    csv.write_text("\n".join([MEDICARE_HEADER, *MEDICARE_ROWS]) + "\n")
    mapping = tmp_path / "catalog.json"
    mapping.write_text(
        json.dumps(
            {
                "payments": {
                    "medicare": {
                        "path": str(folder),
                        "format": "csv",
                        "format_options": {"withHeader": True},
                    }
                }
            }
        )
    )
    monkeypatch.setenv("PLAYGROUNDS_GLUE_CATALOG_MAP", str(mapping))
    frame = glue_context.create_dynamic_frame.from_catalog(
        database="payments", table_name="medicare"
    )
    df = frame.toDF()
    types = [(f.name, f.dataType.simpleString()) for f in df.schema.fields]
    assert types == [
        ("drg definition", "string"),
        ("provider id", "bigint"),
        ("average covered charges", "double"),
        ("total discharges", "bigint"),
    ]
    # The crawler registers the same file with the same names and types, so a
    # script reads the same columns through a map or the metastore.
    crawled = [(c.name, c.type) for c in infer_csv(csv).columns]
    assert crawled == types
    assert sorted(tuple(r) for r in df.collect()) == [
        ("039 - EXTRACRANIAL", 10001, 32963.07, 91),
        ("057 - DEGENERATIVE", 10005, 20312.78, 38),
    ]
