"""Type rules and orderings of the comparison operators, beyond the AWS recordings."""

from __future__ import annotations

from typing import Any

import pytest

from cloudflow.core.choice import compile_choice_rule
from cloudflow.core.dataflow.scope import Scope
from cloudflow.core.seeded_random import SeededRandom


def evaluate(raw: dict[str, Any], value: Any) -> bool:
    scope = Scope(input={"v": value}, context={}, draws=SeededRandom("seed"))
    return compile_choice_rule({"Variable": "$.v", **raw}).evaluate(scope)


@pytest.mark.parametrize(
    ("raw", "value", "matched"),
    [
        ({"NumericEquals": 1}, 1.0, True),
        ({"NumericEquals": 1.5}, 1.5, True),
        ({"NumericEquals": 1}, True, False),
        ({"NumericEquals": 0}, False, False),
        ({"NumericEquals": 1}, "1", False),
        ({"NumericGreaterThan": 1}, 10**30, True),
        ({"NumericLessThan": 0}, -0.5, True),
        ({"NumericLessThanEquals": 2}, 2.0, True),
        ({"NumericGreaterThanEquals": 2}, 1.999, False),
        ({"BooleanEquals": False}, 0, False),
        ({"BooleanEquals": True}, "true", False),
        ({"StringEquals": "1"}, 1, False),
        ({"StringGreaterThan": "a"}, 2, False),
        ({"StringLessThan": "b"}, "a", True),
        ({"StringLessThan": "a"}, "B", True),  # code-unit order: capitals first
        ({"StringGreaterThanEquals": "abc"}, "abc", True),
        ({"StringLessThanEquals": "abc"}, "abd", False),
    ],
)
def test_comparisons(raw: dict[str, Any], value: Any, matched: bool) -> None:
    assert evaluate(raw, value) is matched


def test_string_ordering_follows_utf16_code_units_like_java() -> None:
    # U+1F600 is the pair D83D DE00 in UTF-16, so it sorts before U+FF01 in Java (and in AWS).
    assert evaluate({"StringLessThan": "\uff01"}, "\U0001f600") is True
    assert evaluate({"StringGreaterThan": "\U0001f600"}, "\uff01") is True
    assert evaluate({"StringEquals": "\U0001f600"}, "\U0001f600") is True
    assert evaluate({"StringLessThanEquals": "\U0001f600"}, "\U0001f600") is True


@pytest.mark.parametrize(
    ("raw", "value", "matched"),
    [
        ({"TimestampEquals": "2016-03-14T01:59:00Z"}, "2016-03-14T02:59:00+01:00", True),
        ({"TimestampEquals": "2016-03-14T01:59:00Z"}, "2016-03-14T01:59:00.000Z", True),
        ({"TimestampLessThan": "2016-03-14T01:59:00Z"}, "2016-03-14T01:59:00.000000001Z", False),
        ({"TimestampGreaterThan": "2016-03-14T01:59:00Z"}, "2016-03-14T01:59:00.000000001Z", True),
        ({"TimestampLessThanEquals": "2016-03-14T01:59:00Z"}, "2016-03-13T23:59:59-02:00", False),
        ({"TimestampGreaterThanEquals": "2016-03-14T01:59:00Z"}, "2016-03-14T01:59:00", False),
        ({"TimestampEquals": "2016-03-14T01:59:00Z"}, 1457920740, False),
    ],
)
def test_timestamp_comparisons_use_instants(raw: dict[str, Any], value: Any, matched: bool) -> None:
    assert evaluate(raw, value) is matched


@pytest.mark.parametrize(
    ("value", "matched"),
    [
        ("2016-03-14T01:59:00Z", True),
        ("2012-10-09T19:00:55+01:00", True),
        ("2012-10-09T19:00:55", False),
        ("2023-02-24", False),
        ("2023-02-24 12:15:56.832957", False),
        (1457920740, False),
        (None, False),
    ],
)
def test_is_timestamp(value: Any, matched: bool) -> None:
    assert evaluate({"IsTimestamp": True}, value) is matched
    assert evaluate({"IsTimestamp": False}, value) is not matched


@pytest.mark.parametrize(
    ("pattern", "value", "matched"),
    [
        ("*.log", "audit.log", True),
        ("*.log", "audit.log.gz", False),
        ("log-*.txt", "log-2024.txt", True),
        ("a*b*c", "abc", True),
        ("a*b*c", "acb", False),
    ],
)
def test_string_matches(pattern: str, value: Any, matched: bool) -> None:
    assert evaluate({"StringMatches": pattern}, value) is matched


def test_string_matches_never_matches_a_non_string() -> None:
    assert evaluate({"StringMatches": "*"}, 1) is False
    assert evaluate({"StringMatches": "*"}, None) is False
