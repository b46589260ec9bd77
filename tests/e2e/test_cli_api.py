"""`cloudflow flows|executions|tasks|usage` against a real local stack over HTTP (the local runtime on moto,
served by `serve_in_background`), called as `cloudflow.cli.main([...])`; and `--stack-name`, which reads the
API's URL from a CloudFormation stack's Outputs (on moto) and signs its requests."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cloudflow.adapters.local_stack import LocalStack, serve_in_background
from cloudflow.cli import main

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics:UserWarning")

ACCOUNT = "123456789012"
PASS_FLOW = {"StartAt": "Hello", "States": {"Hello": {"Type": "Pass", "Result": {"hello": "world"},
                                                       "ResultPath": "$.greeting", "End": True}}}
PASS_FLOW_YAML = """\
StartAt: Hello
States:
  Hello:
    Type: Pass
    Result: {hello: yaml}
    ResultPath: $.greeting
    End: true
"""
# Waits for its task token (no TimeoutSeconds): it stays RUNNING until answered or stopped.
CALLBACK_FLOW = {"StartAt": "Approve", "States": {"Approve": {
    "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
    "Parameters": {"FunctionName": "nobody", "Payload": {"token.$": "$$.Task.Token"}},
    "ResultPath": "$.approval", "End": True}}}
DAY_WAIT_FLOW = {"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 86400, "Next": "Done"},
                                              "Done": {"Type": "Succeed"}}}


@dataclass
class Ran:
    """What one `cloudflow` command did."""

    status: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


REPO = Path(__file__).resolve().parents[2]


@dataclass
class Cli:
    """`cloudflow ... --endpoint <the local stack>`, its output captured."""

    endpoint: str
    capsys: pytest.CaptureFixture[str]
    runtime: Any

    def __call__(self, *argv: str) -> Ran:
        self.capsys.readouterr()
        status = main([*argv, "--endpoint", self.endpoint])
        out, err = self.capsys.readouterr()
        assert "Traceback" not in out + err, err
        return Ran(status, out, err)

    def ok(self, *argv: str) -> Ran:
        ran = self(*argv)
        assert ran.status == 0, ran
        return ran


def write(tmp_path: Path, name: str, document: Any) -> str:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    return f"@{path}"


@pytest.fixture
def cli(local_runtime: Callable[..., Any], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    # The handlers run in this process: their metrics (EMF lines on stdout) would mix with the CLI's output.
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    runtime = local_runtime()
    stack = LocalStack(runtime, fast_forward=True)
    server, stop = serve_in_background(stack, "127.0.0.1", 0)
    try:
        yield Cli(f"http://127.0.0.1:{server.server_address[1]}", capsys, runtime)
    finally:
        stop()


def execution_arn(flow: str, name: str) -> str:
    return f"arn:aws:states:us-east-1:{ACCOUNT}:execution:{flow}:{name}"


def columns(table: str) -> list[list[str]]:
    """A table's lines split at its column gaps (two or more spaces)."""
    return [re.split(r"\s{2,}", line.strip()) for line in table.strip().splitlines()]


# --- flows --------------------------------------------------------------------------------------------


def test_a_flow_is_created_described_listed_updated_and_deleted(cli: Cli, tmp_path: Path) -> None:
    created = cli.ok("flows", "create", "greeter", "--definition", write(tmp_path, "greeter.json", PASS_FLOW))
    assert "arn:aws:states:us-east-1:123456789012:stateMachine:greeter" in created.out
    first_version = created.out.split("Version")[1].split()[0]

    described = cli.ok("flows", "describe", "greeter")
    assert f"Version  {first_version}" in described.out and '"Hello"' in described.out
    as_json = cli.ok("flows", "describe", "greeter", "--json").json()
    assert as_json["name"] == "greeter" and json.loads(as_json["definition"]) == PASS_FLOW

    cli.ok("flows", "create", "another", "--definition", json.dumps(PASS_FLOW))  # inline text works too
    listed = columns(cli.ok("flows", "list").out)
    assert listed[0] == ["NAME", "CREATED (UTC)", "UPDATED (UTC)"]
    assert [row[0] for row in listed[1:]] == ["another", "greeter"]
    assert [f["name"] for f in cli.ok("flows", "list", "--json").json()["flows"]] == ["another", "greeter"]

    # YAML text is sent as written; the API converts and stores it.
    updated = cli.ok("flows", "update", "greeter", "--definition", write(tmp_path, "greeter.yaml", PASS_FLOW_YAML))
    assert first_version not in updated.out and "Updated" in updated.out
    assert "yaml" in cli.ok("flows", "describe", "greeter", "--json").json()["definition"]

    assert "Deleted flow greeter" in cli.ok("flows", "delete", "greeter").out
    gone = cli("flows", "describe", "greeter")
    assert gone.status == 2 and gone.err.startswith("error: StateMachineDoesNotExist: "), gone


