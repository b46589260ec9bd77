"""Execution tags: `{"key", "value"}` pairs given at start, checked by the rules AWS applies to tags.

A key is 1 to 128 characters, a value 0 to 256, both of Unicode letters, digits, separators (spaces) and
`_ . : / = + - @`; keys are unique, at most MAX_TAGS, and none starts with `aws:` (reserved for AWS).
The execution keeps them in order; two starts carry the same tags when they pair the same keys with the
same values, in any order (tags are a set keyed by key, as AWS treats them).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from cloudflow.errors import InvalidInputError

MAX_TAGS = 50
MAX_KEY_CHARS = 128
MAX_VALUE_CHARS = 256
RESERVED_PREFIX = "aws:"
_PUNCTUATION = frozenset("_.:/=+-@")


@dataclass(frozen=True)
class ExecutionTag:
    """One tag of an execution."""

    key: str
    value: str = ""


def _allowed(text: str) -> bool:
    """Whether every character is one AWS allows in tags (letters, digits, separators, `_.:/=+-@`)."""
    return all(ch in _PUNCTUATION or unicodedata.category(ch)[0] in "LNZ" for ch in text)


def key_problem(key: str) -> str | None:
    """What is wrong with a tag key, or None when AWS would accept it."""
    if not 1 <= len(key) <= MAX_KEY_CHARS:
        return f"must be 1 to {MAX_KEY_CHARS} characters"
    if not _allowed(key):
        return "may hold only letters, digits, spaces and _ . : / = + - @"
    if key.lower().startswith(RESERVED_PREFIX):
        return f"must not start with {RESERVED_PREFIX!r} (reserved for AWS)"
    return None


def value_problem(value: str) -> str | None:
    """What is wrong with a tag value, or None when AWS would accept it."""
    if len(value) > MAX_VALUE_CHARS:
        return f"must be at most {MAX_VALUE_CHARS} characters"
    if not _allowed(value):
        return "may hold only letters, digits, spaces and _ . : / = + - @"
    return None


def check_tags(tags: Sequence[ExecutionTag]) -> tuple[ExecutionTag, ...]:
    """The tags as given, once they are valid.

    Raises:
        InvalidInputError: too many tags, a bad or repeated key, a bad value (naming it: `tags.2.key`).
    """
    if len(tags) > MAX_TAGS:
        raise InvalidInputError("tags", f"at most {MAX_TAGS} tags")
    seen: set[str] = set()
    for index, tag in enumerate(tags):
        problem = key_problem(tag.key)
        if problem is None and tag.key in seen:
            problem = f"tag {tag.key!r} is given twice"
        if problem is not None:
            raise InvalidInputError(f"tags.{index}.key", problem)
        seen.add(tag.key)
        problem = value_problem(tag.value)
        if problem is not None:
            raise InvalidInputError(f"tags.{index}.value", f"tag {tag.key!r}: {problem}")
    return tuple(tags)


def tags_to_attr(tags: Sequence[ExecutionTag]) -> list[list[str]] | None:
    """The tags as the execution record keeps them (`[[key, value], ...]`, in order); None without tags."""
    return [[tag.key, tag.value] for tag in tags] or None


def tags_from_attr(stored: Any) -> tuple[ExecutionTag, ...]:
    """The tags `tags_to_attr` kept (none for a record without them)."""
    return tuple(ExecutionTag(str(key), str(value)) for key, value in stored or ())


def same_tags(one: Iterable[ExecutionTag], other: Iterable[ExecutionTag]) -> bool:
    """Whether both pair the same keys with the same values (order aside)."""
    return {t.key: t.value for t in one} == {t.key: t.value for t in other}
