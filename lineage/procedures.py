"""Statements inside procedure bodies and scripting blocks, with their line offsets.

A stored procedure is one statement to a splitter but many to lineage: the INSERTs and
MERGEs in its body are what move data, and the procedure's name is not a table. sqlglot
parses few procedural languages, so :func:`procedure_statements` does not parse the body:
it tokenises it (with the dialect's own tokenizer, so strings, comments and dollar quotes
are understood) and cuts out the data statements:

* the body is the ``$$ ... $$`` / ``'...'`` string after ``AS`` (Postgres, Redshift,
  Snowflake), or the inline ``BEGIN ... END`` (T-SQL, BigQuery, MySQL, Snowflake);
  anonymous blocks (``DO $$ ... $$``, ``EXECUTE IMMEDIATE $$ ... $$``, ``BEGIN ... END``,
  ``DECLARE ... BEGIN ... END``, scripting ``IF``/``WHILE``/``LOOP``/``FOR``) count too;
* a statement starts at a data keyword (``INSERT``, ``UPDATE``, ``DELETE``, ``MERGE``,
  ``WITH``, ``CREATE``, ``DROP``, ``ALTER``, ``TRUNCATE``, ``COPY``, ``UNLOAD``) that follows
  ``;``, ``BEGIN``, ``THEN``, ``ELSE``, ``LOOP``, ``DO`` or ``AS``, and ends at the next ``;``
  outside parentheses, or at the ``END``/``ELSE`` closing its block;
* T-SQL needs no semicolons, so there a statement also ends where the next one begins
  (``INSERT ... SELECT`` and ``MERGE ... WHEN ... THEN UPDATE`` stay one statement), and
  ``SELECT`` is a data statement too (``SELECT ... INTO #t`` creates a table). Elsewhere a
  bare ``SELECT`` in a body assigns variables (``SELECT ... INTO v``) and is skipped;
* bodies in other languages (``LANGUAGE python``, ``javascript``...) yield nothing.

Example:
    >>> body = "CREATE PROCEDURE p() AS $$\\nBEGIN\\n  INSERT INTO a SELECT * FROM b;\\nEND $$"
    >>> procedure_statements(body + " LANGUAGE plpgsql")
    [(2, 'INSERT INTO a SELECT * FROM b')]
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import SqlglotError
from sqlglot.tokens import Token, TokenType

__all__ = ["procedure_statements", "is_block"]

_STRING_TYPES = frozenset({
    TokenType.STRING, TokenType.NATIONAL_STRING, TokenType.RAW_STRING, TokenType.HEREDOC_STRING,
    TokenType.BIT_STRING, TokenType.HEX_STRING, TokenType.BYTE_STRING, TokenType.UNICODE_STRING,
})
_BODY_STRINGS = frozenset({TokenType.STRING, TokenType.RAW_STRING, TokenType.HEREDOC_STRING})
_DATA_WORDS = frozenset({
    "INSERT", "UPDATE", "DELETE", "MERGE", "WITH", "CREATE", "DROP", "ALTER", "TRUNCATE", "COPY", "UNLOAD",
    "REPLACE",
})
_TRIGGERS = frozenset({";", "BEGIN", "THEN", "ELSE", "LOOP", "DO", "AS", "ATOMIC"})
_BLOCK_ENDS = frozenset({"END", "ELSE", "ELSIF", "ELSEIF"})
_TSQL_STARTERS = frozenset({
    "INSERT", "UPDATE", "DELETE", "MERGE", "SELECT", "WITH", "CREATE", "DROP", "ALTER", "TRUNCATE",
    "DECLARE", "SET", "IF", "WHILE", "BEGIN", "RETURN", "PRINT", "EXEC", "EXECUTE", "RAISERROR", "THROW",
    "COMMIT", "ROLLBACK", "GOTO", "OPEN", "CLOSE", "FETCH", "DEALLOCATE", "BREAK", "CONTINUE", "USE",
    "WAITFOR", "SAVE",
})
_SQL_LANGUAGES = frozenset({"sql", "plpgsql", "plsql", "tsql", "transact-sql", "snowflake", "scripting"})
_ROUTINES = frozenset({"PROCEDURE", "PROC", "FUNCTION"})
_ANONYMOUS = frozenset({"BEGIN", "DECLARE", "IF", "WHILE", "LOOP", "FOR", "REPEAT"})
_TRANSACTION = frozenset({"TRANSACTION", "TRAN", "WORK", "ISOLATION", "READ", "DEFERRED", "IMMEDIATE",
                          "EXCLUSIVE", "DISTRIBUTED"})


def _word(token: Token) -> str:
    """Upper-cased keyword text of a token; empty for strings and quoted identifiers."""
    if token.token_type in _STRING_TYPES:
        return ""
    if token.token_type is TokenType.IDENTIFIER:  # "quoted"
        return ""
    return token.text.upper()


_RAW_TOKENIZERS: dict[type, type] = {}


def _tokenize(text: str, dialect: Dialect) -> list[Token] | None:
    """Tokens of ``text``; ``None`` when it does not tokenise.

    The dialect's tokenizer swallows the rest of a statement after "command" keywords
    (``DO``, ``BEGIN`` in BigQuery, ``EXECUTE``) into one string; a subclass without
    command keywords keeps those bodies as tokens.
    """
    base = dialect.tokenizer_class
    raw = _RAW_TOKENIZERS.get(base)
    if raw is None:
        raw = type(f"_Raw{base.__name__}", (base,), {"COMMANDS": set()})
        _RAW_TOKENIZERS[base] = raw
    try:
        return list(raw(dialect=dialect).tokenize(text))
    except Exception:  # noqa: BLE001 - untokenisable text simply holds no statements
        return None


class _Lines:
    def __init__(self, text: str) -> None:
        self._starts = [0]
        pos = text.find("\n")
        while pos != -1:
            self._starts.append(pos + 1)
            pos = text.find("\n", pos + 1)

    def index(self, offset: int) -> int:
        """0-based line of a character offset."""
        return bisect_right(self._starts, offset) - 1


def is_block(sql: str, dialect: str | None = None) -> bool:
    """Whether ``sql`` is a procedure, function or scripting block whose body holds statements."""
    try:
        dialect_obj = Dialect.get_or_raise(dialect)
    except (ValueError, SqlglotError):
        return False
    tokens = _tokenize(sql, dialect_obj)
    return bool(tokens) and _block_kind(tokens) is not None  # type: ignore[arg-type]


def _block_kind(tokens: Sequence[Token]) -> str | None:
    words = [_word(t) for t in tokens[:8]]
    first = words[0] if words else ""
    if first in ("CREATE", "ALTER"):
        for word in words[1:]:
            if word in _ROUTINES:
                return "routine"
            if word not in ("OR", "REPLACE", "ALTER", "TEMP", "TEMPORARY", "DEFINER", "SECURE", "EDITIONABLE",
                            "NONEDITIONABLE", "AGGREGATE"):
                return None
        return None
    if first == "DO":
        return "string"
    if first in ("EXECUTE", "EXEC") and len(words) > 1 and words[1] == "IMMEDIATE":
        return "string"
    if first == "BEGIN":
        second = words[1] if len(words) > 1 else ""
        if second in _TRANSACTION or second in ("", ";") or len(tokens) < 3:
            return None
        return "inline"
    if first in _ANONYMOUS:
        return "inline"
    return None


def procedure_statements(sql: str, dialect: str | None = None) -> list[tuple[int, str]]:
    """The data statements inside a procedure/function/scripting block, as ``(line offset, text)``.

    ``line offset`` is 0-based from the first line of ``sql`` (add it to the block's own
    line to get a file line). Returns ``[]`` when ``sql`` is not such a block, when its body
    is in another language, or when it holds no data statements; never raises.
    """
    try:
        dialect_obj = Dialect.get_or_raise(dialect)
    except (ValueError, SqlglotError):
        return []
    if not isinstance(sql, str):
        return []
    tsql = type(dialect_obj).__name__.lower() in ("tsql", "fabric")
    try:
        return _statements(sql, dialect_obj, tsql, 0, depth=0)
    except RecursionError:
        return []


def _statements(sql: str, dialect: Dialect, tsql: bool, base_line: int,
                *, depth: int) -> list[tuple[int, str]]:
    tokens = _tokenize(sql, dialect)
    if not tokens:
        return []
    kind = _block_kind(tokens)
    if kind is None:
        return []
    lines = _Lines(sql)
    if kind == "routine" and not _sql_language(tokens):
        return []
    body = _body_string(tokens) if kind in ("routine", "string") else None
    if body is not None and depth < 3:
        token = body
        inner = token.text
        offset = base_line + lines.index(token.start)
        # the body starts right after its opening delimiter, so its first line is the token's line
        return _scan_body(inner, dialect, tsql, offset)
    if kind == "string":
        return []
    start = 0
    if kind == "routine":
        start = _header_end(tokens)
        if start is None:
            return []
    return _scan(tokens[start:], sql, lines, tsql, base_line, at_start=(kind == "inline"))


def _header_end(tokens: Sequence[Token]) -> int | None:
    """Index of the ``AS`` or ``BEGIN`` that ends an inline routine's header."""
    depth = 0
    for i, token in enumerate(tokens):
        if token.token_type is TokenType.L_PAREN:
            depth += 1
        elif token.token_type is TokenType.R_PAREN:
            depth = max(depth - 1, 0)
        elif depth == 0 and _word(token) in ("AS", "BEGIN"):
            return i
    return None


