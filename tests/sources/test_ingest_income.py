"""ingest_income: local and HTTP sources, skip/force, and bad inputs leaving the lake as it was."""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

import pytest

from playgrounds.errors import InputError
from playgrounds.lake.zones import Lake
from playgrounds.sources.fetch import DownloadError, RetryPolicy
from playgrounds.sources.ingest import (
    IRS_URL_TEMPLATE,
    IncomeCsvSink,
    income_key,
    income_url,
    ingest_income,
)
from tests.support.servers import Reply, ScriptedHTTPServer
from tests.support.snapshots import tree_snapshot

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
SAMPLE_CSV = SAMPLES / "16zpallagi.csv"
# Fast retries for tests: same logic, millisecond waits.
QUICK = RetryPolicy(attempts=3, base_delay=0.01, timeout=2.0)


@pytest.fixture
def sample_bytes() -> bytes:
    return SAMPLE_CSV.read_bytes()


@pytest.fixture
def lake_root(tmp_path: Path) -> Path:
    return tmp_path / "lake"


def _raw(lake_root: Path) -> str:
    return str(lake_root / "raw")


def _written(lake_root: Path, year: int = 2016) -> Path:
    return lake_root / "raw" / income_key(year)


def test_url_template_is_the_irs_one() -> None:
    assert IRS_URL_TEMPLATE == "https://www.irs.gov/pub/irs-soi/{yy}zpallagi.csv"
    assert income_url(2016) == "https://www.irs.gov/pub/irs-soi/16zpallagi.csv"
    assert income_url(2009) == "https://www.irs.gov/pub/irs-soi/09zpallagi.csv"


def test_local_file_is_copied_byte_for_byte(lake_root: Path, sample_bytes: bytes) -> None:
    result = ingest_income(_raw(lake_root), source=str(SAMPLE_CSV))
    target = _written(lake_root)
    assert target.read_bytes() == sample_bytes
    assert result.path == str(target)
    assert result.rows == sample_bytes.count(b"\n") - 1
    assert result.bytes == len(sample_bytes)
    assert not result.skipped
    # Only the one object: no staging leftovers, hidden or not.
    assert list(tree_snapshot(lake_root)) == ["raw/income-ny/year=2016/income.csv"]


def test_folder_source_picks_the_years_file(lake_root: Path) -> None:
    result = ingest_income(Lake(lake_root).raw, source=str(SAMPLES))
    assert result.source == str(SAMPLE_CSV)
    assert _written(lake_root).is_file()


def test_folder_without_the_file_names_the_folder(tmp_path: Path, lake_root: Path) -> None:
    with pytest.raises(InputError, match=r"holds no 17zpallagi\.csv"):
        ingest_income(_raw(lake_root), year=2017, source=str(SAMPLES))
    assert not lake_root.exists()


@pytest.mark.real_data
def test_real_gzip_is_stored_decompressed(real_data_dir: Path, lake_root: Path) -> None:
    result = ingest_income(_raw(lake_root), source=str(real_data_dir))
    expected = gzip.decompress((real_data_dir / "16zpallagi_ny.csv.gz").read_bytes())
    assert _written(lake_root).read_bytes() == expected
    assert result.rows == 9977  # the README's count


def test_skips_when_present_and_force_replaces(lake_root: Path, tmp_path: Path) -> None:
    ingest_income(_raw(lake_root), source=str(SAMPLE_CSV))
    smaller = tmp_path / "16zpallagi.csv"
    lines = SAMPLE_CSV.read_bytes().splitlines(keepends=True)
    smaller.write_bytes(b"".join(lines[:7]))

    skipped = ingest_income(_raw(lake_root), source=str(smaller))
    assert skipped.skipped is True
    assert skipped.rows is None
    assert _written(lake_root).read_bytes() == SAMPLE_CSV.read_bytes()

    forced = ingest_income(_raw(lake_root), source=str(smaller), force=True)
    assert not forced.skipped
    assert forced.rows == 6
    assert _written(lake_root).read_bytes() == smaller.read_bytes()
    assert list(tree_snapshot(lake_root)) == ["raw/income-ny/year=2016/income.csv"]


def test_missing_lake_root_is_created(tmp_path: Path) -> None:
    root = tmp_path / "does" / "not" / "exist"
    ingest_income(str(root / "raw"), source=str(SAMPLE_CSV))
    assert (root / "raw" / income_key(2016)).is_file()


def test_lake_root_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    root = tmp_path / "lake"
    root.write_text("not a folder")
    with pytest.raises(InputError, match=r"is a file"):
        ingest_income(str(root / "raw"), source=str(SAMPLE_CSV))
    assert root.read_text() == "not a folder"


