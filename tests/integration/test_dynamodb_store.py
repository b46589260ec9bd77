"""DynamoDbExecutionStore on moto: conditional unit writes, exactly-once join counting, ordered results,
history pages with usage per flow per day, flow versions and aliases."""

from __future__ import annotations

from typing import Any

import pytest

from cloudflow.errors import ConflictError
from cloudflow.ports import Blob, Capacity, HistoryPage, JoinRecord, UnitRecord


def _unit(version: int, status: str = "RUNNING", unit: str = "r", **attrs: Any) -> UnitRecord:
    return UnitRecord("flow:one", unit, version, status, Blob(data=b"snapshot"), Blob(data=b"outbox"), "k",
                      {"flow": "flow", **attrs})


def test_a_unit_is_created_once_and_then_written_only_on_top_of_the_version_read(store: Any) -> None:
    store.save_unit(_unit(1), 0)
    with pytest.raises(ConflictError):
        store.save_unit(_unit(1), 0)  # a second create (a duplicate start) loses
    store.save_unit(_unit(2, name="n"), 1)
    with pytest.raises(ConflictError):
        store.save_unit(_unit(3), 1)  # a stale writer read version 1, but 2 is stored
    loaded = store.get_unit("flow:one", "r")
    assert (loaded.version, loaded.snapshot.data, loaded.outbox_key, loaded.attrs["name"]) == (2, b"snapshot", "k", "n")
    assert store.get_unit("flow:one", "nope") is None


def test_units_are_listed_by_key_prefix(store: Any) -> None:
    for unit in ("r", "r/3-0.0", "r/3-0.1", "r/3-0.1/9-0.0"):
        store.save_unit(_unit(1, unit=unit), 0)
    assert [u.unit for u in store.list_units("flow:one", "r/3-0.")] == ["r/3-0.0", "r/3-0.1", "r/3-0.1/9-0.0"]
    assert [u.unit for u in store.list_units("flow:one", "r/3-0.1/")] == ["r/3-0.1/9-0.0"]


def _join(store: Any, total: int, **options: Any) -> None:
    store.create_join(JoinRecord("flow:one", "r/2-0", "r", "r", "map", "Each", total, **options))


def test_each_child_is_counted_once_however_often_it_reports_across_shards(store: Any) -> None:
    total = 250  # three shards of at most 100
    _join(store, total)
    done = []
    for index in [*range(total), 7, 120, 249]:  # three duplicate reports
        count = store.count_child("flow:one", "r/2-0", total, index, failed=False, transitions=2)
        done.append(count.all_done)
        if index in (7, 120) and len(done) > total:
            assert not count.newly_counted
    assert done.index(True) == total - 1  # complete exactly at the last distinct child
    final = store.count_child("flow:one", "r/2-0", total, 249, failed=False, transitions=2)
    assert (final.all_done, final.transitions, final.newly_counted) == (True, 2 * total, False)


def test_a_join_of_at_most_100_children_counts_on_the_join_item_alone(store: Any) -> None:
    _join(store, 3)
    counts = [store.count_child("flow:one", "r/2-0", 3, i, failed=False, transitions=4) for i in (2, 0, 2, 1)]
    assert [(c.all_done, c.newly_counted) for c in counts] == [(False, True), (False, True), (False, False),
                                                                (True, True)]
    assert counts[-1].transitions == 12
    shards = store._db.query(TableName=store._table, KeyConditionExpression="pk = :p AND begins_with(sk, :s)",
                             ExpressionAttributeValues={":p": {"S": "EX#flow:one"}, ":s": {"S": "J#r/2-0#"}})
    assert shards["Items"] == []  # no shard items: one write per child


def test_mocked_invocations_are_numbered_per_state_once_per_token(store: Any) -> None:
    numbers = [store.mock_invocation("flow:one", "Charge", token) for token in ("t" * 60 + "aaaa", "t" * 60 + "bbbb")]
    assert numbers == [0, 1]
    assert store.mock_invocation("flow:one", "Charge", "t" * 60 + "aaaa") == 0  # a re-run step: the same number
    assert store.mock_invocation("flow:one", "Charge", "t" * 60 + "cccc") == 2
    assert store.mock_invocation("flow:one", "Other", "t" * 60 + "aaaa") == 0  # counted per state


def test_failures_are_counted_once_each(store: Any) -> None:
    _join(store, 10, tolerated_count=3)
    assert store.count_child("flow:one", "r/2-0", 10, 4, failed=True, transitions=1).failed == 1
    assert store.count_child("flow:one", "r/2-0", 10, 4, failed=True, transitions=1).failed == 1
    assert store.count_child("flow:one", "r/2-0", 10, 5, failed=True, transitions=1).failed == 2
    join = store.get_join("flow:one", "r/2-0")
    assert (join.total, join.tolerated_count, join.closed) == (10, 3, False)
    store.close_join("flow:one", "r/2-0")
    assert store.get_join("flow:one", "r/2-0").closed


def test_results_come_back_in_child_order_and_parked_inputs_by_index(store: Any) -> None:
    _join(store, 12)
    for index in (11, 0, 5, 1, 10, 2, 3, 4, 6, 7, 8, 9):
        store.put_result("flow:one", "r/2-0", index, Blob(data=str(index).encode()))
    assert [int(b.data) for b in store.results("flow:one", "r/2-0")] == list(range(12))
    store.put_child_inputs("flow:one", "r/2-0", [(i, Blob(ref=f"in/{i}")) for i in range(3, 40)])
    assert store.get_child_input("flow:one", "r/2-0", 17).ref == "in/17"
    assert store.get_child_input("flow:one", "r/2-0", 2) is None