def test_versions_are_published_listed_and_aliased(cli: Cli, tmp_path: Path) -> None:
    cli.ok("flows", "create", "greeter", "--definition", write(tmp_path, "v1.json", PASS_FLOW))
    first = cli.ok("flows", "publish", "greeter", "--description", "first", "--json").json()
    assert first["versionNumber"] == 1 and first["description"] == "first"
    cli.ok("flows", "update", "greeter", "--definition", write(tmp_path, "v2.yaml", PASS_FLOW_YAML))
    second = cli.ok("flows", "publish", "greeter")
    assert "Version number  2" in second.out

    versions = columns(cli.ok("flows", "versions", "greeter").out)
    assert versions[0] == ["NUMBER", "VERSION", "CREATED (UTC)", "DESCRIPTION"]
    assert [(row[0], row[1]) for row in versions[1:]] == [("2", versions[1][1]), ("1", first["version"])]

    pointed = cli.ok("flows", "alias", "greeter", "prod", "--version", "1")
    assert f"Version    {first['version']}" in pointed.out and "stateMachine:greeter:prod" in pointed.out
    assert cli.ok("flows", "alias", "greeter", "prod", "--json").json()["version"] == first["version"]
    assert "prod -> " + first["version"] in cli.ok("flows", "describe", "greeter").out

    # The alias starts version 1 (Result {"hello": "world"}), whatever LATEST says.
    ran = cli.ok("executions", "start", "greeter", "--alias", "prod", "--name", "by-alias", "--wait", "--json")
    assert json.loads(ran.json()["output"]) == {"greeting": {"hello": "world"}}

    missing = cli("flows", "alias", "greeter", "nope")
    assert (missing.status, missing.err.split(":")[1].strip()) == (2, "ResourceNotFound"), missing


# --- executions -----------------------------------------------------------------------------------------


def test_start_with_input_and_wait_then_describe_list_and_history(cli: Cli, tmp_path: Path) -> None:
    cli.ok("flows", "create", "napper", "--definition", write(tmp_path, "nap.json", DAY_WAIT_FLOW))
    cli.ok("flows", "create", "greeter", "--definition", write(tmp_path, "greet.json", PASS_FLOW))

    started = cli.ok("executions", "start", "greeter", "--name", "g1", "--input", '{"who": "ann"}', "--wait")
    assert "SUCCEEDED" in started.out and '"who":"ann"' in started.out.replace(" ", ""), started.out
    assert started.err == ""  # stderr is no terminal here: no progress display

    from_file = cli.ok("executions", "start", "greeter", "--name", "g2", "--input",
                       write(tmp_path, "in.json", {"who": "bob"}), "--wait", "--json").json()
    assert from_file["status"] == "SUCCEEDED"
    assert json.loads(from_file["output"]) == {"who": "bob", "greeting": {"hello": "world"}}

    # Fast-forward: the day-long Wait ends as soon as the stack is idle.
    napped = cli("executions", "start", "napper", "--name", "n1", "--wait")
    assert napped.status == 0 and "SUCCEEDED" in napped.out, napped

    described = cli.ok("executions", "describe", "greeter:g1")
    assert f"Execution    {execution_arn('greeter', 'g1')}" in described.out
    assert "Status       SUCCEEDED" in described.out
    assert cli.ok("executions", "describe", execution_arn("greeter", "g1"), "--json").json()["name"] == "g1"

    listed = columns(cli.ok("executions", "list", "greeter").out)
    assert listed[0] == ["NAME", "STATUS", "STARTED (UTC)", "STOPPED (UTC)"]
    assert sorted(row[0] for row in listed[1:]) == ["g1", "g2"] and {row[1] for row in listed[1:]} == {"SUCCEEDED"}
    assert cli.ok("executions", "list", "greeter", "--status", "RUNNING").out.strip() == "no executions"
    assert cli.ok("executions", "list", "greeter", "--status", "RUNNING", "--json").json() == {"executions": []}

    history = columns(cli.ok("executions", "history", "greeter:g1").out)
    assert history[0] == ["ID", "TIME (UTC)", "TYPE", "DETAIL"]
    assert [row[2] for row in history[1:]] == ["ExecutionStarted", "PassStateEntered", "PassStateExited",
                                                "ExecutionSucceeded"]
    assert history[2][3] == "Hello"
    events = cli.ok("executions", "history", "greeter:g1", "--json", "--reverse", "--max-results", "2").json()
    assert [e["type"] for e in events["events"]] == ["ExecutionSucceeded", "PassStateExited"] and events["nextToken"]
    paged = cli.ok("executions", "history", "greeter:g1", "--reverse", "--max-results", "2")
    assert "(more: --next-token " in paged.out


