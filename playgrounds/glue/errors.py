"""Errors raised by the Glue shim: one plain sentence naming the option, table or column."""

from __future__ import annotations

from playgrounds.errors import PlaygroundsError


class GlueShimError(PlaygroundsError):
    """A Glue job asked for something the local run cannot give (bad input or missing data)."""


class UnsupportedGlueFeatureError(GlueShimError):
    """An awsglue option or feature the shim does not implement; never silently ignored."""

    def __init__(self, feature: str, hint: str = "") -> None:
        self.feature = feature
        message = f"{feature} is not supported by the local awsglue shim"
        super().__init__(f"{message} ({hint})" if hint else message)


def reject_unsupported(where: str, given: dict[str, object], supported: set[str]) -> None:
    """Raise :class:`UnsupportedGlueFeatureError` for the first key of ``given`` not supported."""
    for key, value in given.items():
        if key not in supported:
            raise UnsupportedGlueFeatureError(f"{where} option {key}={value!r}")
