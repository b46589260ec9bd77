"""Ports: what the runtime needs from the world, as Protocols. Adapters implement them.

The runtime (`cloudflow.runtime`) depends only on these; boto3 lives in `cloudflow.adapters`.
Every value crossing a port is plain data: bytes, str, int and the small records below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


class Clock(Protocol):
    """Wall time in epoch milliseconds (virtual in the local runtime)."""

    def now_ms(self) -> int:
        """The current time."""
        ...


class SecretSource(Protocol):
    """Fresh secrets: the seed an execution's tokens and draws derive from."""

    def new_seed(self) -> str:
        """At least 128 random bits, as text."""
        ...


@dataclass
class Blob:
    """A stored value: `data` inline (compressed JSON), or `ref`, the key of a payload-store object."""

    data: bytes | None = None
    ref: str | None = None


@dataclass
class UnitRecord:
    """One durable unit of an execution: the root (`unit` "r") or a Parallel branch / Map iteration.

    `version` is 0 for a record not stored yet; each committed step adds one. `outbox` holds the
    commands of the last step and `outbox_key` the message that produced them (crash repair).
    `attrs` are plain attributes kept beside the snapshot for queries (flow, name, status, times).
    """

    execution_id: str
    unit: str
    version: int
    status: str
    snapshot: Blob
    outbox: Blob = field(default_factory=Blob)
    outbox_key: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)
    expires_at: int | None = None  # epoch seconds: retention once the unit ended
    # The history of the unit's latest steps while it is not a page of its own yet (runtime.history_tail):
    # committed with the record, read after the unit's pages. `flow` and `day` are not stored with it.
    tail: HistoryPage | None = None


@dataclass(frozen=True)
class Capacity:
    """What one write and one strongly consistent read of a stored item cost, in capacity units."""

    write_units: int
    read_units: int


@dataclass
class HistoryPage:
    """The history events one step recorded, and the transitions it metered (usage per flow per day)."""

    execution_id: str
    unit: str
    first_event_id: int
    events: Blob
    count: int
    transitions: int
    flow: str
    day: str  # YYYY-MM-DD (UTC) of the step
    expires_at: int | None = None


@dataclass
class JoinRecord:
    """A fan-out: its children run as units `<join_id>.<index>` and report here."""

    execution_id: str
    join_id: str
    parent_unit: str
    parent_frame_id: str
    kind: str
    state_name: str
    total: int
    window: int = 0
    tolerated_count: int | None = None
    tolerated_percentage: float | None = None
    closed: bool = False


@dataclass(frozen=True)
class JoinCount:
    """Where a join stands after a count.

    `all_done`: every child is counted; `failed`: distinct failed children so far; `transitions`:
    what all children metered (complete once `all_done`); `newly_counted`: this call counted it.
    """

    all_done: bool
    failed: int
    transitions: int
    newly_counted: bool


@dataclass(frozen=True)
class ChildResult:
    """What one child of a join ended with: its index, its result (an error output when it failed)."""

    index: int
    result: Blob
    failed: bool


@dataclass(frozen=True)
class SearchField:
    """An input field a flow declares searchable: its name and a dotted JSONPath (`$.customer.id`)."""

    name: str
    path: str


@dataclass(frozen=True)
class SearchDeclaration:
    """What a flow's executions can be searched by: input fields, and the keys of the tags they carry."""

    fields: tuple[SearchField, ...] = ()
    tags: tuple[str, ...] = ()


