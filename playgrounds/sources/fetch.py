"""Stream a source (an http(s) URL or a local file) into a sink, retrying what is transient.

A sink sees the bytes as they arrive and may refuse them (an HTML page, a
wrong header) with an :class:`InputError`, which is final. Network trouble
(timeouts, refused connections, HTTP 5xx and 429, a body shorter than its
``Content-Length``) is retried with exponential backoff, each attempt into a
fresh sink, so a half-received body is never kept.
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from playgrounds import __version__
from playgrounds.errors import InputError, PlaygroundsError

CHUNK_BYTES = 1 << 20

# Called with (bytes received so far, total bytes or None when unknown).
ProgressCallback = Callable[[int, int | None], None]


class DownloadError(PlaygroundsError):
    """A download that kept failing for network reasons after every retry."""


class _TransientError(Exception):
    """A failure worth another attempt (its message is the reason)."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


def _retry_after(value: str | None) -> float | None:
    # Only the seconds form; an HTTP date is rare for 503s and not worth parsing.
    return float(value) if value and value.strip().isdigit() else None


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: ``attempts`` in all, waiting ``base_delay * 2**n`` (capped) between."""

    attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 30.0
    timeout: float = 60.0

    def delay(self, failed_attempt: int) -> float:
        """Seconds to wait after the ``failed_attempt``-th failure (1-based)."""
        return float(min(self.max_delay, self.base_delay * 2 ** (failed_attempt - 1)))


DEFAULT_RETRY = RetryPolicy()


class Sink(Protocol):
    """Receives one attempt's bytes; ``abort`` discards them."""

    def write(self, chunk: bytes) -> None:
        """Take the next chunk (may raise :class:`InputError`)."""

    def abort(self) -> None:
        """Forget everything written so far."""


S = TypeVar("S", bound=Sink)


def is_url(source: str) -> bool:
    """True for ``http://`` and ``https://`` sources."""
    return source.lower().startswith(("http://", "https://"))


def _stream_file(path: Path, sink: Sink, progress: ProgressCallback | None) -> None:
    if not path.exists():
        raise InputError(f"source {path} does not exist")
    if not path.is_file():
        raise InputError(f"source {path} is not a file")
    total = path.stat().st_size
    done = 0
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                sink.write(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
    except OSError as error:
        raise InputError(f"source {path} could not be read: {error.strerror or error}") from error


def _stream_url_once(
    url: str, sink: Sink, progress: ProgressCallback | None, timeout: float
) -> None:
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": f"playgrounds/{__version__} (+local Glue pipeline)",
            # The byte count must match Content-Length, so no transfer compression.
            "Accept-Encoding": "identity",
        },
    )
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        if error.code >= 500 or error.code == 429:
            wait = _retry_after(error.headers.get("Retry-After") if error.headers else None)
            raise _TransientError(f"HTTP {error.code} {error.reason}", wait) from error
        if error.code == 404:
            raise InputError(f"{url} was not found (HTTP 404)") from error
        raise InputError(f"{url} answered HTTP {error.code} {error.reason}") from error
    except (
        urllib.error.URLError,
        TimeoutError,
        ConnectionError,
        http.client.HTTPException,
    ) as error:
        reason = getattr(error, "reason", error)
        raise _TransientError(f"could not connect ({reason})") from error
    with response:
        content_type = response.headers.get("Content-Type", "")
        if "html" in content_type.lower():
            raise InputError(f"{url} returned an HTML page ({content_type}), not the data file")
        length_header = response.headers.get("Content-Length")
        total = int(length_header) if length_header and length_header.isdigit() else None
        done = 0
        while True:
            try:
                chunk = response.read(CHUNK_BYTES)
            except http.client.IncompleteRead as error:
                done += len(error.partial)
                raise _TransientError(f"the body ended after {done} of {total} bytes") from error
            except OSError as error:  # timeouts and resets are OSErrors
                raise _TransientError(
                    f"the transfer broke off after {done} bytes ({error})"
                ) from error
            if not chunk:
                break
            sink.write(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
        if total is not None and done != total:
            # A server that closes early: urllib does not always notice, we do.
            raise _TransientError(f"the body ended after {done} of {total} bytes")


def stream_into(
    source: str,
    new_sink: Callable[[], S],
    *,
    progress: ProgressCallback | None = None,
    retry: RetryPolicy = DEFAULT_RETRY,
    sleep: Callable[[float], None] = time.sleep,
) -> S:
    """Stream ``source`` into sinks made by ``new_sink``; returns the one that got it all.

    A local file is read once. A URL is tried up to ``retry.attempts`` times;
    a failed attempt's sink is aborted before the next one starts.
    """
    if not is_url(source):
        sink = new_sink()
        try:
            _stream_file(Path(source), sink, progress)
        except BaseException:
            sink.abort()
            raise
        return sink
    last = ""
    for attempt in range(1, retry.attempts + 1):
        sink = new_sink()
        try:
            _stream_url_once(source, sink, progress, retry.timeout)
            return sink
        except _TransientError as failure:
            sink.abort()
            last = str(failure)
            if attempt < retry.attempts:
                # A server's Retry-After is honoured, within the policy's cap.
                asked = min(failure.retry_after or 0.0, retry.max_delay)
                sleep(max(retry.delay(attempt), asked))
        except BaseException:
            sink.abort()
            raise
    raise DownloadError(
        f"{source} failed {retry.attempts} times, last with: {last}; nothing was written"
    )
