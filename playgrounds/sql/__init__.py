"""Athena-dialect SQL over the catalog: ``run_sql`` and ``playgrounds sql``."""

from playgrounds.sql.query import SqlError, run_sql, translate, write_result

__all__ = ["SqlError", "run_sql", "translate", "write_result"]
