"""Which API the commands talk to: a local stack by URL, or a deployed stack by name.

`--endpoint URL` (or CLOUDFLOW_ENDPOINT) is used as is, over plain HTTP for `cloudflow local`; an
execute-api URL is signed, as API Gateway's IAM authorization requires. `--stack-name NAME` (or
CLOUDFLOW_STACK) reads the API's URL from the stack's Outputs and signs every request with the caller's
AWS credentials (botocore's default chain: environment, profile, SSO, instance role...).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from cloudflow.cli_api.client import ApiClient, ApiError, sigv4_signer

API_URL_OUTPUT = "ManagementApiUrl"
"""The template's Output holding the API's base URL (https://ID.execute-api.REGION.amazonaws.com/v1/)."""
ENDPOINT_VARIABLE, STACK_VARIABLE = "CLOUDFLOW_ENDPOINT", "CLOUDFLOW_STACK"
_EXECUTE_API_HOST = re.compile(r"^https://[^/]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?(/|$)")


class ConnectionProblem(ApiError):
    """No API to talk to: nothing named, no credentials, no region, a stack without the API's Output."""

    def __init__(self, name: str, message: str, status: int | None = 400) -> None:
        super().__init__(status, name, message)


@dataclass(frozen=True)
class Target:
    """The API named on the command line or in the environment: by URL, or by its stack's name."""

    endpoint: str | None = None
    stack_name: str | None = None
    region: str | None = None
    profile: str | None = None

    @classmethod
    def chosen(cls, endpoint: str | None, stack_name: str | None, region: str | None = None,
               profile: str | None = None, use_environment: bool = True) -> Target:
        """What the options name; the environment only when no option does (an option always wins)."""
        if endpoint and stack_name:
            raise ConnectionProblem("InvalidOptions", "name the API by --endpoint or by --stack-name, not both")
        if not endpoint and not stack_name and use_environment:
            endpoint = os.environ.get(ENDPOINT_VARIABLE) or None
            stack_name = None if endpoint else os.environ.get(STACK_VARIABLE) or None
        if not endpoint and not stack_name:
            raise ConnectionProblem(
                "NoEndpoint", f"name the API: --endpoint URL (a local stack, e.g. http://127.0.0.1:8765) or "
                              f"--stack-name NAME (a deployed stack), or set {ENDPOINT_VARIABLE} or {STACK_VARIABLE}")
        return cls(endpoint, stack_name, region, profile)


def connect(target: Target, session: Any = None) -> ApiClient:
    """A client of the target's API; `session` is a botocore session (default: a new one for the profile).

    Raises:
        ApiError: the stack or its Output cannot be found, or AWS credentials or a region are missing.
    """
    if target.endpoint is not None:
        signed = _EXECUTE_API_HOST.match(target.endpoint)
        if signed is None:
            return ApiClient(target.endpoint)  # a local stack: plain HTTP, no authorization
        session = session or _botocore_session(target.profile)
        # The signature's region is the API's own, whatever --region says.
        return ApiClient(target.endpoint, sigv4_signer(_credentials(session), signed.group(1)))
    session = session or _botocore_session(target.profile)
    # botocore reads AWS_DEFAULT_REGION but not AWS_REGION, which the AWS CLI v2 and the SDKs also honour.
    region = target.region or session.get_config_variable("region") or os.environ.get("AWS_REGION")
    if not region:
        raise ConnectionProblem("NoRegion", "no AWS region: pass --region or set AWS_REGION (or a profile's region)")
    credentials = _credentials(session)  # first: without them CloudFormation would only say "Unable to locate"
    endpoint = stack_endpoint(session, str(target.stack_name), region)
    signed = _EXECUTE_API_HOST.match(endpoint)
    return ApiClient(endpoint, sigv4_signer(credentials, signed.group(1) if signed else region))


def stack_endpoint(session: Any, stack_name: str, region: str) -> str:
    """The API's URL from the stack's Outputs.

    Raises:
        ApiError: CloudFormation refused (no such stack...), or the stack has no such Output.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        described = session.create_client("cloudformation", region_name=region).describe_stacks(StackName=stack_name)
    except ClientError as refused:
        error = refused.response.get("Error", {})
        status = refused.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        raise ApiError(status, str(error.get("Code", "ClientError")), str(error.get("Message", refused))) from None
    except BotoCoreError as failed:  # no credentials, no network...
        raise ConnectionProblem(type(failed).__name__, str(failed), status=None) from None
    for stack in described.get("Stacks", []):
        for output in stack.get("Outputs", []):
            if output.get("OutputKey") == API_URL_OUTPUT and output.get("OutputValue"):
                return str(output["OutputValue"])
    raise ConnectionProblem("NoApiOutput", f"stack {stack_name!r} in {region} has no {API_URL_OUTPUT} output: "
                                           "is it a CloudFlow stack with its management API?")


def _botocore_session(profile: str | None) -> Any:
    import botocore.session

    return botocore.session.Session(profile=profile)


def _credentials(session: Any) -> Any:
    from botocore.exceptions import BotoCoreError

    try:
        credentials = session.get_credentials()
    except BotoCoreError as failed:  # e.g. an unknown profile
        raise ConnectionProblem(type(failed).__name__, str(failed)) from None
    if credentials is None:
        raise ConnectionProblem("NoCredentials", "no AWS credentials to sign requests with (botocore's default "
                                                 "chain found none: set AWS_PROFILE, run `aws sso login`...)")
    return credentials
