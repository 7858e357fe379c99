"""Lake roots, zone resolution and the local zone's atomic commits."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from playgrounds.errors import InputError, PlaygroundsError
from playgrounds.lake import local_s3
from playgrounds.lake.zones import (
    LAKE_ENV,
    S3_MODE_ENV,
    Lake,
    LocalZone,
    S3Zone,
    on_aws_glue,
    open_zone,
    s3_mode,
)
from tests.support.snapshots import tree_snapshot


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (LAKE_ENV, S3_MODE_ENV, "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)


def test_default_root_is_lake_and_env_overrides(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    raw = Lake().raw
    assert isinstance(raw, LocalZone)
    assert raw.folder == Path("lake/raw").resolve()
    monkeypatch.setenv(LAKE_ENV, str(tmp_path / "elsewhere"))
    assert Lake().processed.uri == str(tmp_path / "elsewhere" / "processed")
    assert Lake(tmp_path / "given").raw.uri == str(tmp_path / "given" / "raw")


def test_unknown_zone_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PlaygroundsError, match=r"unknown lake zone 'cooked'"):
        Lake(tmp_path).zone("cooked")


def test_s3_mode_is_aws_under_aws_glue_library(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A job deployed to Glue cannot set PLAYGROUNDS_S3: AWS's awsglue must mean real S3.
    monkeypatch.delenv("PLAYGROUNDS_S3", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    monkeypatch.delitem(sys.modules, "awsglue", raising=False)
    (tmp_path / "awsglue").mkdir()
    (tmp_path / "awsglue" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert on_aws_glue()
    assert s3_mode() == "aws"
    assert s3_mode("local") == "local"


def test_s3_mode_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    assert s3_mode() == "local"
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
    assert s3_mode() == "aws"
    monkeypatch.setenv(S3_MODE_ENV, "local")
    assert s3_mode() == "local"
    assert s3_mode("aws") == "aws"
    monkeypatch.setenv(S3_MODE_ENV, "cloud")
    with pytest.raises(PlaygroundsError, match=r"PLAYGROUNDS_S3='cloud' is not one of aws, local"):
        s3_mode()


def test_s3_root_maps_to_local_folder_or_boto3(tmp_path: Path) -> None:
    local = Lake("s3://bucket/pre", s3="local", local_s3_root=tmp_path).raw
    assert isinstance(local, LocalZone)
    assert local.uri == "s3://bucket/pre/raw"
    # The same folder the Spark-side mapping uses.
    assert local.folder == local_s3.local_path("s3://bucket/pre/raw", tmp_path)
    assert local.uri_of("income-ny/year=2016/income.csv") == (
        "s3://bucket/pre/raw/income-ny/year=2016/income.csv"
    )
    remote = Lake("s3://bucket/pre", s3="aws").raw
    assert isinstance(remote, S3Zone)
    assert (remote.bucket, remote.object_key("a/b")) == ("bucket", "pre/raw/a/b")
    assert remote.spark_path("a") == "s3a://bucket/pre/raw/a"


def test_other_schemes_and_dot_dot_keys_are_refused(tmp_path: Path) -> None:
    with pytest.raises(PlaygroundsError, match=r"not a local folder or an s3:// address"):
        open_zone("gs://bucket/raw")
    with pytest.raises(PlaygroundsError, match=r"must not contain"):
        LocalZone(tmp_path).path_of("../escape")


def _staged_file(tmp_path: Path, text: str) -> Path:
    staged = tmp_path / f"staged-{len(text)}.csv"
    staged.write_text(text)
    return staged


def test_commit_file_replaces_and_leaves_nothing_else(tmp_path: Path) -> None:
    zone = LocalZone(tmp_path / "lake" / "raw")
    zone.commit_file("t/year=1/x.csv", _staged_file(tmp_path, "old\n"))
    zone.commit_file("t/year=1/x.csv", _staged_file(tmp_path, "newer\n"))
    assert tree_snapshot(tmp_path / "lake") == {"raw/t/year=1/x.csv": b"newer\n"}
    assert zone.exists("t/year=1/x.csv") and zone.exists("t")
    assert not zone.exists("t/year=2")
    assert zone.list_keys() == ["t/year=1/x.csv"]
    assert zone.read_bytes("t/year=1/x.csv") == b"newer\n"


def test_commit_folder_swaps_whole_folders(tmp_path: Path) -> None:
    zone = LocalZone(tmp_path / "lake" / "raw")
    first = tmp_path / "first"
    first.mkdir()
    (first / "part-0.parquet").write_bytes(b"1")
    (first / "part-1.parquet").write_bytes(b"2")
    (first / ".part-0.parquet.crc").write_bytes(b"c")
    zone.commit_folder("p/day=1", first)
    second = tmp_path / "second"
    second.mkdir()
    (second / "part-9.parquet").write_bytes(b"9")
    zone.commit_folder("p/day=1", second)
    # The old files are gone, checksums dropped, no hidden staging folders left.
    assert tree_snapshot(tmp_path / "lake") == {"raw/p/day=1/part-9.parquet": b"9"}


def test_hidden_files_are_not_data(tmp_path: Path) -> None:
    zone = LocalZone(tmp_path)
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / ".x.tmp-123").write_text("half")
    assert not zone.exists("t")
    assert zone.list_keys() == []


def test_unwritable_root_is_a_clear_error(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can write into read-only folders")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(InputError, match=r"is not writable"):
            LocalZone(locked / "lake" / "raw").check_writable()
    finally:
        locked.chmod(0o700)


def test_cli_with_local_s3_says_where_the_files_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from playgrounds.cli import main

    monkeypatch.setenv(local_s3.ROOT_ENV, str(tmp_path / "s3"))
    samples = Path(__file__).resolve().parents[2] / "data" / "samples"
    code = main(["ingest", "income", "--lake", "s3://bkt/demo", "--source", str(samples)])
    assert code == 0
    written = tmp_path / "s3" / "bkt" / "demo" / "raw" / "income-ny" / "year=2016" / "income.csv"
    assert written.read_bytes() == (samples / "16zpallagi.csv").read_bytes()
    out = " ".join(capsys.readouterr().out.split())
    assert "to s3://bkt/demo/raw/income-ny/year=2016/income.csv" in out
    assert f"(s3:// kept locally in {tmp_path / 's3' / 'bkt' / 'demo' / 'raw'})" in out
