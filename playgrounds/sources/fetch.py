"""Stream a source (an http(s) URL or a local file) into a sink, retrying what is transient.

A sink sees the bytes as they arrive and may refuse them (an HTML page, a
wrong header) with an :class:`InputError`, which is final. Network trouble
(timeouts, refused connections, HTTP 5xx and 429) is retried by urllib3's
``Retry``, with exponential backoff and the server's ``Retry-After``. A body
that breaks off (shorter than its ``Content-Length``, or stalled) is charged to
the same budget, and each attempt writes into a fresh sink, so a half-received
body is never kept.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import urllib3
from urllib3.exceptions import (
    InvalidHeader,
    MaxRetryError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.exceptions import TimeoutError as HTTPTimeoutError
from urllib3.util import Retry

from playgrounds import __version__
from playgrounds.errors import InputError, PlaygroundsError

if TYPE_CHECKING:
    from typing import Self

    from urllib3.response import BaseHTTPResponse

CHUNK_BYTES = 1 << 20

# The server is busy or broken for now; any other 4xx (404, 403) is final.
TRANSIENT_STATUSES = frozenset({429, *range(500, 600)})

HEADERS = {
    "User-Agent": f"playgrounds/{__version__} (+local Glue pipeline)",
    # The byte count must match Content-Length, so no transfer compression.
    "Accept-Encoding": "identity",
}

# Called with (bytes received so far, total bytes or None when unknown).
ProgressCallback = Callable[[int, int | None], None]


class DownloadError(PlaygroundsError):
    """A download that kept failing for network reasons after every retry."""


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: ``attempts`` in all, waiting ``base_delay * 2**n`` (capped) between.

    A redirect uses up an attempt too (urllib3 counts it in its total).
    """

    attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 30.0
    timeout: float = 60.0

    def delay(self, failed_attempt: int) -> float:
        """Seconds to wait after the ``failed_attempt``-th failure (1-based)."""
        return float(min(self.max_delay, self.base_delay * 2 ** (failed_attempt - 1)))

    def as_urllib3(self, sleep: Callable[[float], None] = time.sleep) -> Retry:
        """This policy as urllib3's ``Retry``, waiting with ``sleep``."""
        return _PolicyRetry(
            policy=self,
            sleep=sleep,
            # Connect, read and status failures all draw on this one budget.
            total=self.attempts - 1,
            status_forcelist=TRANSIENT_STATUSES,
            respect_retry_after_header=True,
            # Hand back the last 503 instead of raising, so our error can name it.
            raise_on_status=False,
        )


DEFAULT_RETRY = RetryPolicy()


class _PolicyRetry(Retry):
    """urllib3's ``Retry`` with :meth:`RetryPolicy.delay` as backoff and a replaceable sleep."""

    def __init__(
        self, *, policy: RetryPolicy, sleep: Callable[[float], None], **options: Any
    ) -> None:
        super().__init__(**options)
        self.policy = policy
        self.wait = sleep

    def new(self, **options: Any) -> Self:
        # urllib3 builds a new Retry after every failure; the policy must travel with it.
        return super().new(policy=self.policy, sleep=self.wait, **options)

    def get_backoff_time(self) -> float:
        # urllib3 retries the first failure at once and backs off from the second;
        # a busy server gets a pause from the first failure on.
        failures = sum(1 for entry in self.history if entry.redirect_location is None)
        return self.policy.delay(failures) if failures else 0.0

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        # Same choice as urllib3's (Retry-After, else backoff), but capped at
        # max_delay (urllib3 allows 6 hours) and through our sleep, so tests wait
        # no real seconds. A garbled header falls back to the backoff rather than
        # escaping as urllib3's InvalidHeader.
        asked = None
        if response is not None and self.respect_retry_after_header:
            with contextlib.suppress(InvalidHeader):
                asked = self.get_retry_after(response)
        self.wait(min(asked, self.policy.max_delay) if asked else self.get_backoff_time())


class Sink(Protocol):
    """Receives one attempt's bytes; ``abort`` discards them."""

    def write(self, chunk: bytes) -> None:
        """Take the next chunk (may raise :class:`InputError`)."""

    def abort(self) -> None:
        """Forget everything written so far."""


