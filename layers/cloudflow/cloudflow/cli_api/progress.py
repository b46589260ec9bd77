"""A spinner with the seconds waited, on stderr while the CLI waits for an execution, when stderr is a
terminal; nothing at all otherwise, so piped output and logs stay clean.

The spinner turns on its own thread: a synchronous start is one long request, with nothing to report
until it answers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

FRAMES = "|/-\\"
TICK_SECONDS = 0.1


class Progress:
    """`with Progress(sys.stderr, "waiting for x"): ...`; `update(label)` changes what it says."""

    def __init__(self, stream: TextIO, label: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.label = label
        self.clock = clock
        self.enabled = _is_terminal(stream)
        self._stop = threading.Event()
        self._lock = threading.Lock()  # one line is drawn at a time (ticks and updates)
        self._thread: threading.Thread | None = None
        self._started = 0.0
        self._frame = 0

    def __enter__(self) -> Progress:
        if self.enabled:
            self._started = self.clock()
            self._draw()
            self._thread = threading.Thread(target=self._turn, name="cloudflow-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            with self._lock:
                self.stream.write("\r\x1b[K")  # leave the terminal as it was: the answer follows
                self.stream.flush()

    def update(self, label: str) -> None:
        """Say something else from now on."""
        self.label = label
        if self.enabled and self._thread is not None:
            self._draw()

    def line(self) -> str:
        """What the spinner shows now."""
        return f"{FRAMES[self._frame % len(FRAMES)]} {self.label}  {self.clock() - self._started:.1f} s"

    def _draw(self) -> None:
        with self._lock:
            self.stream.write("\r\x1b[K" + self.line())
            self.stream.flush()

    def _turn(self) -> None:
        while not self._stop.wait(TICK_SECONDS):
            self._frame += 1
            self._draw()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream: no spinner
        return False
