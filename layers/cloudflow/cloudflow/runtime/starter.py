"""StartExecution: create the root unit with the pinned flow version, then queue its first step.

Idempotent by name, as Step Functions is: the same name with the same input (and the same tags)
returns the same answer while the execution runs; any other reuse of the name is ExecutionAlreadyExists.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cloudflow.core.events import ExecutionStarted
from cloudflow.core.snapshot import ExecutionInfo, ExecutionStatus, new_snapshot
from cloudflow.errors import ConflictError, ExecutionAlreadyExistsError, InvalidInputError
from cloudflow.ports import UnitRecord
from cloudflow.runtime.codec import event_to_dict
from cloudflow.runtime.execution_tags import ExecutionTag, check_tags, same_tags, tags_from_attr, tags_to_attr
from cloudflow.runtime.fan_out import FANNED_OUT
from cloudflow.runtime.flows import mock_config_for, publish_flow, publish_mock_config, resolve_version
from cloudflow.runtime.identity import ROOT_UNIT, check_name, execution_arn, execution_id, state_machine_arn
from cloudflow.runtime.messages import WorkMessage
from cloudflow.runtime.outgoing import send
from cloudflow.runtime.runtime import Runtime
from cloudflow.runtime.search_index import index_start
from cloudflow.runtime.step_context import MOCK_CALLS
from cloudflow.runtime.tokens import token_prefix


@dataclass(frozen=True)
class StartRequest:
    """What a caller asks for. `definition` publishes (or reuses) a version of `flow` first."""

    flow: str
    input: Any = None
    name: str | None = None
    version: str | None = None
    definition: Any = None
    max_transitions: int | None = None
    test_case: str | None = None  # the mock-config test case answering this execution's tasks
    mock_config: Any = None  # a Step Functions Local mock config sent with the start (else the runtime's)
    parent: ParentLink | None = None  # started by a states:startExecution task of another execution
    tags: tuple[ExecutionTag, ...] = ()


@dataclass(frozen=True)
class ParentLink:
    """The task of another execution that started this one, and how it waits for it."""

    execution_arn: str
    token: str
    pattern: str  # request-response | sync | sync:2 | callback


@dataclass(frozen=True)
class StartResult:
    """StartExecution's answer."""

    execution_arn: str
    start_ms: int
    version: str


def _input_digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _start_message(execution: str) -> WorkMessage:
    return WorkMessage(execution_id=execution, unit=ROOT_UNIT, kind="event", key=f"start:{execution}",
                       event=event_to_dict(ExecutionStarted()))


def start_execution(rt: Runtime, request: StartRequest) -> StartResult:
    """Start (or, for a repeat of the same start, find) an execution.

    Raises:
        InvalidInputError: a bad name, budget, flow name or tag.
        InvalidDefinitionError: `definition` has problems.
        StateMachineDoesNotExistError: no such flow or version.
        ExecutionAlreadyExistsError: the name is taken by another start.
    """
    check_name("flow", request.flow)
    name = check_name("name", request.name) if request.name is not None else _fresh_name(rt)
    if request.max_transitions is not None and request.max_transitions < 1:
        raise InvalidInputError("maxTransitions", "must be a positive integer")
    tags = check_tags(request.tags)
    mock_key = publish_mock_config(rt, request.flow, request.mock_config) if request.mock_config is not None else None
    if request.test_case is not None:
        config = mock_config_for(rt, request.flow, mock_key)
        if config is None:
            raise InvalidInputError("testCase", "no mock config: send 'mockConfig' or set CLOUDFLOW_MOCK_CONFIG")
        known = request.flow if request.flow in config.test_cases else None
        config.resolver(known, request.test_case)  # raises, naming the known test cases
    version = (publish_flow(rt, request.flow, request.definition) if request.definition is not None
               else resolve_version(rt, request.flow, request.version))
    execution = execution_id(request.flow, name)
    digest = _input_digest(request.input)
    now = rt.clock.now_ms()
    settings = rt.settings
    info = ExecutionInfo(
        execution_arn=execution_arn(settings, execution), name=name,
        state_machine_arn=state_machine_arn(settings, request.flow), state_machine_name=request.flow,
        role_arn=settings.role_arn or f"arn:aws:iam::{settings.account}:role/CloudFlowExecutionRole",
        start_time_ms=now, input=request.input, callback_timeout_seconds=settings.callback_timeout_seconds,
    )
    snapshot = new_snapshot(info, rt.secrets.new_seed(), remote_children=True, max_transitions=request.max_transitions,
                            inline_children=rt.settings.inline_fan_out)
    snapshot.token_prefix = token_prefix(execution, ROOT_UNIT)
    attrs = {
        "flow": request.flow, "flow_version": version, "name": name, "start_ms": now, "input_digest": digest,
        "test_case": request.test_case, "mock_config": mock_key, "max_transitions": request.max_transitions,
        "transitions": 0, "tags": tags_to_attr(tags), FANNED_OUT: False,
        MOCK_CALLS: {} if request.test_case is not None else None,
        "gsi1pk": f"FLOW#{request.flow}", "gsi1sk": f"{now:013d}#{name}",
    }
    if request.parent is not None:
        attrs.update(parent_execution_arn=request.parent.execution_arn, parent_token=request.parent.token,
                     parent_pattern=request.parent.pattern)
    record = UnitRecord(execution, ROOT_UNIT, 1, ExecutionStatus.RUNNING.value,
                        rt.codec.encode_snapshot(snapshot, f"units/{execution}/{ROOT_UNIT}/1"), attrs=attrs)
    try:
        # Created only if the name is new: a repeat (or a concurrent start with this name) reads what is there,
        # so the common case, a new name, costs no read.
        rt.store.save_unit(record, 0)
    except ConflictError:
        existing = rt.store.get_unit(execution, ROOT_UNIT)
        if existing is None:  # the execution expired between the two calls: its name is free again
            raise
        return _same_start(rt, existing, digest, tags, execution, request.input)
    index_start(rt, request.flow, name, now, request.input, tags)  # before the first step: searchable once started
    send(rt, [_start_message(execution)])
    return StartResult(info.execution_arn, now, version)


def _same_start(rt: Runtime, existing: UnitRecord, digest: str, tags: tuple[ExecutionTag, ...], execution: str,
                input: Any) -> StartResult:
    # Tags are compared beside the input digest, not folded into it: the digests of executions started
    # before tags existed stay valid, so their repeats are still recognised.
    if (existing.status != ExecutionStatus.RUNNING or existing.attrs.get("input_digest") != digest
            or not same_tags(tags_from_attr(existing.attrs.get("tags")), tags)):
        raise ExecutionAlreadyExistsError(f"Execution Already Exists: '{execution_arn(rt.settings, execution)}'")
    # The same items again (same keys): repairs a start that crashed between its record and its index.
    index_start(rt, str(existing.attrs["flow"]), str(existing.attrs["name"]), int(existing.attrs["start_ms"]), input,
                tags)
    send(rt, [_start_message(execution)])  # harmless if it started already; repairs a crash if not
    return StartResult(execution_arn(rt.settings, execution), int(existing.attrs["start_ms"]),
                       str(existing.attrs["flow_version"]))


def _fresh_name(rt: Runtime) -> str:
    return hashlib.sha256(rt.secrets.new_seed().encode()).hexdigest()[:32]
