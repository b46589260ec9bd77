"""Problems in CloudFlow (current format) definitions: every one reported at once, pointing into the document."""

from __future__ import annotations

import pytest

from cloudflow.asl.loader import load_state_machine
from cloudflow.errors import InvalidDefinitionError
from tests.unit.formats.converted import document, problems_of

ARN = "acs:fc:cn-hangzhou:123456789012:functions/work/LATEST"


def test_every_problem_is_reported_with_a_pointer_into_the_original_document() -> None:
    found = problems_of(f"""
        Type: StateMachine
        Name: broken
        SpecVersion: v1
        StartAt: Work
        States:
          - Name: Work
            Type: Task
            Action: FC:InvokeFunction
            TaskMode: WaitForever
            Parameters:
              resourceArn: {ARN}
            Next: Route
          - Name: Route
            Type: Choice
            Branches:
              - Condition: $Input.ok == true
                Next: Nowhere
          - Name: Bill
            Type: Task
            Action: ECS:DescribeInstances
            Parameters:
              RegionId: cn-hangzhou
            End: true
          - Name: Odd
            Type: Teleport
    """)
    assert found == {
        "/States/0/TaskMode": "SCHEMA_VALIDATION_FAILED",          # unknown TaskMode
        "/States/1": "SCHEMA_VALIDATION_FAILED",                   # Choice without Default
        "/States/1/Branches/0/Next": "MISSING_TRANSITION_TARGET",  # bad target
        "/States/2/Action": "NO_ASL_COUNTERPART",                  # unsupported action
        "/States/2": "UNREACHABLE_STATE",
        "/States/3/Type": "SCHEMA_VALIDATION_FAILED",              # unknown state type
    }


def test_messages_name_what_is_wrong() -> None:
    with pytest.raises(InvalidDefinitionError) as raised:
        load_state_machine("""
Type: StateMachine
Name: broken
SpecVersion: v1
StartAt: Route
States:
  - Name: Bill
    Type: Task
    Action: DashScope:QwenTextGeneration
    TaskMode: Sometimes
    End: true
  - Name: Route
    Type: Choice
    Branches:
      - Condition: $Input.ok == true
        Next: Bill
""")
    messages = {d.pointer: d.message for d in raised.value.diagnostics}
    assert set(messages) == {"/States/0/Action", "/States/0/TaskMode", "/States/1"}
    assert "DashScope:QwenTextGeneration" in messages["/States/0/Action"]
    assert "no counterpart in CloudFlow's ASL runtime" in messages["/States/0/Action"]
    assert "RequestComplete, WaitForSystemCallback, WaitForCustomCallback" in messages["/States/0/TaskMode"]
    assert "needs Default" in messages["/States/1"]


@pytest.mark.parametrize(("state", "pointer", "code"), [
    ("""
  - Name: S
    Type: Pass
    OutputConstructor:
      x.$: $Global.counter
    End: true""", "/States/0/OutputConstructor/x.$", "NO_ASL_COUNTERPART"),
    ("""
  - Name: S
    Type: Pass
    OutputConstructor:
      x.$: mapKeys($Input)
    End: true""", "/States/0/OutputConstructor/x.$", "NO_ASL_COUNTERPART"),
    ("""
  - Name: S
    Type: Pass
    InputConstructor:
      x.$: $Input.a +
    End: true""", "/States/0/InputConstructor/x.$", "INVALID_EXPRESSION"),
    ("""
  - Name: S
    Type: Choice
    Branches:
      - Condition: '"vip" in $Input.tags'
        Next: S
    Default: S""", "/States/0/Branches/0/Condition", "NO_ASL_COUNTERPART"),
    ("""
  - Name: S
    Type: Map
    ItemsPath: $Input.files
    ItemReader:
      SourceType: OSS_OBJECTS
    Processor:
      StartAt: P
      States:
        - Name: P
          Type: Pass
          End: true
    End: true""", "/States/0/ItemReader", "NO_ASL_COUNTERPART"),
    ("""
  - Name: S
    Type: Map
    ItemsPath: $Input.files
    ToleratedFailureCount: 2
    Processor:
      StartAt: P
      States:
        - Name: P
          Type: Pass
          End: true
    End: true""", "/States/0/ToleratedFailureCount", "SCHEMA_VALIDATION_FAILED"),
    ("""
  - Name: S
    Type: Pass
    Next: S
    End: true""", "/States/0", "SCHEMA_VALIDATION_FAILED"),
    ("""
  - Name: S
    Type: Pass
    Result: 1
    End: true""", "/States/0/Result", "SCHEMA_VALIDATION_FAILED"),
    ("""
  - Name: S
    Type: Task
    Action: FC:InvokeFunction
    Parameters:
      resourceArn: arn:aws:lambda:us-east-1:1:function:f
    End: true""", "/States/0/Parameters/resourceArn", "SCHEMA_VALIDATION_FAILED"),
    ("""
  - Name: S
    Type: Task
    Action: FC:InvokeFunction
    Parameters:
      resourceArn: acs:fc:cn-hangzhou:1:functions/f
    Retry:
      - Errors: [FnF.ALL]
        MaxAttempts: 2
    End: true""", "/States/0/Retry/0", "SCHEMA_VALIDATION_FAILED"),
    ("""
  - Name: S
    Type: Task
    Action: FC:InvokeFunction
    Parameters:
      resourceArn: acs:fc:cn-hangzhou:1:functions/f
    Catch:
      - Errors: [FnF.ALL]
        Next: Elsewhere
    End: true""", "/States/0/Catch/0/Next", "MISSING_TRANSITION_TARGET"),
])
def test_one_problem(state: str, pointer: str, code: str) -> None:
    found = problems_of(f"Type: StateMachine\nName: t\nSpecVersion: v1\nStartAt: S\nStates:{state}\n")
    assert found.get(pointer) == code, found


def test_names_must_be_unique_across_branches() -> None:
    found = problems_of("""
        Type: StateMachine
        Name: t
        SpecVersion: v1
        StartAt: P
        States:
          - Name: P
            Type: Parallel
            Branches:
              - StartAt: P
                States:
                  - Name: P
                    Type: Pass
                    End: true
            End: true
    """)
    assert found == {"/States/0/Branches/0/States/0/Name": "DUPLICATE_STATE_NAME"}


def test_document_level_problems() -> None:
    found = problems_of("""
        Type: StateMachine
        SpecVersion: v2
        Owner: me
        States: []
    """)
    assert found == {"/SpecVersion": "SCHEMA_VALIDATION_FAILED", "/Owner": "SCHEMA_VALIDATION_FAILED",
                     "/States": "SCHEMA_VALIDATION_FAILED", "": "SCHEMA_VALIDATION_FAILED"}


def test_problems_never_raise_anything_but_the_definition_error() -> None:
    # Wrong types everywhere: still a list of problems, not a stack trace.
    broken = document("""
        Type: StateMachine
        SpecVersion: v1
        StartAt: 3
        States:
          - 7
          - Name: A
            Type: Task
            Parameters: [1]
            Retry: {x: 1}
            Catch: nope
            Timeout: soon
          - Name: B
            Type: Map
            ItemsPath: 12
            Processor: none
            MaxConcurrency: -1
            ItemConstructor: [1]
          - Name: C
            Type: Choice
            Branches: [1, {Condition: 5}]
            Default: []
          - Name: D
            Type: Wait
            Seconds.$: uuid()
          - Name: E
            Type: Fail
            Code: [1]
    """)
    with pytest.raises(InvalidDefinitionError) as raised:
        load_state_machine(broken)
    assert len(raised.value.diagnostics) > 10
