"""The local runtime's clock and secrets: virtual time that jumps to the next wake-up, and seeded ids."""

from __future__ import annotations

import hashlib
from collections.abc import Callable


class VirtualClock:
    """A Clock the local pump moves forward; a 30-day wait takes no real time."""

    def __init__(self, start_ms: int) -> None:
        self._now = start_ms

    def now_ms(self) -> int:
        """The virtual now."""
        return self._now

    def advance_to(self, when_ms: int) -> None:
        """Move to `when_ms` (never backwards)."""
        self._now = max(self._now, when_ms)


class PacedClock(VirtualClock):
    """Virtual time that runs with a wall clock and can jump ahead: the local stack's clock. Callbacks and
    task timeouts keep their real pace, and a Wait can still be skipped (advance_to)."""

    def __init__(self, wall_ms: Callable[[], int]) -> None:
        super().__init__(wall_ms())
        self._wall = wall_ms
        self._skipped = 0

    def now_ms(self) -> int:
        return self._wall() + self._skipped

    def advance_to(self, when_ms: int) -> None:
        self._skipped += max(0, when_ms - self.now_ms())


class SeededSecrets:
    """A SecretSource that repeats: the same seed gives the same execution seeds (replayable tests)."""

    def __init__(self, seed: str) -> None:
        self._seed = seed
        self._count = 0

    def new_seed(self) -> str:
        """The next derived secret."""
        self._count += 1
        return hashlib.sha256(f"{self._seed}:{self._count}".encode()).hexdigest()
