"""StopFunction: StopExecution with an optional error and cause; children and timers are cancelled.

Direct / API body: ``{"executionArn", "error"?, "cause"?}``; answers ``{"stopDate"}``.
"""

from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from cloudflow.adapters.wiring import shared_runtime
from cloudflow.core.timestamps import iso_from_ms
from cloudflow.runtime.requests import StopExecutionRequest, serve
from cloudflow.runtime.stopper import stop_execution

logger = Logger()
tracer = Tracer()


def _stop(payload: Any) -> dict[str, Any]:
    request = StopExecutionRequest.model_validate(payload)
    stopped = stop_execution(shared_runtime(), request.execution_arn, request.error, request.cause)
    return {"stopDate": iso_from_ms(stopped)}


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> Any:
    """Stop an execution."""
    return serve(event, _stop)
