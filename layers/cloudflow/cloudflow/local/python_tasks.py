"""Local task handlers written in Python: a file (`--tasks tasks.py`) binding task resources to functions.

The file binds resources either way (both may be mixed)::

    from cloudflow.local.python_tasks import TaskError, task

    @task("arn:aws:lambda:us-east-1:123456789012:function:price-line")
    def price_line(event):                        # or (event, context): a TaskContext
        if event["sku"] not in PRICES:
            raise TaskError("Pricing.UnknownSku", f"No price for {event['sku']}")
        return {"sku": event["sku"], "amount": PRICES[event["sku"]] * event["quantity"]}

    TASKS = {"arn:aws:states:::sns:publish": publish}

A key is a Task's `Resource` (matched exactly) or a Lambda function (ARN, partial ARN or name).
A function key also answers `arn:aws:states:::lambda:invoke` tasks whose `FunctionName` names it.

What the function receives, and what its return value becomes:

- The event is the task's effective parameters; for `lambda:invoke` it is `Parameters.Payload`,
  and the return value is wrapped as Lambda's Invoke response (`{"ExecutedVersion": "$LATEST",
  "Payload": ..., "StatusCode": 200}`), which is what that integration hands the state.
- For `.waitForTaskToken` tasks the return value is the callback's output (as if SendTaskSuccess);
  return `NoAnswer()` for a callback that never comes (only a timeout ends the task then).
- `raise TaskError(error, cause)` fails the task with exactly that. Any other exception fails it as
  Lambda's Python runtime reports it: error = exception class name, cause = `{"errorMessage": str(exc),
  "errorType": class name}` as JSON text (without Lambda's requestId and stack trace, so runs repeat).
- A return value that is not JSON fails with `Runtime.MarshalError`, as Lambda does.

The event is a copy and the result is copied too, so a handler never shares objects with the engine.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import inspect
import json
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

from cloudflow.core.commands import InvokeTask
from cloudflow.core.dataflow.json_text import to_json_text
from cloudflow.errors import InvalidInputError
from cloudflow.local.lambda_arns import is_lambda_function_arn, is_lambda_invoke, lambda_function_name
from cloudflow.local.task_outcome import NoAnswer, TaskOutcome, TaskReturned, TaskThrew

__all__ = ["NoAnswer", "PythonTaskResolver", "TaskContext", "TaskError", "load_python_tasks", "task"]

_RESOURCES_ATTRIBUTE = "__cloudflow_task_resources__"
_TASKS_VARIABLE = "TASKS"
_MARSHAL_ERROR = "Runtime.MarshalError"

HandlerFunction = TypeVar("HandlerFunction", bound=Callable[..., Any])


class TaskError(Exception):
    """Raise in a task handler to fail the task with this error name and cause."""

    def __init__(self, error: str, cause: str | None = None) -> None:
        self.error = error
        self.cause = cause
        super().__init__(f"{error}: {cause}" if cause is not None else error)


@dataclass(frozen=True)
class TaskContext:
    """Where a handler is being called from; passed as the second argument if the handler takes one."""

    resource: str
    state_name: str
    attempt: int
    """0 for the first attempt, then 1, 2, ... for retries."""
    token: str
    """The engine's token for this invocation."""


def task(resource: str) -> Callable[[HandlerFunction], HandlerFunction]:
    """Decorator binding the function to a task resource (a Task's Resource, or a Lambda function)."""
    if not isinstance(resource, str) or not resource:
        raise TypeError("@task needs the resource ARN (or Lambda function name) as a non-empty string")

    def bind(function: HandlerFunction) -> HandlerFunction:
        # Marks the function only; the loader finds marked functions in the file, so no global registry.
        bound = getattr(function, _RESOURCES_ATTRIBUTE, ())
        setattr(function, _RESOURCES_ATTRIBUTE, (*bound, resource))
        return function

    return bind


@dataclass(frozen=True)
class _Handler:
    """One bound function and whether it wants the TaskContext too."""

    name: str
    function: Callable[..., Any]
    takes_context: bool

    def call(self, event: Any, context: TaskContext) -> Any:
        return self.function(event, context) if self.takes_context else self.function(event)


