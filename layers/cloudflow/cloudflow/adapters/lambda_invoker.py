"""The LambdaInvoker port on AWS Lambda's Invoke API (boto3)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from cloudflow.integrations.lambda_outcome import LambdaResponse, LambdaServiceError
from cloudflow.integrations.lambda_request import LambdaRequest

# boto3 reports headers in lower case; Step Functions shows them as Lambda sends them.
_HEADER_NAMES = {name.lower(): name for name in (
    "Connection", "Content-Length", "Content-Type", "Date", "X-Amz-Executed-Version", "X-Amz-Function-Error",
    "X-Amz-Log-Result", "x-amzn-Remapped-Content-Length", "x-amzn-RequestId", "X-Amzn-Trace-Id",
)}


class Boto3LambdaInvoker:
    """Invokes functions with `client` (a boto3 Lambda client, injected); knows every function."""

    def __init__(self, client: Any) -> None:
        self._lambda = client

    def invoke(self, request: LambdaRequest) -> LambdaResponse | LambdaServiceError:
        arguments: dict[str, Any] = {"FunctionName": request.function_name, "Payload": request.payload.encode(),
                                     "InvocationType": request.invocation_type}
        for name, value in (("Qualifier", request.qualifier), ("ClientContext", request.client_context),
                            ("LogType", request.log_type)):
            if value is not None:
                arguments[name] = value
        try:
            answer = self._lambda.invoke(**arguments)
        except ClientError as failure:
            error, metadata = failure.response.get("Error", {}), failure.response.get("ResponseMetadata", {})
            return LambdaServiceError(str(error.get("Code") or "ServiceException"), str(error.get("Message") or ""),
                                      int(metadata.get("HTTPStatusCode") or 500), str(metadata.get("RequestId") or ""))
        except BotoCoreError as failure:  # no answer at all: endpoint unreachable, timeout, credentials
            return LambdaServiceError("SdkClientException", str(failure))
        metadata = answer.get("ResponseMetadata", {})
        headers = {_HEADER_NAMES.get(name, name): value for name, value in metadata.get("HTTPHeaders", {}).items()}
        log_result = answer.get("LogResult")
        return LambdaResponse(
            status_code=int(answer.get("StatusCode", 200)),
            payload=answer["Payload"].read() if "Payload" in answer else b"",
            request_id=str(metadata.get("RequestId", "")),
            function_error=answer.get("FunctionError"),
            executed_version=str(answer.get("ExecutedVersion", "$LATEST")),
            log_result=log_result if log_result is None else str(log_result),
            headers=headers,
        )

