"""What an expression can see while a state runs: the input, the Context object, the random source."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cloudflow.core.seeded_random import SeededRandom


@dataclass
class Scope:
    """Evaluation scope for paths, payload templates and intrinsic functions.

    `input` is what `$` refers to; `context` is what `$$` refers to (the Context object).
    """

    input: Any
    context: dict[str, Any]
    random: SeededRandom
