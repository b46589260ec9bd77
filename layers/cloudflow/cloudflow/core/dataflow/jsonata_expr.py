"""JSONata expressions (`"QueryLanguage": "JSONata"`) as Step Functions evaluates them.

A field holds `"{% expression %}"`; the expression sees `$states` (input, context, and result or
errorOutput when the state has one) and the workflow variables as `$name`. Evaluation goes through
jsonata-python (a pure-Python port of jsonata-java), wrapped here behind a small typed surface:

- each distinct expression body is compiled once (`_compile`, an LRU cache keyed by the body);
- the functions Step Functions adds (`$partition`, `$range`, `$hash`, `$random`, `$uuid`,
  `$parse`) are bound on every compiled expression, and the library's clock and random sources
  (`$now`, `$millis`, `$random`, `$shuffle`, and the "current date" `$toMillis` fills in) are
  replaced by the step's `now_ms` and seeded draws, so a replay evaluates to the same value;
- results come back as plain JSON (fresh containers, integral numbers as ints); functions,
  regexes, NaN and infinities are refused.

Failures raise `FailureRaised(States.QueryEvaluationError, cause)` with Step Functions' cause
text. The state adds the "An error occurred while executing the state ..." prefix (StepRun.locate);
pass `field` (the field's path, e.g. "Output/result") so the cause names it as AWS does.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import re
import types
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final, Self

import jsonata as _jsonata  # type: ignore[import-untyped]

from cloudflow.core.dataflow.json_text import to_json_text
from cloudflow.core.error_names import StatesError
from cloudflow.core.failure import FailureRaised, fail
from cloudflow.core.seeded_random import SeededRandom
from cloudflow.json_types import json_type

JSONATA_OPEN: Final = "{%"
JSONATA_CLOSE: Final = "%}"


class _Undefined:
    """JSONata's "no value" (a path that selects nothing): not JSON null, and not JSON at all."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNDEFINED"

    def __bool__(self) -> bool:
        return False


UNDEFINED: Final = _Undefined()
"""What `evaluate` returns when the expression yields no value; the caller decides if that fails."""


@dataclass(frozen=True)
class JsonataBindings:
    """Everything an expression can see, and the step's deterministic time and randomness."""

    states: dict[str, Any]  # $states: {"input", "context"} and "result" / "errorOutput" when present
    variables: Mapping[str, Any]  # workflow variables, visible as $name
    now_ms: int  # the step's time: $now() and $millis() use it, never the clock
    draws: SeededRandom  # $random() and $uuid() draw from it
    # Kept for the engine's convenience; nothing binds them: in Step Functions `$partition` is the
    # array function (AWS docs, and the recorded `$partition(array, size)` executions), not a value.
    partition: str = "aws"
    region: str = "us-east-1"


def is_expression(value: object) -> bool:
    """A string Step Functions evaluates: starts with "{%" and ends with "%}", no spaces around."""
    return (
        isinstance(value, str)
        and len(value) >= len(JSONATA_OPEN) + len(JSONATA_CLOSE)
        and value.startswith(JSONATA_OPEN)
        and value.endswith(JSONATA_CLOSE)
    )


def expression_body(value: str) -> str:
    """The JSONata text between the delimiters, trimmed ("{% $x %}" gives "$x"), as AWS quotes it."""
    return value[len(JSONATA_OPEN) : len(value) - len(JSONATA_CLOSE)].strip()


def evaluate(expression: str, bindings: JsonataBindings, *, field: str = "") -> Any:
    """The JSON value of one "{% ... %}" string, or UNDEFINED when it yields nothing.

    `field` is where the expression sits ("Output", "Arguments/FunctionName"); it only goes into
    failure causes. Raises FailureRaised(States.QueryEvaluationError) when the expression does not
    compile, fails while evaluating, or yields something that is not JSON.
    """
    if not is_expression(expression):
        raise ValueError(f"not a JSONata expression string: {expression!r}")
    body = expression_body(expression)
    program = _compile(body)
    if isinstance(program, _CompileError):
        raise _threw(body, field, program.detail)
    token = _ACTIVE.set(bindings)
    try:
        raw = _run(program, bindings)
    except FailureRaised:
        raise
    except Exception as error:  # the library's JException, one of our functions, or a library bug
        raise _threw(body, field, _error_detail(error)) from None
    finally:
        _ACTIVE.reset(token)
    if raw is None:
        return UNDEFINED
    try:
        return _to_json(raw)
    except _NotJson:
        raise unsupported_result_error(body, field) from None


