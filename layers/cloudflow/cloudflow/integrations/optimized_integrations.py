"""Step Functions' optimized integrations with SQS, SNS, DynamoDB and EventBridge, as data.

`arn:aws:states:::<service>:<action>` (no `aws-sdk:`) is an optimized integration. Step Functions runs
these through the AWS SDK for Java 1.x, unlike `aws-sdk` tasks, so their names differ:

- errors are `<Prefix>.<Exception>` with the prefix Step Functions chose ("SQS", "SNS", "DynamoDB",
  "EventBridge") and the v1 SDK's exception class (`DynamoDB.ConditionalCheckFailedException`,
  `SNS.InvalidParameterException` for the API error `InvalidParameter`); an error the model does not
  name is the service's base exception (`SQS.AmazonSQSException`);
- causes read as the v1 SDK words its exceptions: "<message> (Service: AmazonSNS; Status Code: 400;
  Error Code: InvalidParameter; Request ID: <id>; Proxy: null)";
- SQS, SNS and DynamoDB results carry the HTTP answer as SdkHttpMetadata and SdkResponseMetadata;
- each takes only the parameters its documentation lists.

Sources: https://docs.aws.amazon.com/step-functions/latest/dg/connect-sqs.html, connect-sns.html,
connect-ddb.html and connect-eventbridge.html; execution histories recorded against AWS (LocalStack's
snapshot tests of these integrations).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class OptimizedService:
    """How Step Functions' optimized integration with one service behaves."""

    error_prefix: str  # "SQS" in SQS.QueueDoesNotExistException
    sdk_v1_service: str  # "AmazonSQS" in causes
    base_exception: str  # what an error the model does not name becomes
    http_metadata: bool  # results carry SdkHttpMetadata and SdkResponseMetadata
    callbacks: bool  # `.waitForTaskToken` is supported
    actions: Mapping[str, frozenset[str]]  # action (as the ARN spells it) -> the parameters it takes


_DYNAMODB_WRITE = frozenset({"TableName", "ConditionalOperator", "ConditionExpression", "Expected",
                             "ExpressionAttributeNames", "ExpressionAttributeValues", "ReturnConsumedCapacity",
                             "ReturnItemCollectionMetrics", "ReturnValues"})

OPTIMIZED_SERVICES: Mapping[str, OptimizedService] = {
    "sqs": OptimizedService("SQS", "AmazonSQS", "AmazonSQSException", http_metadata=True, callbacks=True, actions={
        "sendMessage": frozenset({"DelaySeconds", "MessageAttributes", "MessageBody", "MessageDeduplicationId",
                                  "MessageGroupId", "QueueUrl"}),
    }),
    "sns": OptimizedService("SNS", "AmazonSNS", "AmazonSNSException", http_metadata=True, callbacks=True, actions={
        "publish": frozenset({"Message", "MessageAttributes", "MessageDeduplicationId", "MessageGroupId",
                              "MessageStructure", "PhoneNumber", "Subject", "TargetArn", "TopicArn"}),
    }),
    "dynamodb": OptimizedService(
        "DynamoDB", "AmazonDynamoDBv2", "AmazonDynamoDBException", http_metadata=True, callbacks=False, actions={
            "getItem": frozenset({"Key", "TableName", "AttributesToGet", "ConsistentRead", "ExpressionAttributeNames",
                                  "ProjectionExpression", "ReturnConsumedCapacity"}),
            "putItem": _DYNAMODB_WRITE | {"Item"},
            "deleteItem": _DYNAMODB_WRITE | {"Key"},
            "updateItem": _DYNAMODB_WRITE | {"Key", "AttributeUpdates", "UpdateExpression"},
        }),
    "events": OptimizedService(
        "EventBridge", "AmazonEventBridge", "AmazonEventBridgeException", http_metadata=False, callbacks=True,
        actions={"putEvents": frozenset({"Entries"})}),
}

FAILED_ENTRY_ERROR = "EventBridge.FailedEntry"
"""The error of a putEvents task whose answer counts failed entries (the answer is the cause)."""

AWS_SDK_ALIASES = frozenset({("s3", "getObject"), ("s3", "putObject")})
"""`arn:aws:states:::s3:<action>` resources run as the same `aws-sdk:s3:<action>` call."""
