"""Errors a user can act on: each carries one plain sentence, never a stack trace.

Also the one place that turns someone else's error into such a sentence: an
``OSError`` (a file where a folder is expected, a folder nobody can write) and a
Spark failure reached through Py4J, whose Java exception chain carries the file
a task was reading (``file:/...``) deep inside a stack of wrappers. Pure Python:
the Java side is read through the Py4J object's methods, never imported.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


class PlaygroundsError(Exception):
    """An error whose message is meant for the user as it is."""


class InputError(PlaygroundsError):
    """An input file or folder is missing, empty or not in the expected shape."""


# ---------------------------------------------------------------- Java (Spark) failures


@dataclass(frozen=True)
class JavaCause:
    """One link of a Java exception chain: the class name and the message's first line."""

    name: str
    message: str

    @property
    def simple_name(self) -> str:
        """``EOFException`` for ``java.io.EOFException``."""
        return self.name.rsplit(".", 1)[-1]


def _java_exception(error: BaseException) -> object | None:
    # Py4JJavaError keeps it as java_exception; PySpark's captured errors
    # (AnalysisException...) as _origin.
    return getattr(error, "java_exception", None) or getattr(error, "_origin", None)


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def java_causes(error: BaseException) -> list[JavaCause]:
    """The Java exception chain behind ``error``, outermost first (empty for a Python error)."""
    causes: list[JavaCause] = []
    java = _java_exception(error)
    # A chain is a handful deep; the bound guards against a cause that is itself.
    while java is not None and len(causes) < 20:
        try:
            get_class = getattr(java, "getClass", None)
            name = str(get_class().getName()) if get_class else type(java).__name__
            message = java.getMessage()  # type: ignore[attr-defined]
            get_cause = getattr(java, "getCause", None)
            cause = get_cause() if get_cause else None
        except Exception:  # the JVM is gone: what was read so far is all there is
            break
        causes.append(JavaCause(name, _first_line(str(message)) if message is not None else ""))
        java = cause if cause is not None and cause != java else None
    return causes


# Messages that name the file a task was reading, as Spark 3.5, Parquet and Hadoop write them.
_READ_FILE = [
    re.compile(r"Encountered error while reading file (?P<path>\S+?)\.?(?:\s|$)"),
    re.compile(
        r"Could not read footer for file: (?:FileStatus\{path=)?(?P<path>\S+?)[.;,}]?(?:\s|$)"
    ),
    re.compile(r"(?P<path>file:\S+) is not a Parquet file"),
    re.compile(r"Checksum error: (?P<path>file:\S+)"),
    re.compile(r"File (?P<path>file:\S+) does not exist"),
]
# Messages that name a file or folder Spark was writing.
_WRITE_FILE = [
    ("mkdirs", re.compile(r"Mkdirs failed to create (?P<path>file:\S+)")),
    ("not-a-folder", re.compile(r"Parent path is not a directory: (?P<path>file:\S+)")),
    ("exists", re.compile(r"(?:Path|File|Destination) (?P<path>file:\S+?) already exists")),
]
_OUT_OF_RANGE = re.compile(r"Numeric value \((?P<value>[-+]?\d+)\) out of range of (?P<kind>\w+)")
_AT_LINE = re.compile(r"line: (?P<line>\d+), column: (?P<column>\d+)")
_DUPLICATE_COLUMN = re.compile(r"\[COLUMN_ALREADY_EXISTS\] The column `(?P<name>[^`]+)` already")


def shown_path(uri: str) -> str:
    """A Hadoop path as a user typed it: no ``file:`` scheme, no ``_temporary`` staging tail."""
    path = re.sub(r"^file:(//)?", "", uri.rstrip(".,;"))
    return path.split("/_temporary/", 1)[0]


def _read_file(causes: list[JavaCause]) -> str | None:
    # The innermost mention is the most precise one (the outer ones are wrappers).
    for cause in reversed(causes):
        for pattern in _READ_FILE:
            found = pattern.search(cause.message)
            if found:
                return shown_path(found.group("path"))
    return None


def _read_reason(causes: list[JavaCause], path: str) -> str:
    """What is wrong with a file Spark could not read, as the end of a sentence about it."""
    names = {c.simple_name for c in causes}
    text = " ".join(c.message for c in causes)
    number = _OUT_OF_RANGE.search(text)
    if number:
        at = _AT_LINE.search(text)
        where = f" (line {at['line']}, column {at['column']})" if at else ""
        return f"holds the whole number {number['value']}{where}, beyond 64 bits"
    duplicate = _DUPLICATE_COLUMN.search(text)
    if duplicate:
        return f"has column {duplicate['name']} twice (names that differ only in case count as one)"
    if "EOFException" in names or "Unexpected end of input stream" in text:
        if path.endswith(".gz"):
            return "is a truncated gzip file (it ends early)"
        return "ends early (is it truncated?)"
    if "Not in GZIP format" in text or "incorrect header check" in text:
        return "is not valid gzip data"
    if "is not a Parquet file" in text or "CANNOT_READ_FILE_FOOTER" in text:
        return "is not a readable Parquet file (truncated, or not Parquet at all: no footer)"
    if "ChecksumException" in names:
        return "does not match its checksum (.crc) file: it was changed or cut after it was written"
    if "MALFORMED_RECORD_IN_PARSING" in text:
        return "holds a malformed record"
    root = causes[-1]
    return f"could not be read ({root.simple_name}: {root.message or 'no message'})"


