"""ApiFunction: the management REST API behind API Gateway (REST, IAM-authorized), on one Lambda function.

Routes (JSON, camelCase; errors ``{"error", "message", "fields"?}`` named as Step Functions names them):
flows (``/flows``, versions, aliases), executions (start, start-and-wait, stop, describe, list, history),
tasks (``/tasks/success|failure|heartbeat``, ``/executions/{arn}/pending-tasks``), ``/usage`` and
``/validate``; ``GET /openapi.json`` is the OpenAPI document. The routes live in ``cloudflow.api``
(EngineLayer); this handler only resolves the proxy event.
"""

from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from cloudflow.adapters.waiting import wall_sleep
from cloudflow.adapters.wiring import shared_runtime
from cloudflow.api.app import build_app
from cloudflow.api.services import ApiServices
from cloudflow.runtime.requests import is_api_gateway

logger = Logger()
tracer = Tracer()

services = ApiServices(runtime=shared_runtime, sleep=wall_sleep)
app = build_app(services)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Resolve an API Gateway proxy event into the route's answer."""
    if not is_api_gateway(event):
        return {"error": "InvalidRequest",
                "message": "The api function takes API Gateway proxy events; invoke the start, stop, callback "
                           "or validate function directly instead."}
    return app.resolve(event, context)
