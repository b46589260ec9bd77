"""Usage: the state transitions flows metered per day (the table's Usage index), and one execution's."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.openapi.params import Query

from cloudflow.api.models import NAME_PATTERN, ExecutionUsage, UsageAnswer, UsageDay
from cloudflow.api.services import ApiServices, ExecutionArn, catalog, error_responses, latest_version, path_value
from cloudflow.errors import InvalidInputError
from cloudflow.runtime.describe import describe_execution
from cloudflow.runtime.runtime import Runtime

TAGS = ["usage"]
MAX_DAYS = 93
"""One answer covers at most this many days (a quarter): one index query per flow per day."""


def _all_flows(rt: Runtime) -> list[str]:
    names: list[str] = []
    after: str | None = None
    while True:
        records, more = catalog(rt).list_flows(after, 1000)
        names.extend(record.name for record in records)
        if not more or not records:
            return names
        after = records[-1].name


def register(app: APIGatewayRestResolver, services: ApiServices) -> None:
    """Add the usage routes to `app`."""

    @app.get("/usage", tags=TAGS, summary="State transitions per flow per day (UTC)",
             description=f"Every day from `from` to `to` (inclusive, at most {MAX_DAYS} days; both default to "
                         "today), for one flow or every flow of the catalog. A transition counts on the day it "
                         "happened, once its history is paged: a running execution's latest ones may take up to 30 "
                         "minutes to show here (its own count, `/executions/{arn}/usage`, has them at once).",
             responses=error_responses(400, 404))
    def usage(
        flow: Annotated[str | None, Query(pattern=NAME_PATTERN, description="One flow (default: all).")] = None,
        first: Annotated[date | None, Query(alias="from", description="First day, YYYY-MM-DD.")] = None,
        last: Annotated[date | None, Query(alias="to", description="Last day, YYYY-MM-DD.")] = None,
    ) -> UsageAnswer:
        rt = services.runtime()
        today = datetime.fromtimestamp(rt.clock.now_ms() / 1000, tz=UTC).date()
        last = last or (first if first is not None and first > today else today)
        first = first or last
        if first > last:
            raise InvalidInputError("from", f"must not be after 'to' ({last.isoformat()})")
        if (last - first).days >= MAX_DAYS:
            raise InvalidInputError("to", f"covers more than {MAX_DAYS} days from 'from'")
        if flow is not None:
            latest_version(rt, flow)
        flows = [flow] if flow is not None else _all_flows(rt)
        days = [(first + timedelta(days=offset)).isoformat() for offset in range((last - first).days + 1)]
        rows = [UsageDay(flow=name, day=day, transitions=rt.store.usage(name, day)) for name in flows for day in days]
        return UsageAnswer(usage=rows, total=sum(row.transitions for row in rows))

    @app.get("/executions/<arn>/usage", tags=TAGS, summary="State transitions one execution metered",
             responses=error_responses(400, 404))
    def execution_usage(arn: ExecutionArn) -> ExecutionUsage:
        described = describe_execution(services.runtime(), path_value(arn))
        return ExecutionUsage(execution_arn=described["executionArn"], transitions=described["transitions"])
