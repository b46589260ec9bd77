"""Every route of the OpenAPI document is exercised by the contract tests over each transport: answered at least
once with success (2xx) and once with a refusal (4xx), through the api handler and over HTTP.

The contract tests log what they sent (`SentLog`, filled by the `api` fixture's clients); these checks run after
them (the `route_coverage` marker puts them last) and match each sent path to its documented path template.
They need the whole contract suite in the session, so they skip when it was narrowed (a single file, -k, -m).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cloudflow.api.app import build_app
from cloudflow.api.services import ApiServices
from tests.e2e.api_client import SentLog, rest_event
from tests.e2e.conftest import CONTRACT_TESTS, TRANSPORTS, FakeLambdaContext

# The contract tests live in tests/e2e/test_api_*.py and use the `api` fixture; the check needs all of them.
CONTRACT_MODULES = sorted(path.name for path in Path(__file__).parent.glob("test_api_*.py")
                          if path.name not in {"test_api_schemathesis.py", Path(__file__).name})
# Routes the contract tests do not cover yet, each with its reason. Only for routes being added while their
# tests are written; an entry whose route the tests now cover fails the check, so the list cannot go stale.
NOT_YET_COVERED: dict[tuple[str, str], str] = {}


def _no_runtime() -> Any:
    raise AssertionError("the OpenAPI document needs no runtime")


def documented_routes() -> set[tuple[str, str]]:
    """(METHOD, path template) of every operation in the document `GET /openapi.json` serves."""
    app = build_app(ApiServices(runtime=_no_runtime, sleep=lambda seconds: None))
    answer = app.resolve(rest_event("GET", "/openapi.json"), FakeLambdaContext())
    assert answer["statusCode"] == 200, answer
    paths: dict[str, dict[str, Any]] = json.loads(answer["body"])["paths"]
    return {(method.upper(), template) for template, operations in paths.items() for method in operations}


def route_of(method: str, path: str, routes: set[tuple[str, str]]) -> tuple[str, str] | None:
    """The documented route a request took: the template whose segments match the path's, `{parameter}`
    matching any one segment; a literal segment wins over a parameter (`/executions/search`, not `{arn}`)."""
    segments = path.strip("/").split("/")
    best: tuple[int, tuple[str, str]] | None = None
    for route_method, template in routes:
        parts = template.strip("/").split("/")
        if route_method != method or len(parts) != len(segments):
            continue
        if all(part.startswith("{") or part == segment for part, segment in zip(parts, segments, strict=True)):
            literal = sum(not part.startswith("{") for part in parts)
            if best is None or literal > best[0]:
                best = (literal, (route_method, template))
    return None if best is None else best[1]


def coverage_gaps(sent: list[tuple[str, str, int]], routes: set[tuple[str, str]]) -> dict[str, list[str]]:
    """The routes that no request answered with success, and those that none answered with a refusal."""
    succeeded: set[tuple[str, str]] = set()
    refused: set[tuple[str, str]] = set()
    for method, path, status in sent:
        route = route_of(method, path, routes)
        if route is not None and 200 <= status < 300:
            succeeded.add(route)
        elif route is not None and 400 <= status < 500:
            refused.add(route)
    return {"no success (2xx)": [f"{m} {t}" for m, t in sorted(routes - succeeded)],
            "no refusal (4xx)": [f"{m} {t}" for m, t in sorted(routes - refused)]}


# --- the matching itself, on its own ---------------------------------------------------------------------------

ROUTES = {("GET", "/executions/{arn}"), ("GET", "/executions/search"), ("POST", "/executions/{arn}/stop"),
          ("GET", "/flows/{name}/aliases/{alias}"), ("POST", "/executions")}


@pytest.mark.parametrize(("method", "path", "route"), [
    ("GET", "/executions/arn%3Aaws%3Astates%3Aus-east-1%3A1%3Aexecution%3Af%3An", ("GET", "/executions/{arn}")),
    ("GET", "/executions/search", ("GET", "/executions/search")),
    ("POST", "/executions/f:n/stop", ("POST", "/executions/{arn}/stop")),
    ("GET", "/flows/orders/aliases/prod", ("GET", "/flows/{name}/aliases/{alias}")),
    ("POST", "/executions/", ("POST", "/executions")),
    ("POST", "/executions/search", None),  # no such method on the path
    ("GET", "/flows/orders/aliases", None),  # one segment short
])
def test_a_sent_path_is_matched_to_its_template(method: str, path: str, route: tuple[str, str] | None) -> None:
    assert route_of(method, path, ROUTES) == route


def test_gaps_name_the_routes_without_a_success_or_a_refusal() -> None:
    sent = [("GET", "/executions/f:n", 200), ("GET", "/executions/f:ghost", 404), ("GET", "/executions/search", 400),
            ("POST", "/executions", 200), ("POST", "/executions", 500), ("GET", "/nowhere", 200)]
    assert coverage_gaps(sent, ROUTES) == {
        "no success (2xx)": ["GET /executions/search", "GET /flows/{name}/aliases/{alias}",
                             "POST /executions/{arn}/stop"],
        "no refusal (4xx)": ["GET /flows/{name}/aliases/{alias}", "POST /executions", "POST /executions/{arn}/stop"]}


# --- the check over what this session's contract tests sent ----------------------------------------------------


@pytest.mark.route_coverage
@pytest.mark.parametrize("transport", TRANSPORTS)
def test_every_documented_route_is_exercised(request: pytest.FixtureRequest, sent_log: SentLog,
                                             transport: str) -> None:
    collected = request.config.stash[CONTRACT_TESTS].get(transport, set())
    absent = [name for name in CONTRACT_MODULES if not any(f"/{name}::" in nodeid for nodeid in collected)]
    if absent:
        pytest.skip(f"the contract tests are not all in this run ({', '.join(absent)} missing): run tests/e2e")
    narrowed = sorted(collected - {item.nodeid for item in request.session.items})
    if narrowed:
        pytest.skip(f"{len(narrowed)} [{transport}] contract tests were deselected (e.g. {narrowed[0]})")

    routes = documented_routes()
    gaps = coverage_gaps(sent_log.sent.get(transport, []), routes)
    allowed = set(NOT_YET_COVERED)
    stale = sorted(f"{m} {t}" for m, t in allowed
                   if (m, t) not in routes or all(f"{m} {t}" not in names for names in gaps.values()))
    assert not stale, f"not documented, or covered now: take them off NOT_YET_COVERED: {stale}"
    uncovered = {kind: [route for route in names if tuple(route.split(" ", 1)) not in allowed]
                 for kind, names in gaps.items()}
    assert uncovered == {kind: [] for kind in gaps}, (
        f"routes the [{transport}] contract tests leave uncovered (a failed test may have stopped before "
        f"sending them): {json.dumps(uncovered, indent=1)}")
