"""`cloudflow demo` (the README's first command): the order example through the local stack's API.

It starts the local stack (the real handlers on in-process moto, the pump on a fast-forwarding clock),
publishes examples/order, starts it through the API with its mock config's PaymentGatewaySlow test case
(the gateway times out twice; the retries back off 2 s and 4 s, skipped), prints how it ended, and says
where to look at it in the console. It serves until Ctrl-C, or stops at once with `--exit`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from cloudflow.cli_api.client import ApiClient, ApiError

FLOW = "order"
TEST_CASE = "PaymentGatewaySlow"


def run_demo(project: Path, port: int, keep_serving: bool, out: TextIO) -> int:
    """Run the demo; 0 when the example SUCCEEDED."""
    from cloudflow.adapters.local_stack import running_local_stack, wait_for_interrupt

    with running_local_stack(project, port=port, fast_forward=True) as base:
        described = _run_example(ApiClient(base), project / "examples" / FLOW)
        _report(out, base, described)
        if keep_serving:
            print(f"Serving until Ctrl-C (try: cloudflow executions list {FLOW} --endpoint {base}).", file=out,
                  flush=True)
            wait_for_interrupt()
    return 0 if described["status"] == "SUCCEEDED" else 1


def _run_example(api: ApiClient, example: Path) -> dict[str, Any]:
    definition = json.loads((example / "flow.json").read_text())
    try:
        api.post("/flows", {"name": FLOW, "definition": definition})
    except ApiError as refused:
        if refused.name != "StateMachineAlreadyExists":
            raise
    answer = api.post("/executions/sync", {
        "flow": FLOW, "input": json.loads((example / "input.json").read_text()), "waitSeconds": 20,
        "testCase": TEST_CASE, "mockConfig": json.loads((example / "mock-config.json").read_text())})
    return answer.document


def _report(out: TextIO, base: str, described: dict[str, Any]) -> None:
    arn = str(described["executionArn"])
    lines = [
        f"CloudFlow local stack: {base}  (API; OpenAPI at {base}/openapi.json)",
        f"Execution  {arn}",
        f"Status     {described['status']}   ({described.get('transitions', '?')} state transitions, "
        f"test case {TEST_CASE})",
    ]
    if "output" in described:
        lines.append(f"Output     {described['output']}")
    for key in ("error", "cause"):
        if key in described:
            lines.append(f"{key.title():<10} {described[key]}")
    lines.append(f"Console    {base}/console#/executions/{quote(arn, safe='')}")
    print("\n".join(lines), file=out, flush=True)
