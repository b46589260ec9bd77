"""JSONPath as Step Functions evaluates it (Jayway semantics).

A path is compiled once into segments. A *definite* path (only names and indexes) yields one value
or raises `PathNotFoundError`; an indefinite one (wildcards, slices, unions, filters, `..`) yields a
list of every match, empty when nothing matches, as Step Functions does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


class JsonPathSyntaxError(ValueError):
    """The text is not a JSONPath this engine understands."""


class PathNotFoundError(LookupError):
    """A definite path names something the data does not contain."""


@dataclass(frozen=True)
class Child:
    name: str


@dataclass(frozen=True)
class Index:
    index: int


@dataclass(frozen=True)
class Wildcard:
    pass


@dataclass(frozen=True)
class Slice:
    start: int | None
    stop: int | None
    step: int | None


@dataclass(frozen=True)
class Union:
    keys: tuple[str | int, ...]


@dataclass(frozen=True)
class Descend:
    """`..` followed by what to select at every depth."""

    selector: Child | Wildcard | Index | Slice | Union | Filter


@dataclass(frozen=True)
class Filter:
    expression: FilterExpr


@dataclass(frozen=True)
class Length:
    """Jayway's `.length()` function on the selected array, string or object."""


Segment = Child | Index | Wildcard | Slice | Union | Descend | Filter | Length

# --- filter expressions: `[?(@.price < 10 && @.tag)]` -----------------------------------------


@dataclass(frozen=True)
class FilterExpr:
    op: str  # "exists", "cmp", "and", "or", "not"
    left: Any = None
    right: Any = None
    comparator: str = ""


@dataclass(frozen=True)
class RelPath:
    """`@.a.b` (relative to the current item) or `$.a` (absolute) inside a filter."""

    absolute: bool
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class JsonPath:
    """A compiled JSONPath; `text` keeps the source for error messages."""

    text: str
    segments: tuple[Segment, ...]

    @property
    def is_definite(self) -> bool:
        """True when the path can select at most one value (names and indexes only)."""
        return all(isinstance(s, Child | Index) for s in self.segments)

    def find(self, data: Any) -> Any:
        """The selected value: one value for a definite path, a list of matches otherwise."""
        if self.is_definite:
            return _walk_definite(self.segments, data, self.text)
        return _select_all(self.segments, [data], data)

    def exists(self, data: Any) -> bool:
        """Whether the path selects anything (Choice `IsPresent`)."""
        if self.is_definite:
            try:
                _walk_definite(self.segments, data, self.text)
            except PathNotFoundError:
                return False
            return True
        return bool(_select_all(self.segments, [data], data))


def _walk_definite(segments: tuple[Segment, ...], data: Any, text: str) -> Any:
    current = data
    for seg in segments:
        if isinstance(seg, Child):
            if isinstance(current, dict) and seg.name in current:
                current = current[seg.name]
                continue
            raise PathNotFoundError(text)
        assert isinstance(seg, Index)
        if isinstance(current, list) and -len(current) <= seg.index < len(current):
            current = current[seg.index]
            continue
        raise PathNotFoundError(text)
    return current


def _select_all(segments: tuple[Segment, ...], nodes: list[Any], root: Any) -> Any:
    for seg in segments:
        if isinstance(seg, Length):
            if len(nodes) != 1 or not isinstance(nodes[0], list | dict | str):
                raise PathNotFoundError("length()")
            return len(nodes[0])
        nodes = [out for node in nodes for out in _apply(seg, node, root)]
    return nodes