def test_start_sync_answers_the_ended_execution(cli: Cli, tmp_path: Path) -> None:
    # The api handler waits with the local stack's lock released, so the background pump runs the execution.
    cli.ok("flows", "create", "greeter", "--definition", write(tmp_path, "greet.json", PASS_FLOW))
    ran = cli.ok("executions", "start-sync", "greeter", "--input", '{"n": 1}', "--wait-seconds", "5")
    assert "Status       SUCCEEDED" in ran.out and ran.err == "", ran
    answer = cli.ok("executions", "start-sync", "greeter", "--name", "s2", "--json").json()
    assert answer["status"] == "SUCCEEDED" and json.loads(answer["output"])["greeting"] == {"hello": "world"}


def test_start_with_tags_shows_them_and_refuses_a_tag_without_key(cli: Cli, tmp_path: Path) -> None:
    cli.ok("flows", "create", "greeter", "--definition", write(tmp_path, "greet.json", PASS_FLOW))
    cli.ok("executions", "start", "greeter", "--name", "t1", "--tag", "customer=c-42", "--tag", "expr=a=b",
           "--tag", "note=")
    described = cli.ok("executions", "describe", "greeter:t1", "--json").json()
    assert described["tags"] == [{"key": "customer", "value": "c-42"}, {"key": "expr", "value": "a=b"},
                                 {"key": "note", "value": ""}]
    assert "Tags         customer=c-42, expr=a=b, note=" in cli.ok("executions", "describe", "greeter:t1").out

    for bad in ("customer", "=c-42"):
        with pytest.raises(SystemExit) as refused:  # argparse refuses it before any request
            cli("executions", "start", "greeter", "--tag", bad)
        assert refused.value.code == 2
        assert "--tag: must be KEY=VALUE" in cli.capsys.readouterr().err
    reserved = cli("executions", "start", "greeter", "--tag", "aws:x=1")  # the API's own check, naming the tag
    assert reserved.status == 2 and reserved.err.startswith("error: InvalidRequest: ") and "tags.0.key" in reserved.err


def test_a_start_answered_by_a_mock_config_test_case(cli: Cli) -> None:
    example = REPO / "examples" / "invoice-jsonata"
    cli.ok("flows", "create", "invoices", "--definition", f"@{example / 'flow.json'}")
    ran = cli("executions", "start", "invoices", "--name", "rejected", "--input", f"@{example / 'input.json'}",
              "--mock-config", str(example / "mock-config.json"), "--test-case", "LargeInvoiceRejected", "--wait",
              "--json")
    assert ran.status == 1  # it ended, not SUCCEEDED
    assert (ran.json()["status"], ran.json()["error"]) == ("FAILED", "Invoice.NotApproved")
    alone = cli("executions", "start", "invoices", "--test-case", "LargeInvoiceRejected")
    assert alone.status == 2 and "--test-case: and --mock-config go together" in alone.err


