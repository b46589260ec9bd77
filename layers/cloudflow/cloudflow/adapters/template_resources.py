"""Create the template's table, queues, bucket and schedule group (on moto), so local runs and tests
use exactly the key schema, indexes and queue types that `sam deploy` creates.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cloudflow.sam_template import parse_template


@dataclass(frozen=True)
class StackResources:
    """Names and URLs of the created resources, as the functions' CLOUDFLOW_* variables carry them."""

    table: str
    step_queue_url: str
    timer_queue_url: str
    bucket: str
    schedule_group: str

    def environment(self) -> dict[str, str]:
        """The CLOUDFLOW_* variables of template.yaml's Globals for these resources."""
        return {
            "CLOUDFLOW_TABLE": self.table, "CLOUDFLOW_STEP_QUEUE_URL": self.step_queue_url,
            "CLOUDFLOW_TIMER_QUEUE_URL": self.timer_queue_url, "CLOUDFLOW_PAYLOAD_BUCKET": self.bucket,
            "CLOUDFLOW_SCHEDULE_GROUP": self.schedule_group,
        }


def template_properties(template: Path, logical_id: str) -> dict[str, Any]:
    """The Properties of one resource of a SAM template."""
    document = parse_template(template.read_text())
    properties: dict[str, Any] = document["Resources"][logical_id].get("Properties") or {}
    return properties


def create_stack_resources(session: Any, template: Path, stack: str = "cloudflow-local",
                           region: str = "us-east-1") -> StackResources:
    """Create the runtime's resources as template.yaml declares them; returns their names."""
    table = _create_table(session.client("dynamodb", region_name=region), template, f"{stack}-table")
    sqs = session.client("sqs", region_name=region)
    step = template_properties(template, "StepQueue")
    step_url = sqs.create_queue(QueueName=f"{stack}-step.fifo", Attributes={
        "FifoQueue": "true", "ContentBasedDeduplication": str(step["ContentBasedDeduplication"]).lower(),
        "VisibilityTimeout": str(step["VisibilityTimeout"]),
    })["QueueUrl"]
    timer = template_properties(template, "TimerQueue")
    timer_url = sqs.create_queue(QueueName=f"{stack}-timer", Attributes={
        "VisibilityTimeout": str(timer["VisibilityTimeout"])})["QueueUrl"]
    bucket = f"{stack}-payloads"
    session.client("s3", region_name=region).create_bucket(Bucket=bucket)
    group = f"{stack}-timers"
    session.client("scheduler", region_name=region).create_schedule_group(Name=group)
    return StackResources(table, step_url, timer_url, bucket, group)


def _create_table(client: Any, template: Path, name: str) -> str:
    props = template_properties(template, "Table")
    client.create_table(
        TableName=name, BillingMode=props["BillingMode"], KeySchema=props["KeySchema"],
        AttributeDefinitions=props["AttributeDefinitions"], GlobalSecondaryIndexes=props["GlobalSecondaryIndexes"],
    )
    ttl = props["TimeToLiveSpecification"]
    client.update_time_to_live(TableName=name, TimeToLiveSpecification={
        "AttributeName": ttl["AttributeName"], "Enabled": bool(ttl["Enabled"])})
    return name
