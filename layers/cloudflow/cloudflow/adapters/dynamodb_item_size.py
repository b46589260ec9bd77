"""DynamoDB's item sizes, by its documented rules, and the capacity units a write or a read of an item costs.

An item's size is the sum of its attribute names and values: strings and binaries by their bytes, numbers
1 byte per 2 significant digits plus 1, booleans and nulls 1 byte, lists and maps 3 bytes plus 1 byte per
element (and, in a map, each element's name). A write costs one unit per started kilobyte, a strongly
consistent read one per started 4 KB (developer guide: "Item sizes and formats", "Read/write capacity mode").
"""

from __future__ import annotations

import math
import re
from typing import Any

WRITE_UNIT_BYTES = 1024
READ_UNIT_BYTES = 4096


def _number_size(text: str) -> int:
    digits = re.sub(r"[^0-9]", "", text.split("e")[0].split("E")[0]).strip("0") or "0"
    return math.ceil(len(digits) / 2) + 1


def value_size(value: dict[str, Any]) -> int:
    """Bytes of one typed attribute value (`{"S": ...}`, `{"M": ...}`, ...)."""
    (kind, data), = value.items()
    if kind == "S":
        return len(data.encode())
    if kind == "B":
        return len(data)
    if kind == "N":
        return _number_size(data)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(s.encode()) for s in data)
    if kind == "NS":
        return sum(_number_size(n) for n in data)
    if kind == "BS":
        return sum(len(b) for b in data)
    if kind == "L":
        return 3 + sum(1 + value_size(v) for v in data)
    return 3 + sum(1 + len(k.encode()) + value_size(v) for k, v in data.items())  # "M"


def item_size(item: dict[str, Any]) -> int:
    """Bytes of an item in the low-level (typed) form boto3's client takes."""
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def units(size: int, block: int) -> int:
    """Capacity units for `size` bytes in blocks of `block` (at least one)."""
    return max(1, math.ceil(size / block))
