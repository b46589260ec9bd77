"""StartFunction: StartExecution, invoked directly, through API Gateway, by EventBridge or a schedule.

Direct / API body: ``{"flow", "input", "name"?, "version"?, "definition"?, "maxTransitions"?, "testCase"?,
"mockConfig"?, "tags"?: [{"key", "value"}]}``
answers ``{"executionArn", "startDate", "version"}``. A raw EventBridge event starts the flow named
by CLOUDFLOW_EVENT_FLOW with the whole event as input, named by the event id, so EventBridge's
redeliveries start it only once.
"""

import os
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from cloudflow.adapters.wiring import shared_runtime
from cloudflow.core.timestamps import iso_from_ms
from cloudflow.runtime.requests import StartExecutionRequest, serve
from cloudflow.runtime.starter import StartRequest, start_execution

logger = Logger()
tracer = Tracer()
metrics = Metrics()


def _is_eventbridge(event: Any) -> bool:
    return isinstance(event, dict) and {"detail-type", "source", "detail", "id"} <= event.keys()


def _start(payload: Any) -> dict[str, Any]:
    if _is_eventbridge(payload):
        flow = os.environ.get("CLOUDFLOW_EVENT_FLOW", "")
        if not flow:  # a misconfigured stack: fail loudly so EventBridge retries, then dead-letters
            raise RuntimeError("CLOUDFLOW_EVENT_FLOW is empty: set the EventFlowName parameter to start flows "
                               "from events")
        payload = {"flow": flow, "name": payload["id"].replace(":", "-")[:80], "input": payload}
    request = StartExecutionRequest.model_validate(payload)
    result = start_execution(shared_runtime(), StartRequest(
        flow=request.flow_name(), input=request.input, name=request.name, version=request.version,
        definition=request.definition, max_transitions=request.max_transitions, test_case=request.test_case,
        mock_config=request.mock_config, tags=request.execution_tags()))
    logger.append_keys(execution_arn=result.execution_arn)
    logger.info("execution started")
    metrics.add_metric(name="ExecutionsStarted", unit=MetricUnit.Count, value=1)
    return {"executionArn": result.execution_arn, "startDate": iso_from_ms(result.start_ms),
            "version": result.version}


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> Any:
    """Start an execution; answer as the caller expects (direct, API Gateway, EventBridge)."""
    return serve(event, _start)
