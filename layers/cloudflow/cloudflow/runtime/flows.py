"""Flow versions: immutable definitions named by their content, pinned by each execution at start."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from cloudflow.asl.loader import load_state_machine
from cloudflow.asl.model import StateMachine
from cloudflow.errors import StateMachineDoesNotExistError
from cloudflow.local.mock_config import MockConfig
from cloudflow.runtime.runtime import Runtime

LATEST = "LATEST"


def definition_text(definition: Any) -> str:
    """The definition as text, keys in the order written (payload templates render in that order)."""
    if isinstance(definition, str):
        return definition
    return json.dumps(definition, separators=(",", ":"), ensure_ascii=False)


def _version_of(definition: Any, text: str) -> str:
    """A version id by content: the same object sent with its keys in another order is the same version."""
    canonical = text if isinstance(definition, str) else json.dumps(definition, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def publish_flow(rt: Runtime, name: str, definition: Any) -> str:
    """Validate and store a definition; returns its version id. LATEST then points at it.

    Raises:
        InvalidDefinitionError: with every problem, each with a JSON pointer.
    """
    text = definition_text(definition)
    machine = load_state_machine(text)
    version = _version_of(definition, text)
    rt.store.put_flow(name, version, text)
    rt.store.put_flow_alias(name, LATEST, version)
    rt.store.register_flow(name, rt.clock.now_ms(), must_be_new=False)  # listed by the API however published
    rt.machines[(name, version)] = machine
    return version


def resolve_version(rt: Runtime, name: str, version: str | None) -> str:
    """The version an execution pins: the one asked for, or LATEST's."""
    if version is not None and version != LATEST:
        if rt.store.get_flow(name, version) is None:
            raise StateMachineDoesNotExistError(f"Flow {name!r} has no version {version!r}.")
        return version
    pinned = rt.store.get_flow_alias(name, LATEST)
    if pinned is None:
        raise StateMachineDoesNotExistError(f"Flow {name!r} does not exist; publish it first.")
    return pinned


def machine_for(rt: Runtime, name: str, version: str) -> StateMachine:
    """The parsed flow version, cached for the life of the process (versions never change)."""
    machine = rt.machines.get((name, version))
    if machine is None:
        text = rt.store.get_flow(name, version)
        if text is None:
            raise StateMachineDoesNotExistError(f"Flow {name!r} has no version {version!r}.")
        machine = load_state_machine(text)
        rt.machines[(name, version)] = machine
    return machine


def publish_mock_config(rt: Runtime, flow: str, document: Any) -> str:
    """Validate and store a mock config sent with a start; returns the key executions pin.

    Raises:
        InvalidInputError: the document is not a valid Step Functions Local mock config.
    """
    text = definition_text(document if not isinstance(document, str) else json.loads(document))
    config = MockConfig.from_dict(json.loads(text))
    key = hashlib.sha256(text.encode()).hexdigest()[:16]
    rt.store.put_flow(f"{flow}~mock", key, text)
    rt.mock_configs[key] = config
    return key


def mock_config_for(rt: Runtime, flow: str, key: str | None) -> MockConfig | None:
    """The mock config an execution pinned (cached), else the runtime's own (CLOUDFLOW_MOCK_CONFIG)."""
    if key is None:
        return rt.mock_config
    config = rt.mock_configs.get(key)
    if config is None:
        text = rt.store.get_flow(f"{flow}~mock", key)
        if text is None:
            return None
        config = MockConfig.from_dict(json.loads(text))
        rt.mock_configs[key] = config
    return config
