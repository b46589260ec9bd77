"""Test-suite options: the deployed-stack set is opt-in (`pytest --deployed -m deployed`)."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--deployed", action="store_true",
                     help="also collect tests marked `deployed` (they need AWS credentials and a deployed stack)")
    parser.addoption("--stack-name", default=None,
                     help="the deployed stack (default: $CLOUDFLOW_STACK_NAME or cloudflow)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without --deployed, tests marked `deployed` are deselected (not skipped): they never reach AWS."""
    if config.getoption("--deployed"):
        return
    kept = [item for item in items if item.get_closest_marker("deployed") is None]
    dropped = [item for item in items if item.get_closest_marker("deployed") is not None]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
