"""AWS API tasks end to end: flows on the durable runtime (handlers on moto, pumped on a virtual clock) whose
`aws-sdk:<service>:<action>` and optimized SQS, SNS, DynamoDB and EventBridge tasks call moto's services
through the boto3 adapter; what the flows did is read back from those services."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cloudflow.adapters.aws_sdk_invoker import AwsSdkTaskResolver
from tests.e2e.test_runtime_examples import Run, run_on_runtime, send_callback

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics:UserWarning")

STATES = "arn:aws:states:::"
SDK = "arn:aws:states:::aws-sdk:"
TABLE = "cloudflow-sdk-orders"


def _flow(*states: tuple[str, dict[str, Any]], **extra: dict[str, Any]) -> dict[str, Any]:
    """States chained in order (the last one ends), plus `extra` states reached only by Catch."""
    chained = {}
    for (name, state), following in zip(states, [*states[1:], None], strict=True):
        chained[name] = {**state, "Next": following[0]} if following else {**state, "End": True}
    return {"StartAt": states[0][0], "States": {**chained, **extra}}


def _task(resource: str, parameters: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"Type": "Task", "Resource": resource, "Parameters": parameters, **fields}


def _run(local_runtime: Any, aws: Any, flow: dict[str, Any], execution_input: Any = None) -> Run:
    return run_on_runtime(local_runtime(tasks=AwsSdkTaskResolver(aws)), flow, execution_input or {})


def _table(aws: Any) -> Any:
    client = aws.client("dynamodb")
    client.create_table(TableName=TABLE, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                        BillingMode="PAY_PER_REQUEST")
    return client


def _messages(aws: Any, queue_url: str) -> list[dict[str, Any]]:
    answer = aws.client("sqs").receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                               MessageAttributeNames=["All"])
    messages: list[dict[str, Any]] = answer.get("Messages", [])
    return messages


def test_send_message_serialises_a_json_body_and_answers_in_step_functions_shape(aws: Any,
                                                                                  local_runtime: Any) -> None:
    queue = aws.client("sqs").create_queue(QueueName="cloudflow-sdk-orders")["QueueUrl"]
    flow = _flow(("Send", _task(f"{STATES}sqs:sendMessage", {
        "QueueUrl": queue, "MessageBody": {"orderId.$": "$.orderId", "lines": [1, 2]},
        "MessageAttributes": {"kind": {"DataType": "String", "StringValue": "order"}}})))
    run = _run(local_runtime, aws, flow, {"orderId": "o-1"})
    assert run.status == "SUCCEEDED", (run.described.get("error"), run.described.get("cause"))
    [message] = _messages(aws, queue)
    assert message["Body"] == '{"orderId":"o-1","lines":[1,2]}'
    assert message["MessageAttributes"]["kind"]["StringValue"] == "order"
    output = run.output
    assert list(output) == ["MD5OfMessageAttributes", "MD5OfMessageBody", "MessageId", "SdkHttpMetadata",
                            "SdkResponseMetadata"]
    assert output["MessageId"] == message["MessageId"]
    assert output["SdkHttpMetadata"]["HttpStatusCode"] == 200
    assert output["SdkHttpMetadata"]["HttpHeaders"]["x-amzn-RequestId"] == output["SdkResponseMetadata"]["RequestId"]


def test_publish_reaches_a_subscribed_queue_and_answers_with_the_message_id(aws: Any, local_runtime: Any) -> None:
    sqs, sns = aws.client("sqs"), aws.client("sns")
    queue = sqs.create_queue(QueueName="cloudflow-sdk-notified")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    topic = sns.create_topic(Name="cloudflow-sdk-topic")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"})
    flow = _flow(("Publish", _task(f"{STATES}sns:publish", {"TopicArn": topic, "Message": {"shipped.$": "$.id"}})),
                 ("Missing", _task(f"{STATES}sns:publish", {"TopicArn": f"{topic}-gone", "Message": "x"},
                                   Catch=[{"ErrorEquals": ["SNS.NotFoundException"], "ResultPath": "$.error",
                                           "Next": "Done"}], ResultPath="$.again")), Done={"Type": "Succeed"})
    run = _run(local_runtime, aws, flow, {"id": "o-2"})
    assert run.status == "SUCCEEDED", (run.described.get("error"), run.described.get("cause"))
    [message] = _messages(aws, queue)
    assert message["Body"] == '{"shipped":"o-2"}'
    assert run.output["error"]["Error"] == "SNS.NotFoundException"
    assert run.output["error"]["Cause"].startswith("Endpoint does not exist (Service: AmazonSNS; Status Code: 404; "
                                                   "Error Code: NotFound; Request ID: ")


def test_dynamodb_items_are_put_read_updated_and_deleted_and_a_failed_condition_is_caught(
        aws: Any, local_runtime: Any) -> None:
    client = _table(aws)
    key = {"id": {"S.$": "$.id"}}
    # The conditional put fails, and only its Catch leads on to the update, read and delete.
    then = _flow(
        ("Update", _task(f"{STATES}dynamodb:updateItem", {
            "TableName": TABLE, "Key": key, "UpdateExpression": "SET cents = :t",
            "ExpressionAttributeValues": {":t": {"N": "12"}}, "ReturnValues": "UPDATED_NEW"}, ResultPath="$.updated")),
        ("Get", _task(f"{STATES}dynamodb:getItem", {"TableName": TABLE, "Key": key}, ResultPath="$.got")),
        ("Delete", _task(f"{STATES}dynamodb:deleteItem", {"TableName": TABLE, "Key": key, "ReturnValues": "ALL_OLD"},
                         ResultPath="$.deleted")),
    )["States"]
    flow = _flow(
        ("Put", _task(f"{STATES}dynamodb:putItem", {"TableName": TABLE, "Item": {"id": {"S.$": "$.id"},
                                                                                "cents": {"N": "10"}}},
                      ResultPath=None)),
        ("PutAgain", _task(f"{STATES}dynamodb:putItem", {
            "TableName": TABLE, "Item": {"id": {"S.$": "$.id"}}, "ConditionExpression": "attribute_not_exists(id)"},
            Catch=[{"ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"], "ResultPath": "$.conflict",
                    "Next": "Update"}])),
        **then,
    )
    run = _run(local_runtime, aws, flow, {"id": "o-3"})
    assert run.status == "SUCCEEDED", (run.described.get("error"), run.described.get("cause"))
    output = run.output
    assert output["conflict"]["Error"] == "DynamoDB.ConditionalCheckFailedException"
    assert output["conflict"]["Cause"].startswith("The conditional request failed (Service: AmazonDynamoDBv2; "
                                                  "Status Code: 400; Error Code: ConditionalCheckFailedException; ")
    assert output["updated"]["Attributes"] == {"cents": {"N": "12"}}
    assert output["got"]["Item"] == {"id": {"S": "o-3"}, "cents": {"N": "12"}}
    assert list(output["got"]) == ["Item", "SdkHttpMetadata", "SdkResponseMetadata"]
    assert output["deleted"]["Attributes"]["cents"] == {"N": "12"}
    assert "Item" not in client.get_item(TableName=TABLE, Key={"id": {"S": "o-3"}})


def test_put_events_serialises_the_detail_and_a_failed_entry_fails_the_task(aws: Any, local_runtime: Any) -> None:
    entry = {"Source": "cloudflow.test", "DetailType": "OrderShipped", "Detail": {"orderId.$": "$.id"}}
    flow = _flow(("Put", _task(f"{STATES}events:putEvents", {"Entries": [entry]}, ResultPath="$.put")),
                 ("PutMalformed", _task(f"{STATES}events:putEvents", {
                     "Entries": [{"Source": "cloudflow.test", "DetailType": "Bad", "Detail": "not json"}]},
                     Catch=[{"ErrorEquals": ["EventBridge.FailedEntry"], "ResultPath": "$.failed", "Next": "Done"}])),
                 Done={"Type": "Succeed"})
    run = _run(local_runtime, aws, flow, {"id": "o-4"})
    assert run.status == "SUCCEEDED", (run.described.get("error"), run.described.get("cause"))
    put = run.output["put"]
    assert (put["FailedEntryCount"], len(put["Entries"]), list(put)) == (0, 1, ["Entries", "FailedEntryCount"])
    assert put["Entries"][0]["EventId"]
    failed = run.output["failed"]
    assert failed["Error"] == "EventBridge.FailedEntry"
    assert json.loads(failed["Cause"])["Entries"][0]["ErrorCode"] == "MalformedDetail"


def test_s3_objects_are_written_and_read_back_through_aws_sdk_calls(aws: Any, local_runtime: Any) -> None:
    aws.client("s3").create_bucket(Bucket="cloudflow-sdk-bucket")
    flow = _flow(
        ("Put", _task(f"{SDK}s3:putObject", {"Bucket": "cloudflow-sdk-bucket", "Key": "order.json",
                                             "Body": {"orderId.$": "$.id"}}, ResultPath="$.put")),
        ("Get", _task(f"{SDK}s3:getObject", {"Bucket": "cloudflow-sdk-bucket", "Key": "order.json"},
                      ResultSelector={"order.$": "States.StringToJson($.Body)", "etag.$": "$.ETag",
                                      "modified.$": "$.LastModified", "length.$": "$.ContentLength"},
                      ResultPath="$.got")),
        ("GetMissing", _task(f"{STATES}s3:getObject", {"Bucket": "cloudflow-sdk-bucket", "Key": "missing.json"},
                             Catch=[{"ErrorEquals": ["S3.NoSuchKeyException"], "ResultPath": "$.missing",
                                     "Next": "Done"}])),
        Done={"Type": "Succeed"},
    )
    run = _run(local_runtime, aws, flow, {"id": "o-5"})
    assert run.status == "SUCCEEDED", (run.described.get("error"), run.described.get("cause"))
    stored = aws.client("s3").get_object(Bucket="cloudflow-sdk-bucket", Key="order.json")["Body"].read()
    assert stored == b'{"orderId":"o-5"}'
    assert run.output["put"] == {"ETag": run.output["got"]["etag"]}  # no checksums: Step Functions asks for none
    got = run.output["got"]
    assert (got["order"], got["length"]) == ({"orderId": "o-5"}, len(stored))
    assert got["modified"].endswith("Z") and "T" in got["modified"]
    missing = run.output["missing"]
    assert missing["Error"] == "S3.NoSuchKeyException"
    assert missing["Cause"].startswith("The specified key does not exist. (Service: S3, Status Code: 404, "
                                       "Request ID: ")


def test_any_operation_boto3_knows_is_called_and_its_errors_are_named_as_step_functions_names_them(
        aws: Any, local_runtime: Any) -> None:
    _table(aws)
    queue = aws.client("sqs").create_queue(QueueName="cloudflow-sdk-listed")["QueueUrl"]
    flow = _flow(
        ("Describe", _task(f"{SDK}dynamodb:describeTable", {"TableName": TABLE},
                           ResultSelector={"name.$": "$.Table.TableName", "created.$": "$.Table.CreationDateTime"},
                           ResultPath="$.table")),
        ("List", _task(f"{SDK}sqs:listQueues", {"QueueNamePrefix": "cloudflow-sdk"}, ResultPath="$.queues")),
        ("Conflict", _task(f"{SDK}dynamodb:putItem", {"TableName": TABLE, "Item": {"id": {"S": "o-6"}},
                                                     "ConditionExpression": "attribute_exists(id)"},
                           Catch=[{"ErrorEquals": ["DynamoDb.ConditionalCheckFailedException"],
                                   "ResultPath": "$.conflict", "Next": "Done"}])),
        Done={"Type": "Succeed"},
    )
    run = _run(local_runtime, aws, flow)
    assert run.status == "SUCCEEDED", (run.described.get("error"), run.described.get("cause"))
    assert run.output["table"]["name"] == TABLE
    assert run.output["table"]["created"].endswith("Z")
    assert run.output["queues"] == {"QueueUrls": [queue]}
    assert run.output["conflict"]["Error"] == "DynamoDb.ConditionalCheckFailedException"
    assert "(Service: DynamoDb, Status Code: 400, Request ID: " in run.output["conflict"]["Cause"]


@pytest.mark.parametrize(("resource", "parameters", "says"), [
    (f"{SDK}nosuchservice:doThing", {}, "names the service 'nosuchservice', which the AWS SDK does not know"),
    (f"{SDK}dynamodb:getItems", {}, "The service 'dynamodb' has no action 'getItems' (did you mean 'getItem'?)"),
    (f"{SDK}dynamodb:getItem", {"TableName": TABLE, "Keys": {}},
     "aws-sdk:dynamodb:getItem has no field 'Keys'; it takes "),
    (f"{SDK}sqs:sendMessage", {"QueueUrl": "q", "MessageBody": "m", "DelaySeconds": "soon"},
     "Invalid type for parameter DelaySeconds"),
])
def test_a_call_that_cannot_be_made_fails_the_execution_with_states_runtime_saying_why(
        aws: Any, local_runtime: Any, resource: str, parameters: dict[str, Any], says: str) -> None:
    # States.ALL does not catch States.Runtime: a mistake in the definition is not a business failure.
    flow = _flow(("Call", _task(resource, parameters, Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Done"}])),
                 Done={"Type": "Succeed"})
    run = _run(local_runtime, aws, flow)
    assert (run.status, run.described["error"]) == ("FAILED", "States.Runtime")
    assert run.described["cause"].startswith("An error occurred while executing the state 'Call'. ")
    assert says in run.described["cause"]


def test_send_message_with_a_task_token_waits_for_the_callback(aws: Any, local_runtime: Any) -> None:
    queue = aws.client("sqs").create_queue(QueueName="cloudflow-sdk-approvals")["QueueUrl"]
    lr = local_runtime(tasks=AwsSdkTaskResolver(aws))
    flow = _flow(("Ask", _task(f"{STATES}sqs:sendMessage.waitForTaskToken", {
        "QueueUrl": queue, "MessageBody": {"token.$": "$$.Task.Token", "orderId.$": "$.id"}})))
    run = run_on_runtime(lr, flow, {"id": "o-7"})
    assert run.status == "RUNNING"
    [message] = _messages(aws, queue)
    body = json.loads(message["Body"])
    assert body["orderId"] == "o-7"
    assert send_callback(lr, "success", body["token"], output=json.dumps({"approved": True})) == {}
    lr.pump()
    run.refresh()
    assert (run.status, run.output) == ("SUCCEEDED", {"approved": True})


def test_retry_applies_to_service_error_names(aws: Any, local_runtime: Any) -> None:
    queue = "https://sqs.us-east-1.amazonaws.com/123456789012/cloudflow-sdk-missing"
    flow = _flow(("Send", _task(f"{STATES}sqs:sendMessage", {"QueueUrl": queue, "MessageBody": "m"},
                                Retry=[{"ErrorEquals": ["SQS.QueueDoesNotExistException"], "MaxAttempts": 2,
                                        "IntervalSeconds": 1}])))
    run = _run(local_runtime, aws, flow)
    assert (run.status, run.described["error"]) == ("FAILED", "SQS.QueueDoesNotExistException")
    assert [event["type"] for event in run.history()].count("TaskFailed") == 3


def _subscribed_queue(aws: Any, name: str) -> tuple[str, str]:
    """A queue (url, arn) that receives what is published to a new topic; returns (queue url, topic arn)."""
    sqs, sns = aws.client("sqs"), aws.client("sns")
    queue = sqs.create_queue(QueueName=f"{name}-queue")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    topic = sns.create_topic(Name=f"{name}-topic")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"})
    return queue, topic


def test_publish_with_a_task_token_waits_and_a_failure_answer_is_caught(aws: Any, local_runtime: Any) -> None:
    queue, topic = _subscribed_queue(aws, "cloudflow-sdk-review")
    lr = local_runtime(tasks=AwsSdkTaskResolver(aws))
    flow = _flow(("Review", _task(f"{STATES}sns:publish.waitForTaskToken", {
        "TopicArn": topic, "Message": {"token.$": "$$.Task.Token"}},
        Catch=[{"ErrorEquals": ["Review.Rejected"], "ResultPath": "$.rejected", "Next": "Done"}])),
        Done={"Type": "Succeed"})
    run = run_on_runtime(lr, flow, {})
    assert run.status == "RUNNING"
    [message] = _messages(aws, queue)
    token = json.loads(message["Body"])["token"]
    assert send_callback(lr, "failure", token, error="Review.Rejected", cause="too expensive") == {}
    lr.pump()
    run.refresh()
    assert run.output["rejected"] == {"Error": "Review.Rejected", "Cause": "too expensive"}
    # Late: the task is gone; every further answer says so.
    assert send_callback(lr, "success", token, output="{}")["error"] == "TaskTimedOut"


def test_put_events_with_a_task_token_reaches_a_rule_target_and_waits(aws: Any, local_runtime: Any) -> None:
    sqs, events = aws.client("sqs"), aws.client("events")
    queue = sqs.create_queue(QueueName="cloudflow-sdk-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="to-queue", EventPattern=json.dumps({"source": ["cloudflow.test"]}))
    events.put_targets(Rule="to-queue", Targets=[{"Id": "q", "Arn": queue_arn}])
    lr = local_runtime(tasks=AwsSdkTaskResolver(aws))
    flow = _flow(("Announce", _task(f"{STATES}events:putEvents.waitForTaskToken", {"Entries": [{
        "Source": "cloudflow.test", "DetailType": "NeedsWork", "Detail": {"token.$": "$$.Task.Token"}}]})))
    run = run_on_runtime(lr, flow, {})
    assert run.status == "RUNNING"
    [message] = _messages(aws, queue)
    token = json.loads(message["Body"])["detail"]["token"]
    assert send_callback(lr, "success", token, output=json.dumps({"worked": True})) == {}
    lr.pump()
    run.refresh()
    assert (run.status, run.output) == ("SUCCEEDED", {"worked": True})


def test_a_callback_that_never_comes_times_out(aws: Any, local_runtime: Any) -> None:
    queue = aws.client("sqs").create_queue(QueueName="cloudflow-sdk-silent")["QueueUrl"]
    flow = _flow(("Ask", _task(f"{STATES}sqs:sendMessage.waitForTaskToken", {
        "QueueUrl": queue, "MessageBody": {"token.$": "$$.Task.Token"}}, TimeoutSeconds=300)))
    run = _run(local_runtime, aws, flow)
    assert (run.status, run.described["error"]) == ("FAILED", "States.Timeout")
