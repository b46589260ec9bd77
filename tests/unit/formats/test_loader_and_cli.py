"""The loader hook and the CLI: `cloudflow convert`, and `run` / `validate` on CloudFlow definitions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cloudflow.asl.loader import load_state_machine
from cloudflow.asl.validation import codes
from cloudflow.cli import main
from cloudflow.errors import InvalidDefinitionError
from cloudflow.formats import converted_definition_problems, to_asl
from cloudflow.formats.diagnostics import NO_ASL_COUNTERPART
from tests.unit.formats.converted import document

CLOUDFLOW = """\
Type: StateMachine
Name: hello
SpecVersion: v1
StartAt: Greet
States:
  - Type: Pass
    Name: Greet
    OutputConstructor:
      greeting.$: format("hello {}", $Input.name)
    End: true
"""
FDL = """\
version: v1
type: flow
steps:
  - type: pass
    name: greet
    outputMappings:
      - target: greeting
        source: hello
"""
BROKEN = """\
Type: StateMachine
Name: broken
SpecVersion: v1
StartAt: Ask
States:
  - Name: Ask
    Type: Task
    Action: HTTP:Request
    TaskMode: Later
    End: true
"""


def test_the_loader_accepts_both_formats_as_yaml_and_as_json() -> None:
    assert set(load_state_machine(CLOUDFLOW).states) == {"Greet"}
    assert "greet" in load_state_machine(json.dumps(document(FDL))).states
    assert set(load_state_machine(document(CLOUDFLOW)).states) == {"Greet"}  # an already parsed document


def test_the_loader_reports_conversion_problems_with_pointers_into_the_original() -> None:
    with pytest.raises(InvalidDefinitionError) as raised:
        load_state_machine(BROKEN)
    assert {(d.pointer, d.code) for d in raised.value.diagnostics} == {
        ("/States/0/Action", NO_ASL_COUNTERPART), ("/States/0/TaskMode", codes.SCHEMA_VALIDATION_FAILED)}


def test_problems_of_the_generated_asl_point_at_the_whole_document_and_say_where() -> None:
    asl, _ = to_asl(document(CLOUDFLOW))
    asl["States"]["Greet"]["Parameters"]["greeting.$"] = "States.Nope()"
    from cloudflow.asl.validate import validate_definition

    restated = converted_definition_problems(validate_definition(asl))
    assert restated and all(d.pointer == "" for d in restated)
    assert restated[0].message.startswith("In the converted ASL definition, at /States/Greet/Parameters")


def test_convert_prints_the_asl_as_indented_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flow = tmp_path / "flow.yaml"
    flow.write_text(CLOUDFLOW)
    assert main(["convert", str(flow), "--to", "asl"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out)["States"]["Greet"]["Parameters"] == {"greeting.$": "States.Format('hello {}', $.name)"}
    assert out.startswith('{\n  "Comment"')


def test_convert_reports_problems_one_per_line_and_exits_2(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    flow = tmp_path / "broken.yaml"
    flow.write_text(BROKEN)
    assert main(["convert", str(flow), "--to", "asl"]) == 2
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{flow}: 2 problem(s)"
    assert any(line.startswith("  /States/0/Action: Action 'HTTP:Request' has no counterpart")
               and line.endswith("[NO_ASL_COUNTERPART]") for line in lines)
    assert any(line.startswith("  /States/0/TaskMode: ") for line in lines)


def test_convert_reports_syntax_errors_without_a_trace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flow = tmp_path / "bad.yaml"
    flow.write_text("steps: [unclosed\n")
    assert main(["convert", str(flow)]) == 2
    assert "Invalid JSON or YAML" in capsys.readouterr().err


def test_run_and_validate_accept_both_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name, text in (("v1.yaml", CLOUDFLOW), ("fdl.yaml", FDL)):
        flow = tmp_path / name
        flow.write_text(text)
        assert main(["validate", str(flow)]) == 0
        assert main(["run", str(flow), "--input", '{"name": "ana"}', "--json"]) == 0
        result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        assert json.loads(result["output"]) in ({"greeting": "hello ana"}, {"greeting": "hello"})
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN)
    assert main(["validate", str(broken), "--json"]) == 2
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert {d["pointer"] for d in report["diagnostics"]} == {"/States/0/Action", "/States/0/TaskMode"}
