"""Split SQL text into statements, with the position of each one.

Both the DDL scanner and the lineage package read whole ``.sql`` files but parse one
statement at a time, so that one bad statement costs one error and not the file, and so
that every error and every dataset can point at ``file:line``. sqlglot can split text
itself, but it raises on the first unterminated string and knows nothing of procedure
bodies, ``DELIMITER`` lines or ``GO`` batches; this module never raises and keeps going.

The splitter is a small lexer, not a parser. It knows just enough to tell a statement's
own semicolons from the ones inside something else:

* quotes (``'...'``, ``"..."``, backticks, ``[...]`` where the dialect has them, BigQuery
  triple quotes, backslash escapes where the dialect has them, Postgres ``E'...'``);
* comments (``--``, ``/* */`` nested where the dialect nests them, ``#`` and ``//`` where
  the dialect has them);
* dollar quoting (``$$ ... $$`` and ``$tag$ ... $tag$``);
* procedural blocks (``BEGIN ... END``, with ``CASE ... END`` and ``END IF``/``END LOOP``
  inside them; BigQuery/Snowflake scripting ``IF ... END IF`` at top level; Snowflake and
  Oracle ``DECLARE ... BEGIN ... END``), while ``BEGIN;``/``BEGIN TRANSACTION`` stay
  ordinary statements;
* the MySQL client's ``DELIMITER $$`` lines, T-SQL ``GO`` batch lines, and the data block
  after a pg_dump ``COPY ... FROM stdin;``.

Unterminated strings, comments and blocks simply run to the end of the text. A semicolon
inside parentheses does end a statement: no valid SQL has one there, and counting it as
a terminator means a missing ``)`` costs one statement rather than the rest of the file.

Example:
    >>> [(s.text, s.line, s.column) for s in split_statements("select 1;\\n  select ';' -- x\\n;")]
    [('select 1', 1, 1), ("select ';'", 2, 3)]
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

__all__ = ["SqlStatement", "split_statements", "leading_keywords"]


@dataclass(frozen=True, slots=True)
class SqlStatement:
    """One statement: its text without the terminator and where its first token is.

    ``line`` and ``column`` are 1-based and point at the statement's first token (comments
    before it are not part of the statement); ``end_line`` is the line of its last token.
    ``text`` runs from the first to the last token, so comments inside are kept and a
    trailing ``-- comment`` before the semicolon is not.
    """

    text: str
    line: int
    column: int
    end_line: int


@dataclass(frozen=True, slots=True)
class _Lexicon:
    """The lexical habits of a dialect that decide where a statement can end."""

    backslash: bool = False  # backslash escapes inside '...' (and "..." where that is a string)
    dq_string: bool = False  # "..." is a string literal (so backslash escapes apply inside)
    hash_comment: bool = False  # '# ...' is a line comment
    slash_comment: bool = False  # '// ...' is a line comment
    brackets: bool = False  # [name] is a quoted identifier
    triple_quotes: bool = False  # '''...''' and \"\"\"...\"\"\" strings
    nested_comments: bool = True  # /* /* */ */ nests
    tsql: bool = False  # GO batches; IF/WHILE take BEGIN ... END, not END IF
    declare_blocks: bool = False  # DECLARE ... BEGIN ... END is one anonymous block
    scripting: bool = False  # top-level IF/WHILE/LOOP/REPEAT/FOR ... END IF (BigQuery, Snowflake scripts)


_DEFAULT = _Lexicon()
_LEXICONS: dict[str, _Lexicon] = {
    "athena": _Lexicon(backslash=True, nested_comments=True),
    "bigquery": _Lexicon(
        backslash=True,
        dq_string=True,
        hash_comment=True,
        triple_quotes=True,
        nested_comments=False,
        scripting=True,
    ),
    "clickhouse": _Lexicon(backslash=True, hash_comment=True),
    "databricks": _Lexicon(backslash=True, dq_string=True, scripting=True),
    "doris": _Lexicon(backslash=True, dq_string=True, hash_comment=True, nested_comments=False),
    "dremio": _Lexicon(slash_comment=True),
    "hive": _Lexicon(backslash=True, dq_string=True),
    "mysql": _Lexicon(backslash=True, dq_string=True, hash_comment=True, nested_comments=False),
    "singlestore": _Lexicon(backslash=True, dq_string=True, hash_comment=True, nested_comments=False),
    "starrocks": _Lexicon(backslash=True, dq_string=True, nested_comments=False),
    "oracle": _Lexicon(nested_comments=False, declare_blocks=True),
    "presto": _Lexicon(nested_comments=False),
    "trino": _Lexicon(nested_comments=False),
    "dune": _Lexicon(nested_comments=False),
    "redshift": _Lexicon(backslash=True),
    "snowflake": _Lexicon(
        backslash=True, slash_comment=True, nested_comments=False, declare_blocks=True, scripting=True
    ),
    "spark": _Lexicon(backslash=True, dq_string=True),
    "spark2": _Lexicon(backslash=True, dq_string=True),
    "sqlite": _Lexicon(brackets=True, nested_comments=False),
    "tsql": _Lexicon(brackets=True, tsql=True),
    "fabric": _Lexicon(brackets=True, tsql=True),
    "exasol": _Lexicon(brackets=True),
}

_WORD = r"[^\W\d]\w*(?:\$\w+)*"
_DOLLAR_TAG = re.compile(r"\$(?:[^\W\d]\w*)?\$")
_WORD_RE = re.compile(_WORD)
_SPACE_RE = re.compile(r"\s*")

# Words after BEGIN that make it a transaction statement rather than a block.
_TRANSACTION_WORDS = frozenset(
    {
        "TRANSACTION",
        "TRAN",
        "WORK",
        "DEFERRED",
        "IMMEDIATE",
        "EXCLUSIVE",
        "ISOLATION",
        "READ",
        "DISTRIBUTED",
        "NAME",
    }
)
# Words after CREATE/ALTER that announce a routine whose body may hold BEGIN ... END.
_ROUTINE_WORDS = frozenset({"PROCEDURE", "PROC", "FUNCTION", "TRIGGER", "EVENT", "PACKAGE", "TASK"})
# Statements that may carry a BEGIN ... END body without being a routine.
_COMPOUND_STARTS = frozenset({"IF", "WHILE", "ELSE", "FOR", "LOOP", "REPEAT", "DECLARE"})
# Openers closed by "END <word>" (scripting), and what each such END may close; a bare END
# closes the innermost BEGIN or CASE.
_OPENERS = frozenset({"IF", "WHILE", "LOOP", "REPEAT", "FOR"})
_CLOSES: dict[str, tuple[str, ...]] = {
    "IF": ("IF",),
    "WHILE": ("WHILE",),
    "REPEAT": ("REPEAT",),
    "FOR": ("FOR",),
    "LOOP": ("LOOP", "FOR", "WHILE"),
    "CASE": ("CASE",),
}
# Words after which the next word starts a statement inside a block.
_SUBSTATEMENT_AFTER = frozenset({"BEGIN", "THEN", "ELSE", "DO"})


def _lexicon(dialect: str | None) -> _Lexicon:
    return _LEXICONS.get((dialect or "").strip().lower(), _DEFAULT)


def _token_pattern(lex: _Lexicon, delimiter: str) -> re.Pattern[str]:
    """One regex that finds the next token that matters, skipping whitespace."""
    parts = []
    if delimiter != ";":
        parts.append(re.escape(delimiter))
    parts += [r"--", r"/\*"]
    if lex.slash_comment:
        parts.append(r"//")
    if lex.hash_comment:
        parts.append(r"\#")
    if lex.triple_quotes:
        parts += [r"'''", r'"""']
    parts += [r"'", r'"', r"`", r"\$(?:[^\W\d]\w*)?\$"]
    if lex.brackets:
        parts.append(r"\[")
    parts += [_WORD, r"\d[\w.]*", r";", r"\(", r"\)", r"\S"]
    return re.compile("|".join(f"(?:{p})" for p in parts))


