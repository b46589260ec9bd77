"""The CLI's plain-text rendering: aligned columns, label/value blocks, short dates, one-line cells, history
details, and the progress display (a spinner on a terminal, nothing elsewhere)."""

from __future__ import annotations

import io

from cloudflow.cli_api.history import HISTORY_COLUMNS, event_detail
from cloudflow.cli_api.progress import Progress
from cloudflow.cli_api.tables import Column, fields, short_date, table, text, width

FLOWS = [{"name": "orders", "creationDate": "2024-02-07T13:50:16.123Z", "count": 7},
         {"name": "a-much-longer-name", "creationDate": "2024-02-08T01:02:03.000Z", "count": 1234}]
COLUMNS = [Column.field("NAME", "name"), Column.date("CREATED (UTC)", "creationDate"),
           Column.field("COUNT", "count", right=True)]


def test_columns_are_as_wide_as_their_widest_cell_and_numbers_align_right() -> None:
    assert table(COLUMNS, FLOWS).splitlines() == [
        "NAME                CREATED (UTC)        COUNT",
        "orders              2024-02-07 13:50:16      7",
        "a-much-longer-name  2024-02-08 01:02:03   1234",
    ]


def test_an_empty_table_says_so_and_missing_cells_show_a_dash() -> None:
    assert table(COLUMNS, [], empty="no flows") == "no flows"
    assert table(COLUMNS, [{"name": "x"}]).splitlines()[1] == "x     -                  -"


def test_cells_stay_on_one_line_and_json_values_are_compact() -> None:
    assert text("two\nlines\ttab") == "two\\nlines tab"
    assert text({"a": [1, 2]}) == '{"a":[1,2]}'
    assert text(None) == text("") == "-"
    assert text(0) == "0" and text(False) == "false"


def test_wide_characters_take_two_columns() -> None:
    assert width("注文") == 4 and width("e\u0301") == 1
    rows = [{"name": "注文", "count": 1}, {"name": "abcd", "count": 2}]
    lines = table([Column.field("NAME", "name"), Column.field("N", "count")], rows).splitlines()
    assert [width(line) for line in lines] == [7, 7, 7]


def test_dates_shorten_to_the_second_or_keep_milliseconds() -> None:
    assert short_date("2024-02-07T13:50:16.123Z") == "2024-02-07 13:50:16"
    assert short_date("2024-02-07T13:50:16.123Z", millis=True) == "2024-02-07 13:50:16.123"
    assert short_date("yesterday") == "yesterday" and short_date(None) == "-"


def test_fields_align_values_and_leave_out_missing_ones() -> None:
    assert fields([("Flow", "orders"), ("Stopped", None), ("Transitions", 3), ("Output", "{\n}")]).splitlines() == [
        "Flow         orders", "Transitions  3", "Output       {\\n}"]
    assert fields([("Nothing", None)]) == ""


def test_history_rows_name_the_state_the_failure_or_the_resource() -> None:
    events = [
        {"id": 1, "type": "ExecutionStarted", "timestamp": "2024-02-07T13:50:16.000Z",
         "executionStartedEventDetails": {"input": "{}"}},
        {"id": 2, "type": "TaskStateEntered", "timestamp": "2024-02-07T13:50:16.004Z",
         "stateEnteredEventDetails": {"name": "Charge", "input": "{}"}},
        {"id": 3, "type": "TaskFailed", "timestamp": "2024-02-07T13:50:17.250Z",
         "taskFailedEventDetails": {"resource": "invoke", "error": "Boom", "cause": "it\nbroke"}},
    ]
    assert [event_detail(event) for event in events] == ["-", "Charge", "invoke Boom: it\\nbroke"]
    assert table(HISTORY_COLUMNS, events).splitlines()[3] == \
        " 3  2024-02-07 13:50:17.250  TaskFailed        invoke Boom: it\\nbroke"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_a_spinner_on_a_terminal_and_clears_it() -> None:
    ticks = iter(range(100))
    stream = Terminal()
    with Progress(stream, "waiting for x", clock=lambda: float(next(ticks))) as progress:
        progress.update("x: RUNNING")
    drawn = stream.getvalue()
    assert "waiting for x" in drawn and "x: RUNNING" in drawn and " s" in drawn
    assert drawn.endswith("\r\x1b[K")  # the line is erased: the answer prints on a clean line


def test_progress_is_silent_when_not_on_a_terminal() -> None:
    stream = io.StringIO()
    with Progress(stream, "waiting") as progress:
        progress.update("still waiting")
    assert stream.getvalue() == ""
