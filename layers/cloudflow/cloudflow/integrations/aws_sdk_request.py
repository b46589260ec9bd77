"""The AWS API call a Task asks for: `arn:aws:states:::aws-sdk:<service>:<action>` or an optimized integration.

- The ARN names the service as Step Functions does (the Java SDK's client, lower case: "sfn",
  "cloudwatchlogs") and the action in camelCase ("getItem"), the API's `GetItem`.
- The task's effective input holds the API's parameters under their PascalCase member names. They are
  checked against the operation's input shape, so a misspelt or missing member is named instead of
  surfacing as a service error, and converted where Step Functions converts them: JSON given for a
  string member is sent as JSON text (an SQS MessageBody, an SFN execution Input), JSON given for a
  streamed payload as its JSON text (an S3 object's Body), a string for a blob member as the base64
  it is (a DynamoDB `B` attribute).
- Optimized integrations take only the parameters Step Functions lists for them.

See https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html and
https://docs.aws.amazon.com/step-functions/latest/dg/connect-parameters.html.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cloudflow.core.commands import InvokeTask
from cloudflow.core.dataflow.json_text import to_json_text
from cloudflow.integrations.api_shape import ApiShape
from cloudflow.integrations.optimized_integrations import AWS_SDK_ALIASES, OPTIMIZED_SERVICES, OptimizedService
from cloudflow.integrations.sdk_names import sdk_member_name

CALLBACK_SUFFIX = ".waitForTaskToken"

# Step Functions' service names that are not a boto3 name with its hyphens removed ("acm-pca" is "acmpca").
_BOTO3_NAMES = {
    "sfn": "stepfunctions", "states": "stepfunctions", "cloudwatchlogs": "logs", "eventbridge": "events",
    "cloudwatchevents": "events", "elasticloadbalancingv2": "elbv2", "elasticloadbalancing": "elb",
    "costexplorer": "ce", "cognitoidentityprovider": "cognito-idp", "databasemigration": "dms",
    "iotdataplane": "iot-data", "lexmodelbuilding": "lex-models", "lexruntime": "lex-runtime",
    "marketplacemetering": "meteringmarketplace", "applicationdiscovery": "discovery",
}


class ServiceCallError(ValueError):
    """The task asks for a call that cannot be made; the message says what is wrong and how to put it right."""


@dataclass(frozen=True)
class ServiceCall:
    """One AWS API call. `service` and `action` as the ARN spells them; `optimized` says how Step Functions'
    optimized integration behaves, None for an `aws-sdk` call."""

    resource: str
    service: str
    action: str
    parameters: Mapping[str, Any]
    optimized: OptimizedService | None = None
    region: str | None = None
    waits_for_callback: bool = False

    @property
    def operation(self) -> str:
        """The API's operation name: "getItem" -> "GetItem"."""
        return self.action[:1].upper() + self.action[1:]

    @property
    def name(self) -> str:
        """How messages name the call: "aws-sdk:dynamodb:getItem" or "sqs:sendMessage"."""
        return f"{self.service}:{self.action}" if self.optimized else f"aws-sdk:{self.service}:{self.action}"


def service_call(invocation: InvokeTask) -> ServiceCall | None:
    """The API call a task asks for; None for resources that are no AWS API call (Lambda, activities,
    other integrations). ServiceCallError when the resource or its parameters cannot make a call."""
    parts = invocation.resource.split(":")
    if len(parts) < 7 or parts[0] != "arn" or parts[2] != "states" or parts[4]:
        return None
    sdk = parts[5] == "aws-sdk"
    if sdk:
        if len(parts) < 8 or not parts[6] or not parts[7]:
            raise ServiceCallError(f"The resource {invocation.resource} must name a service and an action: "
                                   "arn:aws:states:::aws-sdk:<service>:<action>.")
        service, action = parts[6], _action(":".join(parts[7:]), invocation.resource)
    else:
        service, action = parts[5], _action(":".join(parts[6:]), invocation.resource)
        if service not in OPTIMIZED_SERVICES and service != "s3":
            return None  # another integration (lambda:invoke, states:startExecution, ecs:runTask ...)
    optimized = None if sdk or (service, action) in AWS_SDK_ALIASES else _optimized(service, action)
    label = f"{service}:{action}" if optimized else f"aws-sdk:{service}:{action}"
    call = ServiceCall(invocation.resource, service, action, _parameters(invocation, label), optimized,
                       parts[3] or None, invocation.pattern == "callback")
    if invocation.pattern == "sync":
        raise ServiceCallError(f"{call.name} does not support .sync: it answers at once, or waits for a task token "
                               f"with {CALLBACK_SUFFIX}.")
    if optimized is not None:
        if call.waits_for_callback and not optimized.callbacks:
            raise ServiceCallError(f"{call.name} does not support {CALLBACK_SUFFIX}.")
        unknown = sorted(set(call.parameters) - optimized.actions[action])
        if unknown:
            raise ServiceCallError(f"The field {unknown[0]!r} is not supported by Step Functions for {call.name}; "
                                   f"it takes {', '.join(sorted(optimized.actions[action]))}.")
    return call