def evaluate_template(value: Any, bindings: JsonataBindings, *, field: str = "") -> Any:
    """A JSON value with every "{% ... %}" string in it (at any depth) replaced by its value.

    Other values are copied as they are. An expression that yields nothing fails the state, as in
    Step Functions (a field of `Output` or `Arguments` included: AWS does not drop the field).
    Object members extend `field` as "Output/result"; array elements as "Items/1".
    """
    if isinstance(value, str):
        if not is_expression(value):
            return value
        result = evaluate(value, bindings, field=field)
        if result is UNDEFINED:
            raise undefined_result_error(expression_body(value), field)
        return result
    if isinstance(value, dict):
        return {key: evaluate_template(item, bindings, field=_child(field, key)) for key, item in value.items()}
    if isinstance(value, list):
        return [evaluate_template(item, bindings, field=_child(field, str(i))) for i, item in enumerate(value)]
    return value


# --- failure causes, as Step Functions writes them -------------------------------------------------


def undefined_result_error(expression: str, field: str = "") -> FailureRaised:
    """The failure for an expression that must yield a value and yielded none.

    AWS: "The JSONata expression '$doesNotExist' specified for the field 'Output' returned nothing
    (undefined)." `expression` is the body (without "{% %}").
    """
    return fail(StatesError.QUERY_EVALUATION_ERROR, f"{_subject(expression, field)} returned nothing (undefined).")


def unsupported_result_error(expression: str, field: str = "") -> FailureRaised:
    """The failure for a result JSON cannot hold (a function, a regex, NaN or an infinity)."""
    cause = f"{_subject(expression, field)} returned an unsupported result type."
    return fail(StatesError.QUERY_EVALUATION_ERROR, cause)


def result_type_error(expression: str, field: str, expected: str, value: Any) -> FailureRaised:
    """The failure for a JSON result of the wrong type for its field (Map `Items` must be an array).

    AWS: "... specified for the field 'Items' returned an unexpected result type. Expected 'array',
    but was 'object' for value: {"foo":"bar"}"
    """
    return fail(
        StatesError.QUERY_EVALUATION_ERROR,
        f"{_subject(expression, field)} returned an unexpected result type. "
        f"Expected '{expected}', but was '{json_type(value)}' for value: {to_json_text(value)}",
    )


def _threw(expression: str, field: str, detail: str) -> FailureRaised:
    # AWS: "... specified for the field 'Output/FunctionResult' threw an error during evaluation.
    # T1006: Attempted to invoke a non-function"
    cause = f"{_subject(expression, field)} threw an error during evaluation. {detail}"
    return fail(StatesError.QUERY_EVALUATION_ERROR, cause)


def _subject(expression: str, field: str) -> str:
    where = f" specified for the field '{field}'" if field else ""
    return f"The JSONata expression '{expression}'{where}"


def _child(field: str, name: str) -> str:
    return f"{field}/{name}" if field else name


# --- compiling -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CompileError:
    detail: str  # "S0207: Unexpected end of expression"


@lru_cache(maxsize=4096)
def _compile(body: str) -> Any:
    """The compiled expression with Step Functions' functions bound, or why it does not compile."""
    try:
        program = _jsonata.Jsonata(body)
    except Exception as error:
        return _CompileError(_error_detail(error))
    for name, function in _FUNCTIONS.items():
        program.register_function(name, function)
    return program


def _run(program: Any, bindings: JsonataBindings) -> Any:
    """`Jsonata.evaluate(None, bindings)` without the clock read it makes for its own $now().

    A fresh frame per evaluation holds the variables and `$states` (the compiled program is shared);
    `$` (the context value) stays undefined: Step Functions expressions start from `$states`.
    """
    frame = program.create_frame(program.environment)
    for name, value in bindings.variables.items():
        frame.bind(name, _NULL if value is None else value)  # a bound None would read as undefined
    frame.bind("states", bindings.states)
    frame.bind("$", None)
    return program.eval(program.ast, None, frame)


# --- results ---------------------------------------------------------------------------------------

_NULL: Final = _jsonata.Utils.NULL_VALUE
_SAFE_INTEGER: Final = 2**53  # integral floats below this become ints (1.0 -> 1); larger stay floats


class _NotJson(Exception):
    pass


