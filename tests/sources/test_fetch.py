"""stream_into: the retry schedule, Retry-After, and local files."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from playgrounds.errors import InputError
from playgrounds.sources.fetch import DownloadError, RetryPolicy, stream_into
from playgrounds.sources.ingest import FileSink
from tests.support.servers import Reply, ScriptedHTTPServer


def test_backoff_doubles_and_is_capped() -> None:
    policy = RetryPolicy(attempts=6, base_delay=1.0, max_delay=5.0)
    assert [policy.delay(n) for n in range(1, 6)] == [1.0, 2.0, 4.0, 5.0, 5.0]


def test_retry_after_is_honoured_within_the_cap(
    http_server: ScriptedHTTPServer, tmp_path: Path
) -> None:
    busy = Reply(status=503, body=b"busy", headers=(("Retry-After", "7"),))
    very_busy = Reply(status=503, body=b"busy", headers=(("Retry-After", "3600"),))
    url = http_server.route([busy, very_busy, Reply(body=b"a,b\n1,2\n")])
    waits: list[float] = []
    sink = stream_into(
        url,
        lambda: FileSink(tmp_path / "out"),
        retry=RetryPolicy(attempts=3, base_delay=0.5, max_delay=60.0, timeout=2.0),
        sleep=waits.append,
    )
    sink.finish()
    assert waits == [7.0, 60.0]
    assert (tmp_path / "out").read_bytes() == b"a,b\n1,2\n"


def test_backoff_starts_at_the_first_failure(
    http_server: ScriptedHTTPServer, tmp_path: Path
) -> None:
    # urllib3 on its own retries the first failure at once; we wait base_delay.
    busy = Reply(status=503, body=b"busy")
    url = http_server.route([busy, busy, Reply(body=b"a,b\n1,2\n")])
    waits: list[float] = []
    stream_into(
        url,
        lambda: FileSink(tmp_path / "out"),
        retry=RetryPolicy(attempts=3, base_delay=0.5, timeout=2.0),
        sleep=waits.append,
    ).finish()
    assert waits == [0.5, 1.0]


def test_garbled_retry_after_backs_off_and_a_date_is_capped(
    http_server: ScriptedHTTPServer, tmp_path: Path
) -> None:
    garbled = Reply(status=503, body=b"busy", headers=(("Retry-After", "soon"),))
    far = Reply(
        status=503, body=b"busy", headers=(("Retry-After", "Fri, 01 Jan 2100 00:00:00 GMT"),)
    )
    url = http_server.route([garbled, far, Reply(body=b"a,b\n1,2\n")])
    waits: list[float] = []
    stream_into(
        url,
        lambda: FileSink(tmp_path / "out"),
        retry=RetryPolicy(attempts=3, base_delay=0.5, max_delay=60.0, timeout=2.0),
        sleep=waits.append,
    ).finish()
    assert waits == [0.5, 60.0]


def test_body_cut_short_is_retried_into_a_fresh_sink(
    http_server: ScriptedHTTPServer, tmp_path: Path
) -> None:
    body = b"a,b\n" + b"1,2\n" * 1000
    url = http_server.route([Reply(body=body, cut_after=100), Reply(body=body)])
    waits: list[float] = []
    sink = stream_into(
        url,
        lambda: FileSink(tmp_path / "out"),
        retry=RetryPolicy(attempts=3, base_delay=0.5, timeout=2.0),
        sleep=waits.append,
    )
    sink.finish()
    assert http_server.hits_of(url) == 2
    assert waits == [0.5]
    assert (tmp_path / "out").read_bytes() == body


def test_refused_connection_gives_up_with_the_reason(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port that nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/data.csv"
    with pytest.raises(DownloadError) as caught:
        stream_into(
            url,
            lambda: FileSink(tmp_path / "out"),
            retry=RetryPolicy(attempts=2, base_delay=0.01, timeout=2.0),
        )
    assert str(caught.value).startswith(f"{url} failed 2 times, last with: could not connect (")
    assert not (tmp_path / "out").exists()


def test_a_folder_is_not_a_source_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"is not a file"):
        stream_into(str(tmp_path), lambda: FileSink(tmp_path / "x"))
    assert not (tmp_path / "x").exists()
