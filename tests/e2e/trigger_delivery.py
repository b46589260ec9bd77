"""What EventBridge and EventBridge Scheduler deliver to a target, rendered as they render it (moto stores rules,
targets and schedules but invokes no Lambda target).

- `render_input_transformer`: a rule target's InputTransformer applied to an event. Variables of InputPathsMap
  take values from the event by JSONPath (dot notation); the predefined `aws.events.*` ones are the rule's ARN
  and name, the ingestion time, the event without `detail` (`aws.events.event`) and the whole event
  (`aws.events.event.json`). In a JSON template, a placeholder outside quotes becomes the value as JSON (a string
  quoted), one inside a string its text, escaped for that string (EventBridge's InputTransformer reference:
  "valid JSON with variables in quotes or out"). A variable whose path is not in the event is left out.
- `render_scheduler_input`: a schedule target's Input with Scheduler's context attributes
  (`<aws.scheduler.schedule-arn>`, `scheduled-time`, `execution-id`, `attempt-number`) filled in as text.
"""

from __future__ import annotations

import json
import re
from typing import Any

_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")
_MISSING = object()


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


def render_input_transformer(transformer: dict[str, Any], event: dict[str, Any], rule_arn: str,
                             rule_name: str, ingestion_time: str | None = None) -> Any:
    """The JSON a rule target with this InputTransformer receives for `event`."""
    values: dict[str, Any] = {
        "aws.events.rule-arn": rule_arn, "aws.events.rule-name": rule_name,
        "aws.events.event.ingestion-time": ingestion_time or event.get("time"),
        "aws.events.event": {key: value for key, value in event.items() if key != "detail"},
        "aws.events.event.json": event,
    }
    for variable, path in (transformer.get("InputPathsMap") or {}).items():
        assert not variable.startswith("aws."), f"InputPathsMap variables may not start with aws.: {variable}"
        values[variable] = _path_value(event, path)
    template = transformer["InputTemplate"]

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


def render_scheduler_input(text: str, schedule_arn: str, scheduled_time: str, execution_id: str,
                           attempt_number: int = 1) -> Any:
    """The JSON a schedule target with this Input receives on one fire."""
    attributes = {"schedule-arn": schedule_arn, "scheduled-time": scheduled_time, "execution-id": execution_id,
                  "attempt-number": str(attempt_number)}
    for name, value in attributes.items():
        text = text.replace(f"<aws.scheduler.{name}>", value)
    return json.loads(text)
