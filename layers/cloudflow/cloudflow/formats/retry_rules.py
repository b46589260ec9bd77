"""Retry and Catch rules of both CloudFlow formats -> ASL: one conversion, each format's spelling apart.

The current format writes `Retry: [{Errors, MaxAttempts, IntervalSeconds, BackoffRate, MaxBackoffSeconds}]`,
the legacy one `retry: [{errors, maxAttempts, intervalSeconds, multiplier, maxIntervalSeconds}]`. Their
defaults differ too: CloudFlow keeps the interval constant when BackoffRate is omitted, the legacy language
doubles it (ASL's own default is 2), so the rate is always written out. Rules after one matching every error
(FnF.ALL) can never apply (the first matching rule is used) and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cloudflow.formats.conversion import Conversion
from cloudflow.formats.diagnostics import SCHEMA_VALIDATION_FAILED, child_pointer, field_pointer
from cloudflow.formats.error_names import catches_all, error_equals


@dataclass(frozen=True)
class RetryDialect:
    """How one format spells a Retry rule."""

    field: str  # the list's own name, for messages
    rule: str  # "A Retry rule", for messages
    errors: str  # the error names' field
    known: tuple[str, ...]  # every field a rule may have
    numbers: tuple[tuple[str, str, int], ...]  # (field, ASL field, minimum)
    rate: str  # the backoff rate's field
    default_rate: float
    required: tuple[str, ...] = ()


CURRENT = RetryDialect(
    field="Retry", rule="A Retry rule", errors="Errors",
    known=("Errors", "Description", "MaxAttempts", "IntervalSeconds", "BackoffRate", "MaxBackoffSeconds"),
    numbers=(("IntervalSeconds", "IntervalSeconds", 1), ("MaxAttempts", "MaxAttempts", 0),
             ("MaxBackoffSeconds", "MaxDelaySeconds", 1)),
    rate="BackoffRate", default_rate=1.0, required=("MaxAttempts", "IntervalSeconds"),  # CloudFlow's reference
)
LEGACY = RetryDialect(
    field="retry", rule="A retry rule", errors="errors",
    known=("errors", "intervalSeconds", "maxIntervalSeconds", "maxAttempts", "multiplier"),
    numbers=(("intervalSeconds", "IntervalSeconds", 1), ("maxAttempts", "MaxAttempts", 0),
             ("maxIntervalSeconds", "MaxDelaySeconds", 1)),
    rate="multiplier", default_rate=2.0,
)


def translate_retry(conversion: Conversion, retry: Any, pointer: str, dialect: RetryDialect) -> list[dict[str, Any]]:
    """The ASL retriers of a format's Retry rules (every problem reported at its pointer)."""
    if not isinstance(retry, list):
        conversion.problems.add(SCHEMA_VALIDATION_FAILED, pointer, f"{dialect.field} must be an array of rules.")
        return []
    retriers: list[dict[str, Any]] = []
    for index, rule in enumerate(retry):
        here = child_pointer(pointer, index)
        if not isinstance(rule, dict):
            conversion.problems.add(SCHEMA_VALIDATION_FAILED, here, f"{dialect.rule} must be an object.")
            continue
        conversion.unknown_fields(rule, here, dialect.known, dialect.rule)
        errors = error_list(conversion, rule, here, dialect.errors)
        retrier: dict[str, Any] = {"ErrorEquals": error_equals(errors)}
        for required in dialect.required:
            if required not in rule:
                conversion.problems.missing(here, dialect.rule, required)
        for source, target, minimum in dialect.numbers:
            value = conversion.integer(rule, source, here, minimum)
            if value is not None:
                retrier[target] = value
        rate = rule.get(dialect.rate, dialect.default_rate)
        if isinstance(rate, bool) or not isinstance(rate, int | float) or rate < 1:
            conversion.problems.add(SCHEMA_VALIDATION_FAILED, child_pointer(here, dialect.rate),
                                    f"{dialect.rate} must be a number of at least 1, not {rate!r}.")
        else:
            retrier["BackoffRate"] = float(rate)
        retriers.append(retrier)
        if catches_all(errors):
            break
    return retriers


def error_list(conversion: Conversion, rule: dict[str, Any], pointer: str, field: str = "Errors") -> list[str]:
    """The error names of a Retry or Catch rule (reported when absent or not strings)."""
    errors = rule.get(field)
    if not isinstance(errors, list) or not errors or not all(isinstance(e, str) for e in errors):
        conversion.problems.add(SCHEMA_VALIDATION_FAILED, field_pointer(pointer, rule, field),
                                f"{field} must be a non-empty array of error names (FnF.ALL matches every error).")
        return []
    return errors