_LINE_BREAK = re.compile(r"\r\n?|\n")


class _Lines:
    """Offset -> (line, column) through a table of line starts.

    ``\r\n``, ``\n`` and a lone ``\r`` each end a line, as in sqlglot's tokenizer, so
    positions here and in sqlglot's error messages agree.
    """

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]

    def line(self, offset: int) -> int:
        return bisect_right(self.starts, offset)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def _skip_quoted(text: str, pos: int, quote: str, backslash: bool) -> int:
    """End offset of a quoted run opened just before ``pos`` (doubled quotes escape).

    Each search is bounded by the next candidate closing quote, so the cost stays linear
    however many backslashes or doubled quotes the run holds.
    """
    end = text.find(quote, pos)
    while end != -1:
        if backslash:
            slash = text.find("\\", pos, end)
            if slash != -1:
                pos = slash + 2
                if pos > end:
                    end = text.find(quote, pos)
                continue
        if len(quote) == 1 and text.startswith(quote, end + 1):
            pos = end + 2
            end = text.find(quote, pos)
            continue
        return end + len(quote)
    return len(text)


def _skip_block_comment(text: str, pos: int, nested: bool) -> int:
    """End offset of a ``/* */`` comment whose opener ends at ``pos``."""
    close = text.find("*/", pos)
    if not nested:
        return len(text) if close == -1 else close + 2
    depth = 1
    while close != -1:
        opener = text.find("/*", pos, close)
        if opener != -1:
            depth += 1
            pos = opener + 2
            if pos > close:  # "/*/" : the opener overlaps the candidate close
                close = text.find("*/", pos)
            continue
        depth -= 1
        pos = close + 2
        if depth == 0:
            return pos
        close = text.find("*/", pos)
    return len(text)


