"""Every intrinsic function Step Functions defines, by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cloudflow.core.dataflow.intrinsics import (
    arrays,
    encoding,
    hashing,
    json_functions,
    math_functions,
    strings,
    uuid_function,
)
from cloudflow.core.dataflow.intrinsics.invocation import Invocation

FUNCTIONS: dict[str, Callable[[Invocation], Any]] = {
    "States.Format": strings.string_format,
    "States.StringToJson": json_functions.string_to_json,
    "States.JsonToString": json_functions.json_to_string,
    "States.Array": arrays.array,
    "States.ArrayPartition": arrays.array_partition,
    "States.ArrayContains": arrays.array_contains,
    "States.ArrayRange": arrays.array_range,
    "States.ArrayGetItem": arrays.array_get_item,
    "States.ArrayLength": arrays.array_length,
    "States.ArrayUnique": arrays.array_unique,
    "States.Base64Encode": encoding.base64_encode,
    "States.Base64Decode": encoding.base64_decode,
    "States.Hash": hashing.hash_text,
    "States.JsonMerge": json_functions.json_merge,
    "States.MathRandom": math_functions.math_random,
    "States.MathAdd": math_functions.math_add,
    "States.StringSplit": strings.string_split,
    "States.UUID": uuid_function.uuid,
}
