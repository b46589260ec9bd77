"""AWS API tasks: the call a Task asks for (`aws-sdk:<service>:<action>` and the optimized integrations) and
how the service's answer becomes the task's outcome.

Expected names, shapes and cause texts are those of executions recorded against AWS Step Functions (the
optimized SQS, SNS, DynamoDB and EventBridge integrations, and aws-sdk calls to S3, SFN and DynamoDB).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from cloudflow.core.commands import InvokeTask
from cloudflow.integrations.api_shape import ApiShape, StreamedPayload
from cloudflow.integrations.aws_result import (
    HttpAnswer,
    ServiceFailure,
    ServiceResponse,
    call_outcome,
    instant_text,
    sdk_result,
)
from cloudflow.integrations.aws_sdk_request import (
    ServiceCall,
    ServiceCallError,
    api_parameters,
    boto3_service_name,
    service_call,
)
from cloudflow.integrations.optimized_integrations import OPTIMIZED_SERVICES
from cloudflow.integrations.sdk_names import exception_name, sdk_member_name, sdk_service_name
from cloudflow.local.task_outcome import TaskReturned, TaskThrew

SDK = "arn:aws:states:::aws-sdk:"
HTTP = HttpAnswer(200, "req-1", {"x-amzn-requestid": "req-1", "content-type": "application/x-amz-json-1.0",
                                 "date": "Thu, 01 Jan 2026 00:00:00 GMT", "connection": "keep-alive",
                                 "content-length": "106"})


@dataclass(frozen=True)
class Shape:
    """A hand-made service model shape (the adapter hands botocore's through the same protocol)."""

    kind: str
    fields: Mapping[str, Shape] = field(default_factory=dict)
    needed: frozenset[str] = frozenset()
    inner: Shape | None = None
    streaming: bool = False

    def members(self) -> Mapping[str, ApiShape]:
        return self.fields

    def required(self) -> frozenset[str]:
        return self.needed

    def element(self) -> ApiShape | None:
        return self.inner


STRING = Shape("string")
ATTRIBUTE = Shape("structure", {"S": STRING, "N": STRING, "B": Shape("blob"), "BOOL": Shape("boolean"),
                                "NULL": Shape("boolean")})
SEND_MESSAGE = Shape("structure", {"QueueUrl": STRING, "MessageBody": STRING, "DelaySeconds": Shape("integer")},
                     frozenset({"QueueUrl", "MessageBody"}))


def _task(resource: str, parameters: Any = None, pattern: str = "request-response") -> InvokeTask:
    return InvokeTask("tok", resource, {} if parameters is None else parameters, pattern, "Call", "r", 0, None, None)


def _call(resource: str, parameters: Any = None, pattern: str = "request-response") -> ServiceCall:
    call = service_call(_task(resource, parameters, pattern))
    assert call is not None
    return call


# --- names ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("service_id", "name"), [
    ("DynamoDB", "DynamoDb"), ("SQS", "Sqs"), ("S3", "S3"), ("SFN", "Sfn"), ("ACM PCA", "AcmPca"),
    ("EventBridge", "EventBridge"), ("CloudWatch Logs", "CloudWatchLogs"), ("Secrets Manager", "SecretsManager"),
])
def test_aws_sdk_errors_name_the_service_as_the_java_sdk_v2_names_its_client(service_id: str, name: str) -> None:
    assert sdk_service_name(service_id) == name


@pytest.mark.parametrize(("member", "name"), [
    ("MD5OfMessageBody", "Md5OfMessageBody"), ("ETag", "ETag"), ("SSECustomerAlgorithm", "SseCustomerAlgorithm"),
    ("BOOL", "Bool"), ("NULL", "Nul"), ("Equals", "EqualsValue"), ("LastModified", "LastModified"), ("S", "S"),
])
def test_aws_sdk_results_use_the_java_sdk_v2_member_names(member: str, name: str) -> None:
    assert sdk_member_name(member) == name


