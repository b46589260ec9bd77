"""JSONata states: their fields evaluated over `$states` and the workflow variables.

A field holds JSON in which every string `{% ... %}` is an expression. Step Functions names the
field in its errors the way it is nested (`Arguments/FunctionName`), and an expression that yields
nothing (undefined) is an error wherever a value is expected.
"""

from __future__ import annotations

from typing import Any

from cloudflow.core.dataflow.jsonata_expr import JsonataBindings, evaluate_template

JSONATA = "JSONata"


def evaluate_field(field: str, value: Any, bindings: JsonataBindings) -> Any:
    """`value` with every expression in it evaluated; `field` names it in errors (`Output/result`)."""
    return evaluate_template(value, bindings, field=field)
