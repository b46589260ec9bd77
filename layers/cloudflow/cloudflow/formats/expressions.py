"""CloudFlow expressions, parsed into a small syntax tree that the translators turn into ASL.

One grammar serves both formats:

- references: `$Input.order.lines[0]`, `$Output.Body.id`, `$Context.Execution.Input.x`, `$Item.sku`,
  and in the legacy flow definition language `$input.x`, `$local[*].name` and plain `$.status`;
- literals: `"text"`, `'text'`, `` `text` ``, numbers, `true`, `false`, `null`, `[...]`, `{...}`;
- built-in function calls: `format("order {}", $Input.id)`, `uuid()`;
- conditions (Choice `Condition`, FDL `condition`): `==`, `!=`, `<`, `<=`, `>`, `>=`, `in`, `&&`,
  `||`, `!` and parentheses, as the CloudFlow Choice documentation lists them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any


class ExpressionSyntaxError(ValueError):
    """The text is not an expression of this grammar; the message says where and why."""


@dataclass(frozen=True)
class Wildcard:
    """`[*]`: every element of an array (only useful where ASL accepts an indefinite path)."""


WILDCARD = Wildcard()
Segment = str | int | Wildcard


@dataclass(frozen=True)
class Reference:
    """`root` is `$Input`, `$Output`, `$Context`, `$Item`, `$Global`, `$input`, `$local`, `$context` or `$`."""

    root: str
    segments: tuple[Segment, ...] = ()

    def startswith(self, *names: str) -> bool:
        """Whether the segments begin with these names (`$Context` + `Execution`, `Input`)."""
        return self.segments[: len(names)] == names

    def __str__(self) -> str:
        return self.root + "".join(f"[{s}]" if isinstance(s, int) else "[*]" if s is WILDCARD else f".{s}"
                                   for s in self.segments)


@dataclass(frozen=True)
class Literal:
    value: Any


@dataclass(frozen=True)
class ArrayLiteral:
    items: tuple[Expression, ...]


@dataclass(frozen=True)
class ObjectLiteral:
    fields: tuple[tuple[str, Expression], ...]


@dataclass(frozen=True)
class Call:
    name: str
    arguments: tuple[Expression, ...]


@dataclass(frozen=True)
class Unary:
    operator: str  # "!" or "-"
    operand: Expression


@dataclass(frozen=True)
class Binary:
    operator: str  # "||", "&&", "==", "!=", "<", "<=", ">", ">=", "in"
    left: Expression
    right: Expression


Expression = Reference | Literal | ArrayLiteral | ObjectLiteral | Call | Unary | Binary

COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<root>\$[A-Za-z_]*)
      | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
      | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)
      | (?P<name>[^\W\d][\w]*)
      | (?P<operator>==|!=|<=|>=|&&|\|\||[<>!\-()\[\]{},.:*])
    )""",
    re.VERBOSE,
)
_KEYWORDS = {"true": True, "false": False, "null": None}