def test_exception_names_always_end_in_exception() -> None:
    assert (exception_name("NoSuchKey"), exception_name("ConditionalCheckFailedException")) == (
        "NoSuchKeyException", "ConditionalCheckFailedException")


@pytest.mark.parametrize(("service", "boto3_name"), [
    ("dynamodb", "dynamodb"), ("sfn", "stepfunctions"), ("acmpca", "acm-pca"), ("cloudwatchlogs", "logs"),
    ("eventbridge", "events"), ("nosuch", None),
])
def test_step_functions_service_names_map_to_boto3s(service: str, boto3_name: str | None) -> None:
    assert boto3_service_name(service, ["acm-pca", "dynamodb", "events", "logs", "stepfunctions"]) == boto3_name


# --- the call a task asks for --------------------------------------------------------------------------

def test_an_aws_sdk_resource_names_the_service_and_the_camel_case_action() -> None:
    call = _call(f"{SDK}dynamodb:getItem", {"TableName": "t"})
    assert (call.service, call.action, call.operation, call.optimized, call.waits_for_callback) == (
        "dynamodb", "getItem", "GetItem", None, False)
    assert call.name == "aws-sdk:dynamodb:getItem"
    waiting = _call(f"{SDK}sqs:sendMessage.waitForTaskToken", {}, "callback")
    assert (waiting.action, waiting.waits_for_callback) == ("sendMessage", True)
    assert _call("arn:aws:states:eu-west-1::aws-sdk:s3:listBuckets").region == "eu-west-1"


def test_optimized_resources_carry_their_integrations_behaviour_and_s3_objects_run_as_aws_sdk_calls() -> None:
    call = _call("arn:aws:states:::sqs:sendMessage.waitForTaskToken", {"QueueUrl": "q"}, "callback")
    assert (call.optimized, call.waits_for_callback, call.name) == (OPTIMIZED_SERVICES["sqs"], True,
                                                                    "sqs:sendMessage")
    s3 = _call("arn:aws:states:::s3:getObject", {"Bucket": "b", "Key": "k"})
    assert (s3.optimized, s3.operation) == (None, "GetObject")


@pytest.mark.parametrize("resource", [
    "arn:aws:states:::lambda:invoke", "arn:aws:lambda:us-east-1:123456789012:function:f",
    "arn:aws:states:us-east-1:123456789012:activity:a", "arn:aws:states:::states:startExecution.sync:2",
    "arn:aws:states:::http:invoke",
])
def test_other_resources_are_not_aws_api_calls(resource: str) -> None:
    assert service_call(_task(resource)) is None


@pytest.mark.parametrize(("resource", "parameters", "pattern", "says"), [
    (f"{SDK}dynamodb:getItem.sync", {}, "sync", "aws-sdk:dynamodb:getItem does not support .sync"),
    ("arn:aws:states:::dynamodb:getItem.waitForTaskToken", {}, "callback",
     "dynamodb:getItem does not support .waitForTaskToken"),
    ("arn:aws:states:::sqs:receiveMessage", {}, "request-response",
     "sqs:receiveMessage is not an optimized integration of Step Functions; call the API with "
     "arn:aws:states:::aws-sdk:sqs:receiveMessage"),
    ("arn:aws:states:::sqs:sendMessage", {"QueueUrl": "q", "MessageSystemAttributes": {}}, "request-response",
     "The field 'MessageSystemAttributes' is not supported by Step Functions for sqs:sendMessage; it takes "
     "DelaySeconds, MessageAttributes, MessageBody, "),
    (f"{SDK}sqs:sendMessage", ["q"], "request-response", "The parameters of aws-sdk:sqs:sendMessage must be an object"),
    (f"{SDK}sqs", {}, "request-response", "must name a service and an action"),
    (f"{SDK}sqs:sendMessage.waitForIt", {}, "request-response", "unknown integration pattern .waitForIt"),
])
def test_calls_that_cannot_be_made_say_why(resource: str, parameters: Any, pattern: str, says: str) -> None:
    with pytest.raises(ServiceCallError, match=says.replace(".", r"\.").replace("(", r"\(")):
        service_call(_task(resource, parameters, pattern))


