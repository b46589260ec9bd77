"""Step Functions activities: tasks that workers running anywhere pick up with GetActivityTask.

    registry   CreateActivity / DescribeActivity / ListActivities / DeleteActivity, and the store port
    dispatch   the task resolver that queues an activity task when a Task state invokes an activity ARN
    polling    GetActivityTask: claim the oldest pending task of an activity, long-polling until one comes
    worker     the worker helper (poll, run a handler, heartbeat, answer) and its clients
    requests   the request models of the activities handler

The engine treats an activity Task as a callback task: it waits for SendTask* with the task's token,
with HeartbeatSeconds and TimeoutSeconds as usual. This package only hands the token (and the input)
to a worker. boto3 stays in `cloudflow.adapters.dynamodb_activities`.
"""
