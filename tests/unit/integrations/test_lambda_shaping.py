"""Lambda tasks: the Invoke request a Task asks for, and how Lambda's answer becomes the task's outcome.

Expected shapes and cause texts are those of executions recorded against AWS Step Functions.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from cloudflow.core.commands import InvokeTask
from cloudflow.integrations.lambda_outcome import LambdaResponse, LambdaServiceError, lambda_outcome
from cloudflow.integrations.lambda_request import LambdaRequest, LambdaRequestError, lambda_request
from cloudflow.integrations.lambda_resolver import LambdaTaskResolver
from cloudflow.local.task_outcome import NoAnswer, TaskReturned, TaskThrew

FUNCTION_ARN = "arn:aws:lambda:us-east-1:111111111111:function:f"
INVOKE = "arn:aws:states:::lambda:invoke"
# The Python runtime's error document, as the function's response payload carries it (json.dumps spacing).
ERROR_DOCUMENT = (b'{"errorMessage": "Some exception was raised.", "errorType": "Exception", "requestId": "r-1", '
                  b'"stackTrace": ["  File \\"/var/task/handler.py\\", line 2, in handler\\n"]}')


def _task(resource: str, parameters: Any, pattern: str = "request-response") -> InvokeTask:
    return InvokeTask("tok", resource, parameters, pattern, "Call", "r", 0, None, None)


def _invoke_request(**parameters: Any) -> LambdaRequest:
    request = lambda_request(_task(INVOKE, parameters))
    assert request is not None
    return request


def test_a_bare_function_arn_sends_the_effective_input_and_gets_the_result_alone() -> None:
    request = lambda_request(_task(FUNCTION_ARN, {"FunctionName": "x", "Payload": [1]}))
    assert request == LambdaRequest(FUNCTION_ARN, '{"FunctionName":"x","Payload":[1]}', shaped=False)
    answer = LambdaResponse(200, b'{"ok": true}', "r-1")
    assert lambda_outcome(request, answer) == TaskReturned({"ok": True})


def test_lambda_invoke_takes_the_invoke_apis_parameters() -> None:
    request = _invoke_request(FunctionName="f", Payload={"a": 1}, Qualifier="live", InvocationType="Event",
                              ClientContext="e30=", LogType="Tail")
    assert (request.function_name, request.payload, request.qualifier, request.invocation_type,
            request.client_context, request.log_type, request.shaped) == (
        "f", '{"a":1}', "live", "Event", "e30=", "Tail", True)
    assert _invoke_request(FunctionName="f").payload == "{}"
    assert _invoke_request(FunctionName="f", Payload="HelloWorld").payload == '"HelloWorld"'


@pytest.mark.parametrize(("parameters", "says"), [
    ({"Payload": {}}, "lambda:invoke needs FunctionName"),
    ({"FunctionName": ""}, "FunctionName must be a non-empty string"),
    ({"FunctionName": "f", "InvocationType": "Later"}, "InvocationType must be one of RequestResponse, Event"),
    ({"FunctionName": "f", "Payloads": {}}, "The field 'Payloads' is not supported by lambda:invoke"),
    ("f", "must be an object, not a string"),
])
def test_invalid_invoke_parameters_are_named(parameters: Any, says: str) -> None:
    with pytest.raises(LambdaRequestError, match=says):
        lambda_request(_task(INVOKE, parameters))


def test_other_resources_are_not_lambda_tasks() -> None:
    assert lambda_request(_task("arn:aws:states:::sns:publish", {})) is None


def test_lambda_invoke_hands_on_lambdas_whole_response_in_step_functions_shape() -> None:
    headers = {"Connection": "keep-alive", "Content-Length": "12", "Content-Type": "application/json",
               "X-Amz-Executed-Version": "$LATEST", "x-amzn-RequestId": "r-1"}
    outcome = lambda_outcome(_invoke_request(FunctionName="f"), LambdaResponse(200, b'"HelloWorld"', "r-1",
                                                                               headers=headers))
    assert isinstance(outcome, TaskReturned)
    assert list(outcome.output) == ["ExecutedVersion", "Payload", "SdkHttpMetadata", "SdkResponseMetadata",
                                    "StatusCode"]
    assert outcome.output["Payload"] == "HelloWorld"
    assert outcome.output["SdkHttpMetadata"] == {
        "AllHttpHeaders": {name: [value] for name, value in headers.items()}, "HttpHeaders": headers,
        "HttpStatusCode": 200}
    assert outcome.output["SdkResponseMetadata"] == {"RequestId": "r-1"}
    assert (outcome.output["ExecutedVersion"], outcome.output["StatusCode"]) == ("$LATEST", 200)


def test_an_event_invocation_has_an_empty_payload_and_status_202() -> None:
    outcome = lambda_outcome(_invoke_request(FunctionName="f", InvocationType="Event"),
                             LambdaResponse(202, b"", "r-1"))
    assert isinstance(outcome, TaskReturned)
    assert (outcome.output["Payload"], outcome.output["StatusCode"]) == ("", 202)


def test_a_function_error_is_its_error_type_with_the_document_as_cause_formatted_per_form() -> None:
    answer = LambdaResponse(200, ERROR_DOCUMENT, "r-1", function_error="Unhandled")
    bare = lambda_outcome(LambdaRequest(FUNCTION_ARN, "{}", shaped=False), answer)
    invoked = lambda_outcome(_invoke_request(FunctionName="f"), answer)
    # As AWS records them: the bare ARN passes the runtime's text on; lambda:invoke re-serialises compactly.
    assert bare == TaskThrew("Exception", ERROR_DOCUMENT.decode())
    assert isinstance(invoked, TaskThrew) and invoked.error == "Exception"
    assert invoked.cause is not None and invoked.cause.startswith('{"errorMessage":"Some exception was raised.",')
    assert json.loads(invoked.cause) == json.loads(ERROR_DOCUMENT)


def test_a_function_error_without_an_error_type_is_lambda_unknown() -> None:
    answer = LambdaResponse(200, b'{"errorMessage": "Task timed out after 3.00 seconds"}', "r-1",
                            function_error="Unhandled")
    outcome = lambda_outcome(_invoke_request(FunctionName="f"), answer)
    assert outcome == TaskThrew("Lambda.Unknown", "The cause could not be determined because Lambda did not return "
                                "an error type. Returned payload: {\"errorMessage\": \"Task timed out after 3.00 "
                                "seconds\"}")


@pytest.mark.parametrize("code", ["ResourceNotFoundException", "TooManyRequestsException", "ServiceException"])
def test_a_failed_invoke_call_is_lambda_dot_its_error_code(code: str) -> None:
    failure = LambdaServiceError(code, "Function not found: f", 404, "req-9")
    outcome = lambda_outcome(_invoke_request(FunctionName="f"), failure)
    assert outcome == TaskThrew(f"Lambda.{code}", f"Function not found: f (Service: AWSLambda; Status Code: 404; "
                                f"Error Code: {code}; Request ID: req-9; Proxy: null)")


class _Answering:
    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.requests: list[LambdaRequest] = []

    def invoke(self, request: LambdaRequest) -> Any:
        self.requests.append(request)
        return self.answer


def test_a_callback_task_invokes_then_waits_unless_the_invoke_fails() -> None:
    callback = _task(INVOKE + ".waitForTaskToken", {"FunctionName": "f", "Payload": {"token": "tok"}}, "callback")
    ok = _Answering(LambdaResponse(200, b"null", "r-1"))
    assert LambdaTaskResolver(ok).resolve(callback) == NoAnswer()
    assert ok.requests[0].payload == '{"token":"tok"}'
    failing = _Answering(LambdaServiceError("TooManyRequestsException", "Rate exceeded", 429))
    outcome = LambdaTaskResolver(failing).resolve(callback)
    assert isinstance(outcome, TaskThrew) and outcome.error == "Lambda.TooManyRequestsException"


def test_the_resolver_passes_on_tasks_and_functions_it_does_not_know() -> None:
    resolver = LambdaTaskResolver(_Answering(None))
    assert resolver.resolve(_task(INVOKE, {"FunctionName": "unknown"})) is None
    assert resolver.resolve(_task("arn:aws:states:::sqs:sendMessage", {})) is None


def test_invalid_parameters_fail_the_task_with_states_runtime_naming_the_field() -> None:
    outcome = LambdaTaskResolver(_Answering(None)).resolve(_task(INVOKE, {"Payload": 1}))
    assert outcome == TaskThrew("States.Runtime", "An error occurred while executing the state 'Call'. "
                                "lambda:invoke needs FunctionName, the function's name or ARN.")
