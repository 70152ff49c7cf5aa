"""A syntax check of Lua 5.1 chunks as LuaJIT 2.1's `loadstring` does it (what Kong's pre-function and
post-function schemas run on each phase's code): the first error, worded as LuaJIT words it.

    lua_syntax_error("x =")  ->  '[string "x ="]:1: unexpected symbol near \\'<eof>\\''

It checks what the compiler refuses (tokens, grammar, `...` outside a vararg function, `break` outside a
loop, undefined or duplicate labels); it does not check limits (200 locals, nesting depth) nor whether a
`goto` jumps into the scope of a local.
"""

from __future__ import annotations

import re

IDSIZE = 60  # LUA_IDSIZE
RESERVED = frozenset({
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in", "local",
    "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
})
NAME, STRING, NUMBER, EOF = "<name>", "<string>", "<number>", "<eof>"
_BLOCK_END = frozenset({"else", "elseif", "end", "until", EOF})
_BINARY = frozenset({"+", "-", "*", "/", "%", "^", "..", "==", "~=", "<", "<=", ">", ">=", "and", "or"})
_UNARY = frozenset({"not", "-", "#"})
_NUMBER = re.compile(
    rb"(?:0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?"
    rb"|0[bB][01]+"
    rb"|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
    rb"(?:[iI]|[uU]?[lL][lL]|[lL][lL][uU])?\Z"
)
_ESCAPES = frozenset(b"abfnrtv\\\"'\n\r")


class LuaSyntaxError(Exception):
    pass


def chunk_name(source: bytes) -> str:
    """LuaJIT's short name of a chunk loaded from a string (lj_debug_shortname)."""
    if source[:1] == b"=":
        return source[1:IDSIZE].decode("utf-8", "replace")
    if source[:1] == b"@":
        rest = source[1:]
        if len(rest) >= IDSIZE:
            rest = b"..." + rest[len(rest) - (IDSIZE - 4):]
        return rest.decode("utf-8", "replace")
    n = 0
    while n < IDSIZE - 12 and n < len(source) and source[n] >= 0x20:
        n += 1
    # stopped early (a control character or the length limit): the first characters and "..."
    shown = source[:min(n, IDSIZE - 15)] + b"..." if n < len(source) else source
    return '[string "' + shown.decode("utf-8", "replace") + '"]'


def lua_syntax_error(code: str) -> str | None:
    """None when `code` compiles, else LuaJIT's message (`<chunk>:<line>: <msg> near '<token>'`)."""
    try:
        _Parser(code.encode("utf-8")).chunk()
    except LuaSyntaxError as err:
        return str(err)
    return None


def _is_ident(c: int) -> bool:
    return c >= 0x80 or c == 0x5F or 0x30 <= c <= 0x39 or 0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A


def _is_digit(c: int) -> bool:
    return 0x30 <= c <= 0x39


