"""Shared pytest wiring: the golden-file option and helpers every test package uses."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Textual snapshots break when NO_COLOR is set in the environment (see ../shared/ENVIRONMENT.md).
os.environ.pop("NO_COLOR", None)

GOLDEN_DIR = Path(__file__).parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite tests/golden/* from the current output instead of comparing",
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """``golden(name, text)`` compares ``text`` with ``tests/golden/name`` (or rewrites it with --update-goldens)."""
    update = request.config.getoption("--update-goldens")

    def check(name: str, text: str) -> None:
        path = GOLDEN_DIR / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        if not path.exists():
            pytest.fail(f"golden file {path} is missing; run pytest --update-goldens to create it")
        expected = path.read_text(encoding="utf-8")
        assert text == expected, f"output differs from {path}; rerun with --update-goldens if the change is intended"

    return check
