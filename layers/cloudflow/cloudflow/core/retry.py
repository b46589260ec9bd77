"""Retry: which Retrier applies to a failure, and how long to back off before the next attempt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cloudflow.asl.model import Retrier
from cloudflow.core.error_matching import error_matches
from cloudflow.core.seeded_random import SeededRandom


@dataclass(frozen=True)
class RetryDecision:
    """Retry after `delay_ms` using retrier `index`, or give up (`retry` False)."""

    retry: bool
    index: int = -1
    delay_ms: int = 0

    @classmethod
    def after(cls, index: int, delay_ms: int) -> RetryDecision:
        """Retry with retrier `index` after `delay_ms`."""
        return cls(True, index, delay_ms)

    @classmethod
    def no_retry(cls) -> RetryDecision:
        """No retrier matches, or the matching one is exhausted."""
        return cls(False)


def backoff_seconds(retrier: Retrier, attempts_so_far: int, draws: SeededRandom) -> float:
    """IntervalSeconds x BackoffRate^n, capped by MaxDelaySeconds, with FULL jitter if asked."""
    delay = retrier.interval_seconds * (retrier.backoff_rate**attempts_so_far)
    if retrier.max_delay_seconds is not None:
        delay = min(delay, float(retrier.max_delay_seconds))
    if retrier.jitter_strategy == "FULL":
        delay = draws.next_float() * delay
    return delay


def decide_retry(
    retriers: Sequence[Retrier], counts: list[int], error: str | None, draws: SeededRandom
) -> RetryDecision:
    """The first retrier whose ErrorEquals matches decides; its own attempt counter is checked.

    `counts` holds the attempts made per retrier in this state entry (ASL: counters are per retrier).
    """
    for index, retrier in enumerate(retriers):
        if not error_matches(retrier.error_equals, error):
            continue
        if counts[index] >= retrier.max_attempts:
            return RetryDecision.no_retry()
        delay = backoff_seconds(retrier, counts[index], draws)
        return RetryDecision.after(index, round(delay * 1000))
    return RetryDecision.no_retry()