def boto3_service_name(service: str, available: Iterable[str]) -> str | None:
    """The boto3 name of a service as Step Functions' ARNs name it, among the `available` ones; None if unknown."""
    names = set(available)
    if service in _BOTO3_NAMES and _BOTO3_NAMES[service] in names:
        return _BOTO3_NAMES[service]
    if service in names:
        return service
    return next((name for name in sorted(names) if name.replace("-", "") == service.lower()), None)


def api_parameters(call: ServiceCall, input_shape: ApiShape | None) -> dict[str, Any]:
    """The call's parameters as the API takes them, checked against its input shape (ServiceCallError)."""
    if input_shape is None:
        if call.parameters:
            raise ServiceCallError(f"{call.name} takes no parameters, but was given {', '.join(call.parameters)}.")
        return {}
    converted = _to_api(dict(call.parameters), input_shape, "", call.name)
    assert isinstance(converted, dict)
    return converted


def _action(text: str, resource: str) -> str:
    """The action of "getItem" or "getItem.waitForTaskToken" (the pattern itself comes with the InvokeTask)."""
    action, _, suffix = text.partition(".")
    if suffix and f".{suffix}" != CALLBACK_SUFFIX and suffix not in ("sync", "sync:2"):
        raise ServiceCallError(f"The resource {resource} ends in an unknown integration pattern .{suffix}; "
                               f"Step Functions knows .sync, .sync:2 and {CALLBACK_SUFFIX}.")
    return action


def _optimized(service: str, action: str) -> OptimizedService:
    optimized = OPTIMIZED_SERVICES.get(service)
    if optimized is None or action not in optimized.actions:
        raise ServiceCallError(f"{service}:{action} is not an optimized integration of Step Functions; call the API "
                               f"with arn:aws:states:::aws-sdk:{service}:{action}.")
    return optimized


def _parameters(invocation: InvokeTask, name: str) -> Mapping[str, Any]:
    parameters = invocation.parameters
    if parameters is None:
        return {}
    if not isinstance(parameters, dict):
        raise ServiceCallError(f"The parameters of {name} must be an object, not {to_json_text(parameters)}.")
    return parameters


def _to_api(value: Any, shape: ApiShape, path: str, call: str) -> Any:
    """`value` for a member of `shape`, converted as Step Functions converts it (see the module docstring)."""
    kind = shape.kind
    if kind == "structure":
        return _structure(value, shape, path, call)
    if kind == "list":
        if not isinstance(value, list):
            raise ServiceCallError(f"{_where(path, call)} must be an array, not {to_json_text(value)}.")
        element = shape.element()
        return value if element is None else [_to_api(item, element, f"{path}[{index}]", call)
                                              for index, item in enumerate(value)]
    if kind == "map":
        if not isinstance(value, dict):
            raise ServiceCallError(f"{_where(path, call)} must be an object, not {to_json_text(value)}.")
        element = shape.element()
        return value if element is None else {key: _to_api(item, element, f"{path}.{key}", call)
                                              for key, item in value.items()}
    if kind == "string" and not isinstance(value, str):
        return to_json_text(value)
    if kind == "blob":
        return _blob(value, shape, path, call)
    return value


def _structure(value: Any, shape: ApiShape, path: str, call: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ServiceCallError(f"{_where(path, call)} must be an object, not {to_json_text(value)}.")
    members = shape.members()
    # A member may be given by its API name or by the name the Java SDK (and so Step Functions) gives it.
    by_sdk_name = {sdk_member_name(name): name for name in members}
    converted: dict[str, Any] = {}
    for key, item in value.items():
        name = key if key in members else by_sdk_name.get(key)
        if name is None:
            raise ServiceCallError(f"{_where(path, call)} has no field {key!r}; "
                                   f"it takes {', '.join(members) or 'no fields'}.")
        converted[name] = _to_api(item, members[name], f"{path}.{name}" if path else name, call)
    missing = [name for name in members if name in shape.required() and name not in converted]
    if missing:
        raise ServiceCallError(f"{_where(path, call)} is missing the required field{'s' if len(missing) > 1 else ''} "
                               f"{', '.join(missing)}.")
    return converted


def _blob(value: Any, shape: ApiShape, path: str, call: str) -> bytes:
    if not isinstance(value, str):
        return to_json_text(value).encode()
    if shape.streaming:  # an object's content: the text as it is
        return value.encode()
    try:  # a blob inside the JSON document travels as base64
        return base64.b64decode(value, validate=True)
    except binascii.Error:
        raise ServiceCallError(f"{_where(path, call)} must be base64-encoded binary data.") from None


def _where(path: str, call: str) -> str:
    return f"The field {path!r} of {call}" if path else call
