"""Property-based run of the management API against its own OpenAPI document (schemathesis).

Every operation gets generated requests, valid and invalid, sent in process: schemathesis' WSGI client ->
`cloudflow.api.wsgi.ProxyWsgiApp` (an API Gateway REST proxy event per request) -> the api Lambda handler of
a local runtime on moto, seeded with flows, versions, an alias and executions. Whatever is sent, the answer
is never a 5xx and always fits the documented schema of its status. Examples are bounded and derandomized,
so the run is short and repeatable.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from cloudflow.api.app import build_app
from cloudflow.api.services import ApiServices
from cloudflow.api.wsgi import ProxyWsgiApp
from tests.e2e.api_client import CALLBACK_FLOW, PASS_FLOW, WAIT_FLOW, ApiClient, rest_event
from tests.e2e.conftest import FakeLambdaContext


def _no_runtime() -> Any:
    raise AssertionError("the OpenAPI document needs no runtime")


def _document() -> dict[str, Any]:
    """The document `GET /openapi.json` serves (no AWS needed to make it)."""
    app = build_app(ApiServices(runtime=_no_runtime, sleep=lambda seconds: None))
    answer = app.resolve(rest_event("GET", "/openapi.json"), FakeLambdaContext())
    assert answer["statusCode"] == 200, answer
    document: dict[str, Any] = json.loads(answer["body"])
    return document


schema = schemathesis.openapi.from_dict(_document())


@pytest.fixture
def wsgi_app(local_runtime: Callable[..., Any]) -> ProxyWsgiApp:
    lr = local_runtime()
    api = ApiClient(lr)
    # What the document's examples name: flow "orders" (alias "prod" on version 1), execution "order-7".
    api.create_flow("orders", CALLBACK_FLOW)
    api.post("/flows/orders/versions", {"description": "v1"})
    api.put("/flows/orders/aliases/prod", {"version": 1})
    api.start("orders", "order-7")
    api.create_flow("demo", PASS_FLOW)
    api.create_flow("waiting", WAIT_FLOW)
    api.start("demo", "done-1")
    lr.pump()
    api.handler_module().services.sleep = lambda seconds: lr.pump()  # start-and-wait never sleeps for real
    return ProxyWsgiApp(lambda event: lr.invoke("api", event))


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_no_request_gets_a_server_error(case: Any, wsgi_app: ProxyWsgiApp) -> None:
    response = case.call(app=wsgi_app)
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