S = TypeVar("S", bound=Sink)


class _BodyBrokeOffError(Exception):
    """The body broke off mid-transfer (its message says how); worth another attempt."""

    def __init__(self, reason: str, error: Exception) -> None:
        super().__init__(reason)
        self.error = error


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


def _gave_up(url: str, retry: RetryPolicy, last: str) -> DownloadError:
    return DownloadError(
        f"{url} failed {retry.attempts} times, last with: {last}; nothing was written"
    )


def _describe(error: Exception | None, timeout: float) -> str:
    """Why the last attempt failed, in a few words."""
    # First: urllib3 files a refused connection under its timeouts.
    if isinstance(error, NewConnectionError):
        # Its cause is the socket's own words ("Connection refused"); the URL is named already.
        return f"could not connect ({error.__cause__ or error.__context__ or error})"
    if isinstance(error, HTTPTimeoutError):
        return f"no answer within {timeout:g} s"
    return str(error)  # "too many redirects", "Connection aborted.", an SSL error


def _get(
    pool: urllib3.PoolManager, url: str, retries: Retry, retry: RetryPolicy
) -> BaseHTTPResponse:
    """The response to a GET, after urllib3's retries, once it is known to carry the data."""
    try:
        response = pool.urlopen(
            "GET",
            url,
            retries=retries,
            timeout=retry.timeout,
            preload_content=False,  # streamed: the files are larger than we want in memory
            decode_content=False,  # bytes as sent, so they add up to Content-Length
            enforce_content_length=True,  # urllib3 1.26 defaults to False
        )
    except MaxRetryError as error:
        raise _gave_up(url, retry, _describe(error.reason, retry.timeout)) from error
    status, reason = response.status, response.reason
    content_type = response.headers.get("Content-Type", "")
    if 200 <= status < 300 and "html" not in content_type.lower():
        return response
    response.close()
    if status in TRANSIENT_STATUSES:  # what urllib3 hands back when retries ran out
        raise _gave_up(url, retry, f"HTTP {status} {reason}")
    if status == 404:
        raise InputError(f"{url} was not found (HTTP 404)")
    if status >= 300:
        raise InputError(f"{url} answered HTTP {status} {reason}")
    raise InputError(f"{url} returned an HTML page ({content_type}), not the data file")


def _copy(
    response: BaseHTTPResponse, sink: Sink, progress: ProgressCallback | None, timeout: float
) -> None:
    length = response.headers.get("Content-Length")
    total = int(length) if length and length.isdigit() else None
    done = 0
    try:
        for chunk in response.stream(CHUNK_BYTES):
            sink.write(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
    except ReadTimeoutError as error:
        reason = f"the transfer stalled after {done} bytes (nothing for {timeout:g} s)"
        raise _BodyBrokeOffError(reason, error) from error
    except ProtocolError as error:  # a reset, or a body short of Content-Length
        expected = "" if total is None else f" of {total}"
        raise _BodyBrokeOffError(f"the body ended after {done}{expected} bytes", error) from error


def _stream_url(
    url: str,
    new_sink: Callable[[], S],
    progress: ProgressCallback | None,
    retry: RetryPolicy,
    sleep: Callable[[float], None],
) -> S:
    retries = retry.as_urllib3(sleep)
    with urllib3.PoolManager(headers=HEADERS) as pool:
        while True:
            sink = new_sink()
            try:
                with _get(pool, url, retries, retry) as response:
                    retries = response.retries or retries
                    _copy(response, sink, progress, retry.timeout)
                return sink
            except _BodyBrokeOffError as broken:
                # urllib3 retries only until the headers arrive; a body that breaks
                # off is charged to the same Retry, as a read error.
                sink.abort()
                try:
                    retries = retries.increment("GET", url, error=broken.error)
                except MaxRetryError:
                    raise _gave_up(url, retry, str(broken)) from broken.error
                retries.sleep()
            except BaseException:
                sink.abort()
                raise


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
    if is_url(source):
        return _stream_url(source, new_sink, progress, retry, sleep)
    sink = new_sink()
    try:
        _stream_file(Path(source), sink, progress)
    except BaseException:
        sink.abort()
        raise
    return sink
