"""Problems in legacy FDL flows: every one reported at once, pointing into the FDL document."""

from __future__ import annotations

import pytest

from cloudflow.asl.loader import load_state_machine
from cloudflow.errors import InvalidDefinitionError
from tests.unit.formats.converted import problems_of

FC = "acs:fc:cn-hangzhou:123456789012:services/shop/functions/f"


def test_every_problem_is_reported_with_a_pointer_into_the_flow() -> None:
    found = problems_of(f"""
        version: v1
        type: flow
        steps:
          - type: task
            name: first
            resourceArn: {FC}
            pattern: fireAndForget
            inputMappings:
              - target: id
                source: $input.id
              - target: token
                source: $context.execution.secret
          - type: choice
            name: route
            choices:
              - condition: $.id == 1
                goto: nowhere
          - type: teleport
            name: odd
          - type: task
            name: notify
            resourceArn: acs:mns:cn-hangzhou:123456789012:/queues/orders/messages
            catch:
              - errors: [FnF.ALL]
                goto: missing
    """)
    assert found == {
        "/steps/0/pattern": "SCHEMA_VALIDATION_FAILED",                  # unknown pattern
        "/steps/0/inputMappings/1/source": "INVALID_EXPRESSION",          # bad mapping source
        "/steps/1/choices/0/goto": "MISSING_TRANSITION_TARGET",           # bad goto target
        "/steps/2/type": "SCHEMA_VALIDATION_FAILED",                      # unknown step type
        "/steps/3/resourceArn": "NO_ASL_COUNTERPART",                     # an MNS queue
        "/steps/3/catch/0/goto": "MISSING_TRANSITION_TARGET",
    }


def test_messages_name_what_is_wrong() -> None:
    with pytest.raises(InvalidDefinitionError) as raised:
        load_state_machine("""
version: v1
type: flow
steps:
  - type: task
    name: sub
    resourceArn: acs:fnf:::flow/child
  - type: loop
    name: spin
""")
    messages = {d.pointer: d.message for d in raised.value.diagnostics}
    assert "Serverless Workflow sub-flow" in messages["/steps/0/resourceArn"]
    assert "no counterpart in CloudFlow's ASL runtime" in messages["/steps/0/resourceArn"]
    assert "'loop' is not an FDL step type" in messages["/steps/1/type"]


@pytest.mark.parametrize(("steps", "pointer", "code"), [
    ("""
  - type: pass
    name: a
  - type: pass
    name: a""", "/steps/1/name", "DUPLICATE_STATE_NAME"),
    ("""
  - type: parallel
    name: p
    branches:
      - steps:
          - type: pass
            name: p""", "/steps/0/branches/0/steps/0/name", "DUPLICATE_STATE_NAME"),
    ("""
  - type: wait
    name: w""", "/steps/0", "SCHEMA_VALIDATION_FAILED"),
    ("""
  - type: wait
    name: w
    duration: $local.x""", "/steps/0/duration", "INVALID_EXPRESSION"),
    ("""
  - type: choice
    name: c
    choices:
      - condition: $.tags contains "x"
        goto: c""", "/steps/0/choices/0/condition", "INVALID_EXPRESSION"),
    ("""
  - type: foreach
    name: f
    iterationMapping:
      item: x
    steps: []""", "/steps/0/iterationMapping", "SCHEMA_VALIDATION_FAILED"),
    ("""
  - type: pass
    name: p
    outputMappings:
      - target: x
        source: $local.nothing""", "/steps/0/outputMappings", "INVALID_EXPRESSION"),
    ("""
  - type: pass
    name: p
    outputMappings:
      - source: 1""", "/steps/0/outputMappings/0", "SCHEMA_VALIDATION_FAILED"),  # no target: the mapping
    ("""
  - type: task
    name: t
    resourceArn: acs:fc:cn-hangzhou:1:functions/f
    errorMappings:
      - target: e
        source: $local.error""", "/steps/0/errorMappings", "SCHEMA_VALIDATION_FAILED"),
    ("""
  - type: task
    name: t
    resourceArn: acs:fc:cn-hangzhou:1:functions/f
    catch:
      - errors: [FnF.ALL]
        goto: t
    errorMappings:
      - target: e
        source: $local.stack""", "/steps/0/errorMappings/0/source", "INVALID_EXPRESSION"),
    ("""
  - type: task
    name: t
    resourceArn: acs:fc:cn-hangzhou:1:functions/f
    retry:
      - errors: []
        multiplier: 0.5""", "/steps/0/retry/0/multiplier", "SCHEMA_VALIDATION_FAILED"),
    ("""
  - type: succeed
    name: s
  - type: pass
    name: dead""", "/steps/1", "UNREACHABLE_STATE"),
])
def test_one_problem(steps: str, pointer: str, code: str) -> None:
    found = problems_of(f"version: v1\ntype: flow\nsteps:{steps}\n")
    assert found.get(pointer) == code, found


def test_flow_level_problems() -> None:
    assert problems_of("version: v2\ntype: flow\nsteps: []\nowner: me\n") == {
        "/version": "SCHEMA_VALIDATION_FAILED", "/owner": "SCHEMA_VALIDATION_FAILED"}
    # A missing field is reported at the object that lacks it: pointers always lead into the document.
    assert problems_of("version: v1\nsteps: {}\n") == {"": "SCHEMA_VALIDATION_FAILED",
                                                       "/steps": "SCHEMA_VALIDATION_FAILED"}


def test_wrong_types_everywhere_are_reported_not_raised() -> None:
    with pytest.raises(InvalidDefinitionError) as raised:
        load_state_machine("""
version: v1
type: flow
inputMappings: {a: 1}
steps:
  - 5
  - type: task
    name: t
    resourceArn: 7
    retry: nope
    catch: [3]
    inputMappings: [1, {target: 2}]
  - type: choice
    name: c
    choices: [1, {condition: 2}]
    default: []
  - type: parallel
    name: p
    branches: [1]
  - type: foreach
    name: f
    iterationMapping: [1]
  - type: fail
    name: x
    error: [1]
""")
    assert len(raised.value.diagnostics) > 10
