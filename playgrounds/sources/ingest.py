"""The workshop's two import jobs as library calls: IRS income CSV and NYC Parks JSON.

* :func:`ingest_income` streams the IRS SOI ZIP-code CSV for a year to
  ``income-ny/year=YYYY/income.csv``, checking the header and every row's
  field count on the way, and skips when the object is already there.
* :func:`ingest_nyc_parks_json` checks that a NYC Parks payload is a JSON array
  of objects and writes it as Parquet to ``<dataset>/year=Y/month=M/day=D/``.

Both stage everything outside the lake and commit only a complete, checked
result (see :mod:`playgrounds.lake.zones`), so a failure leaves the lake as it was.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from playgrounds.errors import InputError, reading_input
from playgrounds.lake.layout import INCOME_TABLE, date_partition
from playgrounds.lake.zones import Zone, open_zone
from playgrounds.sources.fetch import (
    DEFAULT_RETRY,
    ProgressCallback,
    RetryPolicy,
    is_url,
    stream_into,
)
from playgrounds.sources.inputs import require_distinct_columns
from playgrounds.spark import quote_identifier, repeated_name
from playgrounds.transforms.income import REQUIRED_INCOME_COLUMNS

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# The published locations, each in this one place.
IRS_URL_TEMPLATE = "https://www.irs.gov/pub/irs-soi/{yy}zpallagi.csv"
NYC_PARKS_URLS: dict[str, str] = {
    "parks": "https://www.nycgovparks.org/bigapps/DPR_Parks_001.json",
    "playgrounds": "https://www.nycgovparks.org/bigapps/DPR_Playgrounds_001.json",
}

INCOME_FILE = "income.csv"
JSON_DATASETS: tuple[str, ...] = tuple(NYC_PARKS_URLS)

# The IRS file's first four columns, every year.
IRS_KEY_COLUMNS: tuple[str, ...] = ("STATEFIPS", "STATE", "zipcode", "agi_stub")
# Column counts measured on the published files; other years are checked by
# their key and required columns only, since the IRS adds columns over the years.
IRS_COLUMN_COUNTS: dict[int, int] = {2016: 147}

_GZIP_MAGIC = b"\x1f\x8b"
_BOM = b"\xef\xbb\xbf"
# A header line longer than this is not the IRS header (it is about 1.2 kB).
_MAX_HEADER_BYTES = 1 << 16


@dataclass(frozen=True)
class IngestResult:
    """What one ingest did: where, from what, how much, or that it skipped."""

    dataset: str  # "income", "parks" or "playgrounds"
    path: str  # the object or partition written (or found, when skipped)
    source: str  # the URL or local file read
    rows: int | None  # data rows written; None when skipped
    bytes: int | None  # income: CSV bytes stored (decompressed); JSON: bytes downloaded
    skipped: bool = False
    seconds: float = 0.0

    def summary(self) -> str:
        """One line for a terminal."""
        if self.skipped:
            return f"{self.dataset}: {self.path} is already there, skipped (use --force to replace)"
        size = f", {self.bytes:,} bytes" if self.bytes is not None else ""
        return (
            f"{self.dataset}: wrote {self.rows:,} rows{size} to {self.path} "
            f"from {self.source} in {self.seconds:.1f} s"
        )


def income_url(year: int) -> str:
    """The IRS SOI download for ``year`` (files are named by the year's last two digits)."""
    return IRS_URL_TEMPLATE.format(yy=f"{year % 100:02d}")


def income_key(year: int) -> str:
    """Where the income CSV of ``year`` lives in the raw zone."""
    return f"{INCOME_TABLE}/year={year}/{INCOME_FILE}"


def json_key(dataset: str, day: dt.date) -> str:
    """Where a NYC Parks dataset of ``day`` lives in the raw zone (not zero-padded)."""
    return f"{dataset}/{date_partition(day)}"


def _pick_in_folder(folder: Path, names: Sequence[str], patterns: Sequence[str]) -> Path:
    for name in names:
        if (folder / name).is_file():
            return folder / name
    for pattern in patterns:
        found = sorted(p for p in folder.glob(pattern) if p.is_file())
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            listed = ", ".join(p.name for p in found)
            raise InputError(
                f"{folder} holds several candidate files ({listed}); pass one with --source"
            )
    raise InputError(f"{folder} holds no {' or '.join(names)}")


def resolve_source(
    source: str | os.PathLike[str] | None,
    default_url: str,
    names: Sequence[str],
    patterns: Sequence[str] = (),
) -> str:
    """The URL or local file to read: the default URL, a URL, a file, or a file in a folder."""
    if source is None:
        return default_url
    text = os.fspath(source)
    if is_url(text):
        return text
    path = Path(text).expanduser()
    if path.is_dir():
        return str(_pick_in_folder(path, names, patterns))
    if not path.exists():
        raise InputError(f"source {path} does not exist")
    return str(path)


def _looks_like_html(head: bytes) -> bool:
    start = head.lstrip()[:256].lower()
    return start.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body")) or (
        start.startswith(b"<") and b"<html" in head[:4096].lower()
    )


