"""``playgrounds deploy --help`` and ``teardown --help`` say what the commands do."""

from __future__ import annotations

import pytest

from playgrounds.cli import main


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("deploy", ["--raw-bucket", "--processed-bucket", "--prefix", "--region", "--dry-run"]),
        ("teardown", ["--prefix", "--region", "--dry-run", "--delete-data"]),
    ],
)
def test_help(command: str, words: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, "--help"]) == 0
    shown = capsys.readouterr().out
    assert all(word in shown for word in words)
    assert "playgrounds:deployment" in shown  # what the prefix names, and the tag
