"""Distinct values in the order a Java `HashSet` iterates them.

AWS answers States.ArrayUnique from a `java.util.HashSet` of plain Java objects, so its result
comes out in hash-bucket order, not first-seen order ([true, false, true] gives [false, true]).
This replays `new HashSet<>(list)`: Java's hash codes, bucket spreading, and table growth.
Not replayed: the tree bins Java builds once a single bucket holds more than 8 values in a table
of 64 or more, which would reorder only that bucket.
"""

from __future__ import annotations

import struct
from collections.abc import Hashable
from typing import Any

_INT32_MIN = -(2**31)
_INT32_MAX = 2**31 - 1
_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
_TREEIFY_THRESHOLD = 8
_MIN_TREEIFY_CAPACITY = 64


def java_hash_set_order(items: list[Any]) -> list[Any]:
    """The distinct items (Java equality) in Java HashSet iteration order."""
    capacity = _table_size_for(max(int(len(items) / 0.75) + 1, 16))
    buckets: list[list[tuple[Hashable, int, Any]]] = [[] for _ in range(capacity)]
    seen: set[Hashable] = set()
    size = 0
    for item in items:
        key = _java_equality_key(item)
        if key in seen:
            continue
        seen.add(key)
        spread = _spread(_java_hash(item))
        bucket = buckets[spread & (len(buckets) - 1)]
        bucket.append((key, spread, item))
        size += 1
        # HashMap grows instead of building a tree bin while the table is small,
        # and again whenever it passes three quarters full.
        if len(bucket) > _TREEIFY_THRESHOLD and len(buckets) < _MIN_TREEIFY_CAPACITY:
            buckets = _resized(buckets)
        if size > len(buckets) * 3 // 4:
            buckets = _resized(buckets)
    return [item for bucket in buckets for _, _, item in bucket]


def _table_size_for(wanted: int) -> int:
    size = 1
    while size < wanted:
        size *= 2
    return size


def _resized(buckets: list[list[tuple[Hashable, int, Any]]]) -> list[list[tuple[Hashable, int, Any]]]:
    # Java splits each bucket in two and keeps the relative order of its entries.
    grown: list[list[tuple[Hashable, int, Any]]] = [[] for _ in range(len(buckets) * 2)]
    for bucket in buckets:
        for entry in bucket:
            grown[entry[1] & (len(grown) - 1)].append(entry)
    return grown


def _spread(hash_code: int) -> int:
    unsigned = hash_code & 0xFFFFFFFF
    return unsigned ^ (unsigned >> 16)


def _int32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value > _INT32_MAX else value


def _java_hash(value: Any) -> int:
    """`Objects.hashCode` of the Java object that stands for this JSON value."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return 1231 if value else 1237
    if isinstance(value, str):
        units = value.encode("utf-16-le", "surrogatepass")
        code = 0
        for (unit,) in struct.iter_unpack("<H", units):
            code = (31 * code + unit) & 0xFFFFFFFF
        return _int32(code)
    if isinstance(value, int):
        return _integer_hash(value)
    if isinstance(value, float):
        (bits,) = struct.unpack(">q", struct.pack(">d", value))
        return _int32(bits ^ ((bits & 0xFFFFFFFFFFFFFFFF) >> 32))
    if isinstance(value, list):
        code = 1
        for item in value:
            code = _int32(31 * code + _java_hash(item))
        return code
    if isinstance(value, dict):
        total = 0
        for key, item in value.items():
            total = _int32(total + (_java_hash(key) ^ _java_hash(item)))
        return total
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def _integer_hash(value: int) -> int:
    # Jackson reads an integer as Integer, Long or BigInteger, whichever is the smallest that fits.
    if _INT32_MIN <= value <= _INT32_MAX:
        return value
    if _INT64_MIN <= value <= _INT64_MAX:
        unsigned = value & 0xFFFFFFFFFFFFFFFF
        return _int32(unsigned ^ (unsigned >> 32))
    magnitude = abs(value)
    words = [(magnitude >> shift) & 0xFFFFFFFF for shift in range(0, magnitude.bit_length(), 32)]
    code = 0
    for word in reversed(words):
        code = _int32(31 * code + word)
    return _int32(code * (1 if value > 0 else -1))


def _java_equality_key(value: Any) -> Hashable:
    """A key equal for two values exactly when their Java objects are `equals`."""
    if value is None:
        return ("null",)
    if isinstance(value, bool):
        return ("boolean", value)
    if isinstance(value, str):
        return ("string", value)
    if isinstance(value, int):
        return ("integer", value)
    if isinstance(value, float):
        # Double.equals compares bits: 0.0 and -0.0 differ, and 1.0 never equals Integer 1.
        return ("double", struct.pack(">d", value))
    if isinstance(value, list):
        return ("list", tuple(_java_equality_key(item) for item in value))
    if isinstance(value, dict):
        return ("map", frozenset((key, _java_equality_key(item)) for key, item in value.items()))
    raise TypeError(f"not a JSON value: {type(value).__name__}")
