"""Lambda tasks end to end: a SAM app's own functions run in process (`cloudflow run --functions`, and the
durable runtime on moto), and AWS's Invoke API through the boto3 adapter on moto's Lambda."""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from cloudflow.cli import main
from cloudflow.integrations.lambda_request import LambdaRequest
from cloudflow.integrations.lambda_resolver import LambdaTaskResolver
from cloudflow.local.template_functions import TemplateFunctions
from tests.e2e.test_runtime_examples import CALLBACK, run_on_pure_engine, run_on_runtime, send_callback

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics:UserWarning")

APP = Path(__file__).resolve().parents[1] / "fixtures" / "lambda_app"
TEMPLATE = APP / "template.yaml"
INVOKE = "arn:aws:states:::lambda:invoke"


def _function_arn(name: str) -> str:
    return f"arn:aws:lambda:us-east-1:123456789012:function:{name}"


def _invoke(function: str, payload: Any = None, **fields: Any) -> dict[str, Any]:
    parameters: dict[str, Any] = {"FunctionName": function}
    if payload is not None:
        parameters["Payload"] = payload
    return {"Type": "Task", "Resource": INVOKE, "Parameters": parameters, **fields}


def _flow(*states: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    chained = {}
    for (name, state), following in zip(states, [*states[1:], None], strict=True):
        chained[name] = {**state, "Next": following[0]} if following else {**state, "End": True}
    return {"StartAt": states[0][0], "States": chained}


def _run(tmp_path: Path, capsys: pytest.CaptureFixture[str], flow: dict[str, Any], execution_input: Any = None,
         *options: str) -> dict[str, Any]:
    file = tmp_path / "flow.json"
    file.write_text(json.dumps(flow))
    main(["run", str(file), "--input", json.dumps(execution_input or {}), "--functions", str(TEMPLATE), "--json",
          "--seed", "s", *options])
    result: dict[str, Any] = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    if result["output"] is not None:
        result["output"] = json.loads(result["output"])
    return result


# --- a SAM app's functions, in process ---------------------------------------------------------------

@pytest.mark.parametrize("durable", [False, True], ids=["local-runner", "durable"])
def test_results_are_shaped_per_form_and_functions_see_lambdas_context(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], durable: bool) -> None:
    flow = _flow(
        ("Echo", _invoke("echo", {"orderId.$": "$.orderId"}, ResultPath="$.echo")),
        # No FunctionName in the template: called by its logical id; its handler imports pricing.py beside it.
        ("Price", {"Type": "Task", "Resource": _function_arn("PriceFunction"),
                   "Parameters": {"sku": "TEE", "quantity": 2}, "ResultPath": "$.price"}),
    )
    result = _run(tmp_path, capsys, flow, {"orderId": "o-7"}, *(["--durable"] if durable else []))
    assert result["status"] == "SUCCEEDED"
    echo = result["output"]["echo"]
    assert echo["Payload"] == {"event": {"orderId": "o-7"}, "function": "echo", "memory": 256,
                               "arn": _function_arn("echo")}
    assert (echo["StatusCode"], echo["ExecutedVersion"]) == (200, "$LATEST")
    assert echo["SdkHttpMetadata"]["HttpHeaders"]["x-amzn-RequestId"] == echo["SdkResponseMetadata"]["RequestId"]
    assert result["output"]["price"] == {"sku": "TEE", "cents": 3800}


@pytest.mark.parametrize("durable", [False, True], ids=["local-runner", "durable"])
def test_a_function_error_is_caught_by_its_exception_name_with_the_runtimes_error_document(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], durable: bool) -> None:
    flow = _flow(("Reject", _invoke("reject", {"orderId": "o-9"}, Catch=[
        {"ErrorEquals": ["OrderRejected"], "ResultPath": "$.rejected", "Next": "Done"}])))
    flow["States"]["Done"] = {"Type": "Succeed"}
    result = _run(tmp_path, capsys, flow, {}, *(["--durable"] if durable else []))
    rejected = result["output"]["rejected"]
    assert rejected["Error"] == "OrderRejected"
    document = json.loads(rejected["Cause"])
    assert document["errorMessage"] == "order o-9 is over the limit"
    assert document["errorType"] == "OrderRejected"
    assert document["stackTrace"][0].startswith('  File "/var/task/app.py", line ')
    assert rejected["Cause"].startswith('{"errorMessage":"order o-9')  # lambda:invoke: compact


