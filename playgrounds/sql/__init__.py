"""Athena-dialect SQL over the catalog: ``run_sql`` and ``playgrounds sql``.

Which statements run, and why the others do not, is :mod:`playgrounds.sql.policy`.
"""

from playgrounds.sql.errors import SqlError, StatementRefusedError
from playgrounds.sql.policy import ALLOWED, REFUSED, LakeZones, StatementKind, check_statement
from playgrounds.sql.query import (
    SqlResult,
    check_output,
    run_sql,
    run_statement,
    translate,
    write_result,
)

__all__ = [
    "ALLOWED",
    "REFUSED",
    "LakeZones",
    "SqlError",
    "SqlResult",
    "StatementKind",
    "StatementRefusedError",
    "check_output",
    "check_statement",
    "run_sql",
    "run_statement",
    "translate",
    "write_result",
]