def test_parameters_are_checked_against_the_operations_input_shape() -> None:
    call = _call(f"{SDK}sqs:sendMessage", {"QueueUrl": "q", "MessageBody": {"order": [1, 2]}, "DelaySeconds": 5})
    # JSON given for a string member travels as its (compact) JSON text, as Step Functions sends it.
    assert api_parameters(call, SEND_MESSAGE) == {"QueueUrl": "q", "MessageBody": '{"order":[1,2]}',
                                                  "DelaySeconds": 5}
    with pytest.raises(ServiceCallError, match="aws-sdk:sqs:sendMessage has no field 'Body'; it takes QueueUrl, "
                                               "MessageBody, DelaySeconds"):
        api_parameters(_call(f"{SDK}sqs:sendMessage", {"QueueUrl": "q", "Body": "x"}), SEND_MESSAGE)
    with pytest.raises(ServiceCallError, match="aws-sdk:sqs:sendMessage is missing the required field MessageBody"):
        api_parameters(_call(f"{SDK}sqs:sendMessage", {"QueueUrl": "q"}), SEND_MESSAGE)


def test_nested_members_may_be_given_by_the_sdks_names_and_blobs_as_base64() -> None:
    put = Shape("structure", {"Item": Shape("map", inner=ATTRIBUTE)}, frozenset({"Item"}))
    call = _call(f"{SDK}dynamodb:putItem", {"Item": {"ok": {"Bool": True}, "none": {"Nul": True},
                                                     "raw": {"B": "aGk="}}})
    assert api_parameters(call, put) == {"Item": {"ok": {"BOOL": True}, "none": {"NULL": True}, "raw": {"B": b"hi"}}}
    with pytest.raises(ServiceCallError, match=r"The field 'Item\.x\.B' of aws-sdk:dynamodb:putItem must be base64"):
        api_parameters(_call(f"{SDK}dynamodb:putItem", {"Item": {"x": {"B": "not base64!"}}}), put)
    with pytest.raises(ServiceCallError, match=r"The field 'Item\.x' of aws-sdk:dynamodb:putItem has no field 'Q'"):
        api_parameters(_call(f"{SDK}dynamodb:putItem", {"Item": {"x": {"Q": "1"}}}), put)


def test_a_streamed_payload_is_sent_as_text_and_json_as_its_text() -> None:
    put = Shape("structure", {"Body": Shape("blob", streaming=True), "Key": STRING})
    assert api_parameters(_call(f"{SDK}s3:putObject", {"Body": "text data"}), put) == {"Body": b"text data"}
    assert api_parameters(_call(f"{SDK}s3:putObject", {"Body": {"Dict": "Value"}}), put) == {
        "Body": b'{"Dict":"Value"}'}


# --- results -------------------------------------------------------------------------------------------

GET_OBJECT = Shape("structure", {"Body": Shape("blob", streaming=True), "ETag": STRING,
                                 "LastModified": Shape("timestamp"), "ContentLength": Shape("long"),
                                 "SSECustomerKeyMD5": STRING, "Metadata": Shape("map", inner=STRING)})


def test_aws_sdk_results_use_sdk_names_in_order_with_the_payload_last_as_text() -> None:
    body = {"Body": StreamedPayload(b"text data"), "LastModified": datetime(2024, 5, 23, 19, 11, 31, tzinfo=UTC),
            "ETag": '"332eec544317a6d340b8e77da7fe54ad"', "ContentLength": 9, "SSECustomerKeyMD5": "x",
            "Metadata": {"MD5Of": "kept"}}
    result = sdk_result(body, GET_OBJECT)
    assert list(result) == ["ContentLength", "ETag", "LastModified", "Metadata", "SseCustomerKeyMd5", "Body"]
    assert (result["Body"], result["LastModified"]) == ("text data", "2024-05-23T19:11:31Z")
    assert result["Metadata"] == {"MD5Of": "kept"}  # map keys are data, not member names