# --- over HTTP, through a real local server ---------------------------------------------


def test_http_download_with_byte_progress(
    http_server: ScriptedHTTPServer, lake_root: Path, sample_bytes: bytes
) -> None:
    url = http_server.route([Reply(body=sample_bytes, content_type="text/csv")])
    seen: list[tuple[int, int | None]] = []
    result = ingest_income(
        _raw(lake_root), source=url, retry=QUICK, progress=lambda d, t: seen.append((d, t))
    )
    assert _written(lake_root).read_bytes() == sample_bytes
    assert result.source == url
    assert seen[-1] == (len(sample_bytes), len(sample_bytes))


def test_http_503_twice_then_ok_is_retried(
    http_server: ScriptedHTTPServer, lake_root: Path, sample_bytes: bytes
) -> None:
    busy = Reply(status=503, body=b"busy", content_type="text/plain")
    url = http_server.route([busy, busy, Reply(body=sample_bytes, content_type="text/csv")])
    result = ingest_income(_raw(lake_root), source=url, retry=QUICK)
    assert http_server.hits_of(url) == 3
    assert result.rows == sample_bytes.count(b"\n") - 1
    assert _written(lake_root).read_bytes() == sample_bytes


def test_http_timeout_is_retried(
    http_server: ScriptedHTTPServer, lake_root: Path, sample_bytes: bytes
) -> None:
    # Wide margins both ways: a loaded CI machine must still answer the fast
    # reply within the timeout, and never answer the slow one within it.
    slow = Reply(body=sample_bytes, delay=3.0)
    url = http_server.route([slow, Reply(body=sample_bytes)])
    ingest_income(_raw(lake_root), source=url, retry=RetryPolicy(3, 0.01, timeout=1.0))
    assert http_server.hits_of(url) == 2
    assert _written(lake_root).read_bytes() == sample_bytes


def test_http_503_forever_gives_up_with_the_reason(
    http_server: ScriptedHTTPServer, lake_root: Path
) -> None:
    url = http_server.route([Reply(status=503, body=b"busy")])
    with pytest.raises(DownloadError, match=r"failed 3 times, last with: HTTP 503"):
        ingest_income(_raw(lake_root), source=url, retry=QUICK)
    assert http_server.hits_of(url) == 3
    assert not lake_root.exists()


def test_http_404_is_a_clear_error_without_retry(
    http_server: ScriptedHTTPServer, lake_root: Path
) -> None:
    url = http_server.route([Reply(status=404, body=b"nope", content_type="text/plain")])
    with pytest.raises(InputError) as caught:
        ingest_income(_raw(lake_root), source=url, retry=QUICK)
    assert str(caught.value) == f"{url} was not found (HTTP 404)"
    assert http_server.hits_of(url) == 1
    assert not lake_root.exists()


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "text/plain"])
def test_http_html_page_is_a_clear_error(
    http_server: ScriptedHTTPServer, lake_root: Path, content_type: str
) -> None:
    page = b"<!DOCTYPE html>\n<html><head><title>Page Not Found</title></head></html>\n"
    url = http_server.route([Reply(body=page, content_type=content_type)])
    with pytest.raises(InputError, match=r"HTML page"):
        ingest_income(_raw(lake_root), source=url, retry=QUICK)
    assert not lake_root.exists()