def _fields(line: bytes) -> list[str]:
    text = line.decode("utf-8", "replace")
    if '"' in text:
        return next(csv.reader([text]), [])
    return text.split(",")


def check_income_header(
    fields: Sequence[str], source: str, year: int, line: str | None = None
) -> None:
    """Raise a one-sentence :class:`InputError` unless ``fields`` is the IRS CSV header.

    ``line`` is the header as read, quoted in the error when it is not the IRS one.
    """
    names = [f.strip() for f in fields]
    if [n.lower() for n in names[:4]] != [c.lower() for c in IRS_KEY_COLUMNS]:
        shown = (line if line is not None else ",".join(names))[:40]
        raise InputError(
            f"{source} does not start with the IRS ZIP-code header "
            f"({','.join(IRS_KEY_COLUMNS)}): it starts with {shown!r}"
        )
    require_distinct_columns(names, f"{source} header")
    present = {n.lower() for n in names}
    missing = [c for c in REQUIRED_INCOME_COLUMNS if c.lower() not in present]
    if missing:
        raise InputError(f"{source} header lacks column {missing[0]} of the IRS ZIP-code file")
    expected = IRS_COLUMN_COUNTS.get(year)
    if expected is not None and len(names) != expected:
        raise InputError(
            f"{source} header has {len(names)} columns, the IRS file for {year} has {expected}"
        )


class IncomeCsvSink:
    """Writes the (decompressed) CSV to a staging file, checking it line by line as it streams.

    Only the current partial line is held in memory. A gzip body is detected
    by its magic bytes, whatever the source's name.
    """

    def __init__(self, target: Path, source: str, year: int) -> None:
        """Stage into ``target``; errors name ``source``."""
        self.target = target
        self.source = source
        self.year = year
        self.rows = 0
        self.bytes = 0
        self._handle: BinaryIO | None = open(target, "wb")  # noqa: SIM115
        self._inflate: zlib._Decompress | None = None
        self._started = False
        self._pending = b""
        self._line = 0
        self._columns = 0
        self._bom_pending: bytes | None = b""

    def write(self, chunk: bytes) -> None:
        """Take compressed or plain bytes."""
        if not self._started:
            self._started = True
            if chunk.startswith(_GZIP_MAGIC):
                self._inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
        if self._inflate is None:
            self._take(chunk)
            return
        while chunk:
            try:
                self._take(self._inflate.decompress(chunk))
            except zlib.error as error:
                raise InputError(f"{self.source} is not valid gzip data ({error})") from error
            if not self._inflate.eof:
                break
            # A file of several gzip members (allowed by the format): start the next.
            chunk = self._inflate.unused_data
            if chunk:
                self._inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)

    def _take(self, data: bytes) -> None:
        if self._bom_pending is not None:
            # A byte-order mark (Excel writes one) is no part of the first column's
            # name: it is not stored, or a crawler would not see the header.
            data = self._bom_pending + data
            if len(data) < len(_BOM) and _BOM.startswith(data):
                self._bom_pending = data
                return
            self._bom_pending = None
            data = data.removeprefix(_BOM)
        if not data:
            return
        assert self._handle is not None
        self._handle.write(data)
        self.bytes += len(data)
        lines = (self._pending + data).split(b"\n")
        self._pending = lines.pop()
        for line in lines:
            self._check_line(line)
        if not self._columns and len(self._pending) > _MAX_HEADER_BYTES:
            self._refuse_header(self._pending)

    def _refuse_header(self, head: bytes) -> None:
        if _looks_like_html(head):
            raise InputError(f"{self.source} is an HTML page, not the IRS ZIP-code CSV")
        raise InputError(f"{self.source} does not start with a CSV header line")

    def _check_line(self, line: bytes) -> None:
        self._line += 1
        line = line.rstrip(b"\r")
        if self._line == 1:
            if _looks_like_html(line) or b"," not in line:
                self._refuse_header(line)
            fields = _fields(line)
            check_income_header(fields, self.source, self.year, line.decode("utf-8", "replace"))
            self._columns = len(fields)
            return
        if not line:
            return
        count = len(_fields(line))
        if count != self._columns:
            raise InputError(
                f"{self.source} line {self._line} has {count} fields, the header has "
                f"{self._columns} (is the file truncated?)"
            )
        self.rows += 1

    def finish(self) -> None:
        """Check the end of the data and close the staging file."""
        if self._inflate is not None and not self._inflate.eof:
            raise InputError(f"{self.source} is a gzip file that ends early (truncated)")
        pending = self._bom_pending
        if pending:  # fewer bytes than a BOM in all: they are data after all
            self._bom_pending = None
            self._take(pending)
        if self._pending:
            self._check_line(self._pending)
            self._pending = b""
        self._close()
        if self.bytes == 0:
            raise InputError(f"{self.source} is empty")
        if self.rows == 0:
            raise InputError(f"{self.source} has a header but no data rows")

    def _close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def abort(self) -> None:
        """Drop the staged file."""
        self._close()
        self.target.unlink(missing_ok=True)


