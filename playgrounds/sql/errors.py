"""The SQL front end's errors: one sentence each, a syntax error with its line and column."""

from __future__ import annotations

import re

from sqlglot.errors import ParseError, TokenError

from playgrounds.errors import PlaygroundsError

# sqlglot describes a token as its repr; the user needs only the text.
_TOKEN = re.compile(r"<Token token_type: [^,]+, text: ([^,]*), .*?>")


class SqlError(PlaygroundsError):
    """A query that cannot run: the sentence names the problem and where."""


class StatementRefusedError(SqlError):
    """A statement refused before Spark runs anything; the sentence names its kind."""


def syntax_error(error: ParseError | TokenError) -> SqlError:
    """sqlglot's parse error as one sentence: line, column, the text near it, what was expected."""
    details = getattr(error, "errors", None) or []
    if details:
        first = details[0]
        where = f"line {first.get('line')}, column {first.get('col')}"
        near = (first.get("highlight") or "").strip()
        description = _TOKEN.sub(r"'\1'", first.get("description") or str(error))
        near_text = f" near {near!r}" if near else ""
        return SqlError(f"SQL syntax error at {where}{near_text}: {description}")
    first_line = str(error).splitlines()[0] if str(error) else "unparseable query"
    return SqlError(f"SQL syntax error: {first_line}")