def _apply(seg: Segment, node: Any, root: Any) -> list[Any]:
    if isinstance(seg, Child):
        return [node[seg.name]] if isinstance(node, dict) and seg.name in node else []
    if isinstance(seg, Index):
        if isinstance(node, list) and -len(node) <= seg.index < len(node):
            return [node[seg.index]]
        return []
    if isinstance(seg, Wildcard):
        if isinstance(node, dict):
            return list(node.values())
        return list(node) if isinstance(node, list) else []
    if isinstance(seg, Slice):
        return node[seg.start : seg.stop : seg.step] if isinstance(node, list) else []
    if isinstance(seg, Union):
        out: list[Any] = []
        for key in seg.keys:
            if isinstance(key, int):
                out.extend(_apply(Index(key), node, root))
            else:
                out.extend(_apply(Child(key), node, root))
        return out
    if isinstance(seg, Filter):
        items = node if isinstance(node, list) else list(node.values()) if isinstance(node, dict) else []
        return [item for item in items if _truthy(seg.expression, item, root)]
    if isinstance(seg, Descend):
        return [out for sub in _descendants(node) for out in _apply(seg.selector, sub, root)]
    raise AssertionError(seg)


def _descendants(node: Any) -> list[Any]:
    out = [node]
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    for child in children:
        out.extend(_descendants(child))
    return out


_MISSING = object()


def _operand(value: Any, item: Any, root: Any) -> Any:
    if isinstance(value, RelPath):
        base = root if value.absolute else item
        path = JsonPath("", value.segments)
        try:
            return path.find(base)
        except PathNotFoundError:
            return _MISSING
    return value


def _truthy(expr: FilterExpr, item: Any, root: Any) -> bool:
    if expr.op == "and":
        return _truthy(expr.left, item, root) and _truthy(expr.right, item, root)
    if expr.op == "or":
        return _truthy(expr.left, item, root) or _truthy(expr.right, item, root)
    if expr.op == "not":
        return not _truthy(expr.left, item, root)
    if expr.op == "exists":
        return _operand(expr.left, item, root) is not _MISSING
    left, right = _operand(expr.left, item, root), _operand(expr.right, item, root)
    if left is _MISSING or right is _MISSING:
        return False
    return _compare(expr.comparator, left, right)


def _compare(comparator: str, left: Any, right: Any) -> bool:
    if comparator == "==":
        if isinstance(left, bool) or isinstance(right, bool):
            return type(left) is type(right) and left == right
        return bool(left == right)
    if comparator == "!=":
        return not _compare("==", left, right)
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (left, right))
    if not numeric and not (isinstance(left, str) and isinstance(right, str)):
        return False
    if comparator == "<":
        return bool(left < right)
    if comparator == "<=":
        return bool(left <= right)
    if comparator == ">":
        return bool(left > right)
    if comparator == ">=":
        return bool(left >= right)
    raise JsonPathSyntaxError(f"unknown comparator {comparator}")


# --- parser -------------------------------------------------------------------------------------

