"""The bad-input suite's harness: one command, one sentence, no stack, nothing changed.

A case is a ``playgrounds`` command line run in this process (so every case
shares the test session's JVM: no JVM start per case), after a ``spoil`` step
that damages a copy of a good lake. The harness checks what a careless or
hostile user must get:

* the exit status (1 for an error, 2 for a usage error);
* one sentence on stderr, matching ``message`` (which names the file, the
  field or the statement), and no Python traceback, Java stack or Py4J text,
  on the Python side or from the JVM (captured at the file descriptors);
* the lake, catalog folder included, byte for byte as it was before the command.

Add cases to a module under ``tests/bad_input/`` as a list of :class:`Case`
and parametrize a test over it with :func:`run_case`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from playgrounds.cli import main
from tests.support.snapshots import tree_snapshot

# What a stack trace looks like, Python's or the JVM's, or Py4J's wrapping of one.
STACK_MARKERS = re.compile(
    r"Traceback \(most recent call last\)|^\s+at [\w$.]+\(|py4j|Py4JJavaError|"
    r"^\s*Caused by: |^\S+(Exception|Error): .*\n\s+at ",
    re.MULTILINE | re.IGNORECASE,
)


def _no_spoil(lake: Path) -> None:
    return None


@dataclass(frozen=True)
class Case:
    """One bad input: the command (``{lake}`` and ``{tmp}`` are filled in) and what it must say."""

    id: str
    args: list[str]
    message: str  # a regex the error sentence must match
    spoil: Callable[[Path], None] = field(default=_no_spoil)
    status: int = 1

    def command(self, lake: Path, tmp: Path) -> list[str]:
        """The command line with the case's folders filled in."""
        return [arg.format(lake=lake, tmp=tmp) for arg in self.args]


def error_lines(stderr: str) -> list[str]:
    """The lines of ``stderr`` that say something (progress and the --debug hint left out)."""
    return [
        line
        for line in stderr.splitlines()
        if line.strip() and "--debug" not in line and not line.startswith("[")
    ]


def run_case(case: Case, lake: Path, tmp: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """Spoil ``lake``, run the command, and check status, sentence, stack and lake."""
    case.spoil(lake)
    capfd.readouterr()
    before = tree_snapshot(lake)
    status = main(case.command(lake, tmp))
    out, err = capfd.readouterr()
    shown = out + err
    assert status == case.status, f"{case.id}: exit {status}\n{shown[-3000:]}"
    assert not STACK_MARKERS.search(shown), f"{case.id}: a stack reached the user\n{shown[-3000:]}"
    assert re.search(case.message, err), f"{case.id}: expected /{case.message}/ in\n{err[-3000:]}"
    sentences = [line for line in error_lines(err) if "error" in line.lower()]
    assert len(sentences) == 1, f"{case.id}: not one sentence\n{err[-3000:]}"
    assert tree_snapshot(lake) == before, f"{case.id}: the lake changed"
