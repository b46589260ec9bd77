"""Recognising Lambda task resources: bare function ARNs and the `lambda:invoke` integration."""

from __future__ import annotations

import re

# arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]; partitions: aws, aws-cn, aws-us-gov, ...
_FUNCTION_ARN = re.compile(r"^arn:aws[a-z-]*:lambda:[^:]*:[^:]*:function:(?P<name>[^:]+)(?::[^:]+)?$")
# FunctionName may also be "ACCOUNT:function:NAME[:QUALIFIER]" or "NAME[:QUALIFIER]" (Lambda Invoke API).
_PARTIAL_ARN = re.compile(r"^[0-9]{12}:function:(?P<name>[^:]+)(?::[^:]+)?$")
_NAME_WITH_QUALIFIER = re.compile(r"^(?P<name>[^:]+)(?::[^:]+)?$")

_LAMBDA_INVOKE = re.compile(r"^arn:aws[a-z-]*:states:::lambda:invoke(?:\.waitForTaskToken)?$")


def is_lambda_function_arn(resource: str) -> bool:
    """Whether a Task's Resource is a bare Lambda function ARN (not the `lambda:invoke` integration)."""
    return _FUNCTION_ARN.match(resource) is not None


def is_lambda_invoke(resource: str) -> bool:
    """Whether a Task's Resource is the optimised `arn:aws:states:::lambda:invoke` integration."""
    return _LAMBDA_INVOKE.match(resource) is not None


def lambda_function_name(reference: str) -> str | None:
    """The function name in a function ARN, partial ARN or `name[:qualifier]`; None if it is none of them."""
    for pattern in (_FUNCTION_ARN, _PARTIAL_ARN, _NAME_WITH_QUALIFIER):
        found = pattern.match(reference)
        if found:
            return found.group("name")
    return None
