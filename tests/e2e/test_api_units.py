"""An execution's units through the api handler and over HTTP through the local stack:
`GET /executions/{arn}/units` lists the root and each Parallel branch and Map iteration (nested ones too),
and `GET /executions/{arn}/history?unit=` reads one unit's history with the root's paging, direction and
includeExecutionData. Children that ran start to end in one step keep no unit record (their only page rides
on their result item): they are listed and read too.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e.api_client import HTTP_COVERED_ELSEWHERE, ApiClient, arn_path, execution_arn


@pytest.fixture
def api(local_runtime: Any, api_client: Any) -> Any:
    """Units exist for fan-outs that run their children as units of their own: here every one does, however few
    its children (a fan-out of at most ten small ones otherwise runs inside its unit)."""
    return api_client(local_runtime(inline_fan_out=0))

UNITS_FLOW: dict[str, Any] = {"StartAt": "Fan", "States": {
    "Fan": {"Type": "Parallel", "ResultPath": "$.fan", "Next": "Each", "Branches": [
        {"StartAt": "Slow", "States": {  # waits: a unit that keeps a record and several history pages
            "Slow": {"Type": "Pass", "Next": "Nap"},
            "Nap": {"Type": "Wait", "Seconds": 10, "Next": "Woke"},
            "Woke": {"Type": "Pass", "Result": "awake", "End": True}}},
        {"StartAt": "Inner", "States": {  # a branch that fans out itself
            "Inner": {"Type": "Parallel", "End": True, "Branches": [
                {"StartAt": "Leaf", "States": {"Leaf": {"Type": "Pass", "Result": "leaf", "End": True}}}]}}}]},
    "Each": {"Type": "Map", "ItemsPath": "$.items", "ResultPath": "$.each", "ToleratedFailureCount": 1,
             "Next": "Try", "ItemProcessor": {"StartAt": "Check", "States": {
                 "Check": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 2, "Next": "Bad"}],
                           "Default": "Ok"},
                 "Bad": {"Type": "Fail", "Error": "Two", "Cause": "no twos"},
                 "Ok": {"Type": "Pass", "End": True}}}},
    "Try": {"Type": "Parallel", "Next": "Done", "ResultPath": "$.err",
            "Branches": [{"StartAt": "Boom", "States": {"Boom": {"Type": "Fail", "Error": "Oops"}}}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "Done"}]},
    "Done": {"Type": "Succeed"}}}


def _run(api: ApiClient, name: str) -> str:
    api.create_flow("units", UNITS_FLOW)
    arn: str = api.start("units", name, {"items": [1, 2, 3], "secret": "s3cr3t"}).body["executionArn"]
    api.lr.pump()
    assert api.get(f"/executions/{arn_path(arn)}").body["status"] == "SUCCEEDED"
    return arn


def _join(units: list[dict[str, Any]], state: str) -> str:
    """The join id (`<parent>/<entered id>-<attempt>`) of a state's children."""
    return next(u["unit"] for u in units if u.get("state") == state).rpartition(".")[0]


def test_units_list_every_branch_and_iteration_with_its_status(api: ApiClient) -> None:
    arn = _run(api, "u1")
    answer = api.get(f"/executions/{arn_path(arn)}/units")
    assert answer.status == 200, answer
    units = answer.body["units"]
    assert units[0] == {"unit": "r", "status": "SUCCEEDED", "events": units[0]["events"]}
    fan, each, try_ = _join(units, "Fan"), _join(units, "Each"), _join(units, "Try")
    inner = _join(units, "Inner")
    assert inner.startswith(f"{fan}.1/")
    described = {u["unit"]: (u["status"], u.get("parent"), u.get("kind"), u.get("state"), u.get("index"))
                 for u in units[1:]}
    assert described == {
        f"{fan}.0": ("SUCCEEDED", "r", "parallel", "Fan", 0),
        f"{fan}.1": ("SUCCEEDED", "r", "parallel", "Fan", 1),
        f"{inner}.0": ("SUCCEEDED", f"{fan}.1", "parallel", "Inner", 0),
        f"{each}.0": ("SUCCEEDED", "r", "map", "Each", 0),
        f"{each}.1": ("FAILED", "r", "map", "Each", 1),
        f"{each}.2": ("SUCCEEDED", "r", "map", "Each", 2),
        f"{try_}.0": ("FAILED", "r", "parallel", "Try", 0),
    }
    assert all(u["attempt"] == 0 for u in units[1:])
    assert [u["unit"] for u in units].index(f"{fan}.1") < [u["unit"] for u in units].index(f"{inner}.0")

    # Each unit's history, as the units route counted it.
    for unit in units:
        events = api.get(f"/executions/{arn_path(arn)}/history", unit=unit["unit"]).body["events"]
        assert len(events) == unit["events"] > 0, unit
    failed = api.get(f"/executions/{arn_path(arn)}/history", unit=f"{each}.1").body["events"]
    assert [e["type"] for e in failed] == ["MapIterationStarted", "ChoiceStateEntered", "ChoiceStateExited",
                                           "FailStateEntered", "MapIterationFailed"]
    assert json.loads(failed[1]["stateEnteredEventDetails"]["input"]) == 2
    leaf = api.get(f"/executions/{arn_path(arn)}/history", unit=f"{inner}.0").body["events"]
    assert json.loads(leaf[-1]["stateExitedEventDetails"]["output"]) == "leaf"
    # The root's history is the default, and `unit=r` names it.
    root = api.get(f"/executions/{arn_path(arn)}/history").body
    assert api.get(f"/executions/{arn_path(arn)}/history", unit="r").body == root