class _Lexer:
    def __init__(self, src: bytes) -> None:
        self.src = src
        self.pos = 0
        self.line = 1
        self.sb = b""  # text of the last name, string or number scanned (what errors show "near")
        self.chunk = chunk_name(src)
        if src.startswith(b"\xef\xbb\xbf"):
            self.pos = 3
        if src[self.pos:self.pos + 1] == b"#":  # a first line starting with '#' is skipped
            while self.pos < len(src) and src[self.pos] not in b"\r\n":
                self.pos += 1

    def error(self, tok: str | None, msg: str, sb: bytes | None = None) -> LuaSyntaxError:
        text = f"{self.chunk}:{self.line}: {msg}"
        if tok is not None:
            text += f" near '{self.token_text(tok, self.sb if sb is None else sb)}'"
        return LuaSyntaxError(text)

    @staticmethod
    def token_text(tok: str, sb: bytes) -> str:
        if tok in (NAME, STRING, NUMBER):
            return sb.decode("utf-8", "replace")
        if len(tok) == 1 and ord(tok) < 0x20:
            return f"char({ord(tok)})"
        return tok

    def _peek(self, k: int = 0) -> int:
        i = self.pos + k
        return self.src[i] if i < len(self.src) else -1

    def _newline(self) -> None:
        c = self._peek()
        self.pos += 1
        if self._peek() in (10, 13) and self._peek() != c:
            self.pos += 1
        self.line += 1

    def _long_level(self) -> int:
        """At '[' or ']': the number of '=' when a long bracket follows, -1 for a lone bracket, else < -1."""
        delim = self._peek()
        i = 1
        while self._peek(i) == 0x3D:
            i += 1
        return i - 1 if self._peek(i) == delim else -i

    def _long_string(self, level: int, comment: bool) -> None:
        start = self.pos
        self.pos += level + 2
        if self._peek() in (10, 13):
            self._newline()
        while True:
            c = self._peek()
            if c == -1:
                self.sb = b""
                raise self.error(EOF, "unfinished long comment" if comment else "unfinished long string")
            if c == 0x5D and self._long_level() == level:
                self.pos += level + 2
                self.sb = self.src[start:self.pos]
                return
            if c in (10, 13):
                self._newline()
            else:
                self.pos += 1

    def _string(self) -> None:
        quote = self._peek()
        start = self.pos
        self.pos += 1
        while self._peek() != quote:
            c = self._peek()
            if c == -1:
                self.sb = self.src[start:self.pos]
                raise self.error(EOF, "unfinished string")
            if c in (10, 13):
                self.sb = self.src[start:self.pos]
                raise self.error(STRING, "unfinished string")
            if c == 0x5C:
                self._escape(start)
            else:
                self.pos += 1
        self.pos += 1
        self.sb = self.src[start:self.pos]

    def _escape(self, start: int) -> None:
        backslash = self.pos
        self.pos += 1
        c = self._peek()
        if c == -1:
            self.sb = self.src[start:self.pos]
            raise self.error(EOF, "unfinished string")
        if c in (10, 13):
            self._newline()
            return
        if c in _ESCAPES:
            self.pos += 1
            return
        if c == ord("x"):
            digits = self.src[self.pos + 1:self.pos + 3]
            if len(digits) == 2 and all(chr(d) in "0123456789abcdefABCDEF" for d in digits):
                self.pos += 3
                return
        elif c == ord("z"):
            self.pos += 1
            while self._peek() in (9, 10, 11, 12, 13, 32):
                if self._peek() in (10, 13):
                    self._newline()
                else:
                    self.pos += 1
            return
        elif c == ord("u") and self._peek(1) == ord("{"):
            m = re.match(rb"\{([0-9a-fA-F]+)\}", self.src[self.pos + 1:])
            if m and int(m.group(1), 16) < 0x80000000:
                self.pos += 1 + m.end()
                return
        elif _is_digit(c):
            m = re.match(rb"[0-9]{1,3}", self.src[self.pos:])
            assert m is not None
            if int(m.group()) <= 255:
                self.pos += m.end()
                return
        self.sb = self.src[start:backslash]
        raise self.error(STRING, "invalid escape sequence")

    def _number(self) -> None:
        start = self.pos
        exp = b"pP" if self.src[start:start + 2] in (b"0x", b"0X") else b"eE"
        prev = -1
        while True:
            c = self._peek()
            if _is_ident(c) or c == 0x2E or (c in (0x2B, 0x2D) and prev in exp):
                prev = c
                self.pos += 1
            else:
                break
        self.sb = self.src[start:self.pos]
        if not _NUMBER.match(self.sb):
            raise self.error(NUMBER, "malformed number")

    def scan(self) -> str:
        """The next token: a reserved word, an operator, NAME, STRING, NUMBER or EOF."""
        self.sb = b""
        src = self.src
        while True:
            c = self._peek()
            if c == -1:
                return EOF
            if c in (10, 13):
                self._newline()
            elif c in (9, 11, 12, 32):
                self.pos += 1
            elif c == 0x2D and self._peek(1) == 0x2D:
                self.pos += 2
                if self._peek() == 0x5B:
                    level = self._long_level()
                    if level >= 0:
                        self._long_string(level, True)
                        self.sb = b""
                        continue
                while self._peek() not in (-1, 10, 13):
                    self.pos += 1
            elif _is_ident(c) and not _is_digit(c):
                start = self.pos
                while _is_ident(self._peek()):
                    self.pos += 1
                word = src[start:self.pos]
                text = word.decode("utf-8", "replace")
                if text in RESERVED:
                    return text
                self.sb = word
                return NAME
            elif _is_digit(c) or (c == 0x2E and _is_digit(self._peek(1))):
                self._number()
                return NUMBER
            elif c in (0x22, 0x27):
                self._string()
                return STRING
            elif c == 0x5B:
                level = self._long_level()
                if level >= 0:
                    self._long_string(level, False)
                    return STRING
                if level == -1:
                    self.pos += 1
                    return "["
                self.sb = src[self.pos:self.pos - level]
                raise self.error(STRING, "invalid long string delimiter")
            else:
                for op in ("...", "..", "==", "~=", "<=", ">=", "::"):
                    if src.startswith(op.encode(), self.pos):
                        self.pos += len(op)
                        return op
                self.pos += 1
                return chr(c) if c < 0x80 else src[self.pos - 1:self.pos].decode("latin-1")


