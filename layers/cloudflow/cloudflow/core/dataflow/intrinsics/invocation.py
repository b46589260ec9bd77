"""One call being evaluated: its argument values, and the checks every function shares."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from cloudflow.core.dataflow.intrinsics.syntax import IntrinsicCall
from cloudflow.core.dataflow.scope import Scope

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1


class IntrinsicError(Exception):
    """A call failed at run time; `detail` is the part of the cause after the function text."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(detail)


@dataclass(frozen=True, slots=True)
class Invocation:
    """A call with its arguments already evaluated, left to right."""

    call: IntrinsicCall
    args: list[Any]
    scope: Scope

    def invalid(self) -> IntrinsicError:
        """The failure Step Functions reports for any argument it rejects."""
        return IntrinsicError(f"Invalid arguments in {self.call.name}")

    def expect_count(self, low: int, high: int | None = None) -> None:
        """Fail unless there are `low` (or `low`..`high`) arguments."""
        count = len(self.args)
        if count < low or count > (low if high is None else high):
            raise self.invalid()

    def array(self, index: int) -> list[Any]:
        """Argument `index`, which must be a JSON array."""
        value = self.args[index]
        if not isinstance(value, list):
            raise self.invalid()
        return value

    def string(self, index: int) -> str:
        """Argument `index`, which must be a JSON string."""
        value = self.args[index]
        if not isinstance(value, str):
            raise self.invalid()
        return value

    def number(self, index: int) -> int | float:
        """Argument `index`, which must be a finite JSON number (booleans are not numbers)."""
        value = self.args[index]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.invalid()
        if isinstance(value, float) and not math.isfinite(value):
            raise self.invalid()
        return value

    def truncated_int(self, index: int) -> int:
        """Argument `index` as a Java int: fractions truncated toward zero, as AWS does for sizes."""
        value = int(self.number(index))
        if not INT32_MIN <= value <= INT32_MAX:
            raise self.invalid()
        return value
