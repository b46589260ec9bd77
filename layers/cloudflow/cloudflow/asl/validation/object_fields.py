"""Checks of an object's fields by name: each check knows where the field is and skips it when absent."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from cloudflow.asl.validation.paths import check_path, check_payload_template
from cloudflow.asl.validation.report import Report, child_pointer
from cloudflow.asl.validation.values import (
    MAX_SECONDS,
    check_choice,
    check_integer,
    check_number,
    check_type,
    is_jsonata,
)


@dataclass(frozen=True)
class ObjectFields:
    """One JSON object of the definition, where it sits, and whether `{% %}` expressions may stand in."""

    report: Report
    pointer: str
    values: dict[str, Any]
    jsonata: bool = False

    def at(self, name: str) -> str:
        """The pointer of field `name`."""
        return child_pointer(self.pointer, name)

    def _literal(self, name: str) -> bool:
        # A JSONata expression stands for a value computed at run time; only its shape is known.
        return name in self.values and not (self.jsonata and is_jsonata(self.values[name]))

    def integer(self, name: str, minimum: int, maximum: int | None = MAX_SECONDS) -> None:
        """An integer in [minimum, maximum] (None: no maximum)."""
        if self._literal(name):
            check_integer(self.report, self.at(name), name, self.values[name], minimum, maximum)

    def number(self, name: str, minimum: float, maximum: float) -> None:
        """A number in [minimum, maximum]."""
        if self._literal(name):
            check_number(self.report, self.at(name), name, self.values[name], minimum, maximum)

    def of_type(self, name: str, expected: type) -> bool:
        """A value of one JSON type; True when the field is present and of that type."""
        return name in self.values and check_type(self.report, self.at(name), name, self.values[name], expected)

    def nested(self, name: str) -> ObjectFields | None:
        """The object in field `name`, to check in turn; None when absent or not an object (reported)."""
        if not self.of_type(name, dict):
            return None
        return ObjectFields(self.report, self.at(name), self.values[name], self.jsonata)

    def one_of(self, name: str, allowed: Collection[str]) -> None:
        """One of the `allowed` strings."""
        if name in self.values:
            check_choice(self.report, self.at(name), name, self.values[name], allowed)

    def path(self, name: str, **options: bool) -> None:
        """A path; `options` as `check_path` takes them."""
        if name in self.values:
            check_path(self.report, self.at(name), name, self.values[name], **options)

    def template(self, name: str, *, object_only: bool = True) -> None:
        """A payload template (an object unless `object_only` is False) whose `.$` keys hold paths or calls."""
        if name in self.values and (not object_only or self.of_type(name, dict)):
            check_payload_template(self.report, self.at(name), name, self.values[name])
