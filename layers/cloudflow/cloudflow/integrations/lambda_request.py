"""The Lambda Invoke request a Task asks for: a bare function ARN, or `arn:aws:states:::lambda:invoke`.

A bare function ARN sends the task's effective input as the event and hands the state the function's
result alone. `lambda:invoke` takes the Invoke API's parameters (FunctionName, Payload, Qualifier,
InvocationType, ClientContext, LogType) and hands the state Lambda's whole response.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cloudflow.core.commands import InvokeTask
from cloudflow.core.dataflow.json_text import to_json_text
from cloudflow.local.lambda_arns import is_lambda_function_arn, is_lambda_invoke

INVOCATION_TYPES = ("RequestResponse", "Event", "DryRun")
_INVOKE_PARAMETERS = frozenset({"FunctionName", "Payload", "Qualifier", "InvocationType", "ClientContext", "LogType"})


class LambdaRequestError(ValueError):
    """The task's parameters are no valid Invoke request; the message says which field and why."""


@dataclass(frozen=True)
class LambdaRequest:
    """One Invoke call. `payload` is the event as JSON text; `shaped` says whether the state gets Lambda's
    whole response (`lambda:invoke`) or the function's result alone (a bare function ARN)."""

    function_name: str
    payload: str
    shaped: bool
    qualifier: str | None = None
    invocation_type: str = "RequestResponse"
    client_context: str | None = None
    log_type: str | None = None


def lambda_request(invocation: InvokeTask) -> LambdaRequest | None:
    """The Invoke request for a Lambda task, None for any other resource; LambdaRequestError when invalid."""
    if is_lambda_function_arn(invocation.resource):
        return LambdaRequest(invocation.resource, to_json_text(invocation.parameters), shaped=False)
    if not is_lambda_invoke(invocation.resource):
        return None
    parameters = invocation.parameters
    if not isinstance(parameters, dict):
        raise LambdaRequestError(f"The parameters of lambda:invoke must be an object, not {_json_type(parameters)}.")
    unknown = sorted(set(parameters) - _INVOKE_PARAMETERS)
    if unknown:
        raise LambdaRequestError(f"The field {unknown[0]!r} is not supported by lambda:invoke; it takes "
                                 f"{', '.join(sorted(_INVOKE_PARAMETERS))}.")
    function_name = _text(parameters, "FunctionName", required=True)
    invocation_type = _text(parameters, "InvocationType") or "RequestResponse"
    if invocation_type not in INVOCATION_TYPES:
        raise LambdaRequestError(f"InvocationType must be one of {', '.join(INVOCATION_TYPES)}, not "
                                 f"{invocation_type!r}.")
    payload = parameters.get("Payload")
    return LambdaRequest(
        function_name=str(function_name),
        # Absent Payload: Lambda receives an empty object, as Step Functions sends it.
        payload="{}" if "Payload" not in parameters else to_json_text(payload),
        shaped=True,
        qualifier=_text(parameters, "Qualifier"),
        invocation_type=invocation_type,
        client_context=_text(parameters, "ClientContext"),
        log_type=_text(parameters, "LogType"),
    )


def _text(parameters: dict[str, Any], name: str, required: bool = False) -> str | None:
    value = parameters.get(name)
    if value is None:
        if required:
            raise LambdaRequestError(f"lambda:invoke needs {name}, the function's name or ARN.")
        return None
    if not isinstance(value, str) or not value:
        raise LambdaRequestError(f"{name} must be a non-empty string, not {to_json_text(value)}.")
    return value


def _json_type(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
            type(None): "null"}.get(type(value), "a number")
