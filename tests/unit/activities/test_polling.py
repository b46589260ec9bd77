"""GetActivityTask's long poll on a fake clock: oldest first, back-off while empty, `{}` at the deadline,
stale tasks dropped, uncommitted ones left for later, each task claimed once."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

from cloudflow.activities.polling import (
    MAX_BACKOFF_SECONDS,
    MAX_PAGES,
    PAGE_SIZE,
    UNCOMMITTED_GRACE_MS,
    Liveness,
    RealTime,
    claim_oldest,
    get_activity_task,
    runtime_liveness,
)
from cloudflow.activities.registry import (
    ActivityDoesNotExistError,
    InvalidArnError,
    PendingActivityTask,
    create_activity,
)
from cloudflow.errors import InvalidInputError
from cloudflow.runtime.tokens import token_prefix
from tests.unit.activities.test_registry import ARN, START_MS, FixedClock, MemoryActivityStore, activities

REVIEW = ARN + "review"


class FakeTime:
    """A monotonic clock that only sleeping moves; records each sleep."""

    def __init__(self, on_sleep: object = None) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []
        self.on_sleep = on_sleep

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        if callable(self.on_sleep):
            self.on_sleep(len(self.sleeps))


def store_with(*tokens: str) -> MemoryActivityStore:
    store = MemoryActivityStore()
    create_activity(activities(store), "review")
    for token in tokens:
        store.enqueue_task(PendingActivityTask("review", REVIEW, token, f'{{"t":"{token}"}}', "Work", 0), 60)
    return store


def test_hands_out_the_oldest_task_first_and_each_once() -> None:
    store = store_with("a", "b")
    timer = FakeTime()
    assert get_activity_task(store, REVIEW, "w1", 0, timer=timer) == {"taskToken": "a", "input": '{"t":"a"}'}
    assert get_activity_task(store, REVIEW, "w1", 0, timer=timer)["taskToken"] == "b"
    assert get_activity_task(store, REVIEW, "w1", 0, timer=timer) == {}
    assert timer.sleeps == []  # a zero wait never sleeps


def test_waits_with_backoff_and_answers_empty_at_the_deadline() -> None:
    timer = FakeTime()
    assert get_activity_task(store_with(), REVIEW, None, 5, timer=timer) == {}
    assert timer.now == pytest.approx(105.0)
    assert timer.sleeps[:5] == pytest.approx([0.05, 0.1, 0.2, 0.4, 0.8])
    assert max(timer.sleeps) == MAX_BACKOFF_SECONDS
    assert timer.sleeps[-1] < MAX_BACKOFF_SECONDS  # the last nap ends at the deadline, not after it


def test_a_task_arriving_during_the_wait_is_handed_out() -> None:
    store = store_with()

    def arrive(naps: int) -> None:
        if naps == 3:
            store.enqueue_task(PendingActivityTask("review", REVIEW, "late", "{}", "Work", 0), 60)

    timer = FakeTime(arrive)
    assert get_activity_task(store, REVIEW, None, 60, timer=timer)["taskToken"] == "late"
    assert len(timer.sleeps) == 3


def test_the_wait_is_capped_at_sixty_seconds() -> None:
    timer = FakeTime()
    get_activity_task(store_with(), REVIEW, None, 3600, timer=timer)
    assert timer.now == pytest.approx(160.0)
    get_activity_task(store_with(), REVIEW, None, -5, timer=timer)  # a negative wait is no wait
    assert timer.now == pytest.approx(160.0)


def test_errors() -> None:
    with pytest.raises(ActivityDoesNotExistError):
        get_activity_task(store_with(), ARN + "other", None, 0, timer=FakeTime())
    with pytest.raises(InvalidArnError):
        get_activity_task(store_with(), "review", None, 0, timer=FakeTime())
    with pytest.raises(InvalidInputError):
        get_activity_task(store_with(), REVIEW, "w" * 81, 0, timer=FakeTime())


def test_gone_tasks_are_dropped_and_uncommitted_ones_are_left_for_later() -> None:
    store = store_with("gone", "not-yet", "live")
    verdicts = {"gone": Liveness.GONE, "not-yet": Liveness.NOT_YET, "live": Liveness.LIVE}
    task = get_activity_task(store, REVIEW, None, 0, timer=FakeTime(), liveness=lambda t: verdicts[t.token])
    assert task["taskToken"] == "live"
    assert [t.token for t in store.oldest_tasks("review", 10)] == ["not-yet"]
    verdicts["not-yet"] = Liveness.LIVE  # its step committed
    assert get_activity_task(store, REVIEW, None, 0, timer=FakeTime(),
                             liveness=lambda t: verdicts[t.token])["taskToken"] == "not-yet"


def test_a_live_task_behind_a_page_of_uncommitted_ones_is_found() -> None:
    tokens = [f"n{i}" for i in range(PAGE_SIZE + 3)] + ["live"]
    store = store_with(*tokens)
    found = claim_oldest(store, "review", lambda t: Liveness.LIVE if t.token == "live" else Liveness.NOT_YET)
    assert found is not None and found.token == "live"


def test_a_poll_looks_a_bounded_number_of_pages_deep() -> None:
    store = store_with(*[f"n{i}" for i in range(PAGE_SIZE * MAX_PAGES)], "live")
    assert claim_oldest(store, "review", lambda t: Liveness.LIVE if t.token == "live" else Liveness.NOT_YET) is None


class FakeRuntime:
    """What runtime_liveness reads: units (status, the tokens they wait for) and the clock."""

    def __init__(self) -> None:
        self.units: dict[tuple[str, str], SimpleNamespace] = {}
        self.clock = FixedClock(START_MS)
        self.store = SimpleNamespace(get_unit=lambda execution, unit: self.units.get((execution, unit)))
        self.codec = SimpleNamespace(decode_snapshot=lambda snapshot: snapshot)

    def unit(self, execution: str, unit: str, status: str, *tokens: str) -> None:
        self.units[(execution, unit)] = SimpleNamespace(status=status, snapshot=SimpleNamespace(
            tasks=dict.fromkeys(tokens)))


def token(execution: str, unit: str = "r", n: int = 0) -> str:
    return token_prefix(execution, unit) + f"{n:064x}"


def test_runtime_liveness_asks_the_tasks_unit() -> None:
    rt = FakeRuntime()
    check = runtime_liveness(rt)  # type: ignore[arg-type]
    rt.unit("f:live", "r", "RUNNING", token("f:live"))
    rt.unit("f:done", "r", "SUCCEEDED")
    rt.unit("f:moved-on", "r", "RUNNING", token("f:moved-on", n=2))

    def verdict(task_token: str, age_ms: int = 0) -> Liveness:
        return check(PendingActivityTask("review", REVIEW, task_token, "{}", "Work", START_MS - age_ms))

    assert verdict(token("f:live")) is Liveness.LIVE
    assert verdict(token("f:done")) is Liveness.GONE  # the execution ended
    assert verdict("not-a-token") is Liveness.GONE
    old = UNCOMMITTED_GRACE_MS + 1
    for unknown in (token("f:moved-on", n=1), token("f:live", unit="m.3")):  # answered / no such unit (yet)
        assert verdict(unknown) is Liveness.NOT_YET
        assert verdict(unknown, age_ms=old) is Liveness.GONE


def test_a_task_claimed_by_another_worker_in_between_is_skipped() -> None:
    store = store_with("a", "b")
    real_remove = store.remove_task

    def racing_remove(task: PendingActivityTask) -> bool:
        if task.token == "a":
            real_remove(task)  # the other worker wins "a"
            return False
        return real_remove(task)

    store.remove_task = racing_remove  # type: ignore[method-assign]
    assert get_activity_task(store, REVIEW, None, 0, timer=FakeTime())["taskToken"] == "b"


def test_concurrent_pollers_each_get_distinct_tasks() -> None:
    tokens = [f"t{i}" for i in range(200)]
    store = store_with(*tokens)
    got: list[list[str]] = [[] for _ in range(4)]

    def poll(mine: list[str]) -> None:
        while task := get_activity_task(store, REVIEW, None, 0, timer=FakeTime()):
            mine.append(task["taskToken"])

    threads = [threading.Thread(target=poll, args=(mine,)) for mine in got]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(token for mine in got for token in mine) == sorted(tokens)


def test_real_time_sleep_is_cut_short_by_its_stop_event() -> None:
    stop = threading.Event()
    timer = RealTime(stop)
    stop.set()
    before = timer.monotonic()
    timer.sleep(30)
    assert timer.monotonic() - before < 1
