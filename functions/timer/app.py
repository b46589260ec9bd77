"""TimerFunction: wake-ups from the timer queue (delays up to 15 minutes) and from Scheduler schedules.

Either way the wake-up is forwarded to its unit's step-queue group; one that arrives early is
armed again instead.
"""

import json
from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from cloudflow.adapters.wiring import shared_runtime
from cloudflow.runtime.timers import fire

logger = Logger()
tracer = Tracer()
processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord) -> None:
    """One queued wake-up."""
    fire(shared_runtime(), record.body)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """An SQS batch of wake-ups, or one wake-up from a Scheduler schedule (its Input)."""
    if isinstance(event, dict) and "Records" in event:
        return process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                        context=context)
    forwarded = fire(shared_runtime(), json.dumps(event))
    return {"forwarded": forwarded}