def test_a_bare_arn_keeps_the_runtimes_error_text_and_the_execution_fails_with_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = _run(tmp_path, capsys, _flow(("Crash", {"Type": "Task", "Resource": _function_arn("crash")})))
    assert (result["status"], result["error"]) == ("FAILED", "Exception")
    assert result["cause"].startswith('{"errorMessage": "Some exception was raised.", "errorType": "Exception", ')


def test_retries_apply_to_function_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flow = _flow(("Crash", _invoke("crash", {}, Retry=[
        {"ErrorEquals": ["Exception"], "MaxAttempts": 2, "IntervalSeconds": 1}])))
    file = tmp_path / "flow.json"
    file.write_text(json.dumps(flow))
    main(["run", str(file), "--functions", str(TEMPLATE), "--json", "--history"])
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["error"] == "Exception"
    assert [e["type"] for e in result["history"]].count("TaskFailed") == 3


@pytest.mark.parametrize(("function", "error", "message"), [
    ("not-json", "Runtime.MarshalError", "Unable to marshal response"),
    ("missing-handler", "Runtime.HandlerNotFound", "Handler 'nowhere' missing on module 'app'"),
])
def test_functions_that_cannot_answer_fail_as_lambdas_runtime_reports_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], function: str, error: str, message: str) -> None:
    result = _run(tmp_path, capsys, _flow(("Call", _invoke(function, {}))))
    assert result["error"] == error
    assert message in json.loads(result["cause"])["errorMessage"]


def test_event_invocations_answer_202_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = _run(tmp_path, capsys, _flow(("Fire", {**_invoke("echo", {"x": 1}), "Parameters": {
        "FunctionName": "echo", "Payload": {"x": 1}, "InvocationType": "Event"}})))
    assert (result["output"]["StatusCode"], result["output"]["Payload"]) == (202, "")


