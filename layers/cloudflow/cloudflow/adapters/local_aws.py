"""The process environment of a local stack on in-process moto."""

from __future__ import annotations

import os

_FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_SESSION_TOKEN": "local"}


def prepare_local_environment() -> None:
    """Credentials for moto (it needs some; never real ones are used) and no EMF lines on a terminal."""
    for key, value in _FAKE_CREDENTIALS.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