def _sql_language(tokens: Sequence[Token]) -> bool:
    for i, token in enumerate(tokens[:-1]):
        if _word(token) == "LANGUAGE":
            name = tokens[i + 1].text.lower()
            return name in _SQL_LANGUAGES
    return True


def _body_string(tokens: Sequence[Token]) -> Token | None:
    """The string token holding a routine's body: the first string after AS (or DO / IMMEDIATE)."""
    armed = False
    for token in tokens:
        word = _word(token)
        if word in ("AS", "DO", "IMMEDIATE"):
            armed = True
            continue
        if armed and token.token_type in _BODY_STRINGS:
            return token
        if armed and word in ("BEGIN", "DECLARE"):
            return None  # an inline body
    return None


def _scan_body(body: str, dialect: Dialect, tsql: bool, base_line: int) -> list[tuple[int, str]]:
    tokens = _tokenize(body, dialect)
    if not tokens:
        return []
    return _scan(tokens, body, _Lines(body), tsql, base_line, at_start=True)


def _scan(tokens: Sequence[Token], text: str, lines: _Lines, tsql: bool, base_line: int,
          *, at_start: bool) -> list[tuple[int, str]]:
    """Cut the data statements out of a token stream (see the module docstring for the rules)."""
    found: list[tuple[int, str]] = []
    depth = 0
    i = 0
    n = len(tokens)
    while i < n:
        token = tokens[i]
        word = _word(token)
        emit = word in _DATA_WORDS or (tsql and word == "SELECT")
        if depth == 0 and emit and (at_start or tsql):
            end, resume = _statement_end(tokens, i, tsql)
            if end >= i:
                first, last = tokens[i], tokens[end]
                found.append((base_line + lines.index(first.start), text[first.start:last.end + 1].strip()))
            i = resume
            at_start = True
            continue
        if token.token_type is TokenType.L_PAREN:
            depth += 1
        elif token.token_type is TokenType.R_PAREN:
            depth = max(depth - 1, 0)
        at_start = depth == 0 and (word in _TRIGGERS or token.token_type is TokenType.SEMICOLON)
        i += 1
    return found


