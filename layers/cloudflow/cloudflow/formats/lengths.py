"""length() of a literal, measured during the conversion.

CloudFlow's length() measures an array, a map (its keys) or a string ("Built-in functions" page:
length([1, 2, 3]) is 3, length({"name": "Tom", "age": 10}) is 2, length("name") is 4). Its ASL
counterpart, States.ArrayLength, measures arrays only and fails the state on a map or a string. When
the argument is written out in the expression, its length is known now and is written as a constant;
only the argument's shape counts, so an array or map literal may hold references.
"""

from __future__ import annotations

from cloudflow.formats.expressions import ArrayLiteral, Call, Literal, ObjectLiteral


def literal_length(call: Call) -> int | None:
    """The value of `length(<literal>)`; None for any other call (it is computed at run time)."""
    if call.name != "length" or len(call.arguments) != 1:
        return None
    argument = call.arguments[0]
    if isinstance(argument, ArrayLiteral):
        return len(argument.items)
    if isinstance(argument, ObjectLiteral):
        return len({key for key, _ in argument.fields})  # a repeated key is one key of the map
    if isinstance(argument, Literal) and isinstance(argument.value, str):
        return len(argument.value)
    return None
