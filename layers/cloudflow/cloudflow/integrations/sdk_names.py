"""How Step Functions spells AWS API names in `aws-sdk` tasks: as the AWS SDK for Java 2.x names them.

Step Functions runs `arn:aws:states:::aws-sdk:<service>:<action>` tasks through the Java SDK v2, and its
names leak into workflows:

- Error names are `<Service>.<Exception>`, the service as the SDK's client is named ("DynamoDb", "S3",
  "Sqs", "Sfn", "AcmPca"), the exception as the SDK's class (the API's error name, with an `Exception`
  suffix even where the API has none: `S3.NoSuchKeyException`).
- Result fields carry the SDK's member names: each word of the API name capitalised, the rest in lower
  case (`MD5OfMessageBody` -> `Md5OfMessageBody`, DynamoDB's `BOOL` -> `Bool`), and the few the SDK
  renames because Java reserves the word (`NULL` -> `Nul`, `Equals` -> `EqualsValue`).

See https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html.
"""

from __future__ import annotations

import re

# A word is lower case after at most one capital ("Message", "v2"), or an acronym of capitals and digits
# that leaves the capital starting the next word alone ("MD5" in "MD5Of", "DB" in "DynamoDB").
_WORDS = re.compile(r"[A-Z]?[a-z]+[0-9]*|[A-Z0-9]+(?![a-z])")

# Members the Java SDK v2 renames because their plain name is a reserved word or clashes with Object.
_RENAMED_MEMBERS = {"NULL": "Nul", "Equals": "EqualsValue"}


def sdk_words(name: str) -> list[str]:
    """The words of an API name, split on spaces, hyphens and case changes: "ACM PCA" -> ["ACM", "PCA"]."""
    return _WORDS.findall(name)


def sdk_case(name: str) -> str:
    """`name` with each word capitalised and the rest lower case: "DynamoDB" -> "DynamoDb"."""
    return "".join(word[:1].upper() + word[1:].lower() for word in sdk_words(name))


def sdk_service_name(service_id: str) -> str:
    """The service's name in aws-sdk error names and causes, from its model's serviceId: "SQS" -> "Sqs"."""
    return sdk_case(service_id)


def sdk_member_name(member: str) -> str:
    """A structure member's name in aws-sdk results: "MD5OfMessageBody" -> "Md5OfMessageBody"."""
    return _RENAMED_MEMBERS.get(member) or sdk_case(member)


def exception_name(error: str) -> str:
    """An SDK exception class name: the API's error name with an `Exception` suffix, as the SDKs add it."""
    return error if error.endswith("Exception") else f"{error}Exception"