def test_functions_the_template_does_not_declare_are_left_to_other_answers(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for function in ("unknown", "node"):  # node: a nodejs function cannot run in this process
        result = _run(tmp_path, capsys, _flow(("Call", _invoke(function, {}))))
        assert (result["error"], result["cause"]) == ("States.Runtime", (
            f"No mock response or local handler for resource {INVOKE} (FunctionName {function}) in state 'Call'"))


def test_a_callback_task_hands_the_function_its_token_and_waits_for_send_task_success(local_runtime: Any) -> None:
    lr = local_runtime(tasks=LambdaTaskResolver(TemplateFunctions.from_template(TEMPLATE)))
    # No TimeoutSeconds: the pump would jump the virtual clock to it, as nothing else is due.
    flow = _flow(("Wait", {"Type": "Task", "Resource": CALLBACK,
                           "Parameters": {"FunctionName": "worker", "Payload": {"token.$": "$$.Task.Token"}}}))
    run = run_on_runtime(lr, flow, {})
    assert run.status == "RUNNING"
    tokens = _worker_tokens()
    assert send_callback(lr, "success", tokens[-1], output=json.dumps({"approved": True})) == {}
    lr.pump()
    run.refresh()
    assert (run.status, run.output) == ("SUCCEEDED", {"approved": True})


@pytest.mark.parametrize("duplicate_deliveries", [False, True])
def test_a_callback_answered_before_the_invoke_returns_is_applied(local_runtime: Any,
                                                                   duplicate_deliveries: bool) -> None:
    lr = local_runtime(tasks=LambdaTaskResolver(TemplateFunctions.from_template(TEMPLATE)),
                       duplicate_deliveries=duplicate_deliveries)
    flow = _flow(("Wait", {"Type": "Task", "Resource": CALLBACK,
                           "Parameters": {"FunctionName": "answer-at-once", "Payload": {"token.$": "$$.Task.Token"}}}))
    run = run_on_runtime(lr, flow, {})
    assert (run.status, run.output) == ("SUCCEEDED", {"answered": "at once"})


def test_the_durable_runtime_ends_as_the_pure_engine_does(local_runtime: Any) -> None:
    flow = _flow(("Echo", _invoke("echo", {"n": 1}, ResultSelector={"event.$": "$.Payload.event"})),
                 ("Reject", _invoke("reject", {}, Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Done"}])))
    flow["States"]["Done"] = {"Type": "Pass"}
    flow["States"]["Done"]["End"] = True
    run = run_on_runtime(local_runtime(tasks=LambdaTaskResolver(TemplateFunctions.from_template(TEMPLATE))), flow, {})
    pure = run_on_pure_engine(flow, {}, LambdaTaskResolver(TemplateFunctions.from_template(TEMPLATE)), run.start_ms)
    assert run.outcome()[:1] + run.outcome()[2:] == (pure.status, pure.error, pure.cause, pure.transitions)
    assert run.output == pure.output


def _worker_tokens() -> list[str]:
    """The tokens the test app's worker function was handed (its module, as the local binding loaded it)."""
    module = next(module for name, module in sys.modules.items()
                  if name.startswith("cloudflow_function_") and hasattr(module, "TOKENS"))
    tokens: list[str] = module.TOKENS
    return tokens


# --- AWS's Invoke API through the boto3 adapter, on moto's Lambda ------------------------------------

@pytest.fixture
def docker_free_lambda() -> Any:
    """moto's Lambda without Docker (set before moto starts): a function answers with the payload it was sent."""
    from moto.core.config import default_user_config

    previous = default_user_config["lambda"]["use_docker"]
    default_user_config["lambda"]["use_docker"] = False
    yield
    default_user_config["lambda"]["use_docker"] = previous


def _create_function(session: Any, name: str) -> Any:
    """`name` on moto's Lambda; returns the Lambda client."""
    role = session.client("iam").create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("app.py", "def handler(event, context):\n    return event\n")
    client = session.client("lambda", region_name="us-east-1")
    client.create_function(FunctionName=name, Runtime="python3.11", Role=role, Handler="app.handler",
                           Code={"ZipFile": archive.getvalue()})
    return client


def test_boto3_invoke_responses_are_shaped_from_lambdas_http_answer(docker_free_lambda: Any, aws: Any,
                                                                    local_runtime: Any) -> None:
    from cloudflow.adapters.lambda_invoker import Boto3LambdaInvoker

    client = _create_function(aws, "cloudflow-task-echo")
    lr = local_runtime(tasks=LambdaTaskResolver(Boto3LambdaInvoker(client)))
    run = run_on_runtime(lr, _flow(("Echo", _invoke("cloudflow-task-echo", {"a.$": "$.a"}))), {"a": 1})
    assert run.status == "SUCCEEDED", run.described
    output = run.output
    assert (output["Payload"], output["StatusCode"], output["ExecutedVersion"]) == ({"a": 1}, 200, "$LATEST")
    headers = output["SdkHttpMetadata"]["HttpHeaders"]
    # Lambda's header names as Step Functions shows them, though boto3 reports them in lower case.
    assert headers["x-amzn-RequestId"] == output["SdkResponseMetadata"]["RequestId"] != ""
    assert headers["Content-Type"] == "application/json"


def test_boto3_invoke_errors_become_lambda_errors(aws: Any, local_runtime: Any) -> None:
    from cloudflow.adapters.lambda_invoker import Boto3LambdaInvoker

    # With Docker absent, moto's Lambda answers a function error whose payload is no error document.
    client = _create_function(aws, "cloudflow-task-broken")
    lr = local_runtime(tasks=LambdaTaskResolver(Boto3LambdaInvoker(client)))
    catch_all = [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Done"}]
    not_found = [{"ErrorEquals": ["Lambda.ResourceNotFoundException"], "ResultPath": "$.missing", "Next": "Broken"}]
    flow = _flow(("Missing", _invoke("cloudflow-task-missing", {}, Catch=not_found)),
                 ("Broken", _invoke("cloudflow-task-broken", {}, Catch=catch_all)))
    flow["States"]["Done"] = {"Type": "Succeed"}
    run = run_on_runtime(lr, flow, {})
    assert run.status == "SUCCEEDED", run.described
    missing, broken = run.output["missing"], run.output["error"]
    assert missing["Error"] == "Lambda.ResourceNotFoundException"
    assert missing["Cause"].startswith("Function not found: arn:aws:lambda:us-east-1:123456789012:function:"
                                       "cloudflow-task-missing (Service: AWSLambda; Status Code: 404; "
                                       "Error Code: ResourceNotFoundException; Request ID: ")
    assert broken["Error"] == "Lambda.Unknown"
    assert broken["Cause"].startswith("The cause could not be determined because Lambda did not return an error "
                                      "type. Returned payload: ")


def test_boto3_invoker_reports_an_unreachable_endpoint_as_an_sdk_client_exception() -> None:
    import boto3

    from cloudflow.adapters.lambda_invoker import Boto3LambdaInvoker
    from cloudflow.integrations.lambda_outcome import LambdaServiceError

    client = boto3.client("lambda", region_name="us-east-1", endpoint_url="http://127.0.0.1:9",
                          aws_access_key_id="x", aws_secret_access_key="x",
                          config=boto3.session.Config(retries={"max_attempts": 1}, connect_timeout=1))
    answer = Boto3LambdaInvoker(client).invoke(LambdaRequest("f", "{}", shaped=True))
    assert isinstance(answer, LambdaServiceError) and answer.code == "SdkClientException"
