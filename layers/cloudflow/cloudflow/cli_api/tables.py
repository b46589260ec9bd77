"""Plain-text rendering for people: aligned columns, label/value blocks, short dates.

Tables never wrap or truncate: a column is as wide as its widest cell, so a token or an ARN stays whole
for copying. Cells are made one-line (newlines shown as `\\n`) so a value cannot break the alignment.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MISSING = "-"
Row = Mapping[str, Any]


@dataclass(frozen=True)
class Column:
    """A column: its header and how a row (an API document) gives its cell."""

    header: str
    cell: Callable[[Row], str]
    right: bool = False  # numbers align right

    @classmethod
    def field(cls, header: str, key: str, right: bool = False) -> Column:
        """The column showing `row[key]` as text."""
        return cls(header, lambda row: text(row.get(key)), right)

    @classmethod
    def date(cls, header: str, key: str, millis: bool = False) -> Column:
        """The column showing the ISO-8601 date `row[key]` shortly (to the second, or the millisecond)."""
        return cls(header, lambda row: short_date(row.get(key), millis))


def text(value: Any) -> str:
    """A value as one line: strings as they are, `-` for nothing, anything else as compact JSON."""
    if value is None or value == "":
        return MISSING
    shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return shown.replace("\r", "\\r").replace("\n", "\\n").replace("\t", " ")


def short_date(value: Any, millis: bool = False) -> str:
    """`2024-02-07T13:50:16.123Z` as `2024-02-07 13:50:16` (`.123` too with `millis`): the API answers UTC.
    Any other text as it is."""
    if not isinstance(value, str) or not value:
        return MISSING
    if len(value) >= 19 and value[10] == "T" and value.endswith("Z"):
        return f"{value[:10]} {value[11:-1] if millis else value[11:19]}"
    return text(value)


def when(value: Any) -> str | None:
    """A date for `fields`: shortened, or None (left out) when there is none."""
    return short_date(value) if value else None


def width(cell: str) -> int:
    """Columns a cell takes on a terminal: wide (CJK) characters take two, combining marks none."""
    return sum(0 if unicodedata.combining(char) else 2 if unicodedata.east_asian_width(char) in "WF" else 1
               for char in cell)


def _pad(cell: str, size: int, right: bool) -> str:
    gap = " " * (size - width(cell))
    return gap + cell if right else cell + gap


def table(columns: Sequence[Column], rows: Sequence[Row], empty: str = "(none)") -> str:
    """The rows under their headers, columns separated by two spaces; `empty` when there is no row."""
    if not rows:
        return empty
    grid = [[column.header for column in columns]] + [[column.cell(row) for column in columns] for row in rows]
    sizes = [max(width(line[index]) for line in grid) for index in range(len(columns))]
    lines = ["  ".join(_pad(cell, size, column.right) for cell, size, column in zip(line, sizes, columns, strict=True))
             for line in grid]
    return "\n".join(line.rstrip() for line in lines)


def fields(pairs: Sequence[tuple[str, Any]]) -> str:
    """`Label  value` lines, values aligned; pairs without a value are left out."""
    shown = [(label, text(value)) for label, value in pairs if value is not None and value != ""]
    if not shown:
        return ""
    size = max(width(label) for label, _ in shown)
    return "\n".join(f"{_pad(label, size, False)}  {value}" for label, value in shown)