def parse_expression(text: str) -> Expression:
    """Parse a whole expression; raises ExpressionSyntaxError."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionSyntaxError("an expression is needed here, and this one is empty")
    parser = _Parser(text)
    expression = parser.disjunction()
    if parser.peek() is not None:
        raise parser.error("unexpected text after the expression")
    return expression


def references_in(expression: Expression) -> list[Reference]:
    """Every reference in the tree, in reading order."""
    if isinstance(expression, Reference):
        return [expression]
    if isinstance(expression, ArrayLiteral | Call):
        items = expression.items if isinstance(expression, ArrayLiteral) else expression.arguments
        return [ref for item in items for ref in references_in(item)]
    if isinstance(expression, ObjectLiteral):
        return [ref for _, value in expression.fields for ref in references_in(value)]
    if isinstance(expression, Unary):
        return references_in(expression.operand)
    if isinstance(expression, Binary):
        return references_in(expression.left) + references_in(expression.right)
    return []


class _Parser:
    """Recursive descent over the tokens: || binds loosest, then &&, then comparisons, then ! and -."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str, int]] = []
        position = 0
        while position < len(text):
            if not text[position:].strip():
                break
            found = _TOKEN.match(text, position)
            if found is None or found.lastgroup is None:
                raise ExpressionSyntaxError(f"cannot read {text[position:].strip()[:20]!r} (at character "
                                            f"{position + 1} of {text!r})")
            self.tokens.append((found.lastgroup, found.group(found.lastgroup), found.start(found.lastgroup)))
            position = found.end()
        self.index = 0

    def error(self, why: str) -> ExpressionSyntaxError:
        at = self.tokens[self.index][2] + 1 if self.index < len(self.tokens) else len(self.text) + 1
        return ExpressionSyntaxError(f"{why} (at character {at} of {self.text!r})")

    def peek(self) -> tuple[str, str] | None:
        if self.index >= len(self.tokens):
            return None
        kind, value, _ = self.tokens[self.index]
        return kind, value

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise self.error("the expression ends too early")
        self.index += 1
        return token

    def accept(self, operator: str) -> bool:
        if self.peek() == ("operator", operator):
            self.index += 1
            return True
        return False

    def expect(self, operator: str) -> None:
        if not self.accept(operator):
            raise self.error(f"expected {operator!r}")

    def disjunction(self) -> Expression:
        left = self.conjunction()
        while self.accept("||"):
            left = Binary("||", left, self.conjunction())
        return left

    def conjunction(self) -> Expression:
        left = self.comparison()
        while self.accept("&&"):
            left = Binary("&&", left, self.comparison())
        return left

    def comparison(self) -> Expression:
        left = self.unary()
        token = self.peek()
        if token is not None and ((token[0] == "operator" and token[1] in COMPARISONS) or token == ("name", "in")):
            self.index += 1
            return Binary(token[1], left, self.unary())
        return left

    def unary(self) -> Expression:
        if self.accept("!"):
            return Unary("!", self.unary())
        if self.accept("-"):
            operand = self.unary()
            if isinstance(operand, Literal) and isinstance(operand.value, int | float) \
                    and not isinstance(operand.value, bool):
                return Literal(-operand.value)
            return Unary("-", operand)
        return self.primary()

    def primary(self) -> Expression:
        kind, value = self.take()
        if kind == "root":
            return Reference(value, self.segments())
        if kind == "number":
            return Literal(float(value) if any(c in value for c in ".eE") else int(value))
        if kind == "string":
            return Literal(_unquote(value))
        if kind == "name":
            if value in _KEYWORDS:
                return Literal(_KEYWORDS[value])
            if not self.accept("("):
                raise self.error(f"{value!r} is neither a reference ($Input...), a literal nor a function call")
            return Call(value, self.arguments(")"))
        if value == "(":
            inner = self.disjunction()
            self.expect(")")
            return inner
        if value == "[":
            return ArrayLiteral(self.arguments("]"))
        if value == "{":
            return self.object_literal()
        self.index -= 1
        raise self.error(f"unexpected {value!r}")

    def segments(self) -> tuple[Segment, ...]:
        segments: list[Segment] = []
        while True:
            if self.accept("."):
                kind, value = self.take()
                if kind not in ("name", "number") and value != "*":
                    raise self.error(f"expected a field name after '.', got {value!r}")
                segments.append(WILDCARD if value == "*" else value)
            elif self.accept("["):
                kind, value = self.take()
                if kind == "number" and value.isdigit():
                    segments.append(int(value))
                elif kind == "string":
                    segments.append(_unquote(value))
                elif value == "*":
                    segments.append(WILDCARD)
                else:
                    raise self.error(f"expected an index, a quoted name or '*' inside [], got {value!r}")
                self.expect("]")
            else:
                return tuple(segments)

    def arguments(self, closing: str) -> tuple[Expression, ...]:
        items: list[Expression] = []
        if self.accept(closing):
            return ()
        while True:
            items.append(self.disjunction())
            if self.accept(closing):
                return tuple(items)
            self.expect(",")

    def object_literal(self) -> ObjectLiteral:
        fields: list[tuple[str, Expression]] = []
        if self.accept("}"):
            return ObjectLiteral(())
        while True:
            kind, key = self.take()
            if kind not in ("string", "name"):
                raise self.error(f"expected a field name, got {key!r}")
            self.expect(":")
            fields.append((_unquote(key) if kind == "string" else key, self.disjunction()))
            if self.accept("}"):
                return ObjectLiteral(tuple(fields))
            self.expect(",")


def _unquote(token: str) -> str:
    quote, body = token[0], token[1:-1]
    if quote == "`":
        return body  # raw string: no escapes
    if quote == "'":
        body = body.replace("\\'", "'").replace('"', '\\"')
    try:
        result = json.loads(f'"{body}"')
    except json.JSONDecodeError:
        return body
    return str(result)