def _write_sentence(causes: list[JavaCause]) -> str | None:
    for cause in reversed(causes):
        for kind, pattern in _WRITE_FILE:
            found = pattern.search(cause.message)
            if not found:
                continue
            path = shown_path(found.group("path"))
            if kind == "not-a-folder":
                return f"{path} is a file where a folder is expected"
            if kind == "exists":
                return f"{path} already exists"
            return f"{path} cannot be created: its parent is not a folder that can be written"
    return None


def spark_failure(
    error: BaseException, reading: str | os.PathLike[str] | None = None
) -> str | None:
    """One sentence for a Spark failure about a file, or None when ``error`` is not one.

    The file is the one Spark names in the exception chain; when the chain names
    none (a truncated gzip stream, a record Jackson refused), ``reading`` is the
    input the caller knows it was reading. A failed write names the folder it
    could not create. The output staging folder of a failed write is never
    blamed: the reason is in what the task was reading.
    """
    causes = java_causes(error)
    if not causes:
        return None
    written = _write_sentence(causes)
    if written:
        return written
    path = _read_file(causes)
    if path is None and reading is not None:
        path = os.fspath(reading)
    if path is None:
        return None
    return f"{path} {_read_reason(causes, path)}"


@contextmanager
def reading_input(
    path: str | os.PathLike[str], *, copy: str | os.PathLike[str] | None = None
) -> Iterator[None]:
    """Turn a Spark failure inside the block into an :class:`InputError` naming the file read.

    ``path`` is the input being read (a file, or a folder of files); the
    sentence names the file inside it when Spark's message does. ``copy`` is a
    staged local copy Spark reads in place of ``path`` (a download): the
    sentence names ``path``, which the user knows, instead.
    """
    try:
        yield
    except PlaygroundsError:
        raise
    except Exception as error:
        sentence = spark_failure(error, reading=path)
        if sentence is None:
            raise
        if copy is not None:
            sentence = sentence.replace(os.fspath(copy), os.fspath(path))
        raise InputError(sentence) from error


# ---------------------------------------------------------------- OSError


def _nearest_existing(path: Path) -> Path:
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return probe


# Kernel file systems: a path under them looks like a folder but takes no data.
_VIRTUAL_ROOTS = ("/proc", "/sys", "/dev")


def os_error_sentence(error: OSError) -> str | None:
    """One sentence naming the path an ``OSError`` is about, or None when it names none."""
    if error.filename is None:
        return None
    path = Path(os.fsdecode(error.filename))
    reason = error.strerror or str(error)
    code = error.errno
    if code == errno.ENOTDIR:
        blocker = _nearest_existing(path)
        if blocker.is_file():
            return f"{blocker} is a file where a folder is expected (to hold {path})"
        return f"{path} is not a folder"
    if code == errno.EEXIST:
        if path.is_file():
            return f"{path} is a file where a folder is expected"
        return f"{path} already exists"
    if code == errno.EISDIR:
        return f"{path} is a folder where a file is expected"
    if code in (errno.EACCES, errno.EPERM):
        return f"{path} cannot be read or written here (permission denied)"
    if code == errno.EROFS:
        return f"{path} is on a read-only file system, so it cannot be written"
    if code == errno.ENOSPC:
        return f"no space left on the disk holding {path}"
    if code == errno.ENOENT:
        virtual = next((root for root in _VIRTUAL_ROOTS if path.is_relative_to(root)), None)
        if virtual is not None:
            return (
                f"{path} cannot be created: {virtual} is a kernel file system, not a place for data"
            )
        return f"{path} does not exist"
    return f"{path}: {reason}"


# A Python UDF's error reaches the driver as text, the worker's traceback ending
# in "playgrounds.errors.InputError: <sentence>" (or a subclass of ours).
_WORKER_ERROR = re.compile(r"^playgrounds\.[\w.]+: (?P<sentence>.+)$", re.MULTILINE)


def _our_error_in_python_worker(text: str) -> str | None:
    """The sentence of one of our errors raised in a Spark Python worker, if ``text`` holds one."""
    if "Traceback" not in text:
        return None
    ours = [match.group("sentence").strip() for match in _WORKER_ERROR.finditer(text)]
    return ours[-1] if ours else None


def describe_error(error: BaseException) -> str:
    """The one sentence a user sees for any error: ours as written, others named by their file."""
    if isinstance(error, PlaygroundsError):
        return str(error)
    raised_in_worker = _our_error_in_python_worker(str(error))
    if raised_in_worker:
        return raised_in_worker
    if isinstance(error, OSError):
        sentence = os_error_sentence(error)
        if sentence:
            return sentence
    sentence = spark_failure(error)
    if sentence:
        return sentence
    causes = java_causes(error)
    if len(causes) > 1:
        # "Job aborted due to stage failure: ..." wraps the cause worth reading.
        root = causes[-1]
        return f"Spark failed: {root.simple_name}: {root.message or 'no message'}"
    text = causes[0].message if causes else _first_line(str(error))
    return f"{type(error).__name__}: {text or 'no message'}"