class FileSink:
    """Writes the bytes as they come to a staging file (for payloads checked whole afterwards)."""

    def __init__(self, target: Path) -> None:
        """Stage into ``target``."""
        self.target = target
        self.bytes = 0
        self._handle: BinaryIO | None = open(target, "wb")  # noqa: SIM115

    def write(self, chunk: bytes) -> None:
        """Append a chunk."""
        assert self._handle is not None
        self._handle.write(chunk)
        self.bytes += len(chunk)

    def finish(self) -> None:
        """Close the staging file."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def abort(self) -> None:
        """Drop the staged file."""
        self.finish()
        self.target.unlink(missing_ok=True)


def ingest_income(
    raw_zone: str | os.PathLike[str] | Zone,
    *,
    year: int = 2016,
    source: str | os.PathLike[str] | None = None,
    force: bool = False,
    progress: ProgressCallback | None = None,
    retry: RetryPolicy = DEFAULT_RETRY,
) -> IngestResult:
    """Put the IRS SOI ZIP-code CSV of ``year`` at ``income-ny/year=YYYY/income.csv``.

    ``source`` is a URL, a local ``.csv`` or ``.csv.gz``, or a folder holding
    ``{yy}zpallagi.csv`` (or ``.csv.gz``, or one ``{yy}zpallagi*.csv*``); by
    default the IRS download. Skips when the object exists, unless ``force``.
    """
    if not 1990 <= year <= 2100:
        raise InputError(f"year {year} is not a plausible IRS tax year")
    started = time.monotonic()
    zone = open_zone(raw_zone)
    key = income_key(year)
    yy = f"{year % 100:02d}"
    chosen = resolve_source(
        source,
        income_url(year),
        names=(f"{yy}zpallagi.csv", f"{yy}zpallagi.csv.gz"),
        patterns=(f"{yy}zpallagi*.csv*",),
    )
    if not force and zone.exists(key):
        return IngestResult("income", zone.uri_of(key), chosen, None, None, skipped=True)
    zone.check_writable()
    with zone.staging() as stage:
        staged = stage / INCOME_FILE
        sink = stream_into(
            chosen,
            lambda: IncomeCsvSink(staged, chosen, year),
            progress=progress,
            retry=retry,
        )
        try:
            sink.finish()
        except BaseException:
            sink.abort()
            raise
        zone.commit_file(key, staged)
    return IngestResult(
        "income",
        zone.uri_of(key),
        chosen,
        sink.rows,
        sink.bytes,
        seconds=time.monotonic() - started,
    )


def parse_json_records(payload: bytes, source: str) -> list[dict[str, object]]:
    """The payload as a list of objects, or a one-sentence :class:`InputError` naming ``source``."""
    if not payload.strip():
        raise InputError(f"{source} is empty")
    if _looks_like_html(payload[:4096]):
        raise InputError(f"{source} is an HTML page, not a JSON array of objects")
    try:
        data = json.loads(payload)
    except json.JSONDecodeError as error:
        raise InputError(
            f"{source} is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from error
    except UnicodeDecodeError as error:
        raise InputError(f"{source} is not UTF-8 text (byte {error.start})") from error
    if not isinstance(data, list):
        kind = "object" if isinstance(data, dict) else type(data).__name__
        raise InputError(f"{source} holds a JSON {kind}, expected an array of objects")
    if not data:
        raise InputError(f"{source} holds an empty array, so there are no records to write")
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            kind = "array" if isinstance(item, list) else type(item).__name__
            raise InputError(f"{source} item {index} is a JSON {kind}, expected an object")
    return data


def _json_type(values: set[type]) -> str | None:
    """Spark's inferred type for a field holding these Python JSON types (None: not flat)."""
    values.discard(type(None))
    if not values:
        return "string"  # all null: Spark types it string too
    if values & {dict, list}:
        return None
    if values == {bool}:
        return "boolean"
    if values == {int}:
        return "bigint"
    if values <= {int, float}:
        return "double"
    return "string"  # mixed scalars: Spark falls back to string


