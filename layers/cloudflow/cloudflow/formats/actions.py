"""CloudFlow task targets (Function Compute actions and resource ARNs) -> ASL Task resources.

Function Compute invocations run as `arn:aws:states:::lambda:invoke` tasks, so the local runner, mock
configs (keyed by state name) and `--tasks` handlers (keyed by function name) answer them. FunctionName
is the function's name taken from its `acs:fc:...` ARN; the ARN itself goes into the state's Comment.
Every other action or resource (ECS:..., HTTP:Request, MNS queues, sub-flows) has no counterpart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"
LAMBDA_INVOKE_WITH_CALLBACK = "arn:aws:states:::lambda:invoke.waitForTaskToken"
FUNCTION_COMPUTE_ACTION = "FC:InvokeFunction"

# acs:fc:REGION:ACCOUNT:functions/NAME[/QUALIFIER]                  (Function Compute 3.0)
_FC3_ARN = re.compile(r"^acs:fc:[^:]*:[^:]*:functions/(?P<name>[^/]+)(?:/(?P<qualifier>[^/]+))?$")
# acs:fc:REGION:ACCOUNT:services/SERVICE[.QUALIFIER]/functions/NAME (Function Compute 2.0)
_FC2_ARN = re.compile(
    r"^acs:fc:[^:]*:[^:]*:services/(?P<service>[^/.]+)(?:\.(?P<qualifier>[^/]+))?/functions/(?P<name>[^/]+)$"
)
_UNQUALIFIED = frozenset({"LATEST", "$LATEST"})


@dataclass(frozen=True)
class FunctionArn:
    """A Function Compute function named by its ARN."""

    arn: str
    name: str
    qualifier: str | None

    @property
    def function_name(self) -> str:
        """FunctionName for lambda:invoke: `name`, or `name:qualifier` for a version or alias."""
        if self.qualifier is None or self.qualifier in _UNQUALIFIED:
            return self.name
        return f"{self.name}:{self.qualifier}"


def parse_function_arn(arn: str) -> FunctionArn | None:
    """The function an `acs:fc:` ARN names, or None when the text is no Function Compute function ARN."""
    for pattern in (_FC3_ARN, _FC2_ARN):
        found = pattern.match(arn)
        if found:
            return FunctionArn(arn, found.group("name"), found.group("qualifier"))
    return None


def unsupported_resource_message(arn: str) -> str:
    """Why a non-function resource ARN cannot run here, naming what it is."""
    kinds = {"acs:mns:": "a Message Service (MNS) queue", "acs:fnf:": "a Serverless Workflow sub-flow"}
    kind = next((k for prefix, k in kinds.items() if arn.startswith(prefix)), "this resource")
    return (f"resourceArn {arn!r} is {kind}, which has no counterpart in CloudFlow's ASL runtime; only "
            "Function Compute functions (acs:fc:...) are translated, as arn:aws:states:::lambda:invoke tasks.")


def unsupported_action_message(action: str) -> str:
    """Why a service action cannot run here, naming it."""
    return (f"Action {action!r} has no counterpart in CloudFlow's ASL runtime; only {FUNCTION_COMPUTE_ACTION} "
            "is translated, as an arn:aws:states:::lambda:invoke task.")
