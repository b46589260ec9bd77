"""The input size limit of States.Hash, Base64Encode and Base64Decode, counted as Java counts."""

from __future__ import annotations

MAX_TEXT_LENGTH = 10_000


def java_length(text: str) -> int:
    """`String.length()`: UTF-16 code units, so a character outside the BMP counts twice."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)
