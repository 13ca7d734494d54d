"""Marker injection, the Last Updated rule and the --check diff."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from catalog.model import Catalog, Dataset
from catalog.render.document import (
    BEGIN_MARKER,
    END_MARKER,
    MarkerError,
    extract_block,
    inject,
    keep_last_updated,
    render_document,
    unified_diff,
)
from tests.catalog.test_markdown import sample_catalog

BEGIN, END = BEGIN_MARKER, END_MARKER


def test_no_file_gives_the_marked_block() -> None:
    assert inject(None, "# Catalog\n", force=False) == f"{BEGIN}\n# Catalog\n{END}\n"
    assert inject("", "# Catalog\n", force=False) == f"{BEGIN}\n# Catalog\n{END}\n"
    assert inject(" \n", "# Catalog", force=False) == f"{BEGIN}\n# Catalog\n{END}\n"


def test_text_outside_markers_survives_byte_for_byte() -> None:
    head = "# Our lake\n\nHand-written intro with trailing spaces   \n\n  " + BEGIN + "  \n"
    tail = END + "\n\n## Contacts\n\nAsk #data-team.\n\n\n"
    existing = head + "old generated text\nmore\n" + tail
    result = inject(existing, "new block\n", force=False)
    assert result == head + "new block\n" + tail
    assert extract_block(result) == "new block\n"


def test_crlf_file_stays_crlf() -> None:
    existing = f"Intro\r\n{BEGIN}\r\nold\r\n{END}\r\nOutro\r\n"
    result = inject(existing, "line one\nline two\n", force=False)
    assert result == f"Intro\r\n{BEGIN}\r\nline one\r\nline two\r\n{END}\r\nOutro\r\n"
    assert extract_block(result) == "line one\nline two\n"
    assert inject(None, "x\n", force=False) == f"{BEGIN}\nx\n{END}\n"
    assert inject("Only text\r\n", "x\n", force=True) == f"{BEGIN}\r\nx\r\n{END}\r\n"


def test_file_without_final_newline_after_end_marker() -> None:
    existing = f"{BEGIN}\nold\n{END}"
    assert inject(existing, "new\n", force=False) == f"{BEGIN}\nnew\n{END}"


def test_no_markers_needs_force() -> None:
    with pytest.raises(MarkerError, match=r"no lakemap markers.*--force"):
        inject("# My catalog\n", "x\n", force=False)
    assert inject("# My catalog\n", "x\n", force=True) == f"{BEGIN}\nx\n{END}\n"


def test_markers_not_alone_on_their_line_are_pointed_at() -> None:
    with pytest.raises(MarkerError, match=r"line 2 is not alone on its line"):
        inject(f"intro\ntext {BEGIN} inline\n{END} trailing words\n", "x\n", force=False)


@pytest.mark.parametrize(("existing", "line", "message"), [
    (f"a\n{BEGIN}\nb\n", 2, "no matching"),
    (f"a\nb\n{END}\n", 3, "no matching"),
    (f"{END}\nx\n{BEGIN}\n", 1, "comes before"),
    (f"{BEGIN}\n{BEGIN}\n{END}\n", 2, "second"),
    (f"{BEGIN}\n{END}\nx\n{END}\n", 4, "second"),
    (f"x\r\n{BEGIN}\r\ny\r\n", 2, "no matching"),
])
def test_malformed_markers_name_the_line(existing: str, line: int, message: str) -> None:
    with pytest.raises(MarkerError, match=message) as info:
        inject(existing, "x\n", force=False)
    assert info.value.line == line
    assert str(info.value).startswith(f"line {line}: ")
    nl = _nl(existing)
    assert inject(existing, "x\n", force=True) == f"{BEGIN}{nl}x{nl}{END}{nl}"


def _nl(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def test_markers_inside_code_fences_are_documentation() -> None:
    existing = (
        "How it works:\n\n```markdown\n" + BEGIN + "\n(generated)\n" + END + "\n```\n\n"
        "~~~~\n" + END + "\n~~~~\n\n" + BEGIN + "\nold\n" + END + "\n"
    )
    result = inject(existing, "new\n", force=False)
    assert result.endswith(BEGIN + "\nnew\n" + END + "\n")
    assert result.startswith("How it works:\n\n```markdown\n" + BEGIN + "\n(generated)\n")


def test_empty_block_between_markers() -> None:
    assert extract_block(f"{BEGIN}\n{END}\n") == ""
    assert inject(f"{BEGIN}\n{END}\n", "x\n", force=False) == f"{BEGIN}\nx\n{END}\n"


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text(), st.sampled_from(["\n", "\r\n"]))
def test_any_outside_text_survives(before: str, after: str, newline: str) -> None:
    for text in (before, after):
        assume(BEGIN not in text and END not in text)
    assume("```" not in before and "~~~" not in before)  # an open fence hides markers by design
    head = before + newline + BEGIN + newline
    tail = END + newline + after
    result = inject(head + "old" + newline + tail, "block\n", force=False)
    assert result in (head + "block\n" + tail, head + "block\r\n" + tail)


def test_last_updated_kept_when_content_is_unchanged() -> None:
    catalog = sample_catalog()
    first = render_document(catalog, today="2026-01-01", existing=None)
    assert "Last Updated: 2026-01-01" in first
    again = render_document(catalog, today="2026-03-15", existing=first)
    assert again == first


def test_last_updated_moves_when_content_changes() -> None:
    catalog = sample_catalog()
    first = render_document(catalog, today="2026-01-01", existing="Intro\n\n" + BEGIN + "\n" + END + "\n")
    changed = replace(catalog, datasets=catalog.datasets + (Dataset(id="new", name="new_table"),))
    second = render_document(changed, today="2026-03-15", existing=first)
    assert "Last Updated: 2026-03-15" in second and "new\\_table" in second
    assert second.startswith("Intro\n\n" + BEGIN + "\n")


def test_last_updated_kept_in_crlf_file_and_outside_edits_do_not_move_it() -> None:
    catalog = Catalog(datasets=(Dataset(id="a", name="a"),))
    first = render_document(catalog, today="2026-01-01", existing=None).replace("\n", "\r\n")
    edited = "My notes\r\n" + first + "More notes\r\n"
    again = render_document(catalog, today="2026-02-02", existing=edited)
    assert again == edited


def test_hand_edit_inside_block_moves_the_date() -> None:
    catalog = Catalog(datasets=(Dataset(id="a", name="a"),))
    first = render_document(catalog, today="2026-01-01", existing=None)
    tampered = first.replace("## Internal Data", "## Internal Data (edited)")
    again = render_document(catalog, today="2026-02-02", existing=tampered)
    assert again == render_document(catalog, today="2026-02-02", existing=None)


def test_keep_last_updated_needs_both_date_lines() -> None:
    assert keep_last_updated(None, "# T\n\nLast Updated: 2\n") == "# T\n\nLast Updated: 2\n"
    assert keep_last_updated("# T\n", "# T\n\nLast Updated: 2\n") == "# T\n\nLast Updated: 2\n"
    old = "# T\n\nLast Updated: 1\n"
    assert keep_last_updated(old, "# T\n\nLast Updated: 2\n") == old


def test_render_document_raises_on_bad_markers_unless_forced() -> None:
    with pytest.raises(MarkerError):
        render_document(Catalog(), today="2026-01-01", existing="hand written\n")
    with pytest.raises(MarkerError):
        render_document(Catalog(), today="2026-01-01", existing=f"{END}\n{BEGIN}\n")
    text = render_document(Catalog(), today="2026-01-01", existing=f"{END}\n{BEGIN}\n", force=True)
    assert text.startswith(BEGIN + "\n# Data Catalog\n") and text.endswith(END + "\n")


def test_unified_diff_matches_diff_u(tmp_path: Path) -> None:
    old = "a\nb\nc\nd\ne\nf\ng\nh\n"
    new = "a\nB\nc\nd\ne\nf\ng\nh\ni"
    patch = unified_diff(old, new, "DATA_CATALOG.md")
    assert patch.startswith("--- a/DATA_CATALOG.md\n+++ b/DATA_CATALOG.md\n@@ ")
    assert patch.endswith("+i\n\\ No newline at end of file\n")
    assert unified_diff(old, old, "x") == ""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "DATA_CATALOG.md").write_text(old)
    (tmp_path / "b" / "DATA_CATALOG.md").write_text(new)
    try:
        proc = subprocess.run(["diff", "-u", "a/DATA_CATALOG.md", "b/DATA_CATALOG.md"], cwd=tmp_path,
                              capture_output=True, text=True, check=False)
    except FileNotFoundError:
        pytest.skip("no diff binary")
    expected = "\n".join(line.split("\t")[0] if line.startswith(("---", "+++")) else line
                         for line in proc.stdout.split("\n"))
    assert patch == expected


def test_unified_diff_for_a_missing_file() -> None:
    patch = unified_diff(None, "x\n", "DATA_CATALOG.md")
    assert patch.startswith("--- /dev/null\n+++ b/DATA_CATALOG.md\n@@ -0,0 +1 @@\n+x\n")
