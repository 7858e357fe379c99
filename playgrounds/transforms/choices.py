"""The transforms' named choices, typed; pure Python, so the command line can offer them cheaply."""

from __future__ import annotations

from typing import Literal

# How income rows find a park: see ``join_income_to_parks``.
ZipMatch = Literal["workshop", "all"]
ZIP_MATCHES: tuple[ZipMatch, ...] = ("workshop", "all")


def as_zip_match(value: str) -> ZipMatch:
    """``value`` as a :data:`ZipMatch`, or a ``ValueError`` naming the choices."""
    for choice in ZIP_MATCHES:
        if value == choice:
            return choice
    raise ValueError(f"zip_match must be one of {', '.join(ZIP_MATCHES)}, not {value!r}")


# Where the feature step takes the borough letter from: see ``with_borough``.
BoroughSource = Literal["playground_id", "prop_id"]
BOROUGH_SOURCES: tuple[BoroughSource, ...] = ("playground_id", "prop_id")
