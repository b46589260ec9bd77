"""Environment for invoking the Lambda handlers in-process, as the Lambda runtime would set it up."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]

# What template.yaml's Globals set, minus X-Ray: there is no daemon here.
HANDLER_ENV = {
    "POWERTOOLS_SERVICE_NAME": "cloudflow",
    "POWERTOOLS_METRICS_NAMESPACE": "CloudFlow",
    "LOG_LEVEL": "INFO",
    "POWERTOOLS_TRACE_DISABLED": "1",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@dataclass(frozen=True)
class FakeLambdaContext:
    """The attributes of the Lambda context object that Powertools Logger reads."""

    function_name: str = "cloudflow-ValidateFunction"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:cloudflow-ValidateFunction"
    aws_request_id: str = "00000000-0000-4000-8000-000000000000"
    log_group_name: str = "/aws/lambda/cloudflow-ValidateFunction"
    log_stream_name: str = "2024/01/01/[$LATEST]0000"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def load_handler_module(relative_path: str) -> ModuleType:
    """Imports a function's app.py by path, the way the Lambda runtime finds `app.lambda_handler`."""
    path = REPO / relative_path
    name = "cloudflow_fn_" + "_".join(Path(relative_path).parent.parts[1:])
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # as a real import does; pydantic resolves annotations through it
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def load_handler() -> Iterator[Callable[[str], ModuleType]]:
    """`load_handler("functions/x/app.py")`, with the Lambda environment set for the module's tests."""
    if importlib.util.find_spec("aws_xray_sdk") is None:
        pytest.fail(
            "aws-xray-sdk is not installed: Powertools Tracer imports it even when tracing is disabled. "
            "Install aws-lambda-powertools[tracer] (as layers/cloudflow/requirements.txt does)."
        )
    with pytest.MonkeyPatch.context() as patch:
        for key, value in HANDLER_ENV.items():
            patch.setenv(key, value)
        yield load_handler_module


@pytest.fixture
def lambda_context() -> FakeLambdaContext:
    return FakeLambdaContext()


START_MS = 1_700_000_000_000  # 2023-11-14T22:13:20Z: the local runtime's virtual clock starts here


@pytest.fixture
def aws() -> Iterator[Any]:
    """In-process moto for every AWS service, with fake credentials; yields a boto3 session."""
    import boto3
    from moto import mock_aws

    with pytest.MonkeyPatch.context() as patch:
        for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                           "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1"}.items():
            patch.setenv(key, value)
        with mock_aws():
            yield boto3.session.Session()


@pytest.fixture
def local_runtime(aws: Any) -> Callable[..., Any]:
    """`local_runtime(**options)`: the runtime on moto with its handlers and pump (see LocalRuntime)."""
    from cloudflow.adapters.local_pump import LocalRuntime
    from cloudflow.local.virtual_clock import SeededSecrets, VirtualClock

    made = 0

    def make(**options: Any) -> LocalRuntime:
        nonlocal made
        made += 1
        options.setdefault("secrets", SeededSecrets("tests"))
        return LocalRuntime(aws, VirtualClock(START_MS), project=REPO, stack=f"cloudflow-test{made}", **options)

    return make


# --- the API's contract tests over two transports ----------------------------------------------------------

TRANSPORTS = ("handler", "http")
# The contract tests a session collected per transport, before -k, -m or --deselect narrowed them: the route
# coverage check (test_api_route_coverage.py) runs only when every one of them was selected.
CONTRACT_TESTS = pytest.StashKey[dict[str, set[str]]]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "handler_only(reason): an API contract test (or one case of it) that runs through the api "
                   "handler alone; the reason says why it cannot, or need not, also go over HTTP")
    config.addinivalue_line("markers", "route_coverage: runs after every other test (it reads what they sent)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that uses `api_transport` (through `api` or `api_client`) runs once per transport:
    `[handler]` calls the api Lambda handler with REST proxy events, `[http]` sends the same requests over
    HTTP to the local stack serving the same runtime."""
    if "api_transport" in metafunc.fixturenames:
        metafunc.parametrize("api_transport", TRANSPORTS, ids=TRANSPORTS)


def _transport(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    return None if callspec is None else callspec.params.get("api_transport")


@pytest.hookimpl(tryfirst=True)  # before -k and -m deselect, so the coverage check can tell they did
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`[http]` items of tests (or cases) marked `handler_only` are deselected, as the root conftest deselects
    `deployed` ones; route coverage checks go last."""
    dropped: list[pytest.Item] = []
    kept: list[pytest.Item] = []
    for item in items:
        only = item.get_closest_marker("handler_only")
        if only is not None and not only.kwargs.get("reason"):
            raise pytest.UsageError(f"{item.nodeid}: handler_only needs a reason")
        (dropped if only is not None and _transport(item) == "http" else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    last = [item for item in kept if item.get_closest_marker("route_coverage") is not None]
    items[:] = [item for item in kept if item.get_closest_marker("route_coverage") is None] + last
    contract: dict[str, set[str]] = {}
    for item in items:
        transport = _transport(item)
        if transport is not None:
            contract.setdefault(transport, set()).add(item.nodeid)
    config.stash[CONTRACT_TESTS] = contract


@pytest.fixture(scope="session")
def sent_log() -> Any:
    """What the contract tests sent over each transport in this session (see test_api_route_coverage.py)."""
    from tests.e2e.api_client import SentLog

    return SentLog()


@pytest.fixture
def api_client(api_transport: str, sent_log: Any) -> Iterator[Callable[[Any], Any]]:
    """`api_client(lr)`: a client of `lr`'s management API over this test's transport (logging to `sent_log`)."""
    from contextlib import ExitStack

    from tests.e2e.api_client import ApiClient, HttpApiClient, served_over_http

    with ExitStack() as servers:
        def make(lr: Any) -> Any:
            if api_transport == "handler":
                return ApiClient(lr, sent_log)
            return HttpApiClient(lr, servers.enter_context(served_over_http(lr)), sent_log)

        yield make


@pytest.fixture
def api(local_runtime: Callable[..., Any], api_client: Callable[[Any], Any]) -> Any:
    """A client of a fresh local runtime's management API, once per transport."""
    return api_client(local_runtime())
