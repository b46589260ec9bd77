"""Deterministic randomness: every draw is a pure function of (seed, counter).

The snapshot stores the seed and the number of draws made so far, so a replay of the same events
draws the same numbers (MathRandom, UUID, retry jitter) wherever and whenever it runs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass
class SeededRandom:
    """A counter-based generator: draw n of seed s is sha256(s:n)."""

    seed: str
    counter: int = 0

    def _next_bytes(self) -> bytes:
        digest = hashlib.sha256(f"{self.seed}:{self.counter}".encode()).digest()
        self.counter += 1
        return digest

    def next_float(self) -> float:
        """A float in [0, 1)."""
        return int.from_bytes(self._next_bytes()[:7], "big") / float(1 << 56)

    def next_int(self, low: int, high: int) -> int:
        """An integer in [low, high]."""
        span = high - low + 1
        return low + int.from_bytes(self._next_bytes()[:8], "big") % span

    def next_uuid(self) -> str:
        """A version-4 UUID string drawn from the seed."""
        raw = bytearray(self._next_bytes()[:16])
        raw[6] = (raw[6] & 0x0F) | 0x40
        raw[8] = (raw[8] & 0x3F) | 0x80
        h = raw.hex()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
