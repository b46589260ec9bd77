"""Timestamp parsing for the Timestamp* and IsTimestamp operators (Java ISO_OFFSET_DATE_TIME grammar)."""

from __future__ import annotations

import pytest

from cloudflow.core.choice.timestamps import parse_timestamp

EPOCH_2016_03_14T01_59Z = 1457920740 * 10**9


@pytest.mark.parametrize(
    ("text", "nanos"),
    [
        ("2016-03-14T01:59:00Z", EPOCH_2016_03_14T01_59Z),
        ("2016-03-14T01:59Z", EPOCH_2016_03_14T01_59Z),  # seconds are optional
        ("2016-03-14t01:59:00z", EPOCH_2016_03_14T01_59Z),  # letters match case-insensitively
        ("2016-03-14T01:59:00.5Z", EPOCH_2016_03_14T01_59Z + 500_000_000),
        ("2016-03-14T01:59:00.123456789Z", EPOCH_2016_03_14T01_59Z + 123_456_789),
        ("2016-03-14T02:59:00+01:00", EPOCH_2016_03_14T01_59Z),
        ("2016-03-13T20:29:00-05:30", EPOCH_2016_03_14T01_59Z),
        ("2016-03-14T02:59:00+0100", EPOCH_2016_03_14T01_59Z),
        ("2016-03-14T02:59:00+01", EPOCH_2016_03_14T01_59Z),
        ("2016-03-14T02:59:01+01:00:01", EPOCH_2016_03_14T01_59Z),
        ("1970-01-01T00:00:00Z", 0),
        ("1969-12-31T23:59:59Z", -(10**9)),
        ("2016-02-29T00:00:00Z", 1456704000 * 10**9),
    ],
)
def test_accepted_forms(text: str, nanos: int) -> None:
    assert parse_timestamp(text) == nanos


@pytest.mark.parametrize(
    "text",
    [
        "2016-03-14T01:59:00",  # no offset
        "2016-03-14 01:59:00Z",  # no T
        "2016-03-14",
        "05-12-2016T21:29:29Z",
        "2016-13-05T21:29:29Z",  # month 13
        "2016-12-05T25:29:29Z",  # hour 25
        "2016-12-05T24:00:00Z",
        "2016-12-05T23:59:60Z",  # no leap seconds
        "2015-02-29T00:00:00Z",  # not a leap year
        "2016-04-31T00:00:00Z",
        "2016-03-14T01:59:00.1234567890Z",  # more than nine fraction digits
        "2016-03-14T01:59:00+19:00",  # beyond the ±18:00 range
        "2016-03-14T01:59:00+01:0000",
        "2016-3-14T01:59:00Z",
        " 2016-03-14T01:59:00Z",
        "",
    ],
)
def test_rejected_forms(text: str) -> None:
    assert parse_timestamp(text) is None
