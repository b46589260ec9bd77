"""Task answers by token (SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat) and the tasks an
execution waits on, with their tokens (CloudFlow's own call: a lost token is found, not waited out)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from cloudflow.api.models import (
    Empty,
    PendingTask,
    PendingTasksAnswer,
    TaskFailureRequest,
    TaskHeartbeatRequest,
    TaskSuccessRequest,
)
from cloudflow.api.services import ApiServices, ExecutionArn, error_responses, path_value
from cloudflow.runtime.callbacks import send_task_failure, send_task_heartbeat, send_task_success
from cloudflow.runtime.pending_tasks import pending_tasks

TAGS = ["tasks"]


def register(app: APIGatewayRestResolver, services: ApiServices) -> None:
    """Add the task routes to `app`."""

    @app.post("/tasks/success", tags=TAGS, summary="Answer a task with its output (SendTaskSuccess)",
              responses=error_responses(400, 404))
    def task_success(body: TaskSuccessRequest) -> Empty:
        send_task_success(services.runtime(), body.task_token, body.output)
        return Empty()

    @app.post("/tasks/failure", tags=TAGS, summary="Fail a task (SendTaskFailure)",
              responses=error_responses(400, 404))
    def task_failure(body: TaskFailureRequest) -> Empty:
        send_task_failure(services.runtime(), body.task_token, body.error, body.cause)
        return Empty()

    @app.post("/tasks/heartbeat", tags=TAGS, summary="Report a task's worker alive (SendTaskHeartbeat)",
              responses=error_responses(400, 404))
    def task_heartbeat(body: TaskHeartbeatRequest) -> Empty:
        send_task_heartbeat(services.runtime(), body.task_token)
        return Empty()

    @app.get("/executions/<arn>/pending-tasks", tags=TAGS,
             summary="The callback and activity tasks an execution waits on, with their tokens",
             responses=error_responses(400, 404))
    def pending(arn: ExecutionArn) -> PendingTasksAnswer:
        tasks = pending_tasks(services.runtime(), path_value(arn))
        return PendingTasksAnswer(pending_tasks=[PendingTask.model_validate(task) for task in tasks])
