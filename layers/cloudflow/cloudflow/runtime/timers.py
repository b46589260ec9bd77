"""Wake-ups: up to 15 minutes away they ride the timer queue's message delay; further ones are
one-time Scheduler schedules. The step handler applies a timer-queue wake-up itself; the timer handler
forwards a Scheduler one to the unit's step-queue group. Either way the step checks the due time and the
snapshot, so a late, early, stale or duplicate fire does nothing harmful.

Applying a wake-up outside the unit's FIFO group is safe because a unit that waits on a timer has no
other live work: its one frame is parked on that timer (remote children are units of their own). A
message that does reach it meanwhile is stale (applies nothing), or ends the execution (a stop, the
execution's timeout), which leaves nothing for a lost dispatch to do. So a crash between a wake-up
step's write and its dispatch is repaired when the timer message comes back, as on the step queue.
"""

from __future__ import annotations

import hashlib
import math

from cloudflow.core.commands import CancelWakeUp, ScheduleWakeUp
from cloudflow.core.events import WakeUpDue
from cloudflow.runtime.codec import event_to_dict
from cloudflow.runtime.messages import WorkMessage, decode_message, encode_message
from cloudflow.runtime.runtime import MAX_QUEUE_DELAY_SECONDS, Runtime

EARLY_TOLERANCE_MS = 1000  # Scheduler fires at one-second resolution


def schedule_name(execution_id: str, unit: str, timer_id: str) -> str:
    """A deterministic schedule name (re-creating it is a no-op): 64 characters at most."""
    return "cf-" + hashlib.sha256(f"{execution_id}|{unit}|{timer_id}".encode()).hexdigest()[:48]


def wake_up_message(execution_id: str, unit: str, timer_id: str, due_ms: int) -> WorkMessage:
    """The step-queue message a wake-up becomes."""
    return WorkMessage(execution_id=execution_id, unit=unit, kind="event", key=f"timer:{timer_id}",
                       event=event_to_dict(WakeUpDue(timer_id)), due_ms=due_ms)


def arm(rt: Runtime, message: WorkMessage) -> None:
    """Arrange for `message` (a wake-up) to reach the timer handler at its due time."""
    assert message.due_ms is not None and message.event is not None
    delay_s = max(0, math.ceil((message.due_ms - rt.clock.now_ms()) / 1000))
    body = encode_message(message, rt.codec)
    if delay_s <= MAX_QUEUE_DELAY_SECONDS:
        rt.queue.send_delayed(body, delay_s if rt.settings.queue_delays else 0)
    else:
        rt.scheduler.schedule_at(schedule_name(message.execution_id, message.unit, message.event["timer_id"]),
                                 message.due_ms, body)


def schedule_wake_up(rt: Runtime, execution_id: str, unit: str, command: ScheduleWakeUp) -> None:
    """Dispatch a ScheduleWakeUp command."""
    arm(rt, wake_up_message(execution_id, unit, command.timer_id, command.due_ms))


def cancel_wake_up(rt: Runtime, execution_id: str, unit: str, command: CancelWakeUp) -> None:
    """Dispatch a CancelWakeUp: delete its schedule if it has one (a queued one just fires stale)."""
    if (command.due_ms - rt.clock.now_ms()) / 1000 > MAX_QUEUE_DELAY_SECONDS:
        rt.scheduler.delete(schedule_name(execution_id, unit, command.timer_id))


def fire(rt: Runtime, body: str) -> bool:
    """The timer handler's work (Scheduler wake-ups): forward a due wake-up to its unit's step group; re-arm
    an early one.

    Returns whether it was forwarded.
    """
    message = decode_message(body, rt.codec)
    if message.due_ms is not None and message.due_ms > rt.clock.now_ms() + EARLY_TOLERANCE_MS:
        arm(rt, message)
        return False
    rt.queue.send([(message.group, message.key, encode_message(message, rt.codec))])
    return True
