"""CloudFlow built-in functions and their ASL intrinsic counterparts.

CloudFlow documents these functions ("Built-in functions"); each one with an intrinsic that computes
the same value for the same arguments is mapped. Functions with no counterpart are reported, named.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Intrinsic:
    """The ASL function, how many arguments the CloudFlow call takes, and fixed trailing arguments."""

    name: str
    min_arguments: int
    max_arguments: int | None
    trailing: tuple[str, ...] = ()


INTRINSICS: dict[str, Intrinsic] = {
    "format": Intrinsic("States.Format", 1, None),
    "split": Intrinsic("States.StringSplit", 2, 2),
    # length() also measures strings and maps in CloudFlow; States.ArrayLength measures arrays only,
    # so a string or map argument fails the state at run time (States.Runtime) instead. A literal
    # argument is measured during the conversion (lengths.py).
    "length": Intrinsic("States.ArrayLength", 1, 1),
    "arrayContains": Intrinsic("States.ArrayContains", 2, 2),
    "arrayUnique": Intrinsic("States.ArrayUnique", 1, 1),
    "toArray": Intrinsic("States.Array", 0, None),
    # get() on a map has no counterpart either: States.ArrayGetItem indexes arrays only.
    "get": Intrinsic("States.ArrayGetItem", 2, 2),
    # jsonMerge is a shallow merge (the second object's keys win), as States.JsonMerge(a, b, false).
    "jsonMerge": Intrinsic("States.JsonMerge", 2, 2, ("false",)),
    "stringToJson": Intrinsic("States.StringToJson", 1, 1),
    "fromJSON": Intrinsic("States.StringToJson", 1, 1),
    "jsonToString": Intrinsic("States.JsonToString", 1, 1),
    "toJSON": Intrinsic("States.JsonToString", 1, 1),
    "toBase64": Intrinsic("States.Base64Encode", 1, 1),
    "fromBase64": Intrinsic("States.Base64Decode", 1, 1),
    "hash": Intrinsic("States.Hash", 2, 2),
    "uuid": Intrinsic("States.UUID", 0, 0),
    "intAdd": Intrinsic("States.MathAdd", 2, 2),
    "randomInt": Intrinsic("States.MathRandom", 2, 2),
}
