"""POST /executions/{arn}/redrive (RedriveExecution) through the api handler and over HTTP: a stopped execution
resumes with its waiting task, a repeat while pending answers the same redrive, describe shows the redrive
fields, and what cannot be redriven is refused with Step Functions' error names."""

from __future__ import annotations

from cloudflow.core.timestamps import iso_from_ms
from tests.e2e.api_client import CALLBACK_FLOW, PASS_FLOW, ApiClient, arn_path, execution_arn
from tests.e2e.conftest import START_MS


def _pending_token(api: ApiClient, arn: str) -> str:
    (task,) = api.get(f"/executions/{arn_path(arn)}/pending-tasks").body["pendingTasks"]
    return str(task["taskToken"])


def test_redrive_a_stopped_execution(api: ApiClient) -> None:
    api.create_flow("approvals", CALLBACK_FLOW)
    arn = api.start("approvals", "r1", {"order": 1}).body["executionArn"]
    api.lr.pump()
    first = _pending_token(api, arn)
    api.post(f"/executions/{arn_path(arn)}/stop", {"error": "Cancelled"})
    api.lr.pump()
    stopped = api.get(f"/executions/{arn_path(arn)}").body
    assert (stopped["status"], stopped["redriveStatus"], stopped["redriveCount"]) == ("ABORTED", "REDRIVABLE", 0)

    api.lr.clock.advance_to(START_MS + 5_000)
    redriven = api.post(f"/executions/{arn_path(arn)}/redrive")
    assert redriven.status == 200 and redriven.body == {"redriveDate": iso_from_ms(START_MS + 5_000),
                                                        "redriveCount": 1}, redriven
    pending = api.get(f"/executions/{arn_path(arn)}").body
    assert pending["status"] == "RUNNING" and "error" not in pending and "stopDate" not in pending
    assert pending["redriveStatus"] == "NOT_REDRIVABLE" and "RUNNING" in pending["redriveStatusReason"]
    assert api.post(f"/executions/{arn_path(arn)}/redrive").body == redriven.body  # pending: the same redrive

    api.lr.pump()
    token = _pending_token(api, arn)
    assert token != first
    assert api.post("/tasks/success", {"taskToken": token, "output": '{"ok": true}'}).status == 200
    api.lr.pump()
    done = api.get(f"/executions/{arn_path(arn)}").body
    assert (done["status"], done["redriveCount"], done["redriveDate"]) == ("SUCCEEDED", 1,
                                                                           iso_from_ms(START_MS + 5_000))
    history = api.get(f"/executions/{arn_path(arn)}/history").body["events"]
    kinds = [event["type"] for event in history]
    assert kinds.count("ExecutionAborted") == 1 and kinds.index("ExecutionRedriven") > kinds.index("ExecutionAborted")
    assert next(e for e in history if e["type"] == "ExecutionRedriven")["executionRedrivenEventDetails"] == {
        "redriveCount": 1}


def test_what_cannot_be_redriven_is_refused(api: ApiClient) -> None:
    api.create_flow("greeter", PASS_FLOW)
    api.create_flow("approvals", CALLBACK_FLOW)
    done = api.start("greeter", "g1").body["executionArn"]
    running = api.start("approvals", "a1").body["executionArn"]
    api.lr.pump()
    for arn, status in ((done, "SUCCEEDED"), (running, "RUNNING")):
        refused = api.post(f"/executions/{arn_path(arn)}/redrive")
        assert (refused.status, refused.error()) == (400, "ExecutionNotRedrivable"), refused
        assert status in refused.body["message"]
    missing = api.post(f"/executions/{arn_path(execution_arn('greeter', 'ghost'))}/redrive")
    assert (missing.status, missing.error()) == (404, "ExecutionDoesNotExist"), missing
    malformed = api.post("/executions/not-an-arn/redrive")
    assert (malformed.status, malformed.error()) == (400, "InvalidArn"), malformed
