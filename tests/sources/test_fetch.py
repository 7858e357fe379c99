"""stream_into: the retry schedule, Retry-After, and local files."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures_servers import Reply, ScriptedHTTPServer

from playgrounds.errors import InputError
from playgrounds.sources.fetch import RetryPolicy, stream_into
from playgrounds.sources.ingest import FileSink


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


def test_a_folder_is_not_a_source_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"is not a file"):
        stream_into(str(tmp_path), lambda: FileSink(tmp_path / "x"))
    assert not (tmp_path / "x").exists()