def test_unknown_units_and_executions(api: ApiClient) -> None:
    arn = _run(api, "u2")
    path = f"/executions/{arn_path(arn)}/history"
    missing = api.get(path, unit="r/99-0.0")
    assert (missing.status, missing.error()) == (404, "UnitDoesNotExist"), missing
    assert "'r/99-0.0'" in missing.body["message"]
    each = _join(api.get(f"/executions/{arn_path(arn)}/units").body["units"], "Each")
    assert api.get(path, unit=f"{each}.3").status == 404  # a Map of three has no fourth iteration
    malformed = api.get(path, unit="root")
    assert (malformed.status, malformed.fields()) == (400, ["unit"]), malformed
    ghost = execution_arn("units", "ghost")
    for answer in (api.get(f"/executions/{arn_path(ghost)}/units"),
                   api.get(f"/executions/{arn_path(ghost)}/history", unit="r/2-0.0")):
        assert (answer.status, answer.error()) == (404, "ExecutionDoesNotExist"), answer


def _collect(api: ApiClient, path: str, unit: str, reverse: str) -> list[int]:
    collected: list[int] = []
    token: str | None = None
    while True:
        query = {"unit": unit, "maxResults": "2", "reverseOrder": reverse, **({"nextToken": token} if token else {})}
        page = api.get(path, **query)
        assert page.status == 200 and len(page.body["events"]) <= 2, page
        collected.extend(event["id"] for event in page.body["events"])
        token = page.body.get("nextToken")
        if token is None:
            return collected


@HTTP_COVERED_ELSEWHERE
def test_unit_history_pages_like_the_root(api: ApiClient) -> None:
    arn = _run(api, "u3")
    path = f"/executions/{arn_path(arn)}/history"
    units = api.get(f"/executions/{arn_path(arn)}/units").body["units"]
    slow = f"{_join(units, 'Fan')}.0"  # kept a record: pages written one per step
    item = f"{_join(units, 'Each')}.0"  # one step, no record: its one page is stored with its result
    for unit in (slow, item):
        everything = api.get(path, unit=unit).body
        ids = [event["id"] for event in everything["events"]]
        assert ids == list(range(1, len(ids) + 1)) and len(ids) >= 4 and "nextToken" not in everything, unit
        assert _collect(api, path, unit, "false") == ids, unit
        assert _collect(api, path, unit, "true") == list(reversed(ids)), unit

        without = api.get(path, unit=unit, includeExecutionData="false").body["events"]
        assert [e["type"] for e in without] == [e["type"] for e in everything["events"]]
        assert not any("input" in details or "output" in details for event in without for key, details in
                       event.items() if key.endswith("EventDetails")), without
    assert "s3cr3t" in json.dumps(api.get(path, unit=slow).body)
    assert "s3cr3t" not in json.dumps(api.get(path, unit=slow, includeExecutionData="false").body)

    # A token continues its own unit's listing only.
    token = api.get(path, unit=slow, maxResults="1").body["nextToken"]
    for query in ({"unit": item}, {}, {"unit": slow, "reverseOrder": "true"}):
        crossed = api.get(path, nextToken=token, **query)
        assert (crossed.status, crossed.error()) == (400, "InvalidToken"), (query, crossed)
    assert api.get(path, unit=slow, nextToken=token).body["events"][0]["id"] == 2


def _shape(api: ApiClient, arn: str) -> list[tuple[Any, ...]]:
    """Each unit as the console uses it (state, kind, index, status, parent's state) with the states its
    history enters, in order; not the ids, which count the root's events and differ between the modes. (A
    unit's history holds the events of the children it ran in-process: those count as theirs.)"""
    units = api.get(f"/executions/{arn_path(arn)}/units").body["units"]
    by_unit = {u["unit"]: u for u in units}
    entered = {}
    for unit in units:
        events = api.get(f"/executions/{arn_path(arn)}/history", unit=unit["unit"]).body["events"]
        entered[unit["unit"]] = [e["stateEnteredEventDetails"]["name"] for e in events
                                 if "stateEnteredEventDetails" in e]
    shape = []
    for unit in units:
        theirs = {name for child in units if child.get("parent") == unit["unit"] for name in entered[child["unit"]]}
        parent = by_unit.get(unit.get("parent") or "", {})
        shape.append((unit.get("state"), unit.get("kind"), unit.get("index"), unit["status"], parent.get("state"),
                      [name for name in entered[unit["unit"]] if name not in theirs]))
    return shape


def test_in_process_children_are_listed_and_read_like_units(local_runtime: Any, api_client: Any) -> None:
    # The fan-outs of UNITS_FLOW are small: by default they run inside the root unit, with no record or page
    # of their own. The units route and `history?unit=` still show every branch and iteration, as units.
    as_units = api_client(local_runtime(inline_fan_out=0))
    in_process = api_client(local_runtime())
    shapes = [_shape(client, _run(client, "same")) for client in (as_units, in_process)]
    assert shapes[0] == shapes[1]
    assert len(shapes[1]) == 8  # the root, two branches, a nested branch, three iterations, one caught branch
    arn = execution_arn("units", "same")
    assert in_process.lr.runtime.store.list_units(arn.split(":", 6)[-1], "")[1:] == []  # no records of their own
