"""Every example in examples/ runs through the `cloudflow` CLI with each of its mock test cases."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

import pytest

from cloudflow.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

CASES = [
    ("image-pipeline", "HappyPath", "SUCCEEDED", None),
    ("image-pipeline", "ThrottledThenDetected", "SUCCEEDED", None),
    ("image-pipeline", "NoFace", "FAILED", "Image.NoFace"),
    ("image-pipeline", "DetectionKeepsFailing", "FAILED", "Lambda.TooManyRequestsException"),
    ("order", "HappyPath", "SUCCEEDED", None),
    ("order", "PaymentGatewaySlow", "SUCCEEDED", None),
    ("order", "OutOfStock", "FAILED", "Order.NotFulfilled"),
    ("order", "CardDeclined", "FAILED", "Order.NotFulfilled"),
    ("order", "InvalidOrder", "FAILED", "Order.Invalid"),
    ("map-items", "HappyPath", "SUCCEEDED", None),
    ("map-items", "UnknownSku", "FAILED", "Order.CannotPrice"),
    ("invoice-jsonata", "HappyPath", "SUCCEEDED", None),
    ("invoice-jsonata", "LargeInvoiceApproved", "SUCCEEDED", None),
    ("invoice-jsonata", "LargeInvoiceRejected", "FAILED", "Invoice.NotApproved"),
    ("invoice-jsonata", "Overdue", "FAILED", "Invoice.Overdue"),
]


def _run_cli(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[int, dict[str, object]]:
    code = main(args)
    last_line = capsys.readouterr().out.strip().splitlines()[-1]
    return code, json.loads(last_line)


@pytest.mark.parametrize(("example", "test_case", "status", "error"), CASES)
def test_example_runs_with_its_mock_config(
    capsys: pytest.CaptureFixture[str], example: str, test_case: str, status: str, error: str | None
) -> None:
    folder = EXAMPLES / example
    code, result = _run_cli(capsys, [
        "run", str(folder / "flow.json"), "--input", f"@{folder / 'input.json'}",
        "--mock-config", str(folder / "mock-config.json"), "--test-case", test_case, "--json", "--history",
    ])
    assert (result["status"], result["error"]) == (status, error)
    assert code == (0 if status == "SUCCEEDED" else 1)
    assert isinstance(result["history"], list) and result["history"][0]["type"] == "ExecutionStarted"


def test_happy_paths_that_retry_end_with_the_same_output(capsys: pytest.CaptureFixture[str]) -> None:
    folder = EXAMPLES / "order"
    outputs = []
    for test_case in ("HappyPath", "PaymentGatewaySlow"):
        _, result = _run_cli(capsys, [
            "run", str(folder / "flow.json"), "--input", f"@{folder / 'input.json'}",
            "--mock-config", str(folder / "mock-config.json"), "--test-case", test_case, "--json"])
        outputs.append(json.loads(str(result["output"])))
    assert outputs[0] == outputs[1]
    assert "confirmation" in outputs[0]


def test_jsonata_example_hands_on_variables_and_waits_the_payment_terms(capsys: pytest.CaptureFixture[str]) -> None:
    folder = EXAMPLES / "invoice-jsonata"
    outputs = {}
    for test_case in ("HappyPath", "LargeInvoiceApproved"):
        _, result = _run_cli(capsys, [
            "run", str(folder / "flow.json"), "--input", f"@{folder / 'input.json'}",
            "--mock-config", str(folder / "mock-config.json"), "--test-case", test_case, "--json"])
        assert result["virtualDurationMs"] == 30 * 86_400_000
        outputs[test_case] = json.loads(str(result["output"]))
    assert outputs["HappyPath"] == {"invoiceNumber": "INV-2026-0042", "customerId": "cus-7731", "totalCents": 60000,
                                    "currency": "EUR", "approvedBy": None, "paid": True}
    assert outputs["LargeInvoiceApproved"]["approvedBy"] == "finance@example.com"
    assert outputs["LargeInvoiceApproved"]["totalCents"] == 132000


def test_map_example_runs_with_python_task_functions(capsys: pytest.CaptureFixture[str]) -> None:
    folder = EXAMPLES / "map-items"
    code, result = _run_cli(capsys, [
        "run", str(folder / "flow.json"), "--input", f"@{folder / 'input.json'}",
        "--tasks", str(folder / "tasks.py"), "--json"])
    assert (code, result["status"]) == (0, "SUCCEEDED")
    assert json.loads(str(result["output"]))["totals"]["totalCents"] == 10680


def test_invalid_input_and_options_exit_2_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    flow = str(EXAMPLES / "order" / "flow.json")
    assert main(["run", flow, "--input", "{not json"]) == 2
    assert "--input: not valid JSON" in capsys.readouterr().err
    assert main(["run", flow, "--mock-config", str(EXAMPLES / "order" / "mock-config.json")]) == 2
    assert "--test-case: is required with --mock-config" in capsys.readouterr().err
    assert main(["run", str(EXAMPLES / "nope.json")]) == 2
    assert "DEFINITION: cannot read" in capsys.readouterr().err


def test_validate_lists_every_problem_with_its_pointer(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "Nowhere"},
        "B": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "End": True,
              "Retry": [{"ErrorEquals": ["States.ALL", "Other"]}]},
    }}))
    assert main(["validate", str(broken), "--json"]) == 2
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    pointers = {d["pointer"] for d in report["diagnostics"]}
    assert {"/States/A/Next", "/States/B", "/States/B/Retry/0/ErrorEquals"} <= pointers
    assert main(["validate", str(EXAMPLES / "order" / "flow.json")]) == 0


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_local_run_on_a_terminal_shows_its_progress_then_clears_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from cloudflow.local import runner

    # A 200-state chain, then a day-long Wait; each engine step is slowed so the spinner's thread draws.
    chain: dict[str, Any] = {f"S{i}": {"Type": "Pass", "Next": f"S{i + 1}"} for i in range(200)}
    chain["S200"] = {"Type": "Wait", "Seconds": 86400, "End": True}
    definition = tmp_path / "progress-flow.json"
    definition.write_text(json.dumps({"StartAt": "S0", "States": chain}))
    real_advance = runner.advance

    def slow_engine_step(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.15)  # longer than the spinner's tick
        return real_advance(*args, **kwargs)

    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.setattr(runner, "advance", slow_engine_step)
    code, result = _run_cli(capsys, ["run", str(definition), "--json"])
    assert (code, result["status"], result["transitions"]) == (0, "SUCCEEDED", 201)
    drawn = terminal.getvalue()
    assert "running: 201 transitions, 0 s of virtual time" in drawn  # all 201 before the Wait's wake-up
    assert drawn.endswith("\r\x1b[K")  # cleared: the result prints on a clean line
