"""Format detection and schema inference for one data file, the way a Glue crawler classifies.

Pure Python (csv, json, pyarrow): a crawl samples files without starting a
Spark job per file, and the same inference serves the local metastore and the
Glue Data Catalog. Types are Hive type names (``bigint``, ``double``,
``string``, ``struct<a:bigint>``...), the vocabulary both catalogs store.
Every problem with a file is an :class:`UnreadableFileError` whose message is
the reason; the crawl reports it as a skip and goes on.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from playgrounds.catalog.names import crawled_column_names
from playgrounds.spark import repeated_name

# How much of a text file the crawler reads to classify it and infer types.
SAMPLE_BYTES = 1 << 20
SAMPLE_ROWS = 1000
PARQUET_MAGIC = b"PAR1"
_BOM = b"\xef\xbb\xbf"

_INT = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$")
_BOOL = {"true", "false"}
_IDENTIFIER = re.compile(r"^[A-Za-z_][\w .\-/()#%]*$")
_DELIMITERS = ",\t|;"

FORMATS = ("csv", "parquet", "json")


@dataclass(frozen=True)
class CatalogColumn:
    """One column as a catalog stores it: lower-case name (as Glue stores it) and Hive type."""

    name: str
    type: str


@dataclass
class FileSchema:
    """What the crawler learned from one file."""

    format: str
    columns: list[CatalogColumn]
    header: bool = False
    delimiter: str = ","
    json_array: bool = False
    compressed: bool = False
    # Lower-cased name -> name as written in the file (JSON keys are matched by exact name).
    source_names: dict[str, str] = field(default_factory=dict)


class UnreadableFileError(Exception):
    """A file the crawler skips; the message is the reason, one sentence."""


# ---------------------------------------------------------------- format detection


def _is_gzip(path: Path) -> bool:
    return path.name.endswith(".gz")


def _read_head(path: Path, size: int) -> bytes:
    if _is_gzip(path):
        try:
            with gzip.open(path, "rb") as stream:
                return stream.read(size)
        except EOFError:
            raise UnreadableFileError(f"{path} is a truncated gzip file") from None
        except OSError as bad:
            raise UnreadableFileError(f"{path} is not a readable gzip file ({bad})") from None
    with path.open("rb") as stream:
        return stream.read(size)


def _head(path: Path, size: int = SAMPLE_BYTES) -> bytes:
    """The first ``size`` bytes of the (decompressed) file, a byte-order mark left out.

    Excel and some exports start UTF-8 text with a BOM; kept, it would glue itself
    to the first column's name, and the header would no longer look like one.
    Spark's CSV and JSON readers skip it too. A sample of ``size`` bytes is still
    ``size`` bytes long, so callers can tell a cut sample by its length.
    """
    head = _read_head(path, size + len(_BOM))
    return head.removeprefix(_BOM)[:size]


def detect_format(path: Path) -> str:
    """``csv``, ``parquet`` or ``json`` from the extension, else from the first bytes."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".parquet") or name.endswith(".parq"):
        return "parquet"
    if name.endswith((".json", ".jsonl", ".ndjson")):
        return "json"
    if name.endswith((".csv", ".tsv", ".txt", ".psv")):
        return "csv"
    with path.open("rb") as stream:
        if stream.read(4) == PARQUET_MAGIC:
            return "parquet"
    head = _head(path, 4096).lstrip()
    if head[:1] in (b"{", b"["):
        return "json"
    return "csv"


# ---------------------------------------------------------------- value typing


def is_integer_value(value: str) -> bool:
    """True for text that spells a whole number (``2019``, ``07``, ``-1``)."""
    return bool(_INT.match(value))


def _value_type(text: str) -> str | None:
    """Hive type of one CSV field; None for an empty field (no evidence)."""
    value = text.strip()
    if not value:
        return None
    if is_integer_value(value):
        # Glue uses bigint for every integer; beyond 64 bits it is not a number to Hive.
        return "bigint" if abs(int(value)) < 2**63 else "string"
    if _FLOAT.match(value):
        return "double"
    if value.lower() in _BOOL:
        return "boolean"
    return "string"


def merge_types(a: str | None, b: str | None) -> str | None:
    """The narrowest Hive type holding values of both types."""
    if a is None or a == b:
        return b
    if b is None:
        return a
    if {a, b} <= {"int", "bigint"}:
        return "bigint"
    if {a, b} <= {"int", "bigint", "double", "float"}:
        return "double"
    return "string"


