"""The Python functions a SAM template declares, run in process as Lambda's Python runtime would run them.

This is the local binding of `lambda:invoke` and bare function ARNs: a flow in a SAM app calls the app's
own functions (their CodeUri and Handler) without Docker or an AWS account. What a function sees and
what comes back follow the Python runtime: the event is the JSON payload decoded, the context carries
the function's name, ARN, memory and a request id; a return value is sent back as JSON; an exception
becomes a function error (`Unhandled`) whose payload is the runtime's error document (errorMessage,
errorType, requestId, stackTrace).

Functions are matched by their FunctionName (when the template gives a literal one) or logical id.
Request ids are derived from the call (function, payload, how many calls before it), so a replayed
run sees the same ids.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import sys
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

from cloudflow.errors import InvalidInputError
from cloudflow.integrations.lambda_outcome import LambdaResponse, LambdaServiceError
from cloudflow.integrations.lambda_request import LambdaRequest
from cloudflow.local.lambda_arns import lambda_function_name
from cloudflow.sam_template import parse_template

_FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")
_DEFAULT_MEMORY_MB = 128
_TASK_ROOT = "/var/task"


@dataclass(frozen=True)
class TemplateFunction:
    """One function of the template: where its code is and how Lambda would call it."""

    name: str
    code_dir: Path
    handler: str  # module.function, as in the template
    memory_mb: int
    region: str
    account: str

    @property
    def arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account}:function:{self.name}"


@dataclass(frozen=True)
class FunctionContext:
    """The Lambda context object's fields a handler (and Powertools) reads."""

    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    aws_request_id: str
    function_version: str = "$LATEST"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return f"local/[$LATEST]{self.aws_request_id.replace('-', '')}"

    def get_remaining_time_in_millis(self) -> int:
        return 900_000


class TemplateFunctions:
    """A LambdaInvoker for the functions a SAM template declares; None for functions it does not declare."""

    def __init__(self, functions: list[TemplateFunction]) -> None:
        self._functions = {function.name: function for function in functions}
        self._handlers: dict[str, Callable[..., Any]] = {}
        self._calls: Counter[str] = Counter()

    @classmethod
    def from_template(cls, template: str | Path, region: str = "us-east-1",
                      account: str = "123456789012") -> TemplateFunctions:
        """The Python functions of `template`; InvalidInputError naming the resource when one is unusable."""
        path = Path(template)
        try:
            document = parse_template(path.read_text())
        except (OSError, yaml.YAMLError) as problem:
            raise InvalidInputError(str(template), f"cannot be read as a SAM template: {problem}") from problem
        if not isinstance(document, dict) or not isinstance(document.get("Resources"), dict):
            raise InvalidInputError(str(template), "has no Resources")
        globals_ = ((document.get("Globals") or {}).get("Function") or {})
        functions = []
        for logical_id, resource in document["Resources"].items():
            if not isinstance(resource, dict) or resource.get("Type") not in _FUNCTION_TYPES:
                continue
            properties = {**globals_, **(resource.get("Properties") or {})}
            where = f"{template}: Resources/{logical_id}"
            runtime = properties.get("Runtime")
            if isinstance(runtime, str) and not runtime.startswith("python"):
                continue  # another language: not runnable in this process
            code, handler = properties.get("CodeUri"), properties.get("Handler")
            if not isinstance(code, str) or not isinstance(handler, str) or "." not in handler:
                raise InvalidInputError(where, "needs a literal CodeUri folder and a Handler 'module.function'")
            name = properties.get("FunctionName")
            memory = properties.get("MemorySize")
            functions.append(TemplateFunction(
                name=name if isinstance(name, str) else logical_id, code_dir=(path.parent / code).resolve(),
                handler=handler, memory_mb=memory if isinstance(memory, int) else _DEFAULT_MEMORY_MB,
                region=region, account=account))
        return cls(functions)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self._functions))

    def invoke(self, request: LambdaRequest) -> LambdaResponse | LambdaServiceError | None:
        name = lambda_function_name(request.function_name)
        function = self._functions.get(name) if name is not None else None
        if function is None:
            return None
        request_id = self._request_id(function.name, request.payload)
        if request.invocation_type == "DryRun":
            return _response(204, b"", request_id)
        try:
            event = json.loads(request.payload)
        except ValueError:
            return LambdaServiceError("InvalidRequestContentException", "Could not parse request body into json",
                                      400, request_id)
        context = FunctionContext(function.name, function.arn, function.memory_mb, request_id)
        try:
            handler = self._handler(function)
        except _InitError as failure:  # as Lambda reports a function that cannot start
            payload = json.dumps({"errorMessage": failure.message, "errorType": failure.error_type,
                                  "requestId": request_id, "stackTrace": []}).encode()
            return _response(200, payload, request_id, "Unhandled")
        payload, function_error = _call(handler, event, context, function.code_dir)
        if request.invocation_type == "Event":  # queued: the caller never sees the result
            return _response(202, b"", request_id)
        return _response(200, payload, request_id, function_error)

    def _request_id(self, name: str, payload: str) -> str:
        self._calls[name] += 1
        digest = hashlib.sha256(f"{name}|{payload}|{self._calls[name]}".encode()).hexdigest()
        return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"

    def _handler(self, function: TemplateFunction) -> Callable[..., Any]:
        known = self._handlers.get(function.name)
        if known is None:
            module_name, _, attribute = function.handler.rpartition(".")
            module = _import(function.code_dir, module_name)
            known = getattr(module, attribute, None)
            if not callable(known):
                raise _InitError("Runtime.HandlerNotFound", f"Handler '{attribute}' missing on module "
                                 f"'{module_name}'")
            self._handlers[function.name] = known
        return known