_LINE_END = re.compile(r"[\r\n]")


def _skip_line(text: str, pos: int) -> int:
    match = _LINE_END.search(text, pos)
    return len(text) if match is None else match.start()


def _skip_insignificant(text: str, pos: int, lex: _Lexicon) -> int:
    """Skip whitespace and comments from ``pos``."""
    n = len(text)
    while pos < n:
        pos = _SPACE_RE.match(text, pos).end()  # type: ignore[union-attr]
        if (
            text.startswith("--", pos)
            or (lex.hash_comment and text.startswith("#", pos))
            or (lex.slash_comment and text.startswith("//", pos))
        ):
            pos = _skip_line(text, pos)
        elif text.startswith("/*", pos):
            pos = _skip_block_comment(text, pos + 2, lex.nested_comments)
        else:
            break
    return pos


def _peek(text: str, pos: int, lex: _Lexicon) -> str:
    """The next word (upper-cased) or character after ``pos``; ``""`` at the end."""
    pos = _skip_insignificant(text, pos, lex)
    if pos >= len(text):
        return ""
    match = _WORD_RE.match(text, pos)
    return match.group(0).upper() if match else text[pos]


_COPY_STDIN = re.compile(r"COPY\b.*\bFROM\s+STDIN\b", re.IGNORECASE | re.DOTALL)
_COPY_END = re.compile(r"^\\\.\r?$", re.MULTILINE)
_GO_LINE = re.compile(r"[ \t]*(?:\d+)?[ \t]*(?:--[^\r\n]*)?(?:\r\n?|\n|$)")