def flat_json_schema(records: Sequence[dict[str, object]], order: Sequence[str]) -> str | None:
    """A DDL schema matching Spark's JSON inference for flat records, or None for nested ones."""
    seen: dict[str, set[type]] = {name: set() for name in order}
    for record in records:
        for name, value in record.items():
            seen[name].add(type(value))
    columns = []
    for name in order:
        kind = _json_type(seen[name])
        if kind is None:
            return None
        columns.append(f"{quote_identifier(name)} {kind}")
    return ", ".join(columns)


def _require_distinct_fields(order: Sequence[str], source: str) -> None:
    """Fields that differ only in case are one column to Spark, Parquet readers and Glue."""
    repeated = repeated_name(order)
    if repeated is not None:
        first, second = (order[i] for i in repeated)
        raise InputError(
            f"{source} has field {second} twice (as {first} and {second}): Spark and the "
            "catalogs do not tell names apart by case"
        )


def _require_64_bit_integers(records: Sequence[dict[str, object]], source: str) -> None:
    """A whole number beyond 64 bits does not fit Spark's bigint, the type a JSON integer gets."""
    for index, record in enumerate(records):
        for name, value in record.items():
            if type(value) is int and not -(2**63) <= value < 2**63:
                raise InputError(
                    f"{source} item {index} field {name} holds the whole number {value}, "
                    "beyond 64 bits"
                )


def _field_order(records: Sequence[dict[str, object]]) -> list[str]:
    # Spark's JSON inference sorts fields by name; the source's order is kept
    # instead (first appearance), so the Parquet reads like the published file.
    seen: dict[str, None] = {}
    for record in records:
        for name in record:
            seen.setdefault(name, None)
    return list(seen)


def ingest_nyc_parks_json(
    spark: SparkSession,
    raw_zone: str | os.PathLike[str] | Zone,
    dataset: str,
    *,
    day: dt.date,
    source: str | os.PathLike[str] | None = None,
    progress: ProgressCallback | None = None,
    retry: RetryPolicy = DEFAULT_RETRY,
) -> IngestResult:
    """Write a NYC Parks JSON dataset (``parks`` or ``playgrounds``) as Parquet for ``day``.

    Every field is kept with its source name, in source order, typed as Spark
    infers it from the JSON. The partition is replaced as a whole, atomically.
    """
    if dataset not in NYC_PARKS_URLS:
        raise InputError(f"unknown NYC Parks dataset {dataset!r}: expected parks or playgrounds")
    started = time.monotonic()
    zone = open_zone(raw_zone)
    key = json_key(dataset, day)
    url = NYC_PARKS_URLS[dataset]
    file_name = url.rsplit("/", 1)[-1]
    # A folder may hold the published file or the generated sample (DPR_Parks_sample.json).
    stem = file_name.split("_0", 1)[0]
    chosen = resolve_source(source, url, names=(file_name,), patterns=(f"{stem}_*.json",))
    zone.check_writable()
    with zone.staging() as stage:
        staged = stage / file_name
        sink = stream_into(chosen, lambda: FileSink(staged), progress=progress, retry=retry)
        sink.finish()
        records = parse_json_records(staged.read_bytes(), chosen)
        order = _field_order(records)
        _require_distinct_fields(order, chosen)
        schema = flat_json_schema(records, order)
        if schema is not None:
            # Nested records are typed by Spark, which makes such a number a decimal.
            _require_64_bit_integers(records, chosen)
        count = len(records)
        del records
        reader = spark.read.option("multiLine", True)
        if schema is not None:
            # The schema Spark would infer, known already: saves Spark a full pass.
            reader = reader.schema(schema).option("mode", "FAILFAST")
        with reading_input(chosen, copy=staged):
            frame = reader.json(staged.as_uri())
            if "_corrupt_record" in frame.columns:
                raise InputError(f"{chosen} could not be read as JSON records by Spark")
            zone.replace_with_parquet(
                key, frame.select(*[frame[quote_identifier(name)] for name in order])
            )
    return IngestResult(
        dataset,
        zone.uri_of(key),
        chosen,
        count,
        sink.bytes,
        seconds=time.monotonic() - started,
    )
