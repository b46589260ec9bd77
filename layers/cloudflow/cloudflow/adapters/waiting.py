"""Waiting on the wall clock: how a synchronous API start pauses between two looks at its execution."""

from __future__ import annotations

import time


def wall_sleep(seconds: float) -> None:
    """Pause the calling thread (the local runtime pumps its virtual clock instead)."""
    time.sleep(max(seconds, 0.0))
