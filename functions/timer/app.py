"""TimerFunction: wake-ups from EventBridge Scheduler's one-time schedules (waits beyond 15 minutes).

The wake-up is forwarded to its unit's step-queue group; one that arrives early is armed again instead.
Shorter waits ride the timer queue's message delay, which StepFunction consumes itself.
"""

import json
from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from cloudflow.adapters.wiring import shared_runtime
from cloudflow.runtime.timers import fire

logger = Logger()
tracer = Tracer()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """One wake-up from a Scheduler schedule (the schedule's Input)."""
    forwarded = fire(shared_runtime(), json.dumps(event))
    return {"forwarded": forwarded}