class PythonTaskResolver:
    """Answers tasks by calling the Python functions a tasks file binds to their resources."""

    def __init__(self, handlers: Mapping[str, _Handler], source: str) -> None:
        self._handlers = dict(handlers)
        self._by_function_name = _index_by_function_name(self._handlers, source)

    @property
    def resources(self) -> tuple[str, ...]:
        """The keys the file binds, sorted."""
        return tuple(sorted(self._handlers))

    def resolve(self, invocation: InvokeTask) -> TaskOutcome | None:
        """Call the handler bound to this task, or answer None when the file binds none."""
        resource = invocation.resource
        if is_lambda_invoke(resource) and resource not in self._handlers:
            return self._invoke_function(invocation)
        handler = self._handlers.get(resource)
        if handler is None and is_lambda_function_arn(resource):
            handler = self._for_function(resource)
        if handler is None:
            return None
        return _run(handler, invocation.parameters, invocation, wrap_as_invoke_response=False)

    def _invoke_function(self, invocation: InvokeTask) -> TaskOutcome | None:
        """`lambda:invoke`: the handler bound to FunctionName gets the Payload, as the function would."""
        parameters = invocation.parameters
        function = parameters.get("FunctionName") if isinstance(parameters, dict) else None
        handler = self._for_function(function) if isinstance(function, str) else None
        if handler is None:
            return None
        # A callback's output is what SendTaskSuccess sends, not the Invoke response.
        wrap = invocation.pattern != "callback"
        return _run(handler, parameters.get("Payload"), invocation, wrap_as_invoke_response=wrap)

    def _for_function(self, reference: str) -> _Handler | None:
        exact = self._handlers.get(reference)
        if exact is not None:
            return exact
        name = lambda_function_name(reference)
        return None if name is None else self._by_function_name.get(name)


def load_python_tasks(path: str | Path) -> PythonTaskResolver:
    """Load a tasks file; InvalidInputError when it cannot be loaded or binds nothing usable."""
    file = Path(path)
    if not file.is_file():
        raise InvalidInputError(str(path), "no such tasks file")
    module = _import_file(file)
    handlers: dict[str, _Handler] = {}
    for resource, function, origin in _bindings(module, str(path)):
        previous = handlers.get(resource)
        if previous is not None and previous.function is not function:
            raise InvalidInputError(
                str(path), f"{resource!r} is bound twice: to {previous.name} and to {origin}"
            )
        handlers[resource] = _Handler(origin, function, _takes_context(function, origin, str(path)))
    if not handlers:
        raise InvalidInputError(
            str(path),
            f"binds no tasks: define {_TASKS_VARIABLE} = {{resource ARN: function}} "
            "or decorate functions with @task(resource ARN) from cloudflow.local.python_tasks",
        )
    return PythonTaskResolver(handlers, str(path))


# --- calling a handler ------------------------------------------------------------------------------


def _run(handler: _Handler, event: Any, invocation: InvokeTask, wrap_as_invoke_response: bool) -> TaskOutcome:
    context = TaskContext(
        resource=invocation.resource,
        state_name=invocation.state_name,
        attempt=invocation.attempt,
        token=invocation.token,
    )
    try:
        result = handler.call(_json_copy(event), context)
    except TaskError as failure:
        return TaskThrew(failure.error, failure.cause)
    except Exception as exc:
        kind = type(exc).__name__
        return TaskThrew(kind, to_json_text({"errorMessage": str(exc), "errorType": kind}))
    if isinstance(result, NoAnswer):
        return result
    try:
        output = _json_copy(result)
    except (TypeError, ValueError) as exc:
        message = f"Unable to marshal response: {exc}"
        return TaskThrew(_MARSHAL_ERROR, to_json_text({"errorMessage": message, "errorType": _MARSHAL_ERROR}))
    if wrap_as_invoke_response:
        output = {"ExecutedVersion": "$LATEST", "Payload": output, "StatusCode": 200}
    return TaskReturned(output)


