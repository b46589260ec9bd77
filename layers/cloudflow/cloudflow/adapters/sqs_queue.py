"""WorkQueue on SQS: the FIFO step queue (one message group per unit) and the standard timer queue."""

from __future__ import annotations

import hashlib
from typing import Any


def _short(text: str) -> str:
    """SQS caps group and deduplication ids at 128 characters: use a digest."""
    return hashlib.sha256(text.encode()).hexdigest()


class SqsWorkQueue:
    """The WorkQueue port; `client` is a boto3 SQS client (injected)."""

    def __init__(self, client: Any, step_queue_url: str, timer_queue_url: str) -> None:
        self._sqs = client
        self._step_url = step_queue_url
        self._timer_url = timer_queue_url

    def send(self, messages: list[tuple[str, str, str]]) -> None:
        for start in range(0, len(messages), 10):
            entries = [
                {"Id": str(i), "MessageBody": body, "MessageGroupId": _short(group),
                 # Keys are unique within a unit; the group makes them unique in the queue, whatever
                 # the deduplication scope (a timer-1 exists in every unit).
                 "MessageDeduplicationId": _short(f"{group}|{key}")}
                for i, (group, key, body) in enumerate(messages[start:start + 10])
            ]
            answer = self._sqs.send_message_batch(QueueUrl=self._step_url, Entries=entries)
            failed = answer.get("Failed") or []
            if failed:  # never drop a message silently: the step is retried and re-dispatches
                raise RuntimeError(f"SQS refused {len(failed)} step message(s): {failed[0].get('Message')}")

    def send_delayed(self, body: str, delay_seconds: int) -> None:
        self._sqs.send_message(QueueUrl=self._timer_url, MessageBody=body,
                               DelaySeconds=max(0, min(900, delay_seconds)))