def test_dynamodb_attribute_values_take_the_sdks_member_names_and_binary_data_is_base64() -> None:
    get = Shape("structure", {"Item": Shape("map", inner=ATTRIBUTE)})
    item = {"ok": {"BOOL": True}, "none": {"NULL": True}, "raw": {"B": b"hi"}}
    assert sdk_result({"Item": item}, get) == {"Item": {"ok": {"Bool": True}, "none": {"Nul": True},
                                                        "raw": {"B": "aGk="}}}


@pytest.mark.parametrize(("moment", "text"), [
    (datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), "2024-01-02T03:04:05Z"),
    (datetime(2024, 1, 2, 3, 4, 5, 120000, tzinfo=UTC), "2024-01-02T03:04:05.120Z"),
    (datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=UTC), "2024-01-02T03:04:05.123456Z"),
    (datetime(2024, 1, 2, 5, 4, 5, tzinfo=timezone(timedelta(hours=2))), "2024-01-02T03:04:05Z"),
])
def test_timestamps_read_as_java_instants_print_them(moment: datetime, text: str) -> None:
    assert instant_text(moment) == text


def test_aws_sdk_errors_are_service_dot_exception_with_the_java_sdk_v2_cause() -> None:
    call = _call(f"{SDK}s3:getObject")
    missing = ServiceFailure("NoSuchKey", "The specified key does not exist.", "NoSuchKey",
                             HttpAnswer(404, "R1", host_id="H1"))
    assert call_outcome(call, missing, "S3") == TaskThrew("S3.NoSuchKeyException", (
        "The specified key does not exist. (Service: S3, Status Code: 404, Request ID: R1, Extended Request ID: H1)"))
    unnamed = ServiceFailure("AccessDenied", "Access Denied", None, HttpAnswer(403, "R2"))
    assert call_outcome(call, unnamed, "S3") == TaskThrew("S3.S3Exception", (
        "Access Denied (Service: S3, Status Code: 403, Request ID: R2)"))
    token = ServiceFailure("InvalidToken", "Invalid Token: 'Invalid token'", "InvalidToken", HttpAnswer(400, "R3"))
    assert call_outcome(_call(f"{SDK}sfn:sendTaskSuccess"), token, "SFN") == TaskThrew(
        "Sfn.InvalidTokenException", "Invalid Token: 'Invalid token' (Service: Sfn, Status Code: 400, Request ID: R3)")
    conditional = ServiceFailure("ConditionalCheckFailedException", "The conditional request failed",
                                 "ConditionalCheckFailedException", HttpAnswer(400, "R4"))
    outcome = call_outcome(_call(f"{SDK}dynamodb:putItem"), conditional, "DynamoDB")
    assert isinstance(outcome, TaskThrew) and outcome.error == "DynamoDb.ConditionalCheckFailedException"


