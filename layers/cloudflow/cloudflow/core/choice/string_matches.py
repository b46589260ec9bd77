"""StringMatches patterns: `*` matches any run of characters, `\\*` and `\\\\` are literal.

A pattern is split once into the literal pieces between its wildcards; matching then checks the
first piece as a prefix, the last as a suffix and finds the others left to right. Taking the
leftmost place for each middle piece is always safe when `*` is the only wildcard, and unlike a
regular expression it never backtracks, so a hostile pattern cannot stall the engine.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class WildcardPattern:
    """A compiled StringMatches pattern; `pieces` are the literal runs around each `*`."""

    text: str
    pieces: tuple[str, ...]

    def matches(self, value: str) -> bool:
        """Whether the whole of `value` matches the pattern."""
        pieces = self.pieces
        if len(pieces) == 1:
            return value == pieces[0]
        head, tail = pieces[0], pieces[-1]
        if len(value) < len(head) + len(tail) or not value.startswith(head) or not value.endswith(tail):
            return False
        position, end = len(head), len(value) - len(tail)
        for piece in pieces[1:-1]:
            found = value.find(piece, position, end)
            if found < 0:
                return False
            position = found + len(piece)
        return True


def compile_wildcard(pattern: str) -> WildcardPattern:
    """Split a StringMatches pattern at its unescaped `*`, resolving the backslash escapes."""
    pieces: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            # A backslash makes the next character literal (`\*`, `\\`); a trailing one is literal.
            current.append(pattern[index + 1])
            index += 2
            continue
        if char == "*":
            pieces.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    pieces.append("".join(current))
    return WildcardPattern(pattern, tuple(pieces))
