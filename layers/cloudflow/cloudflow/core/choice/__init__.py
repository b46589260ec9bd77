"""Choice state rules in the JSONPath dialect: compile a raw rule once, evaluate it against a Scope.

`compile_choice_rule({"Variable": "$.x", "NumericEquals": 3, "Next": "A"}).evaluate(scope)`
"""

from cloudflow.core.choice.compiler import InvalidChoiceRuleError, compile_choice_rule
from cloudflow.core.choice.rules import ChoiceRule

__all__ = ["ChoiceRule", "InvalidChoiceRuleError", "compile_choice_rule"]
