"""The math intrinsics: States.MathAdd and States.MathRandom."""

from __future__ import annotations

import math
from decimal import Decimal

from cloudflow.core.dataflow.intrinsics.invocation import INT32_MAX, INT32_MIN, Invocation
from cloudflow.core.seeded_random import SeededRandom

_HALF = Decimal("0.5")


def math_add(call: Invocation) -> int:
    """States.MathAdd(a, b): the sum of the two numbers rounded to ints; it must fit in an int."""
    call.expect_count(2)
    total = _rounded_int32(call, 0) + _rounded_int32(call, 1)
    if not INT32_MIN <= total <= INT32_MAX:
        raise call.invalid()
    return total


def _rounded_int32(call: Invocation, index: int) -> int:
    number = call.number(index)
    if isinstance(number, float):
        # Java's Math.round: halves go up (-1.5 gives -1), computed exactly, not in floating point.
        number = math.floor(Decimal(number) + _HALF)
    if not INT32_MIN <= number <= INT32_MAX:
        raise call.invalid()
    return number


def math_random(call: Invocation) -> int:
    """States.MathRandom(start, end[, seed]): an int with start <= n < end.

    Bounds are truncated to ints (AWS draws from [1, 5) for 1.6 and 5.4). With a seed the result
    depends on the seed alone, so equal seeds give equal numbers; without one it is the next draw
    of the execution's seeded source, so a replay draws it again.
    """
    call.expect_count(2, 3)
    start = call.truncated_int(0)
    end = call.truncated_int(1)
    if start >= end:
        raise call.invalid()
    if len(call.args) == 3:
        seed = call.truncated_int(2)
        return SeededRandom(seed=str(seed)).next_int(start, end - 1)
    return call.scope.draws.next_int(start, end - 1)
