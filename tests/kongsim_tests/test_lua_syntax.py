"""pre-function/post-function code is compiled at validation: LuaJIT's first error, Kong's prefix and path."""

from __future__ import annotations

import pytest
from kongsim.rules.lua_syntax import chunk_name, lua_syntax_error
from kongsim.rules.schemas import SchemaError, Schemas

VALID = [
    "kong.service.request.set_header('X-LLM-Tenant', 'acme')",
    "return",
    "local auth = kong.request.get_header('authorization') or ''\n"
    "if auth:sub(1, 7) == 'Bearer ' then\n  kong.service.request.set_header('apikey', auth:sub(8))\n"
    "  kong.service.request.clear_header('authorization')\nend",
    "local s = [==[ a ]] long ]==] -- a comment\n--[[ a long\ncomment ]] kong.log.info(s)",
    "local function f(...) local n = select('#', ...) return n, ... end",
    "for i = 1, 10, 2 do if i > 5 then break end end\nfor k, v in pairs({a = 1, [2] = 3; 4,}) do end",
    "while true do\n  ::continue::\n  goto done\nend\n::done::",
    "local t = {goto = 1}; local goto = t.goto",
    "x = 0x1p4 + 1e5 + .5 + 3LL + #t .. 'a' ^ -2 ~= not y",
    "repeat local n = 1 until n > 0",
    "#!/usr/bin/env luajit\nreturn 1",
    "local s = \"tab\\t\\x41\\65\\z\n   end\"",
]

INVALID = [
    ("this is not lua(", "[string \"this is not lua(\"]:1: '=' expected near 'is'"),
    ("x =", "[string \"x =\"]:1: unexpected symbol near '<eof>'"),
    ("end", "[string \"end\"]:1: '<eof>' expected near 'end'"),
    ("--[[ unterminated", "[string \"--[[ unterminated\"]:1: unfinished long comment near '<eof>'"),
    ("if then", "[string \"if then\"]:1: unexpected symbol near 'then'"),
    ("function f()\n  return 1\n",
     "[string \"function f()...\"]:3: 'end' expected (to close 'function' at line 1) near '<eof>'"),
    ("function f() return ... end",
     "[string \"function f() return ... end\"]:1: cannot use '...' outside a vararg function near '...'"),
    ("break", "[string \"break\"]:1: no loop to break"),
    ("goto nowhere", "[string \"goto nowhere\"]:1: undefined label 'nowhere'"),
    ("x = 3x", "[string \"x = 3x\"]:1: malformed number near '3x'"),
    ("f\n(1)", "[string \"f...\"]:2: ambiguous syntax (function call x new statement) near '('"),
    ("a.b:c = 1", "[string \"a.b:c = 1\"]:1: function arguments expected near '='"),
    ("(a) = 1", "[string \"(a) = 1\"]:1: syntax error near '='"),
    ("for k do end", "[string \"for k do end\"]:1: '=' or 'in' expected near 'do'"),
    ("x = \"abc\ny", "[string \"x = \"abc...\"]:1: unfinished string near '\"abc'"),
    ("return 1; x = 1", "[string \"return 1; x = 1\"]:1: '<eof>' expected near 'x'"),
    ("x = @", "[string \"x = @\"]:1: unexpected symbol near '@'"),
]


@pytest.mark.parametrize("code", VALID)
def test_valid_chunks_compile(code: str) -> None:
    assert lua_syntax_error(code) is None


@pytest.mark.parametrize(("code", "message"), INVALID, ids=[c for c, _m in INVALID])
def test_invalid_chunks_give_luajit_message(code: str, message: str) -> None:
    assert lua_syntax_error(code) == message


def test_chunk_name_truncates_as_luajit() -> None:
    assert chunk_name(b"a" * 48) == '[string "' + "a" * 48 + '"]'
    assert chunk_name(b"a" * 49) == '[string "' + "a" * 45 + '..."]'
    assert chunk_name(b"ab\ncd") == '[string "ab..."]'
    assert chunk_name(b"=name") == "name"


@pytest.mark.parametrize("plugin", ["pre-function", "post-function"])
def test_plugin_schema_refuses_code_that_does_not_compile(plugin: str) -> None:
    schemas = Schemas()
    with pytest.raises(SchemaError) as caught:
        schemas.process("plugins", {"name": plugin, "config": {"log": ["kong.log.notice('ok')", "x ="]}},
                        op="insert")
    assert caught.value.fields == {"config": {"log": [
        None, f"error parsing {plugin}: [string \"x =\"]:1: unexpected symbol near '<eof>'"]}}
    stored = schemas.process("plugins", {"name": plugin, "config": {"access": VALID}}, op="insert")
    assert stored["config"]["access"] == VALID
