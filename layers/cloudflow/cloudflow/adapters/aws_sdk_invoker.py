"""AWS API tasks on boto3: `aws-sdk:<service>:<action>` and the optimized SQS, SNS, DynamoDB and EventBridge
integrations, as a TaskResolver.

botocore's service models say which operations exist and what they take, so the pure request and result
code (cloudflow.integrations) can check parameters and shape answers without importing botocore.
`.waitForTaskToken` tasks make their call (the parameters carry the token) and then wait for
SendTaskSuccess/Failure; only a failed call ends them at once.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError
from botocore.model import OperationModel, Shape, StructureShape

from cloudflow.core.commands import InvokeTask
from cloudflow.core.error_names import StatesError
from cloudflow.integrations.api_shape import ApiShape, StreamedPayload
from cloudflow.integrations.aws_result import HttpAnswer, ServiceFailure, ServiceResponse, call_outcome
from cloudflow.integrations.aws_sdk_request import (
    ServiceCall,
    ServiceCallError,
    api_parameters,
    boto3_service_name,
    service_call,
)
from cloudflow.local.task_outcome import NoAnswer, TaskOutcome, TaskReturned, TaskThrew

# Step Functions' SDK neither sends nor asks for the optional checksums boto3 adds by default, and its
# results carry none: S3 answers putObject and getObject without ChecksumCRC32 then.
_CLIENT_CONFIG = Config(request_checksum_calculation="when_required", response_checksum_validation="when_required")


class BotocoreShape:
    """An ApiShape over a botocore Shape (wrapped lazily: models may be recursive)."""

    def __init__(self, shape: Shape) -> None:
        self._shape = shape

    @property
    def kind(self) -> str:
        return str(self._shape.type_name)

    @property
    def streaming(self) -> bool:
        return bool(self._shape.serialization.get("streaming"))

    def members(self) -> Mapping[str, ApiShape]:
        if not isinstance(self._shape, StructureShape):
            return {}
        return {name: BotocoreShape(member) for name, member in self._shape.members.items()}

    def required(self) -> frozenset[str]:
        return frozenset(self._shape.required_members) if isinstance(self._shape, StructureShape) else frozenset()

    def element(self) -> ApiShape | None:
        inner = getattr(self._shape, "member", None) or getattr(self._shape, "value", None)
        return BotocoreShape(inner) if inner is not None else None


class AwsSdkTaskResolver:
    """Answers AWS API tasks with clients from `session` (a boto3 Session; one client per service and region).

    Returns None for other resources (Lambda, activities, other integrations), so it can sit in a chain.
    """

    def __init__(self, session: Any) -> None:
        self._session = session
        self._clients: dict[tuple[str, str | None], Any] = {}

    def resolve(self, invocation: InvokeTask) -> TaskOutcome | None:
        try:
            call = service_call(invocation)
            if call is None:
                return None
            client = self._client(call)
            operation = self._operation(client, call)
            answer = self._call(client, operation, api_parameters(call, _shape(operation.input_shape)), call)
        except ServiceCallError as problem:
            return _runtime_error(invocation, str(problem))
        outcome = call_outcome(call, answer, client.meta.service_model.service_id, _shape(operation.output_shape))
        if call.waits_for_callback and isinstance(outcome, TaskReturned):
            return NoAnswer()
        return outcome

    @cached_property
    def _services(self) -> tuple[str, ...]:
        return tuple(self._session.get_available_services())

    def _client(self, call: ServiceCall) -> Any:
        service = boto3_service_name(call.service, self._services)
        if service is None:
            raise ServiceCallError(f"The resource {call.resource} names the service {call.service!r}, which the AWS "
                                   "SDK does not know.")
        key = (service, call.region)
        if key not in self._clients:
            self._clients[key] = self._session.client(service, region_name=call.region, config=_CLIENT_CONFIG)
        return self._clients[key]

    @staticmethod
    def _operation(client: Any, call: ServiceCall) -> OperationModel:
        model = client.meta.service_model
        names = {name.lower(): name for name in model.operation_names}
        operation = names.get(call.operation.lower())
        if operation is None:
            actions = [name[:1].lower() + name[1:] for name in model.operation_names]
            guess = difflib.get_close_matches(call.action, actions, n=1)
            raise ServiceCallError(f"The service {call.service!r} has no action {call.action!r}"
                                   f"{f' (did you mean {guess[0]!r}?)' if guess else ''}; resource {call.resource}.")
        found: OperationModel = model.operation_model(operation)
        return found

    @staticmethod
    def _call(client: Any, operation: OperationModel, arguments: dict[str, Any],
              call: ServiceCall) -> ServiceResponse | ServiceFailure:
        try:
            response = dict(getattr(client, xform_name(operation.name))(**arguments))
        except ClientError as failure:
            error = failure.response.get("Error", {})
            # botocore raises the error class its model declares (named as the model names the error).
            modeled = type(failure).__name__
            return ServiceFailure(str(error.get("Code") or modeled), str(error.get("Message") or ""),
                                  None if modeled == "ClientError" else modeled, _http(failure.response))
        except ParamValidationError as problem:  # a value of the wrong type: a mistake in the definition
            raise ServiceCallError(f"{call.name}: {' '.join(str(problem).split())}") from None
        except BotoCoreError as failure:  # no answer at all: endpoint unreachable, timeout, credentials
            return ServiceFailure("SdkClientException", str(failure))
        http = _http(response)
        response.pop("ResponseMetadata", None)
        output = operation.output_shape
        if isinstance(output, StructureShape):
            for name, member in output.members.items():
                if member.serialization.get("streaming") and hasattr(response.get(name), "read"):
                    response[name] = StreamedPayload(response[name].read())
        return ServiceResponse(response, http)


def _shape(shape: Shape | None) -> ApiShape | None:
    return BotocoreShape(shape) if shape is not None else None


def _http(response: Mapping[str, Any]) -> HttpAnswer:
    metadata = response.get("ResponseMetadata", {})
    return HttpAnswer(int(metadata.get("HTTPStatusCode") or 0), str(metadata.get("RequestId") or ""),
                      dict(metadata.get("HTTPHeaders") or {}), str(metadata.get("HostId") or ""))


def _runtime_error(invocation: InvokeTask, problem: str) -> TaskThrew:
    """A call that cannot be made is a mistake in the definition: States.Runtime, which no States.ALL catches."""
    return TaskThrew(StatesError.RUNTIME.value, f"An error occurred while executing the state "
                                                f"{invocation.state_name!r}. {problem}")
