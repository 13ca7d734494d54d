"""The README's generated sections match the code (run with --update-goldens to refresh them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.docgen import render_readme, replace_section

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_reference_sections_are_current(request: pytest.FixtureRequest) -> None:
    current = README.read_text(encoding="utf-8")
    expected = render_readme(current)
    if request.config.getoption("--update-goldens"):
        README.write_text(expected, encoding="utf-8")
        return
    assert current == expected, "README.md reference sections are stale: run pytest --update-goldens"


def test_readme_quick_start_commands_match_ci() -> None:
    """The README's test command is the one .ci/run executes, character for character."""
    readme = README.read_text(encoding="utf-8")
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    test_command = "pip install -e '.[test,fast]' && python -m pytest -q"
    assert test_command in readme
    assert test_command in ci
    assert "pip install -e . && lakemap demo shop && lakemap --config shop/catalog.yaml docs" in readme


def test_replace_section_needs_markers() -> None:
    with pytest.raises(ValueError, match="no <!-- x:begin -->"):
        replace_section("no markers", "x", "body")
    assert replace_section("a<!-- x:begin -->\nold<!-- x:end -->b", "x", "new\n") == \
        "a<!-- x:begin -->\nnew\n<!-- x:end -->b"
