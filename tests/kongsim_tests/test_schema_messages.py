"""Kong's schema-violation message text and `fields` shape (kong/db/errors.lua + Penlight pretty.write)."""

from __future__ import annotations

import pytest
from kongsim.rules.engine.errors import SchemaError, lua_quote_string, pretty_write, to_fields, violation_message
from kongsim.rules.engine.patterns import LuaPatternError, lua_find


def test_single_and_multiple_violations_are_counted_and_sorted():
    assert violation_message({"host": "required field missing"}) == "schema violation (host: required field missing)"
    msg = violation_message({"port": "expected an integer", "connect_timeout": "expected an integer"})
    assert msg == "2 schema violations (connect_timeout: expected an integer; port: expected an integer)"


def test_entity_messages_come_first_in_their_own_order():
    errors = {"a": "x", "@entity": ["second check", "first check"]}
    assert violation_message(errors) == "3 schema violations (second check; first check; a: x)"


def test_array_element_errors_use_one_based_positions():
    err = SchemaError({"methods": {1: "invalid value: get"}, "paths": {2: "must not have empty segments"}})
    assert err.fields == {"methods": ["invalid value: get"], "paths": [None, "must not have empty segments"]}
    assert err.message == ("2 schema violations (methods.1: invalid value: get; paths.2: must not have empty segments)")


def test_nested_tables_are_pretty_printed_like_penlight():
    errors = {"config": {"key_names": {2: "bad"}, "redis": {"port": "expected an integer"}, "@entity": ["e1"]}}
    assert violation_message(errors) == (
        '3 schema violations (config.@entity: {\n  "e1"\n}; config.key_names: {\n  [2] = "bad"\n}; '
        'config.redis: {\n  port = "expected an integer"\n})'
    )


def test_pretty_write_quotes_non_identifier_keys_and_nests():
    table = {"gemini": {"@entity": ["all or none"]}, "end": "x", "a-b": "y"}
    assert pretty_write(table) == (
        '{\n  ["a-b"] = "y",\n  ["end"] = "x",\n  gemini = {\n    ["@entity"] = {\n      "all or none"\n    }\n  }\n}'
    )


def test_lua_quote_string_escapes_and_long_brackets():
    assert lua_quote_string('say "hi"\\') == '"say \\"hi\\"\\\\"'
    assert lua_quote_string("two\nlines") == "[[two\nlines]]"
    assert lua_quote_string("a]]b") == "[=[a]]b]=]"


def test_array_body_errors_are_a_list():
    err = SchemaError(["unknown field", "unknown field"])
    assert err.fields == ["unknown field", "unknown field"]
    assert err.message == "2 schema violations (1: unknown field; 2: unknown field)"


def test_to_fields_keeps_entity_lists_and_nested_dicts():
    errors = {"@entity": ["x"], "config": {"a": {3: "y"}}}
    assert to_fields(errors) == {"@entity": ["x"], "config": {"a": [None, None, "y"]}}


@pytest.mark.parametrize(
    ("value", "pattern", "expected"),
    [
        ("GET", "^%u+$", True),
        ("Get", "^%u+$", False),
        ("api.*", "%.%*$", True),
        ("a*b*c", "^[^*]*%*?[^*]*$", False),
        ("*.example.test", "^%*%.", True),
        ("Host", "^[Hh][Oo][Ss][Tt]$", True),
        ("x-Host", "^[Hh][Oo][Ss][Tt]$", False),
        ("v1//chat", "//", True),
        ("a.b-c_d~", "^[%w%.%-%_~]+$", True),
        ("abc\n", "^%a+$", False),
        ("aXb", "^a.-b$", True),
    ],
)
def test_lua_patterns(value, pattern, expected):
    assert lua_find(value, pattern) is expected


def test_unsupported_lua_pattern_items_are_refused():
    with pytest.raises(LuaPatternError):
        lua_find("(x)", "%b()")
