"""The local stack's default event bus: the rules moto holds, their targets invoked in process.

Moto stores rules and targets but invokes no Lambda target, so this bus does what EventBridge does with an
event: every ENABLED rule of the default bus whose event pattern matches it (moto's own matcher) hands each
target StartFunction what the target renders (its InputTransformer, Input or InputPath; see
`cloudflow.local.trigger_delivery`). Targets other than StartFunction are not invoked (there is nothing local
to invoke); they are reported once. Unlike EventBridge, which delivers after PutEvents answers, the bus
delivers before: when the event's id comes back, its executions have started.

A start that is refused (say, the flow was deleted) or that fails is reported and does not stop the other
targets; EventBridge would retry a failure and then drop it, as nothing here does either.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from moto.events.models import EventPattern

from cloudflow.local.put_events import DEFAULT_BUS, EventEntry, event_from_entry
from cloudflow.local.trigger_delivery import iso_seconds, render_target_input
from cloudflow.ports import Clock

StartFunction = Callable[[Any], Any]
"""Invokes StartFunction's handler with a payload; its answer."""


def report_to_stderr(message: str) -> None:
    """Where the local stack says what it could not deliver: its terminal, as the pump does."""
    print(f"cloudflow local: {message}", file=sys.stderr, flush=True)


class LocalEventBus:
    """The EventBus of `cloudflow.local.event_routes` on moto's EventBridge (`events` client)."""

    def __init__(self, events: Any, start_function_arn: str, start: StartFunction, clock: Clock, account: str,
                 region: str, report: Callable[[str], None] = report_to_stderr) -> None:
        self._events = events
        self._start_function_arn = start_function_arn
        self._start = start
        self._clock = clock
        self._account = account
        self._region = region
        self._report = report
        self._reported: set[tuple[str, str]] = set()

    def put_events(self, entries: Sequence[EventEntry]) -> list[str]:
        """Put one event per entry on the default bus and deliver it; the events' ids, in order."""
        ids = []
        for entry in entries:
            event_id = str(uuid.uuid4())  # EventBridge's ids are random UUIDs
            self.deliver(event_from_entry(entry, event_id, self._clock.now_ms(), self._account, self._region))
            ids.append(event_id)
        return ids

    def deliver(self, event: dict[str, Any]) -> int:
        """Hand `event` to StartFunction for every target of every rule it matches; how many starts answered."""
        started = 0
        ingested = iso_seconds(self._clock.now_ms())
        for rule in self._matching_rules(event):
            for target in self._targets(rule["Name"]):
                if target.get("Arn") != self._start_function_arn:
                    self._report_once(rule["Name"], target, "a target other than StartFunction is not invoked "
                                                            "locally")
                    continue
                try:
                    payload = render_target_input(target, event, rule["Arn"], rule["Name"], ingested)
                except (ValueError, KeyError) as error:
                    self._report(f"rule {rule['Name']}: target {target.get('Id')} cannot render event "
                                 f"{event['id']}: {error}")
                    continue
                started += self._invoke(rule["Name"], event["id"], payload)
        return started

    def _invoke(self, rule: str, event_id: str, payload: Any) -> int:
        try:
            answer = self._start(payload)
        except Exception as error:  # a failing function: EventBridge would retry it, then drop the event
            self._report(f"rule {rule}: StartFunction failed on event {event_id}: {type(error).__name__}: {error}")
            return 0
        if isinstance(answer, dict) and "error" in answer:
            self._report(f"rule {rule}: event {event_id} started nothing: {answer['error']}: "
                         f"{answer.get('message', '')}")
            return 0
        return 1

    def _matching_rules(self, event: dict[str, Any]) -> Iterator[dict[str, Any]]:
        for page in self._events.get_paginator("list_rules").paginate(EventBusName=DEFAULT_BUS):
            for rule in page.get("Rules", []):
                if not str(rule.get("State", "")).startswith("ENABLED") or not rule.get("EventPattern"):
                    continue  # disabled, or a scheduled rule (no pattern: no event matches it)
                matchable: Any = event  # moto types events as its own TypedDict; EventBridge's envelope is one
                if EventPattern.load(rule["EventPattern"]).matches_event(matchable):
                    yield rule

    def _targets(self, rule: str) -> list[dict[str, Any]]:
        targets: list[dict[str, Any]] = []
        for page in self._events.get_paginator("list_targets_by_rule").paginate(Rule=rule,
                                                                              EventBusName=DEFAULT_BUS):
            targets.extend(page.get("Targets", []))
        return targets

    def _report_once(self, rule: str, target: dict[str, Any], problem: str) -> None:
        key = (rule, str(target.get("Id")))
        if key not in self._reported:
            self._reported.add(key)
            self._report(f"rule {rule}: target {target.get('Id')} ({target.get('Arn')}): {problem}")