_NAME = re.compile(r"[^.\[\]()\s=<>!&|,'\"@$]+")


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def error(self, why: str) -> JsonPathSyntaxError:
        return JsonPathSyntaxError(f"Invalid JSONPath {self.text!r} at position {self.pos}: {why}")

    def peek(self, n: int = 1) -> str:
        return self.text[self.pos : self.pos + n]

    def eat(self, token: str) -> bool:
        if self.text.startswith(token, self.pos):
            self.pos += len(token)
            return True
        return False

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] == " ":
            self.pos += 1

    def segments(self, stop: str = "") -> tuple[Segment, ...]:
        out: list[Segment] = []
        while self.pos < len(self.text) and self.peek() not in stop:
            if self.eat(".."):
                out.append(Descend(self.selector_after_descend()))
            elif self.eat("."):
                if self.eat("*"):
                    out.append(Wildcard())
                elif self.eat("length()"):
                    out.append(Length())
                else:
                    out.append(Child(self.name()))
            elif self.peek() == "[":
                out.append(self.bracket())
            else:
                raise self.error("expected '.' or '['")
        return tuple(out)

    def selector_after_descend(self) -> Child | Wildcard | Index | Slice | Union | Filter:
        if self.eat("*"):
            return Wildcard()
        if self.peek() == "[":
            seg = self.bracket()
            assert not isinstance(seg, Descend | Length)
            return seg
        return Child(self.name())

    def name(self) -> str:
        m = _NAME.match(self.text, self.pos)
        if not m:
            raise self.error("expected a field name")
        self.pos = m.end()
        return m.group(0)

    def quoted(self) -> str:
        quote = self.peek()
        self.pos += 1
        chars: list[str] = []
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch == "\\" and self.pos + 1 < len(self.text):
                chars.append(self.text[self.pos + 1])
                self.pos += 2
                continue
            if ch == quote:
                self.pos += 1
                return "".join(chars)
            chars.append(ch)
            self.pos += 1
        raise self.error("unterminated string")

    def integer(self) -> int | None:
        m = re.compile(r"\s*(-?\d+)\s*").match(self.text, self.pos)
        if not m:
            return None
        self.pos = m.end()
        return int(m.group(1))

    def bracket(self) -> Segment:
        self.eat("[")
        self.skip_space()
        if self.eat("*"):
            seg: Segment = Wildcard()
        elif self.eat("?"):
            self.skip_space()
            parens = self.eat("(")
            seg = Filter(self.filter_or())
            self.skip_space()
            if parens and not self.eat(")"):
                raise self.error("expected ')'")
        elif self.peek() in ("'", '"'):
            keys: list[str | int] = [self.quoted()]
            while self.eat(","):
                self.skip_space()
                keys.append(self.quoted())
                self.skip_space()
            seg = Child(str(keys[0])) if len(keys) == 1 else Union(tuple(keys))
        else:
            start = self.integer()
            if self.eat(":"):
                stop = self.integer()
                step = self.integer() if self.eat(":") else None
                seg = Slice(start, stop, step)
            elif start is None:
                raise self.error("expected an index, slice, '*', quoted name or filter")
            elif self.peek() == ",":
                idx: list[str | int] = [start]
                while self.eat(","):
                    nxt = self.integer()
                    if nxt is None:
                        raise self.error("expected an index")
                    idx.append(nxt)
                seg = Union(tuple(idx))
            else:
                seg = Index(start)
        self.skip_space()
        if not self.eat("]"):
            raise self.error("expected ']'")
        return seg

    # filter grammar: or := and ('||' and)* ; and := unary ('&&' unary)* ; unary := '!' unary | cmp
    def filter_or(self) -> FilterExpr:
        left = self.filter_and()
        self.skip_space()
        while self.eat("||"):
            left = FilterExpr("or", left, self.filter_and())
            self.skip_space()
        return left

    def filter_and(self) -> FilterExpr:
        left = self.filter_unary()
        self.skip_space()
        while self.eat("&&"):
            left = FilterExpr("and", left, self.filter_unary())
            self.skip_space()
        return left

    def filter_unary(self) -> FilterExpr:
        self.skip_space()
        if self.eat("!"):
            return FilterExpr("not", self.filter_unary())
        if self.eat("("):
            inner = self.filter_or()
            self.skip_space()
            if not self.eat(")"):
                raise self.error("expected ')'")
            return inner
        left = self.filter_operand()
        self.skip_space()
        for comparator in ("==", "!=", "<=", ">=", "<", ">"):
            if self.eat(comparator):
                self.skip_space()
                return FilterExpr("cmp", left, self.filter_operand(), comparator)
        if not isinstance(left, RelPath):
            raise self.error("a filter needs a path or a comparison")
        return FilterExpr("exists", left)

    def filter_operand(self) -> Any:
        ch = self.peek()
        if ch in ("@", "$"):
            self.pos += 1
            return RelPath(ch == "$", self.segments(stop=" )=!<>&|"))
        if ch in ("'", '"'):
            return self.quoted()
        m = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null").match(self.text, self.pos)
        if not m:
            raise self.error("expected a path, string, number, true, false or null")
        self.pos = m.end()
        word = m.group(0)
        if word in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[word]
        return float(word) if any(c in word for c in ".eE") else int(word)


@lru_cache(maxsize=4096)
def compile_path(text: str) -> JsonPath:
    """Compile a path beginning with `$`; raise `JsonPathSyntaxError` when it is not one."""
    if not isinstance(text, str) or not text.startswith("$"):
        raise JsonPathSyntaxError(f"Invalid JSONPath {text!r}: a path begins with '$'")
    parser = _Parser(text)
    parser.pos = 1
    segments = parser.segments()
    return JsonPath(text, segments)
