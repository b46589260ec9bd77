"""The array intrinsics: Array, ArrayPartition, ArrayContains, ArrayRange, ArrayGetItem,
ArrayLength and ArrayUnique.

Sizes and indexes are truncated toward zero (Java `intValue`), not rounded: AWS gives
ArrayPartition(a, 2.6) chunks of 2 and rejects a chunk size of 0.6.
"""

from __future__ import annotations

from typing import Any

from cloudflow.core.dataflow.intrinsics.invocation import Invocation
from cloudflow.core.dataflow.intrinsics.java_hash_set import java_hash_set_order
from cloudflow.core.dataflow.intrinsics.java_text import java_string

ARRAY_RANGE_LIMIT = 1000


def array(call: Invocation) -> list[Any]:
    """States.Array(values...): the arguments as an array."""
    return list(call.args)


def array_partition(call: Invocation) -> list[list[Any]]:
    """States.ArrayPartition(array, size): consecutive chunks of `size`, the last one shorter."""
    call.expect_count(2)
    items = call.array(0)
    size = call.truncated_int(1)
    if size < 1:
        raise call.invalid()
    return [items[start : start + size] for start in range(0, len(items), size)]


def array_contains(call: Invocation) -> bool:
    """States.ArrayContains(array, value): whether an element matches the value."""
    call.expect_count(2)
    items = call.array(0)
    # AWS compares the Java text forms, so key order counts and true matches "true".
    wanted = java_string(call.args[1])
    return any(java_string(item) == wanted for item in items)


def array_range(call: Invocation) -> list[int]:
    """States.ArrayRange(start, end, step): start to end inclusive, at most 1000 items."""
    call.expect_count(3)
    start, end, step = (call.truncated_int(i) for i in range(3))
    if step == 0:
        raise call.invalid()
    count = (end - start) // step + 1 if (end - start) * step >= 0 else 0
    if count > ARRAY_RANGE_LIMIT:
        raise call.invalid()
    return [start + i * step for i in range(count)]


def array_get_item(call: Invocation) -> Any:
    """States.ArrayGetItem(array, index): the element at a zero-based index."""
    call.expect_count(2)
    items = call.array(0)
    index = call.truncated_int(1)
    if not items:
        return None  # AWS answers null, not a failure, for any index into an empty array.
    if not 0 <= index < len(items):
        raise call.invalid()
    return items[index]


def array_length(call: Invocation) -> int:
    """States.ArrayLength(array): the number of elements."""
    call.expect_count(1)
    return len(call.array(0))


def array_unique(call: Invocation) -> list[Any]:
    """States.ArrayUnique(array): distinct elements, in AWS's (Java HashSet) order."""
    call.expect_count(1)
    return java_hash_set_order(call.array(0))
