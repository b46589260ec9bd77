"""ValidateFunction end to end, in-process: the sample events, definitions as text, malformed events."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
EVENTS = sorted((REPO / "events").glob("validate_*.json"))


@pytest.fixture(scope="module")
def app(load_handler: Callable[[str], ModuleType]) -> ModuleType:
    return load_handler("functions/validate/app.py")


def _invoke(app: ModuleType, event: Any, context: Any) -> dict[str, Any]:
    answer = app.lambda_handler(event, context)
    json.dumps(answer)  # the answer must be JSON, as Lambda returns it
    return answer


def _expected_result(event_file: Path) -> str:
    if event_file.stem.startswith("validate_ok"):
        return "OK"
    if event_file.stem.startswith("validate_broken"):
        return "FAIL"
    raise AssertionError(f"{event_file.name}: name sample events validate_ok* or validate_broken*")


def _assert_diagnostics_shape(diagnostics: list[dict[str, Any]]) -> None:
    for diagnostic in diagnostics:
        assert set(diagnostic) >= {"code", "message", "pointer"}, diagnostic
        assert diagnostic["code"] and diagnostic["message"], diagnostic
        assert diagnostic["pointer"] == "" or diagnostic["pointer"].startswith("/"), diagnostic


def test_both_sample_events_exist() -> None:
    names = {path.name for path in EVENTS}
    assert {"validate_ok.json", "validate_broken.json"} <= names


@pytest.mark.parametrize("event_file", EVENTS, ids=lambda path: path.stem)
def test_sample_event(app: ModuleType, lambda_context: Any, event_file: Path) -> None:
    event = json.loads(event_file.read_text(encoding="utf-8"))
    answer = _invoke(app, event, lambda_context)

    assert answer["result"] == _expected_result(event_file), answer
    _assert_diagnostics_shape(answer["diagnostics"])
    if answer["result"] == "OK":
        assert answer["diagnostics"] == []
    else:
        assert answer["diagnostics"], answer


def test_broken_event_points_at_the_dangling_next(app: ModuleType, lambda_context: Any) -> None:
    event = json.loads((REPO / "events" / "validate_broken.json").read_text(encoding="utf-8"))
    answer = _invoke(app, event, lambda_context)

    assert answer["result"] == "FAIL"
    found = {(d["code"], d["pointer"]) for d in answer["diagnostics"]}
    assert ("MISSING_TRANSITION_TARGET", "/States/Greet/Next") in found, answer
    assert ("UNREACHABLE_STATE", "/States/Done") in found, answer


@pytest.mark.parametrize("as_text", [json.dumps, yaml.safe_dump], ids=["json-text", "yaml-text"])
def test_definition_as_text(app: ModuleType, lambda_context: Any, as_text: Any) -> None:
    for name, expected in [("validate_ok.json", "OK"), ("validate_broken.json", "FAIL")]:
        definition = json.loads((REPO / "events" / name).read_text(encoding="utf-8"))["definition"]
        answer = _invoke(app, {"definition": as_text(definition)}, lambda_context)
        assert answer["result"] == expected, (name, answer)
        _assert_diagnostics_shape(answer["diagnostics"])


def test_unparseable_text_fails_with_diagnostics(app: ModuleType, lambda_context: Any) -> None:
    answer = _invoke(app, {"definition": '{"StartAt": "A", "States": {'}, lambda_context)

    assert answer["result"] == "FAIL", answer
    assert answer["diagnostics"], answer
    _assert_diagnostics_shape(answer["diagnostics"])


@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({}, "definition"),
        ({"definition": None}, "definition"),
        ({"definition": 42}, "definition"),
        ({"definition": ["StartAt"]}, "definition"),
        ({"defintion": {"StartAt": "A", "States": {}}}, "defintion"),
        ({"definition": {"StartAt": "A", "States": {}}, "maxResults": 10}, "maxResults"),
        ("just a string", "(event)"),
        (None, "(event)"),
        ([{"definition": {}}], "(event)"),
    ],
    ids=[
        "empty",
        "null",
        "number",
        "array",
        "misspelt",
        "unknown-field",
        "string",
        "null-event",
        "list-event",
    ],
)
def test_malformed_event_is_a_clear_error(
    app: ModuleType, lambda_context: Any, event: Any, field: str
) -> None:
    answer = _invoke(app, event, lambda_context)

    assert answer["error"] == "InvalidRequest", answer
    assert "result" not in answer
    assert field in [problem["field"] for problem in answer["fields"]], answer
    assert field in answer["message"], answer
    assert "Traceback" not in json.dumps(answer)