def _call(handler: Callable[..., Any], event: Any, context: FunctionContext,
          code_dir: Path) -> tuple[bytes, str | None]:
    """Run the handler as the Python runtime does: (response payload, FunctionError or None)."""
    try:
        result = handler(event, context)
    except Exception as exc:
        frames = traceback.extract_tb(exc.__traceback__)[1:]  # from the handler down, not this wrapper
        # Paths as Lambda shows them (the code folder is /var/task), the same on every machine.
        trace = [line.replace(str(code_dir), _TASK_ROOT) for line in traceback.format_list(frames)]
        document = {"errorMessage": str(exc), "errorType": type(exc).__name__, "requestId": context.aws_request_id,
                    "stackTrace": trace}
        return json.dumps(document).encode(), "Unhandled"
    try:
        return json.dumps(result).encode(), None
    except (TypeError, ValueError) as exc:
        document = {"errorMessage": f"Unable to marshal response: {exc}", "errorType": "Runtime.MarshalError",
                    "requestId": context.aws_request_id, "stackTrace": []}
        return json.dumps(document).encode(), "Unhandled"


def _response(status: int, payload: bytes, request_id: str, function_error: str | None = None) -> LambdaResponse:
    headers = {"Connection": "keep-alive", "Content-Length": str(len(payload)), "Content-Type": "application/json",
               "X-Amz-Executed-Version": "$LATEST", "x-amzn-Remapped-Content-Length": "0",
               "x-amzn-RequestId": request_id}
    if function_error is not None:
        headers["X-Amz-Function-Error"] = function_error
    return LambdaResponse(status, payload, request_id, function_error, headers=headers)


class _InitError(Exception):
    """The function cannot start: its module or handler is missing or fails to load."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message


def _import(code_dir: Path, module_name: str) -> ModuleType:
    """Import the handler's module from its CodeUri, under a name of its own (two apps may both have app.py)."""
    file = code_dir / (module_name.replace(".", "/") + ".py")
    if not file.is_file():
        raise _InitError("Runtime.ImportModuleError", f"Unable to import module '{module_name}': No module named "
                         f"'{module_name}'")
    unique = f"cloudflow_function_{hashlib.sha256(str(file).encode()).hexdigest()[:12]}"
    loader = importlib.machinery.SourceFileLoader(unique, str(file))
    spec = importlib.util.spec_from_loader(unique, loader)
    if spec is None:  # pragma: no cover - a SourceFileLoader always yields a spec
        raise _InitError("Runtime.ImportModuleError", f"Unable to import module '{module_name}'")
    module = importlib.util.module_from_spec(spec)
    sys.modules[unique] = module
    # As in Lambda, the code folder is importable, so the handler's own modules next to it load.
    if str(code_dir) not in sys.path:
        sys.path.insert(0, str(code_dir))
    try:
        loader.exec_module(module)
    except Exception as exc:
        del sys.modules[unique]
        raise _InitError("Runtime.ImportModuleError", f"Unable to import module '{module_name}': {exc}") from exc
    return module
