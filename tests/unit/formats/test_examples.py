"""The examples/cloudflow-* flows run with their mock configs, as their READMEs say."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cloudflow.cli import main

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"

CASES = [
    ("cloudflow-orders", "HappyPath", "SUCCEEDED", {"status": "CONFIRMED", "orderId": "ord-1042",
                                                    "chargeId": "ch_91x", "messageId": "msg-5",
                                                    "shipmentId": "shp-8"}),
    ("cloudflow-orders", "GatewaySlow", "SUCCEEDED", {"status": "CONFIRMED", "orderId": "ord-1042",
                                                      "chargeId": "ch_91x", "messageId": "msg-5",
                                                      "shipmentId": "shp-8"}),
    ("cloudflow-orders", "CardDeclined", "SUCCEEDED", {"status": "CANCELLED", "orderId": "ord-1042",
                                                       "reason": "Payment.CardDeclined", "releasedLines": 2}),
    ("cloudflow-orders", "InvalidOrder", "FAILED", None),
    ("cloudflow-legacy", "HappyPath", "SUCCEEDED", {
        "tier": "gold", "email": "ana@example.com", "discountPercent": 15, "quoteId": "q-301",
        "lines": [{"sku": "MUG-BLUE", "position": 0, "lineCents": 1530},
                  {"sku": "TEE-L", "position": 1, "lineCents": 1700}]}),
    ("cloudflow-legacy", "Throttled", "SUCCEEDED", None),
    ("cloudflow-legacy", "CustomerServiceDown", "SUCCEEDED", {"lookupError": "FC.ServiceUnavailable",
                                                              "quoteId": "q-302", "listPrices": True}),
]


@pytest.mark.parametrize(("example", "test_case", "status", "output"), CASES)
def test_example_runs_with_its_mock_config(capsys: pytest.CaptureFixture[str], example: str, test_case: str,
                                           status: str, output: Any) -> None:
    folder = EXAMPLES / example
    code = main(["run", str(folder / "flow.yaml"), "--input", f"@{folder / 'input.json'}",
                 "--mock-config", str(folder / "mock-config.json"), "--test-case", test_case, "--json"])
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (code, result["status"]) == (0 if status == "SUCCEEDED" else 1, status)
    if output is not None:
        assert json.loads(result["output"]) == output


def test_the_order_example_waits_longer_than_cloudflows_300_seconds(capsys: pytest.CaptureFixture[str]) -> None:
    folder = EXAMPLES / "cloudflow-orders"
    main(["run", str(folder / "flow.yaml"), "--input", f"@{folder / 'input.json'}",
          "--mock-config", str(folder / "mock-config.json"), "--test-case", "HappyPath", "--json"])
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["virtualDurationMs"] == 900_000


@pytest.mark.parametrize("example", ["cloudflow-orders", "cloudflow-legacy"])
def test_example_converts_and_validates(capsys: pytest.CaptureFixture[str], example: str) -> None:
    assert main(["validate", str(EXAMPLES / example / "flow.yaml")]) == 0
    assert main(["convert", str(EXAMPLES / example / "flow.yaml"), "--to", "asl"]) == 0