class _Splitter:
    """State of one pass over the text; see :func:`split_statements`."""

    def __init__(self, text: str, lex: _Lexicon) -> None:
        self.text = text
        self.lex = lex
        self.lines = _Lines(text)
        self.out: list[SqlStatement] = []
        self.delimiter = ";"
        self.pattern = _token_pattern(lex, ";")
        self._reset()

    def _reset(self) -> None:
        self.start = -1  # offset of the statement's first token
        self.last_end = -1  # end offset of its last token
        self.first_word = ""
        self.words = 0
        self.routine = False
        self.stack: list[str] = []
        self.parens = 0
        self.substatement = True  # the next word starts a statement
        self.declare = False

    def _emit(self) -> None:
        if self.start >= 0:
            line, column = self.lines.position(self.start)
            end_line = self.lines.line(self.last_end - 1)
            self.out.append(SqlStatement(self.text[self.start : self.last_end], line, column, end_line))
        self._reset()

    def _significant(self, start: int, end: int) -> None:
        if self.start < 0:
            self.start = start
        self.last_end = end

    def _end_statement(self, pos: int) -> int:
        """Close the statement at a terminator ending at ``pos``; returns where to go on."""
        copy_data = (
            self.first_word == "COPY"
            and self.start >= 0
            and bool(_COPY_STDIN.match(self.text, self.start, self.last_end))
        )
        self._emit()
        if copy_data:
            match = _COPY_END.search(self.text, pos)
            return len(self.text) if match is None else match.end()
        return pos

    def run(self) -> list[SqlStatement]:
        text, lex = self.text, self.lex
        n = len(text)
        pos = 0
        while pos < n:
            match = self.pattern.search(text, pos)
            if match is None:
                break
            tok, start, pos = match.group(0), match.start(), match.end()
            if self.delimiter != ";" and tok == self.delimiter:
                pos = self._end_statement(pos)
                continue
            head = tok[0]
            if tok == "--" or (tok == "#" and lex.hash_comment) or (tok == "//" and lex.slash_comment):
                pos = _skip_line(text, pos)
                continue
            if tok == "/*":
                pos = _skip_block_comment(text, pos, lex.nested_comments)
                continue
            if tok in ("'''", '"""'):
                pos = _skip_quoted(text, pos, tok, lex.backslash)
            elif tok == "'":
                escaped = lex.backslash or (
                    start > 0
                    and text[start - 1] in "eE"
                    and (start == 1 or not (text[start - 2].isalnum() or text[start - 2] in "_$"))
                )
                pos = _skip_quoted(text, pos, "'", escaped)
            elif tok == '"':
                pos = _skip_quoted(text, pos, '"', lex.backslash and lex.dq_string)
            elif tok == "`":
                pos = _skip_quoted(text, pos, "`", False)
            elif tok == "[" and lex.brackets:
                pos = _skip_quoted(text, pos, "]", False)
            elif head == "$" and len(tok) > 1 and tok.endswith("$"):
                if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_$"):
                    pos = start + 1  # part of a name such as a$b$: not a dollar quote
                else:
                    end = text.find(tok, pos)
                    pos = n if end == -1 else end + len(tok)
            elif tok == ";":
                if self.delimiter == ";" and not self.stack and not self.declare:
                    pos = self._end_statement(pos)
                    continue
                self.substatement = True
            elif tok == "(":
                self.parens += 1
            elif tok == ")":
                self.parens = max(0, self.parens - 1)
            elif head.isalpha() or head == "_":
                handled = self._word(tok.upper(), start, pos)
                if handled is not None:
                    pos = handled
                    continue
                self._significant(start, pos)
                continue
            self._significant(start, pos)
            if tok != ";":
                self.substatement = False
        self._emit()
        return self.out

    def _word(self, word: str, start: int, end: int) -> int | None:
        """Track keywords; returns a new position when the word ended the statement."""
        text, lex = self.text, self.lex
        at_start = self.start < 0
        if at_start:
            if word == "DELIMITER" and self.parens == 0:
                rest = text[end : _skip_line(text, end)].split()
                if rest:
                    self.delimiter = rest[0]
                    self.pattern = _token_pattern(lex, self.delimiter)
                    return _skip_line(text, end)
            self.first_word = word
            if word == "DECLARE" and lex.declare_blocks:
                self.declare = True
        if lex.tsql and word == "GO" and self.parens == 0 and not self.stack:
            line_start = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
            tail = _GO_LINE.match(text, end)
            if not text[line_start:start].strip() and tail is not None:
                return self._end_statement(tail.end())
        if self.parens:
            return None
        self.words += 1
        if self.words <= 8 and self.first_word in ("CREATE", "ALTER", "REPLACE") and word in _ROUTINE_WORDS:
            self.routine = True
        substatement, self.substatement = self.substatement, word in _SUBSTATEMENT_AFTER
        if word == "BEGIN":
            after = _peek(text, end, lex)
            if after in ("", ";") or after in _TRANSACTION_WORDS:
                return None
            if self.stack or at_start or self.routine or self.first_word in _COMPOUND_STARTS:
                self.stack.append("BEGIN")
                self.declare = False
        elif word == "CASE":
            if self.stack:
                self.stack.append("CASE")
        elif word == "END":
            if self.stack:
                self._close("" if lex.tsql else _peek(text, end, lex))
        elif (
            word in _OPENERS
            and substatement
            and not lex.tsql
            and (self.stack or (at_start and lex.scripting))
        ):
            self.stack.append(word)
        return None

    def _close(self, after: str) -> None:
        """Pop the opener an END closes: ``END IF`` its IF, a bare END its BEGIN or CASE."""
        wanted = _CLOSES.get(after, ("BEGIN", "CASE"))
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index] in wanted:
                del self.stack[index:]
                return


def split_statements(text: str, dialect: str | None = None) -> list[SqlStatement]:
    """Split ``text`` on top-level terminators into statements with their positions.

    ``dialect`` is a sqlglot dialect name; it only changes lexical details (which quotes
    take backslash escapes, ``#`` comments, ``GO`` lines...). Statements holding only
    comments or whitespace are dropped. Never raises.
    """
    if not text:
        return []
    return _Splitter(text, _lexicon(dialect)).run()


def leading_keywords(statement: str, count: int = 6, dialect: str | None = None) -> tuple[str, ...]:
    """The first ``count`` bare words of a statement, upper-cased, skipping comments.

    Scanners use it to decide cheaply what a statement is (``CREATE OR REPLACE VIEW``)
    before paying for a full parse. Quoted names are not words and stop the scan.

    Example:
        >>> leading_keywords("/* x */ create or replace temp view v as select 1", 5)
        ('CREATE', 'OR', 'REPLACE', 'TEMP', 'VIEW')
    """
    lex = _lexicon(dialect)
    out: list[str] = []
    pos = 0
    while len(out) < count:
        pos = _skip_insignificant(statement, pos, lex)
        match = _WORD_RE.match(statement, pos)
        if match is None:
            break
        out.append(match.group(0).upper())
        pos = match.end()
    return tuple(out)