def _statement_end(tokens: Sequence[Token], start: int, tsql: bool) -> tuple[int, int]:
    """(index of the statement's last token, index to resume scanning at)."""
    head = _word(tokens[start])
    depth = 0
    case_depth = 0
    seen_select = head == "SELECT"
    seen_main = head != "WITH"
    prev = head
    i = start + 1
    n = len(tokens)
    while i < n:
        token = tokens[i]
        word = _word(token)
        kind = token.token_type
        if kind is TokenType.L_PAREN:
            depth += 1
        elif kind is TokenType.R_PAREN:
            depth = max(depth - 1, 0)
        elif depth == 0:
            if kind is TokenType.SEMICOLON:
                return i - 1, i + 1
            if word == "CASE":
                case_depth += 1
            elif word == "END" and case_depth:
                case_depth -= 1
            elif word in _BLOCK_ENDS and not case_depth:
                return i - 1, i
            elif tsql and not case_depth and word in _TSQL_STARTERS:
                following = tokens[i + 1] if i + 1 < n else None
                if not _continues(head, word, prev, following, seen_select, seen_main):
                    return i - 1, i
                if word == "SELECT":
                    seen_select = True
                if word in ("SELECT", "INSERT", "UPDATE", "DELETE", "MERGE"):
                    seen_main = True
        prev = word or prev
        i += 1
    return n - 1, n


def _continues(head: str, word: str, prev: str, following: Token | None, seen_select: bool,
               seen_main: bool) -> bool:
    """Whether a T-SQL statement keyword continues the current statement instead of starting one."""
    if word == "SELECT":
        if prev in ("UNION", "ALL", "EXCEPT", "INTERSECT", "AS", "DISTINCT"):
            return True
        return head in ("INSERT", "WITH", "CREATE") and not seen_select
    if word in ("INSERT", "UPDATE", "DELETE"):
        return head == "MERGE" or (head == "WITH" and not seen_main)
    if word == "SET":
        return head in ("UPDATE", "MERGE") or prev in ("UPDATE", "THEN")
    if word == "WITH":
        return following is None or following.token_type is TokenType.L_PAREN
    if word == "MERGE":
        return head == "WITH" and not seen_main
    if word == "DROP":
        return head == "ALTER"
    return False
