"""Python tasks files: the TASKS / @task conventions, how handlers are called, and load errors."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from cloudflow.core.commands import InvokeTask
from cloudflow.errors import InvalidInputError
from cloudflow.local.python_tasks import PythonTaskResolver, TaskError, load_python_tasks, task
from cloudflow.local.task_outcome import NoAnswer, TaskReturned, TaskThrew

PRICE_LINE = "arn:aws:lambda:us-east-1:123456789012:function:price-line"
LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"
SNS_PUBLISH = "arn:aws:states:::sns:publish"


def invoke(resource: str, parameters: Any, pattern: str = "request-response", attempt: int = 0) -> InvokeTask:
    return InvokeTask(
        token="token-7",
        resource=resource,
        parameters=parameters,
        pattern=pattern,
        state_name="PriceLine",
        frame_id="root",
        attempt=attempt,
        timeout_seconds=None,
        heartbeat_seconds=None,
    )


def load(tmp_path: Path, source: str, name: str = "tasks.py") -> PythonTaskResolver:
    path = tmp_path / name
    path.write_text(textwrap.dedent(source))
    return load_python_tasks(path)


def load_error(tmp_path: Path, source: str) -> InvalidInputError:
    with pytest.raises(InvalidInputError) as raised:
        load(tmp_path, source)
    return raised.value


# --- binding conventions --------------------------------------------------------------------------


def test_tasks_dict(tmp_path: Path) -> None:
    resolver = load(
        tmp_path,
        """
        def publish(params):
            return {"MessageId": "m-" + params["Message"]}

        TASKS = {"arn:aws:states:::sns:publish": publish}
        """,
    )
    assert resolver.resources == (SNS_PUBLISH,)
    assert resolver.resolve(invoke(SNS_PUBLISH, {"Message": "hi"})) == TaskReturned({"MessageId": "m-hi"})


def test_task_decorator(tmp_path: Path) -> None:
    resolver = load(
        tmp_path,
        f"""
        from cloudflow.local.python_tasks import task

        @task("{PRICE_LINE}")
        def price_line(event):
            return event["quantity"] * 2
        """,
    )
    assert resolver.resolve(invoke(PRICE_LINE, {"quantity": 3})) == TaskReturned(6)


def test_one_function_may_serve_several_resources(tmp_path: Path) -> None:
    resolver = load(
        tmp_path,
        """
        from cloudflow.local.python_tasks import task

        @task("arn:aws:states:::sns:publish")
        @task("arn:aws:states:::sqs:sendMessage")
        def send(event):
            return "sent"

        TASKS = {"arn:aws:states:::sns:publish": send}
        """,
    )
    assert resolver.resources == ("arn:aws:states:::sns:publish", "arn:aws:states:::sqs:sendMessage")


def test_decorator_leaves_the_function_usable() -> None:
    @task(SNS_PUBLISH)
    def publish(event: Any) -> Any:
        return event

    assert publish(1) == 1


def test_decorator_needs_a_resource() -> None:
    with pytest.raises(TypeError, match="non-empty string"):
        task("")


def test_unbound_resource_is_not_known(tmp_path: Path) -> None:
    resolver = load(tmp_path, "TASKS = {'arn:aws:states:::sns:publish': lambda e: e}")
    assert resolver.resolve(invoke("arn:aws:states:::sqs:sendMessage", {})) is None
    assert resolver.resolve(invoke(PRICE_LINE, {})) is None


# --- Lambda functions -----------------------------------------------------------------------------


LAMBDA_FILE = f"""
from cloudflow.local.python_tasks import task

@task("{PRICE_LINE}")
def price_line(event):
    return {{"amount": event["quantity"] * 5}}
