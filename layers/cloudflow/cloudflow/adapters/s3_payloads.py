"""PayloadStore on S3: large values under `payloads/`, where the bucket's lifecycle rule expires them."""

from __future__ import annotations

from typing import Any


class S3PayloadStore:
    """The PayloadStore port; `client` is a boto3 S3 client (injected)."""

    def __init__(self, client: Any, bucket: str) -> None:
        self._s3 = client
        self._bucket = bucket

    def put(self, key: str, data: bytes) -> None:
        self._s3.put_object(Bucket=self._bucket, Key=f"payloads/{key}", Body=data)

    def get(self, key: str) -> bytes:
        body: bytes = self._s3.get_object(Bucket=self._bucket, Key=f"payloads/{key}")["Body"].read()
        return body
