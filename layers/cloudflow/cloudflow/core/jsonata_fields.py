"""JSONata states: their fields evaluated over `$states` and the workflow variables.

A field holds JSON in which every string `{% ... %}` is an expression. Step Functions names the
field in its errors the way it is nested (`Arguments/FunctionName`), and an expression that yields
nothing (undefined) is an error wherever a value is expected.
"""

from __future__ import annotations

from typing import Any

from cloudflow.core.dataflow.jsonata_expr import UNDEFINED, JsonataBindings, evaluate, expression_body, is_expression
from cloudflow.core.error_names import StatesError
from cloudflow.core.failure import fail

JSONATA = "JSONata"


def evaluate_field(field: str, value: Any, bindings: JsonataBindings) -> Any:
    """`value` with every expression in it evaluated; `field` names it in errors (`Output/result`)."""
    if isinstance(value, str):
        if not is_expression(value):
            return value
        result = evaluate(value, bindings)
        if result is UNDEFINED:
            raise fail(StatesError.QUERY_EVALUATION_ERROR,
                       f"The JSONata expression '{expression_body(value).strip()}' specified for the field "
                       f"'{field}' returned nothing (undefined).")
        return result
    if isinstance(value, dict):
        return {key: evaluate_field(f"{field}/{key}", item, bindings) for key, item in value.items()}
    if isinstance(value, list):
        return [evaluate_field(f"{field}/{index}", item, bindings) for index, item in enumerate(value)]
    return value
