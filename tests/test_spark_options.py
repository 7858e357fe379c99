"""The driver JVM's options: C1 only by default, C2 on request, anything else one sentence."""

from __future__ import annotations

import pytest

from playgrounds.errors import PlaygroundsError
from playgrounds.spark import SPARK_JIT_ENV, _java_options


def test_quick_jit_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SPARK_JIT_ENV, raising=False)
    assert "-XX:TieredStopAtLevel=1" in _java_options("ERROR").split()


def test_full_jit_keeps_c2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SPARK_JIT_ENV, "full")
    options = _java_options("ERROR").split()
    assert "-XX:+UseSerialGC" in options
    assert not any(option.startswith("-XX:TieredStopAtLevel") for option in options)


def test_unknown_jit_is_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SPARK_JIT_ENV, "fast")
    with pytest.raises(
        PlaygroundsError, match=r"^\$PLAYGROUNDS_SPARK_JIT is 'fast': expected quick or full$"
    ):
        _java_options("ERROR")
