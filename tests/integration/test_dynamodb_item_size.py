"""DynamoDB's item-size rules, which decide whether a history tail rides on a unit record's write (and which the
cost benchmark bills by), checked against the rules as the developer guide states them."""

from __future__ import annotations

from typing import Any

import pytest

from cloudflow.adapters.dynamodb_item_size import item_size, units


@pytest.mark.parametrize(("item", "size"), [
    ({"pk": {"S": "abc"}}, 2 + 3),
    ({"pk": {"S": "é"}}, 2 + 2),  # strings count their UTF-8 bytes
    ({"b": {"B": b"\x00\x01\x02"}}, 1 + 3),
    ({"n": {"N": "123"}}, 1 + 3),  # numbers: 1 byte per 2 significant digits, plus 1
    ({"n": {"N": "-0.00012300"}}, 1 + 3),  # leading and trailing zeros are not significant
    ({"t": {"BOOL": True}, "z": {"NULL": True}}, 2 + 2),
    ({"m": {"M": {"a": {"S": "xy"}}}}, 1 + 3 + 1 + 1 + 2),  # maps: 3 bytes, 1 per element, names and values
    ({"l": {"L": [{"N": "1"}, {"BOOL": False}]}}, 1 + 3 + (1 + 2) + (1 + 1)),
])
def test_an_items_size_follows_dynamodbs_rules(item: dict[str, Any], size: int) -> None:
    assert item_size(item) == size


def test_capacity_units_are_started_blocks() -> None:
    assert [units(size, 1024) for size in (0, 1, 1024, 1025, 4096)] == [1, 1, 1, 2, 4]
    assert [units(size, 4096) for size in (1, 4096, 4097)] == [1, 1, 2]
