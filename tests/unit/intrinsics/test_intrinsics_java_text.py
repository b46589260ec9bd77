"""Java's text forms of JSON values, which intrinsic results reproduce."""

from __future__ import annotations

from typing import Any

import pytest

from cloudflow.core.dataflow.intrinsics.java_text import jackson_json, java_double, java_string


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1.1, "1.1"),
        (2.0, "2.0"),
        (-0.0, "-0.0"),
        (0.001, "0.001"),
        (0.0001, "1.0E-4"),
        (1234567.5, "1234567.5"),
        (1e7, "1.0E7"),
        (12345678.9, "1.23456789E7"),
        (1e20, "1.0E20"),
        (-1.5e-10, "-1.5E-10"),
        (100.0, "100.0"),
        (0.1 + 0.2, "0.30000000000000004"),
    ],
)
def test_java_double_matches_double_to_string(number: float, text: str) -> None:
    assert java_double(number) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("plain", "plain"),
        (None, "null"),
        (True, "true"),
        (7, "7"),
        (12345678901234567890, "12345678901234567890"),
        ({"a": 1, "b": [None, "x"], "c": {}}, "{a=1, b=[null, x], c={}}"),
        ([], "[]"),
    ],
)
def test_java_string_matches_string_value_of(value: Any, text: str) -> None:
    assert java_string(value) == text


def test_jackson_json_is_compact_and_keeps_non_ascii() -> None:
    assert (
        jackson_json({"a": [1, 2.5, None], "é": "ü\t", "n": 1e21})
        == '{"a":[1,2.5,null],"é":"ü\\t","n":1.0E21}'
    )
