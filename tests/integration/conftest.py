"""Adapters against moto, on resources created from template.yaml (so tests and the stack cannot drift)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def stack() -> Iterator[tuple[Any, Any]]:
    """(boto3 session, StackResources) on in-process moto."""
    import boto3
    from moto import mock_aws

    from cloudflow.adapters.template_resources import create_stack_resources

    with pytest.MonkeyPatch.context() as patch:
        for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            patch.setenv(key, "testing")
        with mock_aws():
            session = boto3.session.Session()
            yield session, create_stack_resources(session, REPO / "template.yaml", "it")


@pytest.fixture
def store(stack: tuple[Any, Any]) -> Any:
    from cloudflow.adapters.dynamodb_store import DynamoDbExecutionStore

    session, resources = stack
    return DynamoDbExecutionStore(session.client("dynamodb", region_name="us-east-1"), resources.table)
