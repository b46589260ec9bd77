"""The real clock and OS entropy (the local runtime uses a virtual clock instead)."""

from __future__ import annotations

import secrets
import time


class SystemClock:
    """Clock on the host's wall time."""

    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000


class SystemSecrets:
    """SecretSource on the OS's cryptographic randomness: 256 bits per seed."""

    def new_seed(self) -> str:
        return secrets.token_hex(32)
