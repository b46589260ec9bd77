"""The examples end to end through the handlers on moto's server over HTTP (ThreadedMotoServer on
127.0.0.1): the same requests a deployed stack would receive, sent through botocore's HTTP stack,
end as the pure engine (`cloudflow run`) ends them, and `cloudflow run --durable` agrees too."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cloudflow.cli import main
from cloudflow.local.mock_config import MockConfig
from cloudflow.runtime.describe import describe_execution
from tests.e2e.conftest import REPO

EXAMPLES = REPO / "examples"
CASES = [("order", "HappyPath"), ("order", "OutOfStock"), ("image-pipeline", "ThrottledThenDetected"),
         ("map-items", "HappyPath"), ("map-items", "UnknownSku")]


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def _engine_result(capsys: pytest.CaptureFixture[str], folder: Path, test_case: str, durable: bool) -> Any:
    args = ["run", str(folder / "flow.json"), "--input", f"@{folder / 'input.json'}", "--mock-config",
            str(folder / "mock-config.json"), "--test-case", test_case, "--json", "--name", "same", "--seed", "s"]
    if (folder / "tasks.py").exists():
        args += ["--tasks", str(folder / "tasks.py")]
    main([*args, "--durable"] if durable else args)
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


@pytest.mark.parametrize(("example", "test_case"), CASES)
def test_examples_end_as_the_pure_engine_ends_them(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], moto_endpoint: str, example: str,
    test_case: str,
) -> None:
    import boto3

    from cloudflow.adapters.local_pump import LocalRuntime
    from cloudflow.local.python_tasks import load_python_tasks
    from cloudflow.local.virtual_clock import SeededSecrets, VirtualClock

    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(key, "testing")
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)  # every boto3 client now talks HTTP to moto
    folder = EXAMPLES / example
    config = MockConfig.from_file(folder / "mock-config.json")
    tasks = load_python_tasks(str(folder / "tasks.py")) if (folder / "tasks.py").exists() else None
    local = LocalRuntime(boto3.session.Session(), VirtualClock(1_700_000_000_000), SeededSecrets("http"),
                         project=REPO, tasks=tasks, mock_config=config, stack=f"http-{example}-{test_case}".lower())
    flow = next(iter(config.test_cases))
    answer = local.invoke("start", {"flow": flow, "definition": (folder / "flow.json").read_text(), "name": "same",
                                    "input": (folder / "input.json").read_text(), "testCase": test_case})
    local.pump()
    durable = describe_execution(local.runtime, answer["executionArn"])
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    pure = _engine_result(capsys, folder, test_case, durable=False)
    assert (durable["status"], durable.get("error"), durable["transitions"]) == (
        pure["status"], pure["error"], pure["transitions"])
    if pure["status"] == "SUCCEEDED":
        assert json.loads(durable["output"]) == json.loads(pure["output"])
    in_process = _engine_result(capsys, folder, test_case, durable=True)
    assert {k: in_process[k] for k in ("status", "output", "error", "transitions")} == {
        k: pure[k] for k in ("status", "output", "error", "transitions")}