class ExecutionStore(Protocol):
    """Units, history pages, joins, results and flow definitions (DynamoDB in the cloud)."""

    def get_unit(self, execution_id: str, unit: str) -> UnitRecord | None:
        """The unit's record, read strongly consistent; None when it does not exist."""
        ...

    def save_unit(self, record: UnitRecord, expected_version: int) -> None:
        """Write the record if the stored version is `expected_version` (0: must not exist yet).

        Raises:
            ConflictError: the stored version moved on (or the unit already exists).
        """
        ...

    def unit_capacity(self, record: UnitRecord) -> Capacity:
        """What writing (and then reading) the record as it stands would cost, by its stored size."""
        ...

    def list_units(self, execution_id: str, prefix: str) -> list[UnitRecord]:
        """Units whose key starts with `prefix` (snapshots not loaded)."""
        ...

    def put_history_page(self, page: HistoryPage) -> None:
        """Store a step's history page (a rewrite with the same first event id replaces it)."""
        ...

    def history_pages(self, execution_id: str, unit: str) -> list[HistoryPage]:
        """The unit's pages in event order, its record's tail last. A page that starts at or after the tail's
        first event was left by a step that crashed before its record was written: it is not read."""
        ...

    def metered_transitions(self, execution_id: str) -> int:
        """Transitions metered by every step of every unit of the execution (its history pages and tails)."""
        ...

    def usage(self, flow: str, day: str) -> int:
        """Transitions metered for `flow` on `day` (YYYY-MM-DD)."""
        ...

    def put_flow(self, name: str, version: str, definition: str) -> None:
        """Store an immutable flow version (idempotent)."""
        ...

    def get_flow(self, name: str, version: str) -> str | None:
        """A flow version's definition text."""
        ...

    def put_flow_alias(self, name: str, alias: str, version: str) -> None:
        """Point the flow's alias (e.g. LATEST) at a version."""
        ...

    def get_flow_alias(self, name: str, alias: str) -> str | None:
        """The version an alias points at."""
        ...

    def register_flow(self, name: str, now_ms: int, must_be_new: bool) -> bool:
        """Add the flow to the catalog, or only touch its update time when it is there already.

        Returns False (and changes nothing) when `must_be_new` and the flow is in the catalog.
        """
        ...

    def mock_invocation(self, execution_id: str, state_name: str, token: str) -> int:
        """The number of a mocked task invocation: 0, 1, ... per state per execution, fixed per token."""
        ...

    def create_join(self, join: JoinRecord) -> None:
        """Create the join if it does not exist yet (idempotent)."""
        ...

    def get_join(self, execution_id: str, join_id: str) -> JoinRecord | None:
        """The join, read strongly consistent."""
        ...

    def close_join(self, execution_id: str, join_id: str) -> None:
        """Mark the join closed: children that start later do nothing."""
        ...

    def put_child_inputs(self, execution_id: str, join_id: str, inputs: list[tuple[int, Blob]]) -> None:
        """Park the inputs of children that wait for a MaxConcurrency slot."""
        ...

    def get_child_input(self, execution_id: str, join_id: str, index: int) -> Blob | None:
        """A parked child input."""
        ...

    def put_result(self, execution_id: str, join_id: str, index: int, result: Blob,
                   final_page: HistoryPage | None = None, failed: bool = False) -> None:
        """A child's result (its own item); with the child's last history page when it kept no record."""
        ...

    def results(self, execution_id: str, join_id: str) -> list[Blob]:
        """Every child result of the join, in child order."""
        ...

    def child_results(self, execution_id: str, join_id: str) -> list[ChildResult]:
        """Every child result of the join with its index and whether the child failed, in child order."""
        ...

    def count_child(
        self, execution_id: str, join_id: str, total: int, index: int, failed: bool, transitions: int
    ) -> JoinCount:
        """Count child `index` of `total` as done, once: a repeat changes nothing (`newly_counted` False)."""
        ...

    def get_search_declaration(self, name: str) -> SearchDeclaration | None:
        """The fields and tag keys the flow declared searchable (None: no declaration, or no such flow)."""
        ...

    def put_search_entries(self, flow: str, name: str, start_ms: int, values: dict[str, str]) -> None:
        """Index an execution under each `index name -> value text` (an index name is a field's name, or
        `tag:<key>` for a tag: `cloudflow.runtime.search_tags.tag_index`); idempotent: a repeat writes the
        same items."""
        ...


class WorkQueue(Protocol):
    """The step queue (FIFO: one group per unit, so a unit's steps never overlap) and the delay queue."""

    def send(self, messages: list[tuple[str, str, str]]) -> None:
        """Send `(group, dedup_key, body)` messages to the step queue."""
        ...

    def send_delayed(self, body: str, delay_seconds: int) -> None:
        """Send `body` to the timer queue, visible after `delay_seconds` (at most 900)."""
        ...