"""


def test_function_key_answers_lambda_invoke_with_an_invoke_response(tmp_path: Path) -> None:
    resolver = load(tmp_path, LAMBDA_FILE)
    outcome = resolver.resolve(
        invoke(LAMBDA_INVOKE, {"FunctionName": PRICE_LINE, "Payload": {"quantity": 2}})
    )
    assert outcome == TaskReturned(
        {"ExecutedVersion": "$LATEST", "Payload": {"amount": 10}, "StatusCode": 200}
    )


@pytest.mark.parametrize(
    "function_name",
    ["price-line", "price-line:live", "123456789012:function:price-line", PRICE_LINE + ":3"],
)
def test_lambda_invoke_function_name_forms(tmp_path: Path, function_name: str) -> None:
    resolver = load(tmp_path, LAMBDA_FILE)
    outcome = resolver.resolve(
        invoke(LAMBDA_INVOKE, {"FunctionName": function_name, "Payload": {"quantity": 1}})
    )
    assert isinstance(outcome, TaskReturned)
    assert outcome.output["Payload"] == {"amount": 5}


def test_function_name_key_answers_a_qualified_function_arn(tmp_path: Path) -> None:
    resolver = load(tmp_path, "TASKS = {'price-line': lambda event: event['quantity']}")
    assert resolver.resolve(invoke(PRICE_LINE + ":live", {"quantity": 4})) == TaskReturned(4)


def test_lambda_invoke_of_another_function_is_not_known(tmp_path: Path) -> None:
    resolver = load(tmp_path, LAMBDA_FILE)
    assert resolver.resolve(invoke(LAMBDA_INVOKE, {"FunctionName": "other", "Payload": {}})) is None
    assert resolver.resolve(invoke(LAMBDA_INVOKE, {"Payload": {}})) is None


def test_lambda_invoke_callback_returns_the_callback_output(tmp_path: Path) -> None:
    resolver = load(tmp_path, LAMBDA_FILE)
    parameters = {"FunctionName": "price-line", "Payload": {"quantity": 1}}
    outcome = resolver.resolve(invoke(LAMBDA_INVOKE + ".waitForTaskToken", parameters, pattern="callback"))
    assert outcome == TaskReturned({"amount": 5})


def test_same_function_name_bound_to_two_functions_is_an_error(tmp_path: Path) -> None:
    error = load_error(
        tmp_path,
        """
        TASKS = {
            "arn:aws:lambda:us-east-1:111111111111:function:f": lambda e: 1,
            "arn:aws:lambda:eu-west-1:222222222222:function:f": lambda e: 2,
        }
        """,
    )
    assert "Lambda function 'f' is bound twice" in error.message


# --- calling handlers -----------------------------------------------------------------------------


def test_handler_with_context(tmp_path: Path) -> None:
    resolver = load(
        tmp_path,
        """
        def describe(event, context):
            return [context.resource, context.state_name, context.attempt, context.token]

        TASKS = {"arn:aws:states:::sns:publish": describe}
        """,
    )
    outcome = resolver.resolve(invoke(SNS_PUBLISH, {}, attempt=2))
    assert outcome == TaskReturned([SNS_PUBLISH, "PriceLine", 2, "token-7"])


def test_task_error_fails_with_its_error_and_cause(tmp_path: Path) -> None:
    resolver = load(
        tmp_path,
        """
        from cloudflow.local.python_tasks import TaskError

        def fail(event):
            raise TaskError("Pricing.UnknownSku", "No price for X-1")

        TASKS = {"arn:aws:states:::sns:publish": fail}
        """,
    )
    assert resolver.resolve(invoke(SNS_PUBLISH, {})) == TaskThrew("Pricing.UnknownSku", "No price for X-1")


def test_any_exception_fails_as_lambda_reports_it(tmp_path: Path) -> None:
    resolver = load(
        tmp_path,
        """
        class StockError(Exception):
            pass

        def fail(event):
            raise StockError("only 2 left")

        TASKS = {"arn:aws:states:::sns:publish": fail}
        """,
    )
    outcome = resolver.resolve(invoke(SNS_PUBLISH, {}))
    assert isinstance(outcome, TaskThrew) and outcome.error == "StockError"
    assert outcome.cause is not None
    assert json.loads(outcome.cause) == {"errorMessage": "only 2 left", "errorType": "StockError"}


def test_exception_in_lambda_invoke_is_not_wrapped(tmp_path: Path) -> None:
    resolver = load(tmp_path, "def f(event):\n    raise ValueError('bad')\nTASKS = {'f': f}\n")
    outcome = resolver.resolve(invoke(LAMBDA_INVOKE, {"FunctionName": "f", "Payload": {}}))
    assert isinstance(outcome, TaskThrew) and outcome.error == "ValueError"


def test_no_answer_passes_through(tmp_path: Path) -> None:
    resolver = load(
        tmp_path,
        """
        from cloudflow.local.python_tasks import NoAnswer

        TASKS = {"arn:aws:states:::sqs:sendMessage.waitForTaskToken": lambda event: NoAnswer()}
        """,
    )
    outcome = resolver.resolve(
        invoke("arn:aws:states:::sqs:sendMessage.waitForTaskToken", {}, pattern="callback")
    )
    assert outcome == NoAnswer()


def test_result_that_is_not_json_fails_with_marshal_error(tmp_path: Path) -> None:
    resolver = load(tmp_path, "TASKS = {'arn:aws:states:::sns:publish': lambda event: {1, 2}}")
    outcome = resolver.resolve(invoke(SNS_PUBLISH, {}))
    assert isinstance(outcome, TaskThrew) and outcome.error == "Runtime.MarshalError"
    assert outcome.cause is not None and "Unable to marshal response" in outcome.cause


def test_handler_cannot_change_the_engine_parameters(tmp_path: Path) -> None:
    resolver = load(
        tmp_path,
        """
        def mutate(event):
            event["seen"] = True
            return event

        TASKS = {"arn:aws:states:::sns:publish": mutate}
        """,
    )
    parameters = {"Message": "m"}
    assert resolver.resolve(invoke(SNS_PUBLISH, parameters)) == TaskReturned({"Message": "m", "seen": True})
    assert parameters == {"Message": "m"}


def test_tasks_file_may_import_a_helper_next_to_it(tmp_path: Path) -> None:
    (tmp_path / "pricing_helpers.py").write_text("PRICE = 7\n")
    resolver = load(tmp_path, "from pricing_helpers import PRICE\nTASKS = {'f': lambda event: PRICE}\n")
    assert resolver.resolve(invoke(PRICE_LINE.replace("price-line", "f"), {})) == TaskReturned(7)


def test_tasks_file_may_define_dataclasses(tmp_path: Path) -> None:
    resolver = load(
        tmp_path,
        """
        from __future__ import annotations
        from dataclasses import asdict, dataclass

        @dataclass
        class Line:
            sku: str

        TASKS = {"f": lambda event: asdict(Line(event["sku"]))}
        """,
    )
    assert resolver.resolve(invoke(LAMBDA_INVOKE, {"FunctionName": "f", "Payload": {"sku": "A"}})) is not None


# --- load errors ----------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="no such tasks file"):
        load_python_tasks(tmp_path / "absent.py")


def test_syntax_error(tmp_path: Path) -> None:
    error = load_error(tmp_path, "def broken(:\n    pass\n")
    assert "is not valid Python" in error.message and "line 1" in error.message


def test_error_while_loading(tmp_path: Path) -> None:
    error = load_error(tmp_path, "import no_such_module_for_cloudflow_tests\n")
    assert "raised ModuleNotFoundError while loading" in error.message


def test_exit_while_loading(tmp_path: Path) -> None:
    error = load_error(tmp_path, "raise SystemExit(3)\n")
    assert "raised SystemExit while loading" in error.message


def test_file_binding_nothing(tmp_path: Path) -> None:
    error = load_error(tmp_path, "def helper(event):\n    return event\n")
    assert "binds no tasks" in error.message and "@task" in error.message


def test_tasks_not_a_dict(tmp_path: Path) -> None:
    error = load_error(tmp_path, "TASKS = [1]\n")
    assert error.field.endswith("TASKS") and "must be a dict" in error.message


def test_tasks_value_not_callable(tmp_path: Path) -> None:
    error = load_error(tmp_path, "TASKS = {'arn:aws:states:::sns:publish': None}\n")
    assert error.field.endswith("TASKS['arn:aws:states:::sns:publish']")
    assert "must be a function, not NoneType" in error.message


def test_tasks_key_not_a_string(tmp_path: Path) -> None:
    error = load_error(tmp_path, "TASKS = {3: print}\n")
    assert "keys must be resource ARNs" in error.message


def test_resource_bound_to_two_functions(tmp_path: Path) -> None:
    error = load_error(
        tmp_path,
        """
        from cloudflow.local.python_tasks import task

        @task("arn:aws:states:::sns:publish")
        def one(event):
            return 1

        TASKS = {"arn:aws:states:::sns:publish": lambda event: 2}
        """,
    )
    assert "bound twice" in error.message


@pytest.mark.parametrize(
    "signature",
    ["()", "(event, context, extra)", "(event, *, flag)"],
)
def test_handler_with_an_unusable_signature(tmp_path: Path, signature: str) -> None:
    error = load_error(tmp_path, f"def handler{signature}:\n    return 1\nTASKS = {{'f': handler}}\n")
    assert "must take (event) or (event, context)" in error.message


def test_handler_signatures_that_work(tmp_path: Path) -> None:
    resolver = load(
        tmp_path,
        """
        def varargs(*args):
            return len(args)

        def optional(event, context=None, verbose=False):
            return context is not None

        TASKS = {"a": varargs, "b": optional, "c": len}
        """,
    )
    assert resolver.resolve(
        invoke(LAMBDA_INVOKE, {"FunctionName": "a", "Payload": 1}, pattern="callback")
    ) == (TaskReturned(2))
    assert resolver.resolve(
        invoke(LAMBDA_INVOKE, {"FunctionName": "b", "Payload": 1}, pattern="callback")
    ) == (TaskReturned(True))
    assert resolver.resolve(
        invoke(LAMBDA_INVOKE, {"FunctionName": "c", "Payload": [1]}, pattern="callback")
    ) == (TaskReturned(1))


def test_task_error_message() -> None:
    assert str(TaskError("E", "c")) == "E: c"
    assert str(TaskError("E")) == "E"