# ---------------------------------------------------------------- CSV


def _csv_rows(text: str, delimiter: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    return [row for row in rows if row and any(cell.strip() for cell in row)]


def _delimiter(lines: list[str]) -> str:
    """The delimiter splitting every sampled line into the same number (>1) of fields."""
    best, best_fields = ",", 1
    for candidate in _DELIMITERS:
        counts = {len(row) for row in csv.reader(lines[:50], delimiter=candidate) if row}
        if len(counts) == 1:
            fields = counts.pop()
            if fields > best_fields:
                best, best_fields = candidate, fields
    return best


def _has_header(first: list[str], rows: list[list[str]], *, distinct: bool = True) -> bool:
    """Glue's heuristic: a header is all non-numeric, distinct names (any case) unlike the data.

    With typed data (a number under a name) the answer is clear; when every column
    is text, the first row counts as a header only if none of its values recur in
    its column, as repeated labels would in data. ``distinct=False`` asks whether
    the row would be a header but for a repeated name.
    """
    names = [cell.strip() for cell in first]
    if not all(names) or (distinct and len({name.lower() for name in names}) != len(names)):
        return False
    if any(_value_type(name) != "string" for name in names):
        return False
    if not all(_IDENTIFIER.match(name) for name in names):
        return False
    if not rows:
        return True
    column_types: list[str | None] = [None] * len(names)
    for row in rows:
        for index, cell in enumerate(row[: len(names)]):
            column_types[index] = merge_types(column_types[index], _value_type(cell))
    if any(kind not in (None, "string") for kind in column_types):
        return True
    for index, name in enumerate(names):
        if any(index < len(row) and row[index].strip() == name for row in rows):
            return False
    return True


def _csv_columns(names: list[str], rows: list[list[str]]) -> list[CatalogColumn]:
    types: list[str | None] = [None] * len(names)
    for row in rows:
        for index, cell in enumerate(row[: len(names)]):
            types[index] = merge_types(types[index], _value_type(cell))
    return [CatalogColumn(name, kind or "string") for name, kind in zip(names, types, strict=True)]


def _refuse_repeated_names(path: Path, names: list[str], what: str = "column") -> None:
    """An :class:`UnreadableFileError` naming the first name that repeats, ignoring case.

    The catalogs store names lower-cased (Glue) or compare them without case
    (Hive, Spark), so ``Zip`` and ``zip`` are one name twice.
    """
    repeated = repeated_name(names)
    if repeated is None:
        return
    first, second = (names[i].strip() for i in repeated)
    spelled = f" (as {first} and {second})" if first != second else ""
    raise UnreadableFileError(
        f"{path} has {what} {second} twice{spelled}: "
        f"{what}s {repeated[0] + 1} and {repeated[1] + 1}"
    )


def _last_line(path: Path) -> tuple[bytes, bool]:
    """The last non-empty line of an uncompressed file and whether the file ends with a newline."""
    with path.open("rb") as stream:
        stream.seek(0, io.SEEK_END)
        size = stream.tell()
        stream.seek(max(0, size - 65536))
        tail = stream.read()
    ends_with_newline = tail.endswith(b"\n")
    lines = [line for line in tail.splitlines() if line.strip()]
    return (lines[-1] if lines else b""), ends_with_newline


def _count_lines(path: Path) -> int:
    opener = gzip.open if _is_gzip(path) else open
    count = 0
    with opener(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            count += chunk.count(b"\n")
    return count


def _check_csv_end(path: Path, width: int, delimiter: str) -> None:
    """A file cut short ends in a row with fewer fields than the header: say which row."""
    if _is_gzip(path):
        # Reading a gzip stream to its end is the only way to find it cut short.
        try:
            _count_lines(path)
        except (OSError, EOFError):
            raise UnreadableFileError(f"{path} is a truncated gzip file") from None
        return
    last, ends_with_newline = _last_line(path)
    if not last:
        return
    try:
        fields = next(csv.reader([last.decode("utf-8", errors="replace")], delimiter=delimiter))
    except StopIteration:
        return
    if len(fields) < width and not ends_with_newline:
        row = _count_lines(path) + 1
        raise UnreadableFileError(
            f"{path} looks truncated: its last row (line {row}) has {len(fields)} of "
            f"{width} fields and no line end"
        )


def infer_csv(path: Path) -> FileSchema:
    """Delimiter, header and column types of a CSV file from its first rows."""
    head = _head(path)
    if not head.strip():
        raise UnreadableFileError(f"{path} is empty")
    if head.lstrip()[:1] == b"<":
        raise UnreadableFileError(f"{path} looks like HTML or XML, not CSV")
    if b"\x00" in head[:4096]:
        raise UnreadableFileError(f"{path} is binary, not CSV")
    text = head.decode("utf-8", errors="replace")
    if len(head) == SAMPLE_BYTES:
        # Drop the partial last line of a sample cut mid-row.
        text = text[: text.rfind("\n") + 1] or text
    lines = text.splitlines()[: SAMPLE_ROWS + 1]
    delimiter = _delimiter(lines)
    rows = _csv_rows("\n".join(lines), delimiter)
    if not rows:
        raise UnreadableFileError(f"{path} has no rows")
    first, rest = rows[0], rows[1:]
    header = _has_header(first, rest)
    if not header and _has_header(first, rest, distinct=False):
        # Glue would read such a header as a data row and name the columns col0...;
        # silently, so the user would never learn why. Say which name repeats.
        _refuse_repeated_names(path, first, "header column")
    width = max(len(row) for row in rows)
    names = crawled_column_names(first) if header else [f"col{i}" for i in range(width)]
    if header and width > len(names):
        raise UnreadableFileError(
            f"{path} has rows with {width} fields but its header names {len(names)} columns"
        )
    _check_csv_end(path, len(names), delimiter)
    return FileSchema(
        "csv",
        _csv_columns(names, rest if header else rows),
        header=header,
        delimiter=delimiter,
        compressed=_is_gzip(path),
    )


# ---------------------------------------------------------------- JSON


def _json_type(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "bigint"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        element: str | None = None
        for item in value:
            element = _merge_json(element, _json_type(item))
        return f"array<{element or 'string'}>"
    if isinstance(value, dict):
        fields = _json_fields([value])
        inner = ",".join(f"{_hive_field(name)}:{kind}" for name, kind in fields.items())
        return f"struct<{inner}>" if inner else "string"
    return "string"


def _hive_field(name: str) -> str:
    return name if re.match(r"^\w+$", name) else f"`{name}`"


def _merge_json(a: str | None, b: str | None) -> str | None:
    if a is None or b is None or a == b:
        return a or b
    if a.startswith(("struct<", "array<")) or b.startswith(("struct<", "array<")):
        return "string"
    return merge_types(a, b)


def _json_fields(records: list[dict[str, Any]]) -> dict[str, str]:
    fields: dict[str, str | None] = {}
    for record in records:
        for key, value in record.items():
            fields[key] = _merge_json(fields.get(key), _json_type(value))
    return {key: kind or "string" for key, kind in fields.items()}


def _json_records(path: Path, head: bytes) -> tuple[list[dict[str, Any]], bool]:
    """Sample records and whether the file is one JSON array (else JSON lines)."""
    stripped = head.lstrip()
    if stripped[:1] == b"[":
        if len(head) == SAMPLE_BYTES:
            # A large array: the whole document is needed to parse it.
            opener = gzip.open if _is_gzip(path) else open
            with opener(path, "rb") as stream:
                raw = stream.read()
        else:
            raw = head
        try:
            document = json.loads(raw)
        except ValueError as bad:
            raise UnreadableFileError(f"{path} is not valid JSON ({bad})") from None
        if not isinstance(document, list) or not all(isinstance(r, dict) for r in document):
            raise UnreadableFileError(f"{path} is a JSON array but not of objects")
        return document[:SAMPLE_ROWS], True
    records: list[dict[str, Any]] = []
    lines = head.decode("utf-8", errors="replace").splitlines()
    if len(head) == SAMPLE_BYTES:
        lines = lines[:-1]
    for number, line in enumerate(lines[:SAMPLE_ROWS], start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            if number == 1 and stripped[:1] == b"{":
                raise UnreadableFileError(
                    f"{path} holds one JSON object over several lines, not an array or "
                    "JSON lines of records"
                ) from None
            raise UnreadableFileError(f"{path} line {number} is not valid JSON") from None
        if not isinstance(record, dict):
            raise UnreadableFileError(f"{path} line {number} is not a JSON object")
        records.append(record)
    return records, False


def infer_json(path: Path) -> FileSchema:
    """Columns of a JSON-lines file or a JSON array of objects."""
    head = _head(path)
    if not head.strip():
        raise UnreadableFileError(f"{path} is empty")
    if head.lstrip()[:1] == b"<":
        raise UnreadableFileError(f"{path} looks like HTML or XML, not JSON")
    records, is_array = _json_records(path, head)
    if not records:
        raise UnreadableFileError(f"{path} has no records")
    fields = _json_fields(records)
    _refuse_repeated_names(path, list(fields), "field")
    names = crawled_column_names(list(fields))
    source = dict(zip(names, fields, strict=True))
    columns = [CatalogColumn(name, fields[source[name]]) for name in names]
    return FileSchema(
        "json", columns, json_array=is_array, compressed=_is_gzip(path), source_names=source
    )


# ---------------------------------------------------------------- Parquet


def arrow_to_hive(kind: pa.DataType) -> str:
    """The Hive type name of an Arrow type (as Spark reads the Parquet column)."""
    simple = {
        pa.bool_(): "boolean",
        pa.int8(): "tinyint",
        pa.int16(): "smallint",
        pa.int32(): "int",
        pa.int64(): "bigint",
        pa.uint8(): "smallint",
        pa.uint16(): "int",
        pa.uint32(): "bigint",
        pa.float16(): "float",
        pa.float32(): "float",
        pa.float64(): "double",
        pa.date32(): "date",
        pa.date64(): "date",
        pa.null(): "string",
    }
    if kind in simple:
        return simple[kind]
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "string"
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
        return "binary"
    if pa.types.is_timestamp(kind):
        return "timestamp"
    if pa.types.is_decimal(kind):
        return f"decimal({kind.precision},{kind.scale})"
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return f"array<{arrow_to_hive(kind.value_type)}>"
    if pa.types.is_struct(kind):
        inner = ",".join(
            f"{_hive_field(kind.field(i).name)}:{arrow_to_hive(kind.field(i).type)}"
            for i in range(kind.num_fields)
        )
        return f"struct<{inner}>"
    if pa.types.is_map(kind):
        return f"map<{arrow_to_hive(kind.key_type)},{arrow_to_hive(kind.item_type)}>"
    if pa.types.is_dictionary(kind):
        return arrow_to_hive(kind.value_type)
    return "string"


def infer_parquet(path: Path) -> FileSchema:
    """Columns of a Parquet file from its footer (a file without one is truncated)."""
    size = path.stat().st_size
    if size == 0:
        raise UnreadableFileError(f"{path} is empty")
    with path.open("rb") as stream:
        start = stream.read(4)
        stream.seek(max(0, size - 4))
        end = stream.read(4)
    if start != PARQUET_MAGIC:
        raise UnreadableFileError(f"{path} is not a Parquet file (no PAR1 magic at the start)")
    if end != PARQUET_MAGIC:
        raise UnreadableFileError(f"{path} is a truncated Parquet file (no footer)")
    try:
        schema = pq.read_schema(path)
    except (OSError, pa.ArrowException) as bad:
        raise UnreadableFileError(f"{path} has an unreadable Parquet footer ({bad})") from None
    _refuse_repeated_names(path, list(schema.names))
    names = crawled_column_names(list(schema.names))
    columns = [
        CatalogColumn(name, arrow_to_hive(schema.field(i).type)) for i, name in enumerate(names)
    ]
    return FileSchema("parquet", columns, source_names=dict(zip(names, schema.names, strict=True)))


def infer_file(path: Path, fmt: str | None = None) -> FileSchema:
    """Classify one file and read its schema; :class:`UnreadableFileError` says why not."""
    try:
        if path.stat().st_size == 0:
            raise UnreadableFileError(f"{path} is empty")
        kind = fmt or detect_format(path)
        if kind == "parquet":
            return infer_parquet(path)
        if kind == "json":
            return infer_json(path)
        return infer_csv(path)
    except PermissionError:
        raise UnreadableFileError(f"{path} cannot be read (permission denied)") from None
    except UnicodeError:
        raise UnreadableFileError(f"{path} is not UTF-8 text") from None
