"""Where a step's history goes: into a page of its own, or, for now, onto the unit's record as its tail.

A history page is an item of its own beside the record, with an entry in the Usage index: a step that writes
one pays three write units or more. Most steps of a unit that waits or retries record a few hundred bytes,
which ride on the record's own write for at most one write unit more, often none. So they stay on the record
(`UnitRecord.tail`) and the next steps add theirs, until a step finds the tail no longer worth keeping and
writes it out as one page, keyed by its first event as the first of its steps would have keyed it:

- the unit ended, or waits on nothing due within 15 minutes (a callback, a long Wait, its children): the
  Usage index, which counts pages, so lags a running unit's transitions by 30 minutes at most;
- its first event is more than 15 minutes old (the same bound);
- the record with it would cost more than one write unit, or any read unit, more than without it;
- the day changed: a page counts on one day, so an earlier day's tail becomes a page of its own.

Exactly once holds as before: the tail is part of the conditional write of the record, and pages are written
before it, keyed by their first event. A step that crashed after writing a page but before its record may,
run again with other task answers, keep those events on the record instead. The page it left starts at or
after the tail's first event, so readers skip it (ExecutionStore.history_pages), and the tail's own page
replaces it once written; until then the Usage index counts the leftover's transitions.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from cloudflow.core.snapshot import ExecutionStatus
from cloudflow.core.timestamps import iso_from_ms, ms_from_iso
from cloudflow.ports import Blob, HistoryPage, UnitRecord
from cloudflow.runtime.runtime import MAX_QUEUE_DELAY_SECONDS, Runtime
from cloudflow.runtime.step_context import StepContext

HORIZON_MS = MAX_QUEUE_DELAY_SECONDS * 1000
"""A tail is kept only while the unit's next step is due within this long, and for this long at most."""


@dataclass(frozen=True)
class HistoryPlacement:
    """Where a step's events go: pages to write before the record, and the tail to write with it."""

    pages: list[HistoryPage]
    tail: HistoryPage | None


def place_history(rt: Runtime, context: StepContext, record: UnitRecord, expires: int) -> HistoryPlacement:
    """Place the record's earlier tail and the step's events; `record` is the record the step is about to
    write, without a tail."""
    day = iso_from_ms(context.now_ms)[:10]
    pages: list[HistoryPage] = []
    events: list[dict[str, Any]] = []
    transitions = 0
    earlier = context.record.tail
    if earlier is not None:
        earlier_events: list[dict[str, Any]] = rt.codec.decode(earlier.events) or []
        if _day_of(earlier_events) != day:
            pages.append(_page(context, earlier.first_event_id, earlier.events, earlier_events, earlier.transitions,
                               _day_of(earlier_events), expires))
        else:
            events, transitions = earlier_events, earlier.transitions
    events = events + context.history
    if not events:
        return HistoryPlacement(pages, None)
    page = _encoded_page(rt, context, events, transitions + context.transitions, day, expires)
    if page.events.ref is None and _soon_stepped_again(context, events) and _affordable(rt, record, page):
        return HistoryPlacement(pages, dataclasses.replace(page, expires_at=None))
    return HistoryPlacement([*pages, page], None)


def step_page(rt: Runtime, context: StepContext, expires: int) -> HistoryPage | None:
    """The step's events as one page of their own (None when it recorded none): a child that ended in its first
    step keeps no record, so no tail either."""
    if not context.history:
        return None
    return _encoded_page(rt, context, context.history, context.transitions, iso_from_ms(context.now_ms)[:10], expires)


def _encoded_page(rt: Runtime, context: StepContext, events: list[dict[str, Any]], transitions: int, day: str,
                  expires: int) -> HistoryPage:
    first = int(events[0]["id"])
    blob = rt.codec.encode(events, f"history/{context.execution_id}/{context.unit}/{first}")
    return _page(context, first, blob, events, transitions, day, expires)


def _page(context: StepContext, first: int, blob: Blob, events: list[dict[str, Any]], transitions: int, day: str,
          expires: int) -> HistoryPage:
    return HistoryPage(context.execution_id, context.unit, first, blob, len(events), transitions, context.flow, day,
                       expires)


def _day_of(events: list[dict[str, Any]]) -> str:
    return str(events[0]["timestamp"])[:10]


def _soon_stepped_again(context: StepContext, events: list[dict[str, Any]]) -> bool:
    """Whether the unit runs on, takes its next step within the horizon, and the tail is younger than it."""
    snapshot, now = context.snapshot, context.now_ms
    if snapshot.status != ExecutionStatus.RUNNING or not snapshot.timers:
        return False
    next_due = min(timer.due_ms for timer in snapshot.timers.values())
    since = ms_from_iso(str(events[0]["timestamp"]))
    return next_due - now <= HORIZON_MS and since is not None and now - since <= HORIZON_MS


def _affordable(rt: Runtime, record: UnitRecord, tail: HistoryPage) -> bool:
    """Whether the record with the tail costs at most one write unit more than without it (a page costs two or
    more: its item and its Usage entry), and no read unit more."""
    without, with_tail = rt.store.unit_capacity(record), rt.store.unit_capacity(dataclasses.replace(record, tail=tail))
    return (with_tail.write_units <= without.write_units + 1
            and with_tail.read_units <= without.read_units)
