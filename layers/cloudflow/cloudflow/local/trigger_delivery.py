"""What EventBridge and EventBridge Scheduler deliver to a target, rendered as they render it. Moto stores rules,
targets and schedules but invokes no target, so the local stack renders deliveries itself (and tests check a
deployed stack's rule and schedules against the same rendering).

- `render_input_transformer`: a rule target's InputTransformer applied to an event. Variables of InputPathsMap
  take values from the event by JSONPath (dot notation); the predefined `aws.events.*` ones are the rule's ARN
  and name, the ingestion time, the event without `detail` (`aws.events.event`) and the whole event
  (`aws.events.event.json`). In a JSON template, a placeholder outside quotes becomes the value as JSON (a string
  quoted), one inside a string its text, escaped for that string (EventBridge's InputTransformer reference:
  "valid JSON with variables in quotes or out"). A variable whose path is not in the event is left out.
- `render_target_input`: what any rule target receives: its InputTransformer, its constant Input, the part of
  the event its InputPath selects, or else the whole event.
- `render_scheduler_input`: a schedule target's Input with Scheduler's context attributes
  (`<aws.scheduler.schedule-arn>`, `scheduled-time`, `execution-id`, `attempt-number`) filled in as text.

Every function raises ValueError (json.JSONDecodeError is one) when the target cannot be rendered.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")
_MISSING = object()


def iso_seconds(ms: int) -> str:
    """A time as EventBridge writes an event's `time` and Scheduler a `scheduled-time`: `2023-11-14T22:13:20Z`."""
    return datetime.fromtimestamp(ms // 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _path_value(event: Any, path: str) -> Any:
    if path == "$":
        return event
    if not path.startswith("$."):
        raise ValueError(f"only dot-notation JSONPath is rendered here: {path!r}")
    value = event
    for part in path[2:].split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
    return value


def _in_string(text: str, position: int) -> bool:
    """Whether `position` of the template is inside a JSON string."""
    inside = escaped = False
    for char in text[:position]:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            inside = not inside
    return inside


def render_input_transformer(transformer: Mapping[str, Any], event: dict[str, Any], rule_arn: str,
                             rule_name: str, ingestion_time: str | None = None) -> Any:
    """The JSON a rule target with this InputTransformer receives for `event`."""
    values: dict[str, Any] = {
        "aws.events.rule-arn": rule_arn, "aws.events.rule-name": rule_name,
        "aws.events.event.ingestion-time": ingestion_time or event.get("time"),
        "aws.events.event": {key: value for key, value in event.items() if key != "detail"},
        "aws.events.event.json": event,
    }
    for variable, path in (transformer.get("InputPathsMap") or {}).items():
        if variable.startswith("aws."):  # EventBridge refuses such a target when it is put
            raise ValueError(f"InputPathsMap variables may not start with 'aws.': {variable}")
        values[variable] = _path_value(event, path)
    template = str(transformer["InputTemplate"])

    def replace(match: re.Match[str]) -> str:
        value = values.get(match.group(1), _MISSING)
        if value is _MISSING:
            return ""  # EventBridge leaves out a variable whose path the event does not have
        if _in_string(template, match.start()):
            text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
            return json.dumps(text)[1:-1]
        return json.dumps(value, separators=(",", ":"))

    rendered = _PLACEHOLDER.sub(replace, template)
    return json.loads(rendered)


def render_target_input(target: Mapping[str, Any], event: dict[str, Any], rule_arn: str, rule_name: str,
                        ingestion_time: str | None = None) -> Any:
    """The JSON a rule target (as ListTargetsByRule answers it) receives for `event`."""
    if target.get("InputTransformer"):
        return render_input_transformer(target["InputTransformer"], event, rule_arn, rule_name, ingestion_time)
    if target.get("Input") is not None:
        return json.loads(str(target["Input"]))
    if target.get("InputPath"):
        value = _path_value(event, str(target["InputPath"]))
        return None if value is _MISSING else value
    return event


def render_scheduler_input(text: str, schedule_arn: str, scheduled_time: str, execution_id: str,
                           attempt_number: int = 1) -> Any:
    """The JSON a schedule target with this Input receives on one fire."""
    attributes = {"schedule-arn": schedule_arn, "scheduled-time": scheduled_time, "execution-id": execution_id,
                  "attempt-number": str(attempt_number)}
    for name, value in attributes.items():
        text = text.replace(f"<aws.scheduler.{name}>", value)
    return json.loads(text)