class _Block:
    def __init__(self, loop: bool) -> None:
        self.loop = loop
        self.labels: set[str] = set()


class _Function:
    def __init__(self, vararg: bool) -> None:
        self.vararg = vararg
        self.blocks: list[_Block] = []
        self.gotos: list[tuple[str, int, list[_Block]]] = []  # (label, line, visible blocks)
        self.breaks: list[int] = []  # lines of `break` outside any loop


class _Parser:
    def __init__(self, src: bytes) -> None:
        self.lex = _Lexer(src)
        self.lastline = 1
        self.tok = self.lex.scan()
        self.text = self.lex.sb  # the current token's text (names, strings, numbers)
        self.ahead: tuple[str, bytes] | None = None
        self.fs = _Function(vararg=True)

    # ------------------------------------------------------------------ tokens

    def next(self) -> None:
        self.lastline = self.lex.line
        if self.ahead is not None:
            self.tok, self.text = self.ahead
            self.ahead = None
        else:
            self.tok = self.lex.scan()
            self.text = self.lex.sb

    def lookahead(self) -> str:
        tok = self.lex.scan()
        self.ahead = (tok, self.lex.sb)
        return tok

    def error(self, msg: str) -> LuaSyntaxError:
        return self.lex.error(self.tok, msg, self.text)

    def err_token(self, tok: str) -> LuaSyntaxError:
        return self.error(f"'{tok}' expected")

    def opt(self, tok: str) -> bool:
        if self.tok == tok:
            self.next()
            return True
        return False

    def check(self, tok: str) -> None:
        if self.tok != tok:
            raise self.err_token(tok)
        self.next()

    def match(self, what: str, who: str, line: int) -> None:
        if not self.opt(what):
            if line == self.lex.line:
                raise self.err_token(what)
            raise self.error(f"'{what}' expected (to close '{who}' at line {line})")

    def name(self) -> str:
        if self.tok not in (NAME, "goto"):
            raise self.err_token(NAME)
        text = "goto" if self.tok == "goto" else self.text.decode("utf-8", "replace")
        self.next()
        return text

    # ------------------------------------------------------------------ blocks and functions

    def chunk(self) -> None:
        self.block(loop=False)
        if self.tok != EOF:
            raise self.err_token(EOF)
        self.close_function()

    def block(self, loop: bool) -> None:
        self.fs.blocks.append(_Block(loop))
        self.statements()
        self.fs.blocks.pop()

    def statements(self) -> None:
        while self.tok not in _BLOCK_END:
            last = self.statement()
            self.opt(";")
            if last:
                break

    def close_function(self) -> None:
        if self.fs.breaks:
            self.lex.line = self.fs.breaks[0]
            raise self.lex.error(None, "no loop to break")
        for label, line, visible in self.fs.gotos:
            if not any(label in b.labels for b in visible):
                self.lex.line = line
                raise self.lex.error(None, f"undefined label '{label}'")

    def body(self, line: int, vararg: bool = False) -> None:
        outer = self.fs
        self.fs = _Function(vararg=False)
        self.check("(")
        if self.tok != ")":
            while True:
                if self.tok in (NAME, "goto"):
                    self.name()
                elif self.tok == "...":
                    self.next()
                    self.fs.vararg = True
                    break
                else:
                    raise self.error("<name> or '...' expected")
                if not self.opt(","):
                    break
        self.check(")")
        self.block(loop=False)
        if self.tok != "end":
            self.match("end", "function", line)
        self.close_function()
        self.fs = outer
        self.next()

    # ------------------------------------------------------------------ statements

    def statement(self) -> bool:
        line = self.lex.line
        tok = self.tok
        if tok == "if":
            self.cond_then()
            while self.tok == "elseif":
                self.cond_then()
            if self.opt("else"):
                self.block(loop=False)
            self.match("end", "if", line)
        elif tok == "while":
            self.next()
            self.expr()
            self.check("do")
            self.block(loop=True)
            self.match("end", "while", line)
        elif tok == "do":
            self.next()
            self.block(loop=False)
            self.match("end", "do", line)
        elif tok == "for":
            self.for_statement(line)
        elif tok == "repeat":
            self.next()
            self.fs.blocks.append(_Block(loop=True))  # `until` sees the body's locals
            self.statements()
            self.match("until", "repeat", line)
            self.expr()
            self.fs.blocks.pop()
        elif tok == "function":
            self.next()
            self.name()
            while self.tok == ".":
                self.next()
                self.name()
            if self.tok == ":":
                self.next()
                self.name()
            self.body(line)
        elif tok == "local":
            self.next()
            if self.opt("function"):
                self.name()
                self.body(line)
            else:
                self.name()
                while self.opt(","):
                    self.name()
                if self.opt("="):
                    self.expr_list()
        elif tok == "return":
            self.next()
            if self.tok not in _BLOCK_END and self.tok != ";":
                self.expr_list()
            return True
        elif tok == "break":
            self.next()
            if not any(b.loop for b in self.fs.blocks):
                self.fs.breaks.append(line)
            return True
        elif tok == "::":
            self.next()
            label = self.name()
            if label in self.fs.blocks[-1].labels:
                raise self.lex.error(None, f"duplicate label '{label}'")
            self.check("::")
            self.fs.blocks[-1].labels.add(label)
        elif tok == "goto" and self.lookahead() == NAME:
            self.next()
            label = self.text.decode("utf-8", "replace")
            self.fs.gotos.append((label, line, list(self.fs.blocks)))
            self.next()
        else:
            self.call_or_assign()
        return False

    def cond_then(self) -> None:
        self.next()
        self.expr()
        self.check("then")
        self.block(loop=False)

    def for_statement(self, line: int) -> None:
        self.next()
        self.name()
        if self.tok == "=":
            self.next()
            self.expr()
            self.check(",")
            self.expr()
            if self.opt(","):
                self.expr()
        elif self.tok in (",", "in"):
            while self.opt(","):
                self.name()
            self.check("in")
            self.expr_list()
        else:
            raise self.error("'=' or 'in' expected")
        self.check("do")
        self.block(loop=True)
        self.match("end", "for", line)

    def call_or_assign(self) -> None:
        kind = self.suffixed()
        if kind == "call":
            return
        while True:
            if kind not in ("var", "index"):
                raise self.error("syntax error")
            if not self.opt(","):
                break
            kind = self.suffixed()
        self.check("=")
        self.expr_list()

    # ------------------------------------------------------------------ expressions

    def expr_list(self) -> None:
        self.expr()
        while self.opt(","):
            self.expr()

    def expr(self) -> None:
        while self.tok in _UNARY:
            self.next()
        self.simple()
        while self.tok in _BINARY:
            self.next()
            while self.tok in _UNARY:
                self.next()
            self.simple()

    def simple(self) -> None:
        tok = self.tok
        if tok in (NUMBER, STRING, "nil", "true", "false"):
            self.next()
        elif tok == "...":
            if not self.fs.vararg:
                raise self.error("cannot use '...' outside a vararg function")
            self.next()
        elif tok == "{":
            self.table()
        elif tok == "function":
            self.next()
            self.body(self.lex.line)
        else:
            self.suffixed()

    def suffixed(self) -> str:
        """A primary expression with its suffixes: 'var', 'index', 'call' or 'paren'."""
        if self.tok == "(":
            line = self.lex.line
            self.next()
            self.expr()
            self.match(")", "(", line)
            kind = "paren"
        elif self.tok in (NAME, "goto"):
            self.name()
            kind = "var"
        else:
            raise self.error("unexpected symbol")
        while True:
            if self.tok == ".":
                self.next()
                self.name()
                kind = "index"
            elif self.tok == "[":
                self.next()
                self.expr()
                self.check("]")
                kind = "index"
            elif self.tok == ":":
                self.next()
                self.name()
                self.args()
                kind = "call"
            elif self.tok in ("(", STRING, "{"):
                self.args()
                kind = "call"
            else:
                return kind

    def args(self) -> None:
        line = self.lex.line
        if self.tok == "(":
            if line != self.lastline:
                raise self.error("ambiguous syntax (function call x new statement)")
            self.next()
            if self.tok != ")":
                self.expr_list()
            self.match(")", "(", line)
        elif self.tok == "{":
            self.table()
        elif self.tok == STRING:
            self.next()
        else:
            raise self.error("function arguments expected")

    def table(self) -> None:
        line = self.lex.line
        self.check("{")
        while self.tok != "}":
            if self.tok == "[":
                self.next()
                self.expr()
                self.check("]")
                self.check("=")
            elif self.tok in (NAME, "goto") and self.lookahead() == "=":
                self.name()
                self.check("=")
            self.expr()
            if not self.opt(",") and not self.opt(";"):
                break
        self.match("}", "{", line)