def test_http_body_cut_short_writes_nothing(
    http_server: ScriptedHTTPServer, lake_root: Path, sample_bytes: bytes
) -> None:
    # Cut at a line end, so only the Content-Length check can notice.
    cut = sample_bytes.index(b"\n", len(sample_bytes) // 2) + 1
    url = http_server.route([Reply(body=sample_bytes, cut_after=cut)])
    with pytest.raises(DownloadError) as caught:
        ingest_income(_raw(lake_root), source=url, retry=QUICK)
    assert f"the body ended after {cut} of {len(sample_bytes)} bytes" in str(caught.value)
    assert "nothing was written" in str(caught.value)
    assert not lake_root.exists()


def test_http_failure_keeps_the_previous_file(
    http_server: ScriptedHTTPServer, lake_root: Path, sample_bytes: bytes
) -> None:
    ingest_income(_raw(lake_root), source=str(SAMPLE_CSV))
    before = tree_snapshot(lake_root)
    url = http_server.route([Reply(body=sample_bytes, cut_after=1000)])
    with pytest.raises(DownloadError):
        ingest_income(_raw(lake_root), source=url, force=True, retry=QUICK)
    assert tree_snapshot(lake_root) == before


# --- bad local input: a clear error naming the file, and the lake unchanged -----------------


def _bad_cases(sample: bytes) -> dict[str, tuple[bytes, str]]:
    lines = sample.splitlines(keepends=True)
    header_fields = lines[0].rstrip(b"\n").split(b",")
    mid_row = b"".join(lines[:20]) + lines[20][: len(lines[20]) // 2]
    wrong_first = b"zip,STATE,zipcode,agi_stub," + b",".join(header_fields[4:]) + b"\n"
    no_n1 = lines[0].replace(b",N1,", b",NONE,")
    short = [b",".join(line.rstrip(b"\n").split(b",")[:-1]) + b"\n" for line in lines]
    return {
        "truncated mid-row": (mid_row, r"line 21 has \d+ fields, the header has 147"),
        "wrong header": (wrong_first + b"".join(lines[1:]), r"does not start with the IRS"),
        "required column missing": (no_n1 + b"".join(lines[1:]), r"header lacks column N1"),
        "146 columns": (b"".join(short), r"header has 146 columns, the IRS file for 2016 has 147"),
        "empty file": (b"", r"is empty"),
        "header only": (lines[0], r"has a header but no data rows"),
        "not CSV at all": (b"hello world\n" * 3, r"does not start with a CSV header"),
        "truncated gzip": (gzip.compress(sample)[:-300], r"gzip file that ends early"),
        "column twice": (
            lines[0].replace(b",A00100,", b",n1,") + b"".join(lines[1:]),
            r"header has column n1 twice \(as N1 and n1\): columns 5 and \d+",
        ),
    }


@pytest.mark.parametrize("case", list(_bad_cases(SAMPLE_CSV.read_bytes())))
def test_bad_csv_is_refused_and_lake_unchanged(
    case: str, tmp_path: Path, lake_root: Path, sample_bytes: bytes
) -> None:
    content, message = _bad_cases(sample_bytes)[case]
    bad = tmp_path / ("bad.csv.gz" if case == "truncated gzip" else "bad.csv")
    bad.write_bytes(content)
    # An older, good version is there: a failed forced replace must keep it.
    ingest_income(_raw(lake_root), source=str(SAMPLE_CSV))
    before = tree_snapshot(lake_root)
    with pytest.raises(InputError, match=message) as caught:
        ingest_income(_raw(lake_root), source=str(bad), force=True)
    assert str(bad) in str(caught.value)
    assert tree_snapshot(lake_root) == before


def test_missing_source_file_is_named(tmp_path: Path, lake_root: Path) -> None:
    with pytest.raises(InputError, match=r"source .*nope\.csv does not exist"):
        ingest_income(_raw(lake_root), source=str(tmp_path / "nope.csv"))
    assert not lake_root.exists()


def test_interrupted_download_keeps_lake_and_leaves_no_staging(
    http_server: ScriptedHTTPServer,
    lake_root: Path,
    tmp_path: Path,
    sample_bytes: bytes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ingest_income(_raw(lake_root), source=str(SAMPLE_CSV))
    before = tree_snapshot(lake_root)
    staging_root = tmp_path / "staging"
    staging_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(staging_root))

    def crash(done: int, total: int | None) -> None:
        raise KeyboardInterrupt  # as if the user pressed Ctrl-C mid-download

    url = http_server.route([Reply(body=sample_bytes)])
    with pytest.raises(KeyboardInterrupt):
        ingest_income(_raw(lake_root), source=url, force=True, progress=crash, retry=QUICK)
    assert tree_snapshot(lake_root) == before
    assert list(staging_root.iterdir()) == []


@pytest.mark.parametrize("packed", [False, True], ids=["plain", "gzip"])
def test_a_byte_order_mark_is_not_stored(lake_root: Path, tmp_path: Path, packed: bool) -> None:
    body = b"\xef\xbb\xbf" + SAMPLE_CSV.read_bytes()
    source = tmp_path / ("bom.csv.gz" if packed else "bom.csv")
    source.write_bytes(gzip.compress(body) if packed else body)
    result = ingest_income(_raw(lake_root), source=str(source))
    assert _written(lake_root).read_bytes() == SAMPLE_CSV.read_bytes()
    assert result.rows == SAMPLE_CSV.read_bytes().count(b"\n") - 1


def test_a_byte_order_mark_split_across_chunks_is_not_stored(tmp_path: Path) -> None:
    target = tmp_path / "staged.csv"
    sink = IncomeCsvSink(target, "split.csv", 2016)
    data = b"\xef\xbb\xbf" + SAMPLE_CSV.read_bytes()
    for piece in (data[:1], data[1:2], data[2:5], data[5:]):
        sink.write(piece)
    sink.finish()
    assert target.read_bytes() == SAMPLE_CSV.read_bytes()
