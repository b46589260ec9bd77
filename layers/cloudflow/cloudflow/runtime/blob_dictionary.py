"""A preset zlib dictionary for the small JSON blobs of the runtime (snapshots, history pages, outboxes).

Most unit records and history pages are a few hundred bytes of JSON whose keys repeat across every
execution; deflate alone cannot exploit that in a blob this small. Primed with these strings, a
typical record falls under DynamoDB's 1 KB write unit. The stream names its dictionary (zlib's
DICTID, an Adler-32), so a new dictionary is added beside this one, never edited in place: blobs
already stored must still decode.
"""

from __future__ import annotations

import zlib

_TEXT = (
    # outbox commands and queue events
    '[{"type":"InvokeTask","token":"","frame_id":"","state_name":"","resource":"","parameters":{},'
    '"pattern":"request-response","timeout_seconds":null,"heartbeat_seconds":null}]'
    '{"type":"ScheduleWakeUp","timer_id":"timer-","due_ms":17}{"type":"CancelWakeUp","timer_id":"timer-"}'
    '{"type":"FanOut","parent_frame_id":"","join_id":"r/","kind":"parallel","children":[{"child_id":"","index":0,'
    '"machine_path":"","start_at":"","input":{}}],"window":0,"tolerated_count":null,"tolerated_percentage":null}'
    '{"type":"ReportChild","succeeded":true,"output":{},"error":null,"cause":null}'
    '{"type":"CompleteExecution","status":"SUCCEEDED","output":{}}'
    # history events
    '[{"timestamp":"2026-01-01T00:00:00.000Z","type":"ExecutionStarted","id":1,"previousEventId":0,'
    '"executionStartedEventDetails":{"input":"{}","inputDetails":{"truncated":false},'
    '"roleArn":"arn:aws:iam::123456789012:role/CloudFlowExecutionRole"}},'
    '{"timestamp":"","type":"ParallelStateEntered","MapStateEntered","ChoiceStateEntered","PassStateEntered",'
    '"WaitStateEntered","SucceedStateEntered","FailStateEntered","stateEnteredEventDetails":{"name":"","input":"{}",'
    '"inputDetails":{"truncated":false}}},"ParallelStateStarted","ParallelStateSucceeded","ParallelStateFailed",'
    '"MapStateStarted","MapIterationStarted","mapIterationStartedEventDetails":{"name":"","index":0},'
    '"MapIterationSucceeded","MapIterationFailed","MapStateSucceeded","MapStateFailed",'
    '"mapStateStartedEventDetails":{"length":0},"ExecutionSucceeded","executionSucceededEventDetails":{"output":"{}",'
    '"outputDetails":{"truncated":false}}},"ExecutionFailed","executionFailedEventDetails":{"error":"","cause":""}},'
    '"TaskTimedOut","taskTimedOutEventDetails":{"resourceType":"lambda","resource":"invoke","error":"States.Timeout"}'
    '"TaskSubmitted","taskSubmittedEventDetails":{"resourceType":"","resource":"","output":"{}"}'
    '{"timestamp":"","type":"TaskStateEntered","id":2,"previousEventId":1,"stateEnteredEventDetails":{"name":"",'
    '"input":"{}","inputDetails":{"truncated":false}}},{"timestamp":"","type":"TaskScheduled","id":3,'
    '"previousEventId":2,"taskScheduledEventDetails":{"resourceType":"lambda","resource":"invoke",'
    '"region":"us-east-1","parameters":"{\\"FunctionName\\":\\"arn:aws:lambda:us-east-1:123456789012:function:'
    '\\",\\"Payload\\":{}}"}},{"timestamp":"","type":"TaskStarted","id":4,"previousEventId":3,'
    '"taskStartedEventDetails":{"resourceType":"lambda","resource":"invoke"}},{"timestamp":"","type":"TaskFailed",'
    '"id":5,"previousEventId":4,"taskFailedEventDetails":{"resourceType":"lambda","resource":"invoke","error":"",'
    '"cause":""}},{"timestamp":"","type":"TaskSucceeded","id":5,"previousEventId":4,"taskSucceededEventDetails":'
    '{"resourceType":"lambda","resource":"invoke","output":"{\\"ExecutedVersion\\":\\"$LATEST\\",\\"StatusCode\\":200,'
    '\\"Payload\\":{}}","outputDetails":{"truncated":false}}},{"timestamp":"","type":"TaskStateExited","id":6,'
    '"previousEventId":5,"stateExitedEventDetails":{"name":"","output":"{}","outputDetails":{"truncated":false}}}]'
    # snapshots (dumped without default values)
    '{"info":{"execution_arn":"arn:aws:states:us-east-1:123456789012:execution:","name":"",'
    '"state_machine_arn":"arn:aws:states:us-east-1:123456789012:stateMachine:","state_machine_name":"",'
    '"role_arn":"arn:aws:iam::123456789012:role/CloudFlowExecutionRole","start_time_ms":17,"input":{}},'
    '"status":"RUNNING","frames":{"r":{"id":"r","state_name":"","phase":"BLOCKED","state_input":{},'
    '"entered_event_id":2,"entered_time_ms":17,"last_event_id":5,"retry_counts":[1],"retry_total":1,'
    '"timers":["timer-2"],"task_request":{"parameters":{"FunctionName":"arn:aws:lambda:us-east-1:123456789012:'
    'function:","Payload":{}}}}},"timers":{"timer-2":{"frame_id":"r","purpose":"retry","due_ms":17}},'
    '"tasks":{"":{"frame_id":"r","state_name":""}},"last_event_id":5,"transitions":2,"seed":"","serial":2,'
    '"version":2,"remote_children":true,"token_prefix":"WyJ'
)

DICTIONARY = _TEXT.encode()
_BY_ID = {zlib.adler32(DICTIONARY): DICTIONARY}


def dictionary_of(stream: bytes) -> bytes | None:
    """The preset dictionary a zlib stream was compressed with (None: it names none)."""
    if len(stream) < 6 or not stream[1] & 0x20:  # FDICT: the header is followed by the dictionary's id
        return None
    known = _BY_ID.get(int.from_bytes(stream[2:6], "big"))
    if known is None:
        raise ValueError("the blob was compressed with a dictionary this version does not know")
    return known