def _json_copy(value: Any) -> Any:
    """A deep copy through JSON; raises TypeError/ValueError when `value` is not JSON (NaN included)."""
    return json.loads(json.dumps(value, allow_nan=False))


# --- loading a file ---------------------------------------------------------------------------------


def _import_file(file: Path) -> ModuleType:
    # A unique module name per file, so two tasks files (or a file named like a real module) never clash.
    stem = re.sub(r"\W", "_", file.stem)
    module_name = f"cloudflow_tasks_{stem}_{abs(hash(str(file.resolve()))):x}"
    loader = importlib.machinery.SourceFileLoader(module_name, str(file))
    spec = importlib.util.spec_from_loader(module_name, loader)
    if spec is None:  # pragma: no cover - a SourceFileLoader always yields a spec
        raise InvalidInputError(str(file), "cannot be loaded as Python")
    module = importlib.util.module_from_spec(spec)
    # Registered (dataclasses and typing look modules up) and its folder importable while it runs,
    # so a tasks file can import helper modules next to it.
    sys.modules[module_name] = module
    sys.path.insert(0, str(file.parent))
    try:
        loader.exec_module(module)
    except SyntaxError as exc:
        del sys.modules[module_name]
        raise InvalidInputError(str(file), f"is not valid Python: {exc.msg} (line {exc.lineno})") from exc
    except (Exception, SystemExit) as exc:
        del sys.modules[module_name]
        raise InvalidInputError(str(file), f"raised {type(exc).__name__} while loading: {exc}") from exc
    finally:
        sys.path.remove(str(file.parent))
    return module


def _bindings(module: ModuleType, source: str) -> list[tuple[str, Callable[..., Any], str]]:
    """(resource, function, where it was bound) for TASKS entries and @task functions."""
    found: list[tuple[str, Callable[..., Any], str]] = []
    table = getattr(module, _TASKS_VARIABLE, None)
    if table is not None:
        if not isinstance(table, Mapping):
            raise InvalidInputError(
                f"{source}: {_TASKS_VARIABLE}",
                f"must be a dict of resource ARN -> function, not {type(table).__name__}",
            )
        for resource, function in table.items():
            where = f"{source}: {_TASKS_VARIABLE}[{resource!r}]"
            if not isinstance(resource, str) or not resource:
                raise InvalidInputError(where, "keys must be resource ARNs (non-empty strings)")
            if not callable(function):
                raise InvalidInputError(where, f"must be a function, not {type(function).__name__}")
            found.append((resource, function, f"{_TASKS_VARIABLE}[{resource!r}]"))
    for attribute, value in vars(module).items():
        for resource in getattr(value, _RESOURCES_ATTRIBUTE, ()) if callable(value) else ():
            found.append((resource, value, f"{attribute}()"))
    return found


def _takes_context(function: Callable[..., Any], origin: str, source: str) -> bool:
    """Whether to pass (event, context) rather than (event); InvalidInputError if it takes neither."""
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return False  # no signature to read (some builtins): call it with the event alone
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    required = [p for p in positional if p.default is p.empty]
    takes_varargs = any(p.kind is p.VAR_POSITIONAL for p in parameters)
    required_keywords = [p.name for p in parameters if p.kind is p.KEYWORD_ONLY and p.default is p.empty]
    where = f"{source}: {origin}"
    if required_keywords or len(required) > 2 or (not positional and not takes_varargs):
        raise InvalidInputError(where, "a task handler must take (event) or (event, context)")
    return takes_varargs or len(positional) >= 2


def _index_by_function_name(handlers: Mapping[str, _Handler], source: str) -> dict[str, _Handler]:
    # Lambda tasks name functions many ways (ARN, partial ARN, name, with a qualifier): index by name.
    by_name: dict[str, _Handler] = {}
    for key, handler in handlers.items():
        name = lambda_function_name(key)
        if name is None:
            continue
        other = by_name.get(name)
        if other is not None and other.function is not handler.function:
            raise InvalidInputError(
                source, f"Lambda function {name!r} is bound twice: to {other.name} and to {handler.name}"
            )
        by_name[name] = handler
    return by_name
