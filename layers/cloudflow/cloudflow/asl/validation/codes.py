"""Diagnostic codes, named as Step Functions' ValidateStateMachineDefinition names them where it can."""

from __future__ import annotations

# The text is not JSON (or YAML), or there is no text at all.
INVALID_JSON_DESCRIPTION = "INVALID_JSON_DESCRIPTION"
MISSING_DESCRIPTION = "MISSING_DESCRIPTION"
# A field is missing, misplaced, of the wrong type or out of range.
SCHEMA_VALIDATION_FAILED = "SCHEMA_VALIDATION_FAILED"
# StartAt, Next, Default or a Catcher's Next names no state of its scope.
MISSING_TRANSITION_TARGET = "MISSING_TRANSITION_TARGET"
UNREACHABLE_STATE = "UNREACHABLE_STATE"
# A scope where no state can end the run.
MISSING_END_STATE = "MISSING_END_STATE"
DUPLICATE_STATE_NAME = "DUPLICATE_STATE_NAME"
INVALID_STATE_NAME = "INVALID_STATE_NAME"
INVALID_RESOURCE = "INVALID_RESOURCE"
INVALID_JSON_PATH = "INVALID_JSON_PATH"
INVALID_INTRINSIC = "INVALID_INTRINSIC"
# Valid ASL that the engine's model cannot hold yet (JSONata expressions in numeric fields).
UNSUPPORTED_BY_ENGINE = "UNSUPPORTED_BY_ENGINE"