def test_optimized_errors_are_prefix_dot_v1_exception_with_the_java_sdk_v1_cause() -> None:
    invalid = ServiceFailure("InvalidParameter", "Invalid parameter: The MessageGroupId parameter is required for "
                             "FIFO topics", "InvalidParameterException", HttpAnswer(400, "R1"))
    assert call_outcome(_call("arn:aws:states:::sns:publish"), invalid, "SNS") == TaskThrew(
        "SNS.InvalidParameterException", "Invalid parameter: The MessageGroupId parameter is required for FIFO "
        "topics (Service: AmazonSNS; Status Code: 400; Error Code: InvalidParameter; Request ID: R1; Proxy: null)")
    gone = ServiceFailure("AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.",
                          "QueueDoesNotExist", HttpAnswer(400, "R2"))
    outcome = call_outcome(_call("arn:aws:states:::sqs:sendMessage"), gone, "SQS")
    assert outcome == TaskThrew("SQS.QueueDoesNotExistException", (
        "The specified queue does not exist. (Service: AmazonSQS; Status Code: 400; Error Code: "
        "AWS.SimpleQueueService.NonExistentQueue; Request ID: R2; Proxy: null)"))
    unnamed = ServiceFailure("Throttling", "Rate exceeded", None, HttpAnswer(400, "R3"))
    assert call_outcome(_call("arn:aws:states:::sqs:sendMessage"), unnamed, "SQS").error == "SQS.AmazonSQSException"
    conditional = ServiceFailure("ConditionalCheckFailedException", "The conditional request failed",
                                 "ConditionalCheckFailedException", HttpAnswer(400, "R4"))
    outcome = call_outcome(_call("arn:aws:states:::dynamodb:putItem"), conditional, "DynamoDB")
    assert outcome.error == "DynamoDB.ConditionalCheckFailedException"
    assert outcome.cause is not None and "(Service: AmazonDynamoDBv2; Status Code: 400; " in outcome.cause


def test_a_call_without_any_answer_is_an_sdk_client_exception() -> None:
    unreachable = ServiceFailure("SdkClientException", "Could not connect to the endpoint URL")
    assert call_outcome(_call(f"{SDK}sqs:listQueues"), unreachable, "SQS") == TaskThrew(
        "Sqs.SdkClientException", "Could not connect to the endpoint URL")
    assert call_outcome(_call("arn:aws:states:::sqs:sendMessage"), unreachable, "SQS").error == (
        "SQS.SdkClientException")


def test_optimized_results_carry_the_http_answer_as_the_java_sdk_v1_reports_it() -> None:
    response = ServiceResponse({"MessageId": "m-1", "MD5OfMessageBody": "abc"}, HTTP)
    outcome = call_outcome(_call("arn:aws:states:::sqs:sendMessage"), response, "SQS")
    assert isinstance(outcome, TaskReturned)
    assert list(outcome.output) == ["MD5OfMessageBody", "MessageId", "SdkHttpMetadata", "SdkResponseMetadata"]
    metadata = outcome.output["SdkHttpMetadata"]
    # Header names as the service sends them, in case-insensitive order (SQS sends "connection" lower case).
    assert list(metadata["HttpHeaders"]) == ["connection", "Content-Length", "Content-Type", "Date",
                                             "x-amzn-RequestId"]
    assert metadata["AllHttpHeaders"]["x-amzn-RequestId"] == ["req-1"]
    assert (metadata["HttpStatusCode"], outcome.output["SdkResponseMetadata"]) == (200, {"RequestId": "req-1"})
    ddb = call_outcome(_call("arn:aws:states:::dynamodb:getItem"), ServiceResponse({}, HTTP), "DynamoDB")
    assert isinstance(ddb, TaskReturned) and "Connection" in ddb.output["SdkHttpMetadata"]["HttpHeaders"]


def test_put_events_answers_without_metadata_and_fails_with_event_bridge_failed_entry() -> None:
    call = _call("arn:aws:states:::events:putEvents", {"Entries": []})
    ok = ServiceResponse({"FailedEntryCount": 0, "Entries": [{"EventId": "e-1"}]}, HTTP)
    assert call_outcome(call, ok, "EventBridge") == TaskReturned({"Entries": [{"EventId": "e-1"}],
                                                                  "FailedEntryCount": 0})
    failed = ServiceResponse({"FailedEntryCount": 1, "Entries": [{"ErrorCode": "MalformedDetail",
                                                                  "ErrorMessage": "Detail is malformed."}]}, HTTP)
    assert call_outcome(call, failed, "EventBridge") == TaskThrew("EventBridge.FailedEntry", (
        '{"Entries":[{"ErrorCode":"MalformedDetail","ErrorMessage":"Detail is malformed."}],"FailedEntryCount":1}'))