def _page(unit: str, first: int, transitions: int, day: str = "2026-11-26") -> HistoryPage:
    return HistoryPage("flow:one", unit, first, Blob(data=b"[]"), 2, transitions, "flow", day)


def test_pages_meter_usage_per_flow_per_day_and_per_execution(store: Any) -> None:
    store.put_history_page(_page("r", 1, 3))
    store.put_history_page(_page("r", 8, 2))
    store.put_history_page(_page("r", 8, 2))  # a retried step rewrites its page: still counted once
    store.put_history_page(_page("r", 12, 4, day="2026-11-27"))
    _join(store, 1)
    store.put_result("flow:one", "r/2-0", 0, Blob(data=b"1"), _page("r/2-0.0", 1, 5))
    assert store.usage("flow", "2026-11-26") == 10
    assert store.usage("flow", "2026-11-27") == 4
    assert store.metered_transitions("flow:one") == 14
    assert [p.first_event_id for p in store.history_pages("flow:one", "r")] == [1, 8, 12]
    assert [p.transitions for p in store.history_pages("flow:one", "r/2-0.0")] == [5]  # from its result item


def _tailed(version: int, first: int, transitions: int) -> UnitRecord:
    record = _unit(version)
    record.tail = HistoryPage("flow:one", "r", first, Blob(data=b"tail"), 3, transitions, "", "")
    return record


def test_a_records_history_tail_is_read_after_its_pages_and_metered_with_them(store: Any) -> None:
    store.put_history_page(_page("r", 1, 3))
    store.save_unit(_tailed(1, 8, 2), 0)
    loaded = store.get_unit("flow:one", "r")
    assert (loaded.tail.first_event_id, loaded.tail.events.data, loaded.tail.count, loaded.tail.transitions) == (
        8, b"tail", 3, 2)
    assert "tail_first" not in loaded.attrs
    assert [(p.first_event_id, p.events.data) for p in store.history_pages("flow:one", "r")] == [
        (1, b"[]"), (8, b"tail")]
    assert store.metered_transitions("flow:one") == 5
    assert store.usage("flow", "2026-11-26") == 3  # the Usage index counts pages: the tail once it is one

    store.put_history_page(_page("r", 8, 7))  # the tail written out as a page, and the record without it
    store.save_unit(_unit(2), 1)
    assert store.get_unit("flow:one", "r").tail is None
    assert [p.transitions for p in store.history_pages("flow:one", "r")] == [3, 7]
    assert store.metered_transitions("flow:one") == 10
    assert store.usage("flow", "2026-11-26") == 10


def test_a_page_left_at_or_after_the_tail_by_a_crashed_step_is_not_read(store: Any) -> None:
    # A step wrote the tail out as page 8 and crashed before its record; run again, it kept the events on the
    # record (a tail from event 8) instead.
    store.put_history_page(_page("r", 1, 3))
    store.put_history_page(_page("r", 8, 9))
    store.save_unit(_tailed(1, 8, 2), 0)
    assert [(p.first_event_id, p.transitions) for p in store.history_pages("flow:one", "r")] == [(1, 3), (8, 2)]
    assert store.metered_transitions("flow:one") == 5
    newest_first = store.history_pages_from("flow:one", "r", 99, True, 5)
    assert [(p.first_event_id, p.events.data) for p in newest_first] == [(8, b"tail"), (1, b"[]")]
    oldest_first = store.history_pages_from("flow:one", "r", 1, False, 5)
    assert [(p.first_event_id, p.events.data) for p in oldest_first] == [(1, b"[]"), (8, b"tail")]


def test_history_is_paged_through_the_tail_both_ways(store: Any) -> None:
    for first in (1, 4, 7):
        store.put_history_page(_page("r", first, 1))
    store.save_unit(_tailed(1, 10, 1), 0)
    forward = [p.first_event_id for p in store.history_pages_from("flow:one", "r", 1, False, 2)]
    rest = [p.first_event_id for p in store.history_pages_from("flow:one", "r", 7, False, 2)]
    assert (forward, rest) == ([1, 4], [7, 10])
    assert [p.first_event_id for p in store.history_pages_from("flow:one", "r", 11, True, 2)] == [10, 7]
    assert [p.first_event_id for p in store.history_pages_from("flow:one", "r", 9, True, 2)] == [7, 4]
    assert [p.first_event_id for p in store.history_pages_from("flow:one", "r", 12, True, 1)] == [10]


def test_a_records_capacity_is_its_stored_size_in_write_and_read_units(store: Any) -> None:
    small = _unit(1)
    assert store.unit_capacity(small) == Capacity(1, 1)
    large = _unit(1)
    large.snapshot = Blob(data=b"x" * 5000)
    assert store.unit_capacity(large) == Capacity(5, 2)  # 5,000 bytes and the other attributes: 5 KB, 2 x 4 KB
    tailed = _tailed(1, 8, 2)
    tailed.tail.events = Blob(data=b"y" * 1100)
    assert store.unit_capacity(tailed).write_units == 2


def test_flow_versions_are_immutable_and_aliases_move(store: Any) -> None:
    store.put_flow("flow", "v1", '{"a": 1}')
    store.put_flow("flow", "v1", '{"a": 2}')  # ignored: a version never changes
    assert store.get_flow("flow", "v1") == '{"a": 1}'
    store.put_flow_alias("flow", "LATEST", "v1")
    store.put_flow_alias("flow", "LATEST", "v2")
    assert store.get_flow_alias("flow", "LATEST") == "v2"
    assert store.get_flow("flow", "v9") is None and store.get_flow_alias("other", "LATEST") is None
