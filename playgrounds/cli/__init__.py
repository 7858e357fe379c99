"""The one command-line entry point, ``playgrounds <command>``; ``--help`` on each.

:mod:`~playgrounds.cli.main` holds the root group; each command module
(``ingest``, ``catalog``, ``sql``, ``pipeline``, ``glue``) builds on
:mod:`~playgrounds.cli.kit` and imports the library inside its commands, so
that ``playgrounds --help`` starts without Spark.
"""

from playgrounds.cli.main import cli, main

__all__ = ["cli", "main"]
