"""Make untrusted text safe to drop into GitHub-flavoured Markdown.

Descriptions, titles, column names, examples and properties come from catalog.yaml, from
database comments and from data files: anyone who can write one of them must not be
able to break a table, inject HTML, or turn a description into a heading. Every piece of
such text reaches the Markdown through one of the functions here:

* :func:`escape_text` for prose (paragraphs, bullets, table cells),
* :func:`escape_heading` for ``#`` headings,
* :func:`code_span` for values shown verbatim in backticks.

The rules follow cmark-gfm, which GitHub uses: a backslash before ASCII punctuation
always yields the punctuation itself, so escaping more than strictly needed is harmless;
``<``, ``>`` and ``&`` become entities so no raw HTML survives; inside a table every
``|`` is written ``\\|``, which GitHub unescapes even inside code spans.

Example:
    >>> escape_text("a|b <script> *x*")
    'a\\\\|b &lt;script&gt; \\\\*x\\\\*'
    >>> code_span("a`b")
    '``a`b``'
"""

from __future__ import annotations

import re

#: What a line break inside a table cell or paragraph is rendered as.
BR = "<br>"

# Characters removed outright: C0/C1 controls (except the whitespace handled below), DEL,
# the byte-order mark and the bidirectional overrides that can make text read differently
# from what it is ("trojan source").
_STRIP = (
    [c for c in range(0x00, 0x20) if c not in (0x09, 0x0A, 0x0D)]
    + [0x7F]
    + [c for c in range(0x80, 0xA0) if c != 0x85]
    + [0xFEFF, 0x200E, 0x200F]
    + list(range(0x202A, 0x202F))
    + list(range(0x2066, 0x206A))
)

# Line breaks in every spelling: CRLF, CR, NEL and the Unicode line/paragraph separators.
_NEWLINES_RE = re.compile("\r\n|[\r\x85\u2028\u2029]")

_CLEAN_TABLE: dict[int, str | None] = {c: None for c in _STRIP}
_CLEAN_TABLE[0x09] = " "

# Markdown escapes applied everywhere. ``$`` is escaped because GitHub renders ``$...$``
# as math; ``~`` because GFM strikes through ``~text~``.
_ESCAPE_TABLE: dict[int, str | None] = dict(_CLEAN_TABLE)
_ESCAPE_TABLE.update({
    ord("\\"): "\\\\",
    ord("`"): "\\`",
    ord("*"): "\\*",
    ord("_"): "\\_",
    ord("["): "\\[",
    ord("]"): "\\]",
    ord("|"): "\\|",
    ord("~"): "\\~",
    ord("$"): "\\$",
    ord("<"): "&lt;",
    ord(">"): "&gt;",
    ord("&"): "&amp;",
})

# Text that would start a block (heading, list item, thematic break) when it opens a
# paragraph or a list item: its first character gets a backslash.
_BLOCK_START_RE = re.compile(r"^(?:#|\+(?= |$)|-(?=[ -]|$)|[0-9]{1,9}[.)](?= |$))")

_BLOCK_START_CHARS = frozenset("#+-0123456789")

_SPACES_RE = re.compile(r" {2,}")
_BACKTICK_RUN_RE = re.compile(r"`+")


def clean_text(text: str) -> str:
    """Strip control characters and unify line breaks to ``\\n``; nothing else changes.

    Tabs become single spaces: they have no reliable width in Markdown and indent code
    blocks by accident.
    """
    return _NEWLINES_RE.sub("\n", text).translate(_CLEAN_TABLE)


def _lines(text: str) -> list[str]:
    """Cleaned, stripped, non-empty-bounded lines of ``text`` (inner blank lines kept)."""
    lines = [line.strip() for line in clean_text(text).split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _escape_line(line: str) -> str:
    escaped = line.translate(_ESCAPE_TABLE)
    if "  " in escaped:
        escaped = _SPACES_RE.sub(" ", escaped)
    if escaped[:1] in _BLOCK_START_CHARS and _BLOCK_START_RE.match(escaped):
        if escaped[0].isdigit():
            digits = len(escaped) - len(escaped.lstrip("0123456789"))
            escaped = f"{escaped[:digits]}\\{escaped[digits:]}"
        else:
            escaped = "\\" + escaped
    return escaped


def escape_text(text: str, *, newline: str = BR) -> str:
    """Escape ``text`` for a paragraph, a bullet or a table cell (always one Markdown line).

    Line breaks become ``newline`` (``<br>`` keeps them visible; pass ``" "`` where a
    break has no place, such as a bullet value). Leading and trailing blank lines and
    spaces go, runs of spaces collapse, so the output never has trailing whitespace.
    """
    if text.isprintable():  # fast path: one line, no control or separator characters
        stripped = text.strip()
        return _escape_line(stripped) if stripped else ""
    lines = _lines(text)
    if not lines:
        return ""
    if newline == " ":
        return _escape_line(" ".join(line for line in lines if line))
    return newline.join(_escape_line(line) if line else "" for line in lines)


def escape_inline(text: str) -> str:
    """Escape ``text`` where a line break has no place: breaks become single spaces."""
    return escape_text(text, newline=" ")


def escape_heading(text: str) -> str:
    """Escape ``text`` for an ATX heading, where a trailing ``#`` run would be eaten as a
    closing sequence."""
    escaped = escape_inline(text)
    stripped = escaped.rstrip("#")
    if stripped != escaped and (not stripped or stripped.endswith(" ")):
        escaped = f"{stripped}\\{escaped[len(stripped):]}"
    return escaped


def code_span(value: str, *, in_table: bool = False) -> str:
    """``value`` as a code span that renders back exactly (after whitespace cleaning).

    The fence is one backtick longer than the longest backtick run inside, and a space
    pads each side when the value starts or ends with a backtick or a space (CommonMark
    strips one space from each side). Line breaks become spaces, as CommonMark would do
    anyway; in a table every ``|`` becomes ``\\|``, which GitHub unescapes inside code
    spans too. An empty value renders as an empty string: ``````` `` ``````` is no span.
    """
    cleaned = value if value.isprintable() else clean_text(value).replace("\n", " ")
    if not cleaned:
        return ""
    if in_table and "|" in cleaned:
        cleaned = cleaned.replace("|", "\\|")
    if "`" in cleaned:
        fence = "`" * (max(len(run) for run in _BACKTICK_RUN_RE.findall(cleaned)) + 1)
    else:
        fence = "`"
    pad = ""
    if (cleaned[0] in "` " or cleaned[-1] in "` ") and cleaned.strip(" "):
        pad = " "
    return f"{fence}{pad}{cleaned}{pad}{fence}"


def table_row(cells: list[str]) -> str:
    """One GFM table row from already-escaped cells; an empty cell is a single space."""
    return "|" + "|".join(f" {cell} " if cell else " " for cell in cells) + "|"


def redact_url(url: str) -> str:
    """Drop ``user:password@`` from a URL-like string so secrets never reach the docs."""
    return re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]*@", r"\1", url)


def plain_text(text: str) -> str:
    """The visible text :func:`escape_inline` renders to: cleaned, on one line, spaces collapsed.

    Heading anchors are computed from this (GitHub slugs the rendered text).
    """
    return _SPACES_RE.sub(" ", " ".join(line for line in _lines(text) if line))
