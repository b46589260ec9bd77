"""JSONPath as Step Functions evaluates it: definite paths raise when missing, others yield lists."""

from __future__ import annotations

from typing import Any

import pytest

from cloudflow.core.dataflow.jsonpath import JsonPathSyntaxError, PathNotFoundError, compile_path

DATA: dict[str, Any] = {
    "store": {"book": [{"title": "A", "price": 8, "tags": ["x"]}, {"title": "B", "price": 12},
                       {"title": "C", "price": 5, "isbn": "1"}]},
    "odd key": 1, "flag": True, "n": 1,
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [("$", DATA), ("$.store.book[0].title", "A"), ("$.store.book[-1].title", "C"),
     ("$['odd key']", 1), ('$["store"]["book"][1]["price"]', 12)],
)
def test_definite_paths_select_one_value(path: str, expected: Any) -> None:
    compiled = compile_path(path)
    assert compiled.is_definite
    assert compiled.find(DATA) == expected


@pytest.mark.parametrize("path", ["$.nope", "$.store.book[3]", "$.store.book.title", "$.flag.x"])
def test_missing_definite_paths_raise(path: str) -> None:
    with pytest.raises(PathNotFoundError):
        compile_path(path).find(DATA)
    assert not compile_path(path).exists(DATA)


@pytest.mark.parametrize(
    ("path", "expected"),
    [("$.store.book[*].title", ["A", "B", "C"]),
     ("$.store.book[0:2].price", [8, 12]),
     ("$.store.book[::2].title", ["A", "C"]),
     ("$.store.book[0,2].title", ["A", "C"]),
     ("$..price", [8, 12, 5]),
     ("$.store.book[?(@.price < 10)].title", ["A", "C"]),
     ("$.store.book[?(@.price >= 8 && @.price != 12)].title", ["A"]),
     ("$.store.book[?(@.isbn)].title", ["C"]),
     ("$.store.book[?(@.title == 'B' || @.price == 5)].title", ["B", "C"]),
     ("$.store.book[?(!(@.price > 6))].title", ["C"]),
     ("$.store.book[?(@.price > $.n)].title", ["A", "B", "C"]),
     ("$.missing[*]", []),
     ("$.store.book.length()", 3)],
)
def test_indefinite_paths_yield_every_match(path: str, expected: Any) -> None:
    compiled = compile_path(path)
    assert not compiled.is_definite
    assert compiled.find(DATA) == expected


def test_filters_tell_booleans_from_numbers() -> None:
    data = {"items": [{"v": True}, {"v": 1}]}
    assert compile_path("$.items[?(@.v == true)]").find(data) == [{"v": True}]
    assert compile_path("$.items[?(@.v == 1)]").find(data) == [{"v": 1}]


@pytest.mark.parametrize("path", ["", "a.b", "$.", "$[", "$.a[?(@.x ==)]", "$['unterminated", "$.a b"])
def test_malformed_paths_are_syntax_errors(path: str) -> None:
    with pytest.raises(JsonPathSyntaxError):
        compile_path(path)
