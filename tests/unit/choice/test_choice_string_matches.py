"""StringMatches patterns: `*` wildcards and backslash escapes."""

from __future__ import annotations

import pytest

from cloudflow.core.choice.string_matches import compile_wildcard


@pytest.mark.parametrize(
    ("pattern", "value", "matched"),
    [
        ("", "", True),
        ("", "a", False),
        ("*", "", True),
        ("*", "anything at all\n", True),
        ("abc", "abc", True),
        ("abc", "abcd", False),
        ("a*", "a", True),
        ("*a", "ba", True),
        ("*a", "ab", False),
        ("a**b", "ab", True),
        ("a*a", "a", False),  # prefix and suffix may not overlap
        ("a*b*a", "aba", True),
        ("*x*y*", "..x..y..", True),
        ("*x*y*", "..y..x..", False),
        ("log-*.txt", "log-2024-01.txt", True),
        (r"\*", "*", True),
        (r"\*", "a", False),
        (r"a\*b", "a*b", True),
        (r"a\*b", "axb", False),
        (r"\\*", "\\", True),  # escaped backslash, then a wildcard
        (r"\\*", "\\abc", True),
        (r"\\", "\\", True),
        (r"a\\\*", "a\\*", True),
        ("a?", "a?", True),  # only `*` is special
        ("[ab]", "[ab]", True),
        ("x.*", "x.yz", True),
        ("x.*", "xyz", False),
    ],
)
def test_wildcard_matching(pattern: str, value: str, matched: bool) -> None:
    assert compile_wildcard(pattern).matches(value) is matched


def test_a_trailing_backslash_is_literal() -> None:
    assert compile_wildcard("a\\").matches("a\\") is True


def test_many_wildcards_do_not_backtrack() -> None:
    pattern = compile_wildcard("*a" * 30 + "*b")
    assert pattern.matches("a" * 10_000) is False
