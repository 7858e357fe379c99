"""``getResolvedOptions``: job arguments as Glue passes and resolves them.

Glue starts a script as ``script.py --JOB_NAME name --key value ...`` and adds
its own options (``--job-bookmark-option``, ``--JOB_ID``, ``--JOB_RUN_ID``,
``--TempDir``, ``--enable-metrics`` and more). ``getResolvedOptions(sys.argv,
["JOB_NAME", "my-arg"])`` returns ``{"JOB_NAME": ..., "my_arg": ...}`` plus the
bookmark option; options it was not asked for are ignored, as on Glue.
"""

from __future__ import annotations

import argparse
import traceback
from collections.abc import Sequence
from typing import Any, NoReturn

from playgrounds.glue.errors import GlueShimError, UnsupportedGlueFeatureError

BOOKMARK_OPTION = "--job-bookmark-option"
BOOKMARK_CHOICES = ("job-bookmark-enable", "job-bookmark-pause", "job-bookmark-disable")
CONTINUATION_OPTION = "--continuation-option"
CONTINUATION_CHOICES = ("continuation-enabled", "continuation-readonly", "continuation-ignore")
BOOKMARK_RANGE_OPTIONS = ("--job-bookmark-from", "--job-bookmark-to")
ID_PARAMS = ("--JOB_NAME", "--JOB_ID", "--JOB_RUN_ID", "--SECURITY_CONFIGURATION")
ENCRYPTION_OPTION = ("--encryption-type", "sse-s3")
LINEAGE_OPTION = "--enable-data-lineage"
TEMP_DIRS = ("TempDir", "RedshiftTempDir")

# The last written resolution, as the real library keeps it for its own use.
_global_args: dict[str, Any] = {}


class GlueArgumentError(GlueShimError):
    """A job argument is missing or malformed (the message names it)."""


class GlueArgumentParser(argparse.ArgumentParser):
    """An argument parser that raises instead of printing usage and exiting."""

    def error(self, msg: str) -> NoReturn:
        """Raise :class:`GlueArgumentError` with argparse's message."""
        raise GlueArgumentError(msg)


def _reserved(option: str) -> RuntimeError:
    return RuntimeError(f"Using reserved arguments {option}")


def getResolvedOptions(args: Sequence[str], options: Sequence[str]) -> dict[str, Any]:
    """Resolve ``options`` (names without ``--``) from ``args`` (``sys.argv``).

    A missing option raises :class:`GlueArgumentError` naming it; asking for
    one of Glue's reserved options raises ``RuntimeError`` as the real one does.
    """
    parser = GlueArgumentParser(add_help=False)
    for reserved in (BOOKMARK_OPTION, CONTINUATION_OPTION, *BOOKMARK_RANGE_OPTIONS):
        if reserved[2:] in options:
            raise _reserved(
                reserved[2:] if reserved in (BOOKMARK_OPTION, CONTINUATION_OPTION) else reserved
            )
    for name in (*ID_PARAMS[1:], ENCRYPTION_OPTION[0], LINEAGE_OPTION):
        if name in options:
            raise _reserved(name)

    parser.add_argument(BOOKMARK_OPTION, choices=BOOKMARK_CHOICES, required=False)
    parser.add_argument(CONTINUATION_OPTION, choices=CONTINUATION_CHOICES, required=False)
    for option in (*BOOKMARK_RANGE_OPTIONS, *ID_PARAMS[1:], LINEAGE_OPTION):
        parser.add_argument(option, required=False)
    parser.add_argument(ENCRYPTION_OPTION[0], choices=ENCRYPTION_OPTION[1:])
    # TempDir is optional even when asked for: Glue fills it in for most jobs.
    for temp in TEMP_DIRS:
        parser.add_argument(f"--{temp}", required=False)
    for option in options:
        if option not in TEMP_DIRS:
            parser.add_argument(f"--{option}", required=True)

    parsed, _unknown = parser.parse_known_args(list(args[1:]))
    resolved = vars(parsed)
    if resolved.get("TempDir") is not None:
        resolved["RedshiftTempDir"] = resolved["TempDir"]
    elif resolved.get("RedshiftTempDir") is not None:
        resolved["TempDir"] = resolved["RedshiftTempDir"]

    # --job-bookmark-option wins; the older --continuation-option maps onto it.
    continuation = resolved.pop("continuation_option", None)
    if resolved.get("job_bookmark_option") is None:
        resolved["job_bookmark_option"] = (
            BOOKMARK_CHOICES[CONTINUATION_CHOICES.index(continuation)]
            if continuation is not None
            else "job-bookmark-disable"
        )
    absent = [o for o in BOOKMARK_RANGE_OPTIONS if resolved.get(o[2:].replace("-", "_")) is None]
    if resolved["job_bookmark_option"] == "job-bookmark-pause":
        if len(absent) == 1:
            raise GlueArgumentError(f"Missing option or value for {absent[0]}")
    elif not absent:
        raise GlueArgumentError(
            f"Invalid option(s) {' '.join(BOOKMARK_RANGE_OPTIONS)}: "
            "a bookmark range needs --job-bookmark-option job-bookmark-pause"
        )
    _global_args.update(resolved)
    return resolved


def callsite() -> str:
    """The call stack above the caller, formatted as a traceback (Glue labels errors with it)."""
    return "".join(traceback.format_stack()[:-2])


def makeOptions(sc: Any, py_obj: Any) -> Any:
    """Not available: it builds an options object of Glue's JVM library, absent locally."""
    raise UnsupportedGlueFeatureError(
        "awsglue.utils.makeOptions", "it builds an object of Glue's JVM library, absent locally"
    )
