"""ingest_nyc_parks_json: JSON array to a Parquet partition, replaced whole; bad input refused."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from pyspark.sql import SparkSession

from playgrounds.errors import InputError
from playgrounds.sources.fetch import RetryPolicy
from playgrounds.sources.ingest import NYC_PARKS_URLS, flat_json_schema, ingest_nyc_parks_json
from tests.support.servers import Reply, ScriptedHTTPServer
from tests.support.snapshots import tree_snapshot

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
PARKS = SAMPLES / "DPR_Parks_sample.json"
PLAYGROUNDS = SAMPLES / "DPR_Playgrounds_sample.json"
DAY = dt.date(2019, 7, 4)
QUICK = RetryPolicy(attempts=3, base_delay=0.01, timeout=2.0)


def _partition(lake: Path, dataset: str) -> Path:
    return lake / "raw" / dataset / "year=2019" / "month=7" / "day=4"


def test_urls_are_the_published_ones() -> None:
    assert NYC_PARKS_URLS == {
        "parks": "https://www.nycgovparks.org/bigapps/DPR_Parks_001.json",
        "playgrounds": "https://www.nycgovparks.org/bigapps/DPR_Playgrounds_001.json",
    }


def test_parks_json_becomes_parquet_with_every_field(spark: SparkSession, tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    records = json.loads(PARKS.read_text())
    result = ingest_nyc_parks_json(spark, str(lake / "raw"), "parks", day=DAY, source=str(SAMPLES))
    folder = _partition(lake, "parks")
    assert result.path == str(folder)
    assert result.rows == len(records)
    assert result.bytes == PARKS.stat().st_size
    # Read back with pyarrow: an independent Parquet reader, and no Spark job.
    written = pq.read_table(folder)
    # Source names, source order (Spark alone would sort them).
    assert written.column_names == list(records[0])
    rows = sorted(written.to_pylist(), key=lambda r: r["Prop_ID"])
    assert rows == sorted(records, key=lambda r: r["Prop_ID"])
    # One data file and the commit marker, no staging or checksum leftovers.
    names = sorted(Path(name).name for name in tree_snapshot(lake))
    assert len(names) == 2
    assert names[0] == "_SUCCESS" and names[1].endswith(".snappy.parquet")


def test_http_source(spark: SparkSession, http_server: ScriptedHTTPServer, tmp_path: Path) -> None:
    busy = Reply(status=503, body=b"busy")
    url = http_server.route(
        [busy, Reply.file(PLAYGROUNDS, "application/json")], name="DPR_Playgrounds_001.json"
    )
    lake = tmp_path / "lake"
    result = ingest_nyc_parks_json(
        spark, str(lake / "raw"), "playgrounds", day=DAY, source=url, retry=QUICK
    )
    assert http_server.hits_of(url) == 2
    assert result.rows == len(json.loads(PLAYGROUNDS.read_text()))
    assert pq.read_table(_partition(lake, "playgrounds")).num_rows == result.rows


BAD_PAYLOADS: dict[str, tuple[bytes, str]] = {
    "object": (b'{"Prop_ID": "B001"}', r"holds a JSON object, expected an array of objects"),
    "html": (b"<!DOCTYPE html><html><body>Moved</body></html>", r"is an HTML page"),
    "malformed": (b'[{"Prop_ID": "B001"},\n {"Prop_ID": ]', r"not valid JSON: .* line 2 column"),
    "empty file": (b"", r"is empty"),
    "empty array": (b"[]", r"holds an empty array"),
    "array of non-objects": (b'[{"a": 1}, 2]', r"item 1 is a JSON int, expected an object"),
}


@pytest.fixture(scope="module")
def good_lake(spark: SparkSession, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A lake holding a good parks partition (written once, copied by each test)."""
    lake = tmp_path_factory.mktemp("good") / "lake"
    ingest_nyc_parks_json(spark, str(lake / "raw"), "parks", day=DAY, source=str(SAMPLES))
    return lake


