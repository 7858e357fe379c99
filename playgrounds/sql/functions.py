"""Athena's ``USING [EXTERNAL] FUNCTION`` prefix: model functions declared in front of a query.

Athena has two spellings, both read here::

    USING EXTERNAL FUNCTION predict(a double, b bigint) RETURNS double SAGEMAKER 'NAME'
    SELECT predict(a, b) FROM t

    USING FUNCTION predict(a double, b bigint) RETURNS double TYPE SAGEMAKER_INVOKE_ENDPOINT
      WITH (sagemaker_endpoint='NAME')
    SELECT predict(a, b) FROM t

(the second is the preview form the workshop uses). Several functions are
separated by commas. The prefix is cut off here and replaced by blanks, so the
statement keeps its line and column numbers for error messages, and the
statement policy checks the statement alone. What ``NAME`` is (a model in the
lake, a running endpoint) is not this package's business: a
:class:`FunctionResolver` given by the caller turns each declaration into a
Spark function; this module registers it under a name no user function can
have and rewrites the calls to it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from sqlglot import exp

from playgrounds.sql.errors import SqlError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession
    from pyspark.sql._typing import UserDefinedFunctionLike

# Athena's scalar types (Trino names and Hive DDL names) and the Spark type a value is
# cast to before it reaches a model; ``string`` is the Hive spelling of varchar.
ATHENA_TYPES: dict[str, str] = {
    "boolean": "boolean",
    "tinyint": "tinyint",
    "smallint": "smallint",
    "int": "int",
    "integer": "int",
    "bigint": "bigint",
    "real": "float",
    "float": "float",
    "double": "double",
    "decimal": "double",
    "varchar": "string",
    "char": "string",
    "string": "string",
    "date": "date",
    "timestamp": "timestamp",
}
NUMERIC_TYPES = frozenset(
    {"boolean", "tinyint", "smallint", "int", "integer", "bigint", "real", "float", "double",
     "decimal"}
)  # fmt: skip
# What a model function may return: a model's output is a score.
RETURN_TYPES = frozenset({"double", "real", "float"})
# Registered names start with this, which no Athena query names a function with.
REGISTERED_PREFIX = "playgrounds_model_fn_"

_TOKEN = re.compile(
    r"""(?P<space>\s+|--[^\n]*|/\*.*?\*/)
      |(?P<string>'(?:[^']|'')*')
      |(?P<quoted>"(?:[^"]|"")*")
      |(?P<word>[A-Za-z_][A-Za-z0-9_]*)
      |(?P<number>\d+)
      |(?P<punct>[(),=])
      |(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class FunctionParameter:
    """One declared parameter: its name and Athena type (lower case, without a size)."""

    name: str
    athena_type: str

    @property
    def spark_type(self) -> str:
        """The Spark type an argument is cast to."""
        return ATHENA_TYPES[self.athena_type]

    @property
    def is_numeric(self) -> bool:
        """True when a model can take the value as a number."""
        return self.athena_type in NUMERIC_TYPES


@dataclass(frozen=True)
class ExternalFunction:
    """A function declared by ``USING [EXTERNAL] FUNCTION``: what it takes and whom it calls."""

    name: str
    parameters: tuple[FunctionParameter, ...]
    returns: str
    endpoint: str

    @property
    def signature(self) -> str:
        """``predict(a double, b bigint)`` as a message shows it."""
        listed = ", ".join(f"{p.name} {p.athena_type}" for p in self.parameters)
        return f"{self.name}({listed})"


@dataclass(frozen=True)
class UsingClause:
    """The declared functions, and the statement after them with the prefix blanked out."""

    functions: tuple[ExternalFunction, ...]
    statement: str
    # Each declared function's name (lower case) -> the name its calls were renamed to.
    registered: dict[str, str] = field(default_factory=dict)


class FunctionResolver(Protocol):
    """Turns a declared function into a Spark function (a pandas UDF) that calls its model.

    Raises :class:`playgrounds.errors.PlaygroundsError` naming the function, the
    argument or the endpoint when the declaration does not fit what ``endpoint`` names.
    """

    def resolve(self, function: ExternalFunction) -> UserDefinedFunctionLike:
        """A Spark function taking the declared parameters, returning ``function.returns``."""
        ...


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int
    end: int


class _Tokens:
    """The prefix's tokens, read one at a time, with positions for messages."""

    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = [
            _Token(match.lastgroup or "other", match.group(0), match.start(), match.end())
            for match in _TOKEN.finditer(query)
            if match.lastgroup != "space"
        ]
        self.index = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def next_start(self) -> int:
        token = self.peek()
        return token.start if token is not None else len(self.query)

    def where(self, token: _Token | None = None) -> str:
        position = token.start if token is not None else self.next_start()
        before = self.query[:position]
        line = before.count("\n") + 1
        column = position - (before.rfind("\n") + 1) + 1
        return f"line {line}, column {column}"

    def fail(self, expected: str) -> SqlError:
        token = self.peek()
        found = repr(token.text) if token is not None else "the end of the query"
        return SqlError(
            f"USING FUNCTION clause at {self.where()}: expected {expected}, found {found}"
        )

    def is_punct(self, text: str) -> bool:
        token = self.peek()
        return token is not None and token.text == text

    def is_word(self, *words: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "word" and token.text.upper() in words

    def word(self, *words: str) -> str:
        if not self.is_word(*words):
            raise self.fail(" or ".join(words))
        return self.take().text.upper()

    def punct(self, text: str) -> None:
        token = self.peek()
        if token is None or token.text != text:
            raise self.fail(repr(text))
        self.take()

    def name(self, what: str) -> str:
        token = self.peek()
        if token is None or token.kind not in ("word", "quoted"):
            raise self.fail(what)
        self.take()
        return token.text[1:-1].replace('""', '"') if token.kind == "quoted" else token.text

    def string(self, what: str) -> str:
        token = self.peek()
        if token is None or token.kind != "string":
            raise self.fail(f"{what} in single quotes")
        self.take()
        return token.text[1:-1].replace("''", "'")

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token


def split_using(query: str) -> UsingClause:
    """The functions a query declares and the statement after them (``()`` and the query as
    given when it has no ``USING`` prefix); a syntax error names the line and column."""
    tokens = _Tokens(query)
    if not tokens.is_word("USING"):
        return UsingClause((), query)
    functions: list[ExternalFunction] = []
    while tokens.is_word("USING"):
        tokens.take()
        functions.append(_function(tokens))
        while tokens.is_punct(","):
            tokens.take()
            functions.append(_function(tokens))
    seen: set[str] = set()
    for function in functions:
        if function.name.lower() in seen:
            raise SqlError(f"function {function.name} is declared twice in the USING clause")
        seen.add(function.name.lower())
    start = tokens.next_start()
    if start >= len(query):
        raise SqlError("the USING FUNCTION clause must be followed by a statement (SELECT ...)")
    names = {function.name.lower(): registered_name(function) for function in functions}
    # Blank the prefix but keep its line breaks: positions in the statement stay as typed.
    blanked = re.sub(r"[^\n]", " ", query[:start])
    return UsingClause(tuple(functions), blanked + _renamed_calls(tokens, names), names)


def _renamed_calls(tokens: _Tokens, names: dict[str, str]) -> str:
    """The statement after the prefix with each call of a declared function renamed.

    Renamed in the text, before sqlglot parses it: sqlglot knows ``predict`` as
    BigQuery's ``ML.PREDICT`` and would not parse the workshop's twelve-argument
    call; the registered name is a plain function to it.
    """
    text = tokens.query
    pieces: list[str] = []
    position = tokens.next_start()
    rest = tokens.tokens[tokens.index :]
    for token, following in zip(rest, [*rest[1:], None], strict=True):
        is_call = following is not None and following.text == "("
        if token.kind == "word" and is_call and token.text.lower() in names:
            pieces.append(text[position : token.start])
            pieces.append(names[token.text.lower()])
            position = token.end
    pieces.append(text[position:])
    return "".join(pieces)


def _function(tokens: _Tokens) -> ExternalFunction:
    external = tokens.is_word("EXTERNAL")
    if external:
        tokens.take()
    tokens.word("FUNCTION")
    name = tokens.name("a function name")
    tokens.punct("(")
    parameters: list[FunctionParameter] = []
    while not tokens.is_punct(")"):
        if parameters:
            tokens.punct(",")
        parameters.append(FunctionParameter(tokens.name("a parameter name"), _type(tokens, name)))
    tokens.punct(")")
    tokens.word("RETURNS")
    returns = _type(tokens, name)
    if returns not in RETURN_TYPES:
        raise SqlError(
            f"function {name} RETURNS {returns}, but a model returns a score: declare "
            "RETURNS double (or real)"
        )
    if external:
        if tokens.is_word("LAMBDA"):
            raise SqlError(
                f"function {name} calls a Lambda function; playgrounds runs SageMaker model "
                "functions only (RETURNS ... SAGEMAKER 'endpoint')"
            )
        tokens.word("SAGEMAKER")
        endpoint = tokens.string("the SageMaker endpoint name")
    else:
        tokens.word("TYPE")
        kind = tokens.word("SAGEMAKER_INVOKE_ENDPOINT", "LAMBDA_INVOKE")
        if kind == "LAMBDA_INVOKE":
            raise SqlError(
                f"function {name} calls a Lambda function; playgrounds runs SageMaker model "
                "functions only (TYPE SAGEMAKER_INVOKE_ENDPOINT)"
            )
        tokens.word("WITH")
        tokens.punct("(")
        key = tokens.name("sagemaker_endpoint")
        if key.lower() != "sagemaker_endpoint":
            raise tokens.fail("sagemaker_endpoint")
        tokens.punct("=")
        endpoint = tokens.string("the SageMaker endpoint name")
        tokens.punct(")")
    if not endpoint.strip():
        raise SqlError(f"function {name} names an empty SageMaker endpoint")
    return ExternalFunction(name, tuple(parameters), returns, endpoint)


def _type(tokens: _Tokens, function: str) -> str:
    token = tokens.peek()
    if token is None or token.kind != "word":
        raise tokens.fail(f"an Athena type for function {function}")
    athena_type = tokens.take().text.lower()
    if athena_type not in ATHENA_TYPES:
        known = ", ".join(sorted(ATHENA_TYPES))
        raise SqlError(
            f"function {function} declares type {athena_type!r} at {tokens.where(token)}, "
            f"which is not an Athena type this clause takes ({known})"
        )
    if tokens.is_punct("("):
        # varchar(20), decimal(10, 2): the size does not change what a model receives.
        tokens.take()
        while tokens.peek() is not None and not tokens.is_punct(")"):
            tokens.take()
        tokens.punct(")")
    return athena_type


def _calls(tree: exp.Expr, registered: str) -> Iterator[exp.Anonymous]:
    wanted = registered.lower()
    for node in list(tree.find_all(exp.Anonymous)):
        if isinstance(node.this, str) and node.this.lower() == wanted:
            yield node


def registered_name(function: ExternalFunction) -> str:
    """A name for ``function`` in Spark's registry that no user function can clash with."""
    return f"{REGISTERED_PREFIX}{function.name.lower()}_{uuid.uuid4().hex[:12]}"


def _check_argument_count(function: ExternalFunction, call: exp.Anonymous) -> list[exp.Expr]:
    arguments = list(call.expressions)
    if len(arguments) != len(function.parameters):
        raise SqlError(
            f"function {function.signature} takes {len(function.parameters)} "
            f"argument(s), but a call of {function.name} passes {len(arguments)}"
        )
    return arguments


def rewrite_calls(tree: exp.Expr, using: UsingClause) -> None:
    """Cast every argument of a declared function's call to its declared type (Athena passes
    values as declared); a wrong argument count is an error naming the function."""
    for function in using.functions:
        for call in _calls(tree, using.registered[function.name.lower()]):
            arguments = _check_argument_count(function, call)
            for argument, parameter in zip(arguments, function.parameters, strict=True):
                argument.replace(
                    exp.Cast(this=argument.copy(), to=exp.DataType.build(parameter.spark_type))
                )


def register_functions(
    spark: SparkSession,
    tree: exp.Expr,
    using: UsingClause,
    resolver: FunctionResolver | None,
) -> None:
    """Check the calls in ``tree``, resolve each declared function, register it in ``spark``
    under its registered name and cast the calls' arguments to the declared types."""
    if not using.functions:
        return
    for function in using.functions:
        for call in _calls(tree, using.registered[function.name.lower()]):
            _check_argument_count(function, call)
    if resolver is None:
        first = using.functions[0]
        raise SqlError(
            f"function {first.name} calls SageMaker endpoint {first.endpoint!r}, "
            "but no model resolver was given (run it with `playgrounds sql`, or pass "
            "functions=playgrounds.serve.functions.ModelFunctionResolver(lake))"
        )
    for function in using.functions:
        spark.udf.register(using.registered[function.name.lower()], resolver.resolve(function))
    rewrite_calls(tree, using)
