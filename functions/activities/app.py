"""ActivitiesFunction: CreateActivity, DescribeActivity, ListActivities, DeleteActivity and GetActivityTask.

Direct / API body: ``{"action": "createActivity"|"describeActivity"|"listActivities"|"deleteActivity"|
"getActivityTask", ...}`` with Step Functions' field names (see ``cloudflow.activities.requests``). Answers
as Step Functions does, or ``{"error": "ActivityDoesNotExist"|"InvalidArn"|"InvalidName"|"InvalidToken"|
"InvalidRequest", "message"}``. GetActivityTask long-polls up to 60 s, always ending before the function's
own timeout; nothing in time answers ``{}``. Workers answer tasks through CallbackFunction.
"""

from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from cloudflow.activities.polling import MAX_WAIT_SECONDS, RealTime, get_activity_task, runtime_liveness
from cloudflow.activities.registry import create_activity, delete_activity, describe_activity, list_activities
from cloudflow.activities.requests import (
    CreateActivityRequest,
    DeleteActivityRequest,
    DescribeActivityRequest,
    GetActivityTaskRequest,
    parse_activity_request,
)
from cloudflow.adapters.dynamodb_activities import activities_for
from cloudflow.adapters.wiring import shared_runtime
from cloudflow.runtime.requests import serve

logger = Logger()
tracer = Tracer()

RESERVE_SECONDS = 3.0
"""Time kept back from a long poll to answer before the function times out."""


def _answer(payload: Any, context: LambdaContext) -> dict[str, Any]:
    request = parse_activity_request(payload)
    runtime = shared_runtime()
    activities = activities_for(runtime)
    if isinstance(request, CreateActivityRequest):
        return create_activity(activities, request.name)
    if isinstance(request, DescribeActivityRequest):
        return describe_activity(activities, request.activity_arn)
    if isinstance(request, DeleteActivityRequest):
        return delete_activity(activities, request.activity_arn)
    if isinstance(request, GetActivityTaskRequest):
        budget = context.get_remaining_time_in_millis() / 1000 - RESERVE_SECONDS
        wait = min(MAX_WAIT_SECONDS if request.wait_seconds is None else request.wait_seconds, max(budget, 0.0))
        task = get_activity_task(activities.store, request.activity_arn, request.worker_name, wait,
                                 timer=RealTime(), liveness=runtime_liveness(runtime))
        logger.info("getActivityTask", extra={"activity_arn": request.activity_arn, "worker": request.worker_name,
                                              "handed_out": bool(task)})
        return task
    return list_activities(activities, request.max_results, request.next_token)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> Any:
    """Manage activities, or hand a worker its next task."""
    return serve(event, lambda payload: _answer(payload, context))
