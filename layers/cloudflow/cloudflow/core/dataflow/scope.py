"""What an expression can see while a state runs: the input, the Context object, the seeded draws."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from cloudflow.core.seeded_random import SeededRandom


class Scope:
    """Evaluation scope for paths, payload templates and intrinsic functions.

    `input` is what `$` refers to; `context` is what `$$` refers to (the Context object); `variables`
    are what `$name` refers to. The context may be given as a factory: most expressions never read
    `$$`, so it is built on demand.
    """

    __slots__ = ("_context", "_make_context", "draws", "input", "variables")

    def __init__(
        self,
        input: Any,
        context: dict[str, Any] | Callable[[], dict[str, Any]],
        draws: SeededRandom,
        variables: Mapping[str, Any] | None = None,
    ) -> None:
        self.input = input
        self.draws = draws
        self.variables: Mapping[str, Any] = variables if variables is not None else {}
        if callable(context):
            self._context: dict[str, Any] | None = None
            self._make_context: Callable[[], dict[str, Any]] | None = context
        else:
            self._context = context
            self._make_context = None

    @property
    def context(self) -> dict[str, Any]:
        """The Context object, built on first use."""
        if self._context is None:
            assert self._make_context is not None
            self._context = self._make_context()
        return self._context
