"""CallbackFunction: SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat by task token.

Direct / API body: ``{"action": "success"|"failure"|"heartbeat", "taskToken", "output"?, "error"?,
"cause"?}``; answers ``{}``, or ``{"error": "InvalidToken"|"TaskDoesNotExist"|"TaskTimedOut", ...}``.
``{"action": "listPending", "executionArn"}`` answers ``{"pendingTasks": [...]}``: the callback tasks the
execution waits on, with their tokens and timeouts.
"""

from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from cloudflow.adapters.wiring import shared_runtime
from cloudflow.runtime.callbacks import send_task_failure, send_task_heartbeat, send_task_success
from cloudflow.runtime.pending_tasks import pending_tasks
from cloudflow.runtime.requests import PendingTasksRequest, TaskAnswerRequest, serve

logger = Logger()
tracer = Tracer()


def _answer(payload: Any) -> dict[str, Any]:
    runtime = shared_runtime()
    if isinstance(payload, dict) and payload.get("action") == "listPending":
        listing = PendingTasksRequest.model_validate(payload)
        return {"pendingTasks": pending_tasks(runtime, listing.execution_arn)}
    request = TaskAnswerRequest.model_validate(payload)
    if request.action == "success":
        send_task_success(runtime, request.task_token, request.output)
    elif request.action == "failure":
        send_task_failure(runtime, request.task_token, request.error, request.cause)
    else:
        send_task_heartbeat(runtime, request.task_token)
    return {}


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> Any:
    """Answer a task by its token."""
    return serve(event, _answer)
