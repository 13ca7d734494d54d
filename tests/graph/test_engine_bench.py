"""bench/gremlin.py still runs: a tiny-scale smoke run (the real measurement is run by hand)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "gremlin.py"


def test_bench_runs_at_tiny_scale(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("lakemap_bench_gremlin", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--scale", "0.002", "--queries", "20"]) == 0
    out = capsys.readouterr().out
    assert "index lookup (gremlin)" in out and "targets:" in out
    graph, ids = module.build_graph(0.002, 7)
    assert len(ids) == 200 and len(graph.vertices_with_label("Customer")) == 200
