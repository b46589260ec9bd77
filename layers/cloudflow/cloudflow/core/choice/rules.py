"""The compiled Choice rule tree: boolean expressions over data tests, evaluated against a Scope.

Every node is immutable and holds its operands already parsed (paths compiled, literals converted,
wildcards split), so `evaluate` does only the reading and comparing a Choice loop must repeat.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cloudflow.core.choice.operand import RulePath
from cloudflow.core.choice.operators import Comparison
from cloudflow.core.choice.string_matches import WildcardPattern
from cloudflow.core.dataflow.scope import Scope


class ChoiceRule(ABC):
    """A compiled Choice rule (or a rule nested in And/Or/Not)."""

    __slots__ = ()

    @abstractmethod
    def evaluate(self, scope: Scope) -> bool:
        """Whether the rule matches; raises FailureRaised(States.Runtime) for a missing path."""


@dataclass(frozen=True, slots=True)
class AllOf(ChoiceRule):
    """`And`: every inner rule matches; stops at the first that does not."""

    rules: tuple[ChoiceRule, ...]

    def evaluate(self, scope: Scope) -> bool:
        """True when all inner rules match."""
        return all(rule.evaluate(scope) for rule in self.rules)


@dataclass(frozen=True, slots=True)
class AnyOf(ChoiceRule):
    """`Or`: some inner rule matches; stops at the first that does."""

    rules: tuple[ChoiceRule, ...]

    def evaluate(self, scope: Scope) -> bool:
        """True when any inner rule matches."""
        return any(rule.evaluate(scope) for rule in self.rules)


@dataclass(frozen=True, slots=True)
class Negation(ChoiceRule):
    """`Not`: the inner rule does not match (a failure inside it still fails the state)."""

    rule: ChoiceRule

    def evaluate(self, scope: Scope) -> bool:
        """True when the inner rule does not match."""
        return not self.rule.evaluate(scope)


@dataclass(frozen=True, slots=True)
class LiteralComparison(ChoiceRule):
    """`StringEquals`, `NumericLessThan`, ...: the Variable against a literal read once at compile time."""

    variable: RulePath
    comparison: Comparison
    expected: Any

    def evaluate(self, scope: Scope) -> bool:
        """False when the Variable is of another type, else the relation's answer."""
        actual = self.comparison.reader(self.variable.read(scope))
        return actual is not None and self.comparison.relation(actual, self.expected)


@dataclass(frozen=True, slots=True)
class PathComparison(ChoiceRule):
    """`StringEqualsPath`, ...: the Variable against the value another path selects."""

    variable: RulePath
    comparison: Comparison
    other: RulePath

    def evaluate(self, scope: Scope) -> bool:
        """Both paths must exist (else States.Runtime); a type mismatch on either side is no match."""
        left, right = self.variable.read(scope), self.other.read(scope)
        reader = self.comparison.reader
        actual = reader(left)
        if actual is None:
            return False
        expected = reader(right)
        return expected is not None and self.comparison.relation(actual, expected)


@dataclass(frozen=True, slots=True)
class WildcardMatch(ChoiceRule):
    """`StringMatches`: a string Variable against a `*` pattern; other types never match."""

    variable: RulePath
    pattern: WildcardPattern

    def evaluate(self, scope: Scope) -> bool:
        """True when the Variable is a string the pattern matches."""
        value = self.variable.read(scope)
        return type(value) is str and self.pattern.matches(value)


@dataclass(frozen=True, slots=True)
class TypeTest(ChoiceRule):
    """`IsNull`, `IsString`, `IsNumeric`, `IsBoolean`, `IsTimestamp`: `expected` says pass or fail."""

    variable: RulePath
    test: Callable[[Any], bool]
    expected: bool

    def evaluate(self, scope: Scope) -> bool:
        """True when the test's outcome equals the rule's boolean."""
        return self.test(self.variable.read(scope)) is self.expected


@dataclass(frozen=True, slots=True)
class PresenceTest(ChoiceRule):
    """`IsPresent`: the only test that may meet a missing path without failing the state."""

    variable: RulePath
    expected: bool

    def evaluate(self, scope: Scope) -> bool:
        """True when the path's presence equals the rule's boolean."""
        return self.variable.exists(scope) is self.expected