def test_a_pending_callback_is_answered_and_another_execution_stopped(cli: Cli, tmp_path: Path) -> None:
    cli.ok("flows", "create", "approve", "--definition", write(tmp_path, "cb.json", CALLBACK_FLOW))
    cli.ok("executions", "start", "approve", "--name", "a1")
    cli.ok("executions", "start", "approve", "--name", "a2")
    running = columns(cli.ok("executions", "list", "approve", "--status", "RUNNING").out)
    assert sorted(row[0] for row in running[1:]) == ["a1", "a2"]

    tasks = wait_for_pending(cli, "approve:a1")
    (task,) = tasks["pendingTasks"]
    table = columns(cli.ok("executions", "pending", "approve:a1").out)
    assert table[0] == ["STATE", "RESOURCE", "SCHEDULED (UTC)", "TIMES OUT (UTC)", "TOKEN"]
    assert table[1][0] == "Approve" and table[1][-1] == task["taskToken"]

    answered = cli.ok("tasks", "success", task["taskToken"], "--output", '{"approved": true}')
    assert "success" in answered.out
    ended = wait_until_ended(cli, "approve:a1")
    assert ended["status"] == "SUCCEEDED" and json.loads(ended["output"])["approval"] == {"approved": True}
    late = cli("tasks", "heartbeat", task["taskToken"])
    assert late.status == 2 and late.err.startswith("error: TaskTimedOut: "), late

    stopped = cli.ok("executions", "stop", "approve:a2", "--error", "Manual", "--cause", "not needed")
    assert "Stopped" in stopped.out
    aborted = cli.ok("executions", "describe", "approve:a2", "--json").json()
    assert (aborted["status"], aborted["error"], aborted["cause"]) == ("ABORTED", "Manual", "not needed")
    listed = cli.ok("executions", "list", "approve", "--status", "ABORTED", "--json").json()
    assert [e["name"] for e in listed["executions"]] == ["a2"]

    # Waiting gives up after --timeout: the execution goes on, the exit status says it did not succeed.
    waited = cli("executions", "start", "approve", "--name", "a3", "--wait", "--timeout", "0.3")
    assert waited.status == 1 and "Status       RUNNING" in waited.out, waited
    failed = cli.ok("tasks", "failure", wait_for_pending(cli, "approve:a3")["pendingTasks"][0]["taskToken"],
                    "--error", "Rejected", "--cause", "no")
    assert "failure" in failed.out
    assert wait_until_ended(cli, "approve:a3")["error"] == "Rejected"


def wait_until_ended(cli: Cli, execution: str) -> dict[str, Any]:
    """The execution's description once the background pump has ended it."""
    deadline = time.monotonic() + 10
    while True:
        described = cli.ok("executions", "describe", execution, "--json").json()
        if described["status"] != "RUNNING" or time.monotonic() > deadline:
            return dict(described)
        time.sleep(0.05)


def wait_for_pending(cli: Cli, execution: str) -> dict[str, Any]:
    """The pending tasks, once the pump has run the execution to its callback."""
    deadline = time.monotonic() + 10
    while True:
        answer = cli.ok("executions", "pending", execution, "--json").json()
        if answer["pendingTasks"] or time.monotonic() > deadline:
            return dict(answer)
        time.sleep(0.05)


def test_usage_counts_transitions(cli: Cli, tmp_path: Path) -> None:
    cli.ok("flows", "create", "greeter", "--definition", write(tmp_path, "greet.json", PASS_FLOW))
    cli.ok("executions", "start", "greeter", "--name", "u1", "--wait")
    answer = cli.ok("usage", "--json").json()
    assert answer["total"] >= 1 and {row["flow"] for row in answer["usage"]} == {"greeter"}
    table = columns(cli.ok("usage").out)
    assert table[0] == ["FLOW", "DAY (UTC)", "TRANSITIONS"] and table[1][0] == "greeter"
    assert table[-1] == [f"Total transitions: {answer['total']}"]
    one = cli.ok("usage", "--execution", "greeter:u1", "--json").json()
    assert one["transitions"] >= 1


# --- errors -------------------------------------------------------------------------------------------


