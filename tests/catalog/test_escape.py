"""Escaping untrusted text for GitHub Markdown, checked against a real CommonMark+tables parser.

markdown-it-py (already installed as a dependency of rich) follows the GFM table rules
GitHub uses, including unescaping ``\\|`` inside code spans, so rendering through it
shows what a reader would see rather than what the escaper meant.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from catalog.render.escape import (
    BR,
    clean_text,
    code_span,
    escape_heading,
    escape_inline,
    escape_text,
    plain_text,
    redact_url,
    table_row,
)

_MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")

# Characters that mean something in Markdown/HTML, plus line breaks and controls.
_NASTY = list("|`\\*_[]<>&#-+=.!~$()'\" \n\r\t:@/") + ["\x00", "\x07", "\x0b", "\x1b", "\x7f", "\x85",
                                                       "\u2028", "\u202e", "\ufeff", "é", "1", "a", "Z"]
texts = st.one_of(st.text(), st.text(alphabet=st.sampled_from(_NASTY)))


def _expected_lines(text: str) -> list[str]:
    """What a reader should see of ``text``: its lines, stripped, spaces collapsed."""
    lines = [re.sub(" +", " ", line.strip()) for line in clean_text(text).split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _visible(children: list[Token]) -> str:
    """The text a reader sees in an inline token list; ``<br>`` read back as ``\\n``."""
    out = []
    for child in children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type == "html_inline" and child.content == BR:
            out.append("\n")
        else:
            raise AssertionError(f"unexpected markup {child.type} {child.content!r}")
    return "".join(out)


def _table_cells(markdown: str) -> list[list[Token]]:
    tokens = _MD.parse(markdown)
    assert [t.type for t in tokens][:1] == ["table_open"], markdown
    body = tokens[[t.type for t in tokens].index("tbody_open"):]
    return [t.children or [] for t in body if t.type == "inline"]


def _unescaped_pipes(row: str) -> int:
    return len(re.findall(r"(?<!\\)\|", row))


@pytest.mark.parametrize(("raw", "escaped"), [
    ("a|b", "a\\|b"),
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("Tom & Jerry", "Tom &amp; Jerry"),
    ("*bold* _it_ `code`", "\\*bold\\* \\_it\\_ \\`code\\`"),
    ("[x](http://evil)", "\\[x\\](http://evil)"),
    ("C:\\path", "C:\\\\path"),
    ("costs $5 to $10", "costs \\$5 to \\$10"),
    ("~strike~", "\\~strike\\~"),
    ("# not a heading", "\\# not a heading"),
    ("- not a list", "\\- not a list"),
    ("--- ", "\\---"),
    ("12. not ordered", "12\\. not ordered"),
    ("-5 degrees, 2.5 km", "-5 degrees, 2.5 km"),
    ("line1\r\nline2\rline3\nline4", "line1<br>line2<br>line3<br>line4"),
    ("  padded  \n\n", "padded"),
    ("tab\there", "tab here"),
    ("bell\x07 esc\x1b[31m nul\x00", "bell esc\\[31m nul"),
    ("rtl\u202eevil", "rtlevil"),
])
def test_escape_text(raw: str, escaped: str) -> None:
    assert escape_text(raw) == escaped


def test_escape_inline_joins_lines_with_spaces() -> None:
    assert escape_inline("a\r\n\r\nb\nc") == "a b c"


def test_paragraph_breaks_survive_as_double_br() -> None:
    assert escape_text("para one\n\npara two") == "para one<br><br>para two"


@pytest.mark.parametrize(("raw", "escaped"), [
    ("Channel #", "Channel \\#"),
    ("Team ##", "Team \\##"),
    ("C#", "C#"),
    ("#1 dataset", "\\#1 dataset"),
])
def test_escape_heading_keeps_trailing_hashes(raw: str, escaped: str) -> None:
    assert escape_heading(raw) == escaped
    tokens = _MD.parse(f"### {escaped}\n")
    assert tokens[0].type == "heading_open"
    assert tokens[1].content and _visible(tokens[1].children or []) == raw


@pytest.mark.parametrize(("value", "span"), [
    ("plain", "`plain`"),
    ("a`b", "``a`b``"),
    ("``x``", "``` ``x`` ```"),
    ("`", "`` ` ``"),
    (" lead", "`  lead `"),
    ("   ", "`   `"),
    ("", ""),
    ("two\nlines", "`two lines`"),
])
def test_code_span(value: str, span: str) -> None:
    assert code_span(value) == span


def test_code_span_in_table_escapes_pipes() -> None:
    assert code_span("a|b", in_table=True) == "`a\\|b`"
    assert code_span("a|b") == "`a|b`"


def test_table_row_empty_cells() -> None:
    assert table_row(["a", "", "c"]) == "| a | | c |"


def test_redact_url() -> None:
    assert redact_url("ws://user:s3cret@host:8182/gremlin") == "ws://host:8182/gremlin"
    assert redact_url("embedded:.lakemap/graph.json") == "embedded:.lakemap/graph.json"
    assert redact_url("neptune://db.cluster:8182") == "neptune://db.cluster:8182"


def test_plain_text_is_what_escape_inline_shows() -> None:
    assert plain_text(" a  b\r\nc ") == "a b c"


@settings(max_examples=300, deadline=None)
@given(texts)
def test_text_cell_round_trips_through_a_table(text: str) -> None:
    row = table_row([escape_text(text), code_span(text, in_table=True), "x"])
    assert "\n" not in row and "\r" not in row
    assert _unescaped_pipes(row) == 4
    cells = _table_cells(f"| a | b | c |\n| --- | --- | --- |\n{row}\n")
    assert len(cells) == 3
    assert _visible(cells[0]) == "\n".join(_expected_lines(text))
    code = clean_text(text).replace("\n", " ")
    if code:
        assert [c.type for c in cells[1]] == ["code_inline"]
        assert cells[1][0].content == code
    else:
        assert cells[1] == []
    assert _visible(cells[2]) == "x"


@settings(max_examples=300, deadline=None)
@given(texts)
def test_text_cell_has_no_raw_html(text: str) -> None:
    cell = escape_text(text)
    assert "<" not in cell.replace(BR, "")
    assert ">" not in cell.replace(BR, "")
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", cell)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_paragraph_round_trips(text: str) -> None:
    escaped = escape_text(text)
    tokens = _MD.parse(escaped + "\n")
    if not escaped:
        assert tokens == []
        return
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"], escaped
    assert _visible(tokens[1].children or []) == "\n".join(_expected_lines(text))


@settings(max_examples=200, deadline=None)
@given(texts)
def test_bullet_and_heading_round_trip(text: str) -> None:
    expected = " ".join(line for line in _expected_lines(text) if line)
    expected = re.sub(" +", " ", expected)
    if not expected:
        return
    bullet = _MD.parse(f"- {escape_inline(text)}\n")
    assert [t.type for t in bullet][:3] == ["bullet_list_open", "list_item_open", "paragraph_open"]
    assert _visible(bullet[3].children or []) == expected
    heading = _MD.parse(f"### {escape_heading(text)}\n")
    assert [t.type for t in heading] == ["heading_open", "inline", "heading_close"]
    assert _visible(heading[1].children or []) == expected


@settings(max_examples=200, deadline=None)
@given(texts)
def test_code_span_outside_tables_round_trips(text: str) -> None:
    span = code_span(text)
    code = clean_text(text).replace("\n", " ")
    tokens = _MD.parse(f"see {span} here\n")
    children = tokens[1].children or []
    if code:
        assert [c.type for c in children] == ["text", "code_inline", "text"]
        assert children[1].content == code
