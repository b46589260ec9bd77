"""Triggers on the local stack: the configuration a deployed ApiFunction gets, with the local stack's values, and
what stands in for EventBridge and Scheduler delivering to StartFunction.

The trigger routes manage rules and schedules in moto exactly as they do in AWS (`AwsTriggerManagement`, built
from the same CLOUDFLOW_* variables by `TriggerConfig.from_env`). The variables are handed to the local api
handler rather than set in the process environment: tests run several local runtimes in one process, each with
its own stack name, and the environment is shared by all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cloudflow.adapters.local_event_bus import LocalEventBus, StartFunction
from cloudflow.adapters.local_trigger_schedules import LocalTriggerSchedules
from cloudflow.adapters.trigger_management import AwsTriggerManagement, TriggerConfig
from cloudflow.ports import Clock


def local_trigger_environment(stack: str, region: str, account: str) -> dict[str, str]:
    """The trigger variables template.yaml sets on ApiFunction, for a local stack named `stack`."""
    return {
        "CLOUDFLOW_START_FUNCTION_ARN": f"arn:aws:lambda:{region}:{account}:function:{stack}-start",
        "CLOUDFLOW_TRIGGER_ROLE_ARN": f"arn:aws:iam::{account}:role/{stack}-trigger-scheduler",
        "CLOUDFLOW_TRIGGER_SCHEDULE_GROUP": f"{stack}-triggers",
        "CLOUDFLOW_STACK_NAME": stack,
        "AWS_REGION": region,
    }


@dataclass(frozen=True)
class LocalTriggers:
    """The local stack's triggers: managed through the API, events delivered by `bus`, schedules fired by
    `schedules` (the pump calls it)."""

    config: TriggerConfig
    management: AwsTriggerManagement
    bus: LocalEventBus
    schedules: LocalTriggerSchedules

    @classmethod
    def create(cls, session: Any, stack: str, region: str, account: str, clock: Clock, start: StartFunction,
               duplicate_deliveries: bool = False) -> LocalTriggers:
        """Triggers on `session` (moto): the trigger schedule group is created, as the template declares it."""
        config = TriggerConfig.from_env(local_trigger_environment(stack, region, account))
        assert config is not None  # every variable is set above
        events = session.client("events", region_name=region)
        scheduler = session.client("scheduler", region_name=region)
        scheduler.create_schedule_group(Name=config.schedule_group)
        return cls(
            config=config, management=AwsTriggerManagement(events, scheduler, config),
            bus=LocalEventBus(events, config.start_function_arn, start, clock, account, region),
            schedules=LocalTriggerSchedules(scheduler, config.schedule_group, config.start_function_arn, start,
                                            clock, duplicate_deliveries=duplicate_deliveries))
