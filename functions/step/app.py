"""StepFunction: consumes the FIFO step queue and the timer queue. Each message advances one unit by one step.

A step-queue message that fails is reported in ``batchItemFailures``; the FIFO processor then also returns
the messages after it, so a unit's messages are never applied out of order. A timer-queue message (a
wake-up whose delay ran out) is applied here directly rather than forwarded to the step queue: that saves a
queue round trip and an invocation per wait and retry back-off, and a wake-up needs no ordering with the
unit's other messages (see cloudflow.runtime.timers).
"""

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    SqsFifoPartialProcessor,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from cloudflow.adapters.wiring import shared_runtime
from cloudflow.runtime.messages import decode_message
from cloudflow.runtime.stepper import process_message

logger = Logger()
tracer = Tracer()
metrics = Metrics()
steps = SqsFifoPartialProcessor()
wake_ups = BatchProcessor(event_type=EventType.SQS)  # the timer queue is a standard queue: no order to keep


@tracer.capture_method
def record_handler(record: SQSRecord) -> None:
    """Apply one message; raising marks it (and its group's later messages) for redelivery."""
    runtime = shared_runtime()
    message = decode_message(record.body, runtime.codec)
    logger.append_keys(execution_id=message.execution_id, unit=message.unit)
    report = process_message(runtime, message)
    if report.transitions:
        metrics.add_metric(name="StateTransitions", unit=MetricUnit.Count, value=report.transitions)
    if report.ended and message.unit == "r":
        metrics.add_metric(name=f"Executions{report.ended.title().replace('_', '')}", unit=MetricUnit.Count, value=1)
    logger.debug("step", extra={"kind": message.kind, "applied": report.applied, "transitions": report.transitions})


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """An SQS batch (of the step queue, or of the timer queue) in, partial batch failures out."""
    records = event.get("Records") or [{}]
    from_step_queue = str(records[0].get("eventSourceARN", "")).endswith(".fifo")
    processor = steps if from_step_queue else wake_ups
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
