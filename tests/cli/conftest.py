"""Fixtures shared by the CLI tests: one generated demo workspace, copied per test that changes it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from catalog.demo import generate


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("demo") / "shop"
    generate(target)
    return target


@pytest.fixture
def shop(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo workspace for tests that change it."""
    target = tmp_path / "shop"
    shutil.copytree(demo_template, target)
    return target
