"""pytest wiring for the Gremlin tests: tags each TinkerPop feature case and prints the suite's summary line.

Why a summary of its own: the feature run is ~2,000 cases next to the rest of the repo's tests, and what
matters for the engine is the suite's own tally (passed / failed / xfailed, and how the scenarios that use
only the issue's step list fare), not the session total.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

_RUNNER = "test_tinkerpop_features.py::"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Copy what collection learned about each scenario onto its reports (``user_properties`` travel with
    them)."""
    for item in items:
        if _RUNNER not in item.nodeid:
            continue
        case = getattr(item, "callspec", None) and item.callspec.params.get("case")
        if not hasattr(case, "listed_only"):  # suite missing, or a feature file that does not parse
            continue
        item.user_properties.append(("gremlin_listed_only", bool(case.listed_only)))
        item.user_properties.append(("gremlin_unlisted", ",".join(case.unlisted)))


def _outcome(report: Any) -> str:
    if hasattr(report, "wasxfail"):
        return "xpassed" if report.passed else "xfailed"
    return str(report.outcome)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    counts: Counter[str] = Counter()
    listed: Counter[str] = Counter()
    blockers: Counter[str] = Counter()
    seen: set[str] = set()
    for key in ("passed", "failed", "xfailed", "xpassed", "skipped", "error"):
        for report in terminalreporter.stats.get(key, []):
            nodeid = getattr(report, "nodeid", "")
            if _RUNNER not in nodeid or nodeid in seen:
                continue
            if report.when != "call" and not (report.skipped or report.failed):
                continue
            seen.add(nodeid)
            outcome = _outcome(report)
            counts[outcome] += 1
            props = dict(getattr(report, "user_properties", []))
            if props.get("gremlin_listed_only"):
                listed[outcome] += 1
            if outcome == "xfailed" and props.get("gremlin_unlisted"):
                for step in str(props["gremlin_unlisted"]).split(","):
                    blockers[step] += 1
    if not seen:
        return
    order = ("passed", "failed", "xfailed", "xpassed", "skipped")
    line = ", ".join(f"{counts[k]} {k}" for k in order if counts[k]) or "nothing ran"
    listed_line = ", ".join(f"{listed[k]} {k}" for k in order if listed[k]) or "none"
    terminalreporter.write_sep("=", "TinkerPop feature suite")
    terminalreporter.write_line(f"TinkerPop feature suite: {line} (of {len(seen)} scenarios)")
    terminalreporter.write_line(f"  scenarios using only the issue's step list: {listed_line}")
    if blockers:
        top = ", ".join(f"{step} {n}" for step, n in blockers.most_common(12))
        terminalreporter.write_line(f"  most common unlisted steps among xfailed: {top}")
