"""Parse intrinsic function calls such as `States.Format('Hello {}', $.name)`.

Arguments are string literals in single quotes, numbers, `true`, `false`, `null`, paths (`$.x`
into the input, `$$.x` into the Context object, `$name.x` into a variable) and nested calls.
Inside a string only `\\'`, `\\{`, `\\}` and `\\\\` are escapes; AWS refuses any other backslash
when the state machine is created, so this does too.
"""

from __future__ import annotations

import re
from functools import lru_cache

from cloudflow.core.dataflow.intrinsics.registry import FUNCTIONS
from cloudflow.core.dataflow.intrinsics.syntax import (
    Argument,
    ContextPath,
    InputPath,
    IntrinsicCall,
    IntrinsicSyntaxError,
    Literal,
    StringLiteral,
    VariablePath,
)
from cloudflow.core.dataflow.jsonpath import JsonPathSyntaxError, compile_path
from cloudflow.core.dataflow.path_value import VARIABLE_NAME

MAX_NESTING = 10
"""Step Functions accepts at most 10 intrinsic functions nested inside one another."""

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_KEYWORDS = {"true": True, "false": False, "null": None}
_ESCAPABLE = frozenset("'{}\\")
_SPACE = frozenset(" \t\r\n")


@lru_cache(maxsize=4096)
def parse_intrinsic(text: str) -> IntrinsicCall:
    """Parse one call; raise IntrinsicSyntaxError for text Step Functions would not accept."""
    parser = _Parser(text)
    parser.skip_space()
    call = parser.call(depth=1)
    parser.skip_space()
    if parser.pos != len(text):
        raise parser.error("unexpected text after the call")
    return call


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def error(self, why: str) -> IntrinsicSyntaxError:
        return IntrinsicSyntaxError(
            f"Invalid intrinsic function {self.text!r}: {why} (at position {self.pos})"
        )

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in _SPACE:
            self.pos += 1

    def eat(self, token: str) -> bool:
        if self.text.startswith(token, self.pos):
            self.pos += len(token)
            return True
        return False

    def call(self, depth: int) -> IntrinsicCall:
        start = self.pos
        match = _NAME.match(self.text, self.pos)
        if match is None or not self.text.startswith("(", match.end()):
            raise self.error("expected a function call such as States.Format(...)")
        name = match.group(0)
        if name not in FUNCTIONS:
            raise self.error(f"unknown intrinsic function {name!r}")
        if depth > MAX_NESTING:
            raise self.error(f"intrinsic functions nest at most {MAX_NESTING} deep")
        self.pos = match.end() + 1
        args: list[Argument] = []
        self.skip_space()
        if not self.eat(")"):
            while True:
                args.append(self.argument(depth))
                self.skip_space()
                if self.eat(")"):
                    break
                if not self.eat(","):
                    raise self.error("expected ',' or ')' after an argument")
                self.skip_space()
        return IntrinsicCall(name, tuple(args), self.text[start : self.pos])

    def argument(self, depth: int) -> Argument:
        ch = self.text[self.pos : self.pos + 1]
        if ch == "'":
            return self.string()
        if ch == "$":
            return self.path()
        if ch and ch in "-0123456789":
            return self.number()
        match = _NAME.match(self.text, self.pos)
        if match is not None and match.group(0) in _KEYWORDS:
            self.pos = match.end()
            return Literal(_KEYWORDS[match.group(0)])
        if match is not None:
            return self.call(depth + 1)
        raise self.error("expected an argument")

    def string(self) -> StringLiteral:
        self.pos += 1
        value: list[str] = []
        piece: list[str] = []
        pieces: list[str] = []
        paired = True
        text = self.text
        while True:
            if self.pos >= len(text):
                raise self.error("unterminated string")
            ch = text[self.pos]
            if ch == "'":
                self.pos += 1
                break
            if ch == "\\":
                escaped = text[self.pos + 1 : self.pos + 2]
                if escaped not in _ESCAPABLE:
                    raise self.error(f"invalid escape '\\{escaped}' (only \\' \\{{ \\}} \\\\ are allowed)")
                value.append(escaped)
                piece.append(escaped)
                self.pos += 2
                continue
            if ch == "{" and text.startswith("}", self.pos + 1):
                # An unescaped `{}` is a States.Format placeholder.
                value.append("{}")
                pieces.append("".join(piece))
                piece.clear()
                self.pos += 2
                continue
            if ch in "{}":
                paired = False
            value.append(ch)
            piece.append(ch)
            self.pos += 1
        pieces.append("".join(piece))
        return StringLiteral("".join(value), tuple(pieces) if paired else None)

    def number(self) -> Literal:
        match = _NUMBER.match(self.text, self.pos)
        end = match.end() if match else self.pos
        following = self.text[end : end + 1]
        if match is None or (following and (following.isalnum() or following in "._")):
            raise self.error("invalid number")
        self.pos = end
        word = match.group(0)
        return Literal(float(word) if match.group(1) or match.group(2) else int(word))

    def path(self) -> InputPath | ContextPath | VariablePath:
        start = self.pos
        nesting = 0
        quote = ""
        text = self.text
        # A path runs to the `,` or `)` that ends the argument; brackets, filters and quoted
        # names inside it may hold those characters too.
        while self.pos < len(text):
            ch = text[self.pos]
            if quote:
                if ch == "\\":
                    self.pos += 1
                elif ch == quote:
                    quote = ""
            elif ch in "'\"" and nesting > 0:
                quote = ch
            elif ch in "[(":
                nesting += 1
            elif ch in "])":
                if nesting == 0:
                    break
                nesting -= 1
            elif nesting == 0 and (ch == "," or ch in _SPACE):
                break
            self.pos += 1
        source = text[start : self.pos]
        try:
            if source.startswith("$$"):
                return ContextPath(source, compile_path("$" + source[2:]))
            variable = VARIABLE_NAME.match(source, 1)
            if variable is not None:
                return VariablePath(source, variable.group(0), compile_path("$" + source[variable.end() :]))
            return InputPath(source, compile_path(source))
        except JsonPathSyntaxError as error:
            raise self.error(str(error)) from None