def test_rerun_replaces_the_partition(spark: SparkSession, good_lake: Path, tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    shutil.copytree(good_lake, lake)
    old = tree_snapshot(lake)
    fewer = tmp_path / "few.json"
    fewer.write_text(json.dumps(json.loads(PARKS.read_text())[:3]))
    result = ingest_nyc_parks_json(spark, str(lake / "raw"), "parks", day=DAY, source=str(fewer))
    assert result.rows == 3
    assert pq.read_table(_partition(lake, "parks")).num_rows == 3
    new = tree_snapshot(lake)
    # The old data file is gone, not left beside the new one.
    assert len(new) == 2 and not set(new) & {k for k in old if k.endswith(".parquet")}


@pytest.mark.parametrize("case", list(BAD_PAYLOADS))
def test_bad_payload_is_refused_and_lake_unchanged(
    spark: SparkSession, good_lake: Path, tmp_path: Path, case: str
) -> None:
    payload, message = BAD_PAYLOADS[case]
    bad = tmp_path / "DPR_Parks_001.json"
    lake = tmp_path / "lake"
    shutil.copytree(good_lake, lake)
    before = tree_snapshot(lake)
    assert before
    bad.write_bytes(payload)
    with pytest.raises(InputError, match=message) as caught:
        ingest_nyc_parks_json(spark, str(lake / "raw"), "parks", day=DAY, source=str(bad))
    assert str(bad) in str(caught.value)
    assert tree_snapshot(lake) == before


def test_html_over_http_names_the_url(
    spark: SparkSession, http_server: ScriptedHTTPServer, tmp_path: Path
) -> None:
    url = http_server.route([Reply(body=b"<html></html>", content_type="text/html")])
    with pytest.raises(InputError, match=r"returned an HTML page") as caught:
        ingest_nyc_parks_json(spark, str(tmp_path / "raw"), "parks", day=DAY, source=url)
    assert url in str(caught.value)
    assert not (tmp_path / "raw").exists()


def test_unknown_dataset(spark: SparkSession, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"unknown NYC Parks dataset 'benches'"):
        ingest_nyc_parks_json(spark, str(tmp_path), "benches", day=DAY, source=str(SAMPLES))


@pytest.mark.real_data
def test_real_playgrounds_keep_nulls_and_order(
    spark: SparkSession, real_data_dir: Path, tmp_path: Path
) -> None:
    records = json.loads((real_data_dir / "DPR_Playgrounds_001.json").read_text())
    result = ingest_nyc_parks_json(
        spark, str(tmp_path / "raw"), "playgrounds", day=DAY, source=str(real_data_dir)
    )
    assert result.rows == len(records) == 1269  # the README's count
    written = pq.read_table(result.path).to_pylist()
    # Every record as published, fields in order: nulls and borough-letter Prop_IDs included.
    assert written == records


def test_known_schema_matches_sparks_inference(spark: SparkSession, tmp_path: Path) -> None:
    records = [
        {"s": "a", "i": 1, "f": 1.5, "n": 1, "b": True, "z": None, "m": "x"},
        {"s": "b", "i": 2, "f": 2.0, "n": 2.5, "b": False, "z": None, "m": 3},
        {"s": None, "i": None, "extra": "only here"},
    ]
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps(records))
    inferred = spark.read.option("multiLine", True).json(str(path)).schema
    order = ["s", "i", "f", "n", "b", "z", "m", "extra"]
    ddl = flat_json_schema(records, order)
    assert ddl is not None
    ours = spark.read.schema(ddl).json(str(path)).schema
    assert {f.name: f.dataType for f in ours} == {f.name: f.dataType for f in inferred}
    assert flat_json_schema([{"a": {"b": 1}}], ["a"]) is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda records: records[1].update(Acres=2**70),
            r"item 1 field Acres holds the whole number 1180591620717411303424, beyond 64 bits",
        ),
        (
            lambda records: records[2].update(Acres=-(2**63) - 1),
            r"item 2 field Acres holds the whole number -9223372036854775809, beyond 64 bits",
        ),
        (
            lambda records: records[0].update(zip="10001"),
            r"has field zip twice \(as Zip and zip\)",
        ),
    ],
    ids=["beyond-64-bits", "below-64-bits", "zip-twice-by-case"],
)
def test_records_spark_cannot_hold_are_refused_naming_item_and_field(
    spark: SparkSession, tmp_path: Path, change: Any, message: str
) -> None:
    records = json.loads(PARKS.read_text())
    change(records)
    source = tmp_path / "DPR_Parks_001.json"
    source.write_text(json.dumps(records))
    lake = tmp_path / "lake"
    with pytest.raises(InputError, match=message) as caught:
        ingest_nyc_parks_json(spark, str(lake / "raw"), "parks", day=DAY, source=str(source))
    assert str(caught.value).startswith(str(source))
    assert not lake.exists()


def test_the_largest_64_bit_integer_is_kept(spark: SparkSession, tmp_path: Path) -> None:
    records = json.loads(PARKS.read_text())
    records[0]["Acres"] = 2**63 - 1
    source = tmp_path / "DPR_Parks_001.json"
    source.write_text(json.dumps(records))
    lake = tmp_path / "lake"
    ingest_nyc_parks_json(spark, str(lake / "raw"), "parks", day=DAY, source=str(source))
    written = pq.read_table(_partition(lake, "parks")).to_pylist()
    assert max(row["Acres"] or 0 for row in written) == 2**63 - 1