class Scheduler(Protocol):
    """One-time schedules that invoke the timer handler with a payload, then delete themselves."""

    def schedule_at(self, name: str, due_ms: int, payload: str) -> None:
        """Create the schedule `name` (an existing one with that name is kept)."""
        ...

    def delete(self, name: str) -> None:
        """Delete the schedule if it still exists."""
        ...


class PayloadStore(Protocol):
    """Large values (S3 in the cloud)."""

    def put(self, key: str, data: bytes) -> None:
        """Store `data` under `key` (overwrite)."""
        ...

    def get(self, key: str) -> bytes:
        """The data under `key`."""
        ...


@dataclass(frozen=True)
class FlowRecord:
    """A flow in the catalog the management API keeps (name, when it was created and last updated)."""

    name: str
    created_ms: int
    updated_ms: int


@dataclass(frozen=True)
class PublishedVersion:
    """A numbered, immutable version of a flow (PublishStateMachineVersion): `version` is its content id."""

    flow: str
    number: int
    version: str
    created_ms: int
    description: str = ""


@dataclass(frozen=True)
class ExecutionSummary:
    """One execution as ListExecutions shows it, read from the ByFlow index."""

    flow: str
    name: str
    status: str
    start_ms: int
    stop_ms: int | None = None


class ManagementStore(Protocol):
    """What the management API needs beside ExecutionStore: the flow catalog, published versions,
    aliases, executions by flow and history a page at a time. Listings return `(items, more)`: `more`
    says whether another page follows the last item; the caller continues after that item."""

    def get_flow_record(self, name: str) -> FlowRecord | None:
        """The flow's catalog entry."""
        ...

    def list_flows(self, after: str | None, limit: int) -> tuple[list[FlowRecord], bool]:
        """Catalog entries in name order, after the flow named `after`."""
        ...

    def delete_flow(self, name: str) -> None:
        """Remove the flow's catalog entry, aliases (LATEST included) and published versions.

        The content-addressed versions stay: executions still running pin them.
        """
        ...

    def list_flow_aliases(self, name: str) -> dict[str, str]:
        """Every alias of the flow (LATEST included) and the version it points at."""
        ...

    def publish_version(self, name: str, version: str, now_ms: int, description: str = "") -> PublishedVersion:
        """Number `version` as the flow's next published version; the newest one when it is that version already."""
        ...

    def get_published_version(self, name: str, number: int) -> PublishedVersion | None:
        """A published version by its number."""
        ...

    def list_published_versions(self, name: str, before: int | None, limit: int) -> tuple[list[PublishedVersion], bool]:
        """Published versions, newest first, older than number `before`."""
        ...

    def list_executions(
        self, flow: str, status: str | None, started_from_ms: int | None, started_before_ms: int | None,
        after: tuple[int, str] | None, limit: int,
    ) -> tuple[list[ExecutionSummary], bool]:
        """The flow's executions, newest first (`start_ms` in [from, before)), continuing after
        `(start_ms, name)` of the last one listed; `status` filters."""
        ...

    def history_pages_from(self, execution_id: str, unit: str, event_id: int, reverse: bool,
                           limit: int) -> list[HistoryPage]:
        """At most `limit` of the unit's history pages, starting with the one holding event `event_id`
        (or the last page before it), in event order or, `reverse`, backwards."""
        ...

    def put_search_declaration(self, name: str, declaration: SearchDeclaration) -> bool:
        """Replace the flow's searchable fields and tag keys in its catalog entry; False when the flow is not
        in the catalog."""
        ...

    def search_executions(
        self, flow: str, index: str, value: str, status: str | None, after: tuple[int, str] | None, limit: int,
    ) -> tuple[list[ExecutionSummary], bool]:
        """The flow's executions indexed under `index` (a field's or a tag's index name) = `value` (its JSON
        text), newest first, with their current status (`status` filters), continuing after `(start_ms, name)`
        of the last one listed."""
        ...
