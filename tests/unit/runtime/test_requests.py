"""Handlers' request parsing: bad requests get a document naming the field, as JSON, with a 4xx status."""

from __future__ import annotations

import json

from pydantic import ValidationError

from cloudflow.errors import ExecutionAlreadyExistsError, InvalidInputError
from cloudflow.runtime.requests import StartExecutionRequest, TaskAnswerRequest, serve


def _api(body: str) -> dict[str, object]:
    return {"httpMethod": "POST", "path": "/executions", "body": body, "requestContext": {"stage": "prod"}}


def test_input_may_be_json_text_or_a_json_value() -> None:
    assert StartExecutionRequest.model_validate({"flow": "f", "input": '{"a": 1}'}).input == {"a": 1}
    assert StartExecutionRequest.model_validate({"flow": "f", "input": [1, 2]}).input == [1, 2]


def test_errors_are_answered_for_direct_and_api_callers() -> None:
    def work(payload: object) -> dict[str, object]:
        StartExecutionRequest.model_validate(payload)
        return {"ok": True}

    direct = serve({"flow": "f", "input": "{nope", "extra": 1}, work)
    assert direct["error"] == "InvalidRequest"
    assert {f["field"] for f in direct["fields"]} == {"input", "extra"}
    api = serve(_api("{not json"), work)
    assert api["statusCode"] == 400 and json.loads(api["body"])["fields"][0]["field"] == "body"
    assert serve(_api('{"flow": "f"}'), work)["statusCode"] == 200


def test_service_errors_keep_their_names_and_statuses() -> None:
    def exists(payload: object) -> dict[str, object]:
        raise ExecutionAlreadyExistsError("Execution Already Exists: 'x'")

    def bad_input(payload: object) -> dict[str, object]:
        raise InvalidInputError("input", "is not valid JSON")

    answer = serve(_api("{}"), exists)
    assert answer["statusCode"] == 409 and json.loads(answer["body"])["error"] == "ExecutionAlreadyExists"
    assert serve({}, bad_input)["error"] == "InvalidExecutionInput"


def test_task_answers_limit_error_and_cause_like_step_functions() -> None:
    try:
        TaskAnswerRequest.model_validate({"action": "failure", "taskToken": "t", "error": "e" * 257})
    except ValidationError as error:
        assert error.errors()[0]["loc"] == ("error",)
    else:  # pragma: no cover - the model must refuse it
        raise AssertionError("a 257-character error was accepted")