def _to_json(value: Any) -> Any:
    """A fresh JSON value: JSONata sequences to lists, null marker to None, 2.0 to 2."""
    if value is None or value is _NULL:
        return None  # None inside a container is a null from the input (undefined never nests)
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        # JSONata numbers are doubles; the library turns integral results into ints, even 1e300.
        return value if abs(value) < _SAFE_INTEGER else float(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _NotJson
        return int(value) if value.is_integer() and abs(value) < _SAFE_INTEGER else value
    if isinstance(value, dict):
        return {str(key): _to_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_to_json(item) for item in value]
    raise _NotJson  # a lambda, a native function, a compiled regex


# --- error texts -----------------------------------------------------------------------------------

_PLACEHOLDER: Final = re.compile(r"\{\{\{(\w+)\}\}\}|\{\{(\w+)\}\}")
# jsonata-js names array subtypes in T0412 ("must be an array of numbers").
_ARRAY_OF: Final = {"a": "arrays", "b": "booleans", "f": "functions", "n": "numbers", "o": "objects", "s": "strings"}


class _FunctionError(Exception):
    """A Step Functions JSONata function refused its arguments."""


def _error_detail(error: Exception) -> str:
    """"CODE: message" as jsonata-js words it, which is what AWS puts after "during evaluation."."""
    if isinstance(error, _jsonata.JException):
        return f"{error.error}: {_jsonata_message(error)}"
    if isinstance(error, _FunctionError):
        return str(error)
    if isinstance(error, ZeroDivisionError):
        # jsonata-js divides to Infinity and then refuses it: D1001, its value JSON-stringified (null).
        return "D1001: Number out of range: null"
    if isinstance(error, RecursionError):
        return (
            "D1011: Stack overflow. Check for non-terminating recursive function.  "
            "Consider rewriting as tail-recursive"
        )
    return str(error) or type(error).__name__


def _jsonata_message(error: Any) -> str:
    """The message for a JException, rendered the way jsonata-js renders its catalog.

    jsonata-python's own rendering differs in two ways this undoes: its catalog says "Object" where
    jsonata-js says "function" (a port artifact), and it inserts `{{value}}` unquoted where
    jsonata-js inserts JSON (`The left side of the "+" operator`, not `the + operator`).
    """
    template = _jsonata.JException.error_codes.get(error.error)
    if template is None:
        return str(error)
    template = template.replace("Object", "function")
    inserts = [error.current, error.expected, error.extra]
    if error.error == "T0412" and error.extra in _ARRAY_OF:
        inserts[2] = _ARRAY_OF[error.extra]
    position = iter(inserts)

    def insert(match: re.Match[str]) -> str:
        value = next(position, None)
        if match.group(1) is not None:  # {{{raw}}}
            return "undefined" if value is None else str(value)
        return _js_json(value)

    return _PLACEHOLDER.sub(insert, template)


def _js_json(value: Any) -> str:
    """JSON.stringify for a message insert (undefined stays "undefined", Infinity and NaN become null)."""
    if value is None:
        return "undefined"
    if isinstance(value, float) and not math.isfinite(value):
        return "null"
    try:
        return to_json_text(_to_json(value))
    except (_NotJson, TypeError, ValueError):
        return str(value)


# --- the functions Step Functions adds, and the library's clock and randomness replaced ----------

_ACTIVE: ContextVar[JsonataBindings | None] = ContextVar("cloudflow_jsonata_bindings", default=None)


def _active() -> JsonataBindings:
    bindings = _ACTIVE.get()
    if bindings is None:  # only reachable if the library calls a bound function outside evaluate()
        raise RuntimeError("a JSONata function ran outside jsonata_expr.evaluate")
    return bindings


class _Native:
    """Adapts a Python function to the library's JFunction protocol (`call(input, args)`)."""

    def __init__(self, implementation: Callable[..., Any]) -> None:
        self._implementation = implementation

    def call(self, _input: Any, args: Any) -> Any:
        return self._implementation(*(args or []))


def _function(implementation: Callable[..., Any], signature: str) -> Any:
    """A library function value with a JSONata signature (so bad arguments fail with T0410)."""
    return _jsonata.Jsonata.JFunction(_Native(implementation), signature)


_HASHES: Final = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512"}
RANGE_LIMIT: Final = 1000  # as States.ArrayRange; AWS documents no separate limit for $range


def _integer(value: float) -> int:
    # AWS: "functions that require integer values as parameters will automatically round down".
    return math.floor(value)


def _partition(items: Any, size: Any) -> Any:
    """$partition(array, size): consecutive chunks of `size`, the last one possibly shorter."""
    if items is None or size is None:
        return None
    chunk = _integer(size)
    if chunk < 1:
        raise _FunctionError(f"The chunk size argument of $partition must be a positive integer, got {_js_json(size)}")
    elements = list(items)
    return [elements[start : start + chunk] for start in range(0, len(elements), chunk)]


def _range(start: Any, end: Any, step: Any) -> Any:
    """$range(start, end, step): start to end inclusive, by step (which may be negative)."""
    if start is None or end is None or step is None:
        return None
    first, last, delta = _integer(start), _integer(end), _integer(step)
    if delta == 0:
        raise _FunctionError("The step argument of $range must not be zero")
    count = (last - first) // delta + 1 if (last - first) * delta >= 0 else 0
    if count > RANGE_LIMIT:
        raise _FunctionError(f"$range would generate {count} values, more than the limit of {RANGE_LIMIT}")
    return [first + i * delta for i in range(count)]


def _hash(data: Any, algorithm: Any) -> Any:
    """$hash(data, algorithm): the lowercase hex digest of the string's UTF-8 bytes."""
    if data is None:
        return None
    name = _HASHES.get(algorithm) if isinstance(algorithm, str) else None
    if name is None:
        raise _FunctionError(
            f"The hashing algorithm argument of $hash must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512, "
            f"got {_js_json(algorithm)}"
        )
    return hashlib.new(name, data.encode("utf-8", "surrogatepass")).hexdigest()


def _random(seed: Any = None) -> float:
    """$random() draws from the step's seeded source; $random(seed) depends on the seed alone."""
    if seed is None:
        return _active().draws.next_float()
    return SeededRandom(seed=str(_integer(seed))).next_float()


def _uuid() -> str:
    """$uuid(): a version-4 UUID from the step's seeded source."""
    return _active().draws.next_uuid()


def _parse(text: Any) -> Any:
    """$parse(jsonString): the JSON value the string holds (JSONata's $eval is not allowed in AWS)."""
    if text is None:
        return None
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except ValueError as error:
        raise _FunctionError(f"The argument of $parse is not valid JSON: {_js_json(text)}") from error
    return _NULL if value is None else value  # a top-level null is JSON null, not undefined


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _now(picture: Any = None, timezone: Any = None) -> Any:
    """$now(): the step's time, ISO 8601 with milliseconds ("2026-11-26T10:00:00.000Z") by default."""
    return _jsonata.Functions.datetime_from_millis(_active().now_ms, picture, timezone)


def _millis() -> int:
    """$millis(): the step's time in epoch milliseconds."""
    return _active().now_ms


def _number(value: Any) -> Any:
    """$number: the library's, failing with D3030 (as jsonata-js does) where it would raise ValueError."""
    try:
        result = _jsonata.Functions.number(value)
    except ValueError:
        result = math.nan
    if isinstance(result, float) and not math.isfinite(result):
        raise _jsonata.JException("D3030", -1, value)
    return result


def _to_millis(timestamp: Any, picture: Any = None) -> Any:
    """$toMillis: the library's, failing with D3110 (as jsonata-js does) on text that is not a timestamp."""
    try:
        return _jsonata.Functions.datetime_to_millis(timestamp, picture)
    except ValueError:
        raise _jsonata.JException("D3110", -1, timestamp) from None


def _shuffle(items: Any) -> Any:
    """$shuffle(array): a Fisher-Yates shuffle drawing from the step's seeded source."""
    if items is None:
        return None
    result = list(items)
    draws = _active().draws
    for i in range(len(result) - 1, 0, -1):
        j = draws.next_int(0, i)
        result[i], result[j] = result[j], result[i]
    return result


_FUNCTIONS: Final = {
    "partition": _function(_partition, "<an:a>"),
    "range": _function(_range, "<nnn:a<n>>"),
    "hash": _function(_hash, "<ss:s>"),
    "random": _function(_random, "<n?:n>"),
    "uuid": _function(_uuid, "<:s>"),
    "parse": _function(_parse, "<s:x>"),
    "now": _function(_now, "<s?s?:s>"),
    "millis": _function(_millis, "<:n>"),
    "shuffle": _function(_shuffle, "<a:a>"),
    "number": _function(_number, "<(nsb)-:n>"),
    "toMillis": _function(_to_millis, "<s-s?:n>"),
}


class _StepDatetime(datetime.datetime):
    """`datetime` as the library's date parser sees it: `utcnow()` is the step's time."""

    @classmethod
    def utcnow(cls) -> Self:
        return cls.fromtimestamp(_active().now_ms / 1000, tz=datetime.UTC).replace(tzinfo=None)


# `$toMillis(text, picture)` fills the components a picture leaves out from the current date, read
# with `datetime.datetime.utcnow()` in jsonata.datetimeutils; give that module the step's time.
# The library stamps every compiled expression with the wall clock (for its own $now and $millis,
# replaced above, and for evaluation timeouts, which are not used): stamp it with 0 instead.
_jsonata.timebox.Timebox.current_milli_time = staticmethod(lambda: 0)

_DATETIME_MODULE: Final = {name: getattr(datetime, name) for name in dir(datetime) if not name.startswith("__")}
_jsonata.datetimeutils.datetime = types.SimpleNamespace(**(_DATETIME_MODULE | {"datetime": _StepDatetime}))