def test_errors_are_named_with_their_details_and_exit_2(cli: Cli, tmp_path: Path) -> None:
    unknown = cli("executions", "describe", execution_arn("nobody", "nothing"))
    assert unknown.status == 2 and unknown.out == ""
    assert unknown.err.startswith("error: ExecutionDoesNotExist: "), unknown

    broken = write(tmp_path, "broken.json", {"StartAt": "Missing", "States": {"A": {"Type": "Pass", "End": True}}})
    refused = cli("flows", "create", "broken", "--definition", broken)
    assert refused.status == 2 and refused.err.startswith("error: InvalidDefinition: "), refused
    assert "  /StartAt: " in refused.err  # every problem, located by its JSON pointer
    as_json = cli("flows", "create", "broken", "--definition", broken, "--json")
    assert as_json.status == 2 and as_json.json()["error"] == "InvalidDefinition"

    bad_input = cli("executions", "start", "greeter", "--input", "{nope")
    assert bad_input.status == 2 and "--input: not valid JSON" in bad_input.err

    remote_check = cli("validate", broken.lstrip("@"))
    assert remote_check.status == 2 and remote_check.out.startswith(f"{broken.lstrip('@')}: 1 problem(s)\n  /StartAt")
    valid = cli("validate", write(tmp_path, "ok.yaml", PASS_FLOW_YAML).lstrip("@"), "--json")
    assert valid.status == 0 and valid.json() == {"result": "OK", "diagnostics": []}


def test_no_api_named_or_none_answering(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLOUDFLOW_ENDPOINT", raising=False)
    monkeypatch.delenv("CLOUDFLOW_STACK", raising=False)
    assert main(["flows", "list"]) == 2
    assert capsys.readouterr().err.startswith("error: NoEndpoint: name the API")
    monkeypatch.setenv("CLOUDFLOW_ENDPOINT", "http://127.0.0.1:9")  # the discard port: nobody answers
    assert main(["flows", "list"]) == 1
    assert capsys.readouterr().err.startswith("error: ConnectionError: cannot reach http://127.0.0.1:9")


# --- a deployed stack, found by name ------------------------------------------------------------------


def test_stack_name_finds_the_api_in_the_stack_outputs_and_signs(cli: Cli, aws: Any,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    template = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
                "Outputs": {"ManagementApiUrl": {"Value": cli.endpoint + "/"}}}
    aws.client("cloudformation", region_name="us-east-1").create_stack(StackName="cloudflow-prod",
                                                                       TemplateBody=json.dumps(template))
    seen: list[dict[str, str]] = []
    from cloudflow.cli_api import client as client_module

    signer = client_module.sigv4_signer

    def recording_signer(credentials: Any, region: str, service: str = "execute-api") -> Any:
        sign = signer(credentials, region, service)

        def record(*request: Any) -> dict[str, str]:
            seen.append(sign(*request))
            return seen[-1]
        return record

    monkeypatch.setattr("cloudflow.cli_api.connection.sigv4_signer", recording_signer)
    monkeypatch.setenv("CLOUDFLOW_STACK", "cloudflow-prod")
    cli.capsys.readouterr()
    assert main(["flows", "list", "--json"]) == 0
    assert json.loads(cli.capsys.readouterr().out) == {"flows": []}
    assert seen and seen[0]["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=")
    assert "/us-east-1/execute-api/aws4_request, SignedHeaders=" in seen[0]["Authorization"]

    assert main(["flows", "list", "--stack-name", "no-such-stack"]) == 2
    assert cli.capsys.readouterr().err.startswith("error: ValidationError: ")


def test_a_stopped_execution_is_redriven_and_finishes(cli: Cli, tmp_path: Path) -> None:
    cli.ok("flows", "create", "approve", "--definition", write(tmp_path, "cb.json", CALLBACK_FLOW))
    cli.ok("executions", "start", "approve", "--name", "r1")
    first = wait_for_pending(cli, "approve:r1")["pendingTasks"][0]["taskToken"]
    cli.ok("executions", "stop", "approve:r1", "--error", "Manual")
    assert wait_until_ended(cli, "approve:r1")["redriveStatus"] == "REDRIVABLE"

    redriven = cli.ok("executions", "redrive", "approve:r1")
    assert "Redrive count  1" in redriven.out, redriven.out
    token = wait_for_pending(cli, "approve:r1")["pendingTasks"][0]["taskToken"]
    assert token != first  # the task runs again, under a new token
    cli.ok("tasks", "success", token, "--output", '{"approved": true}')
    ended = wait_until_ended(cli, "approve:r1")
    assert (ended["status"], ended["redriveCount"]) == ("SUCCEEDED", 1)
    described = cli.ok("executions", "describe", "approve:r1").out
    assert "Redrives" in described and "SUCCEEDED" in described

    again = cli("executions", "redrive", "approve:r1")
    assert again.status == 2 and again.err.startswith("error: ExecutionNotRedrivable: "), again
