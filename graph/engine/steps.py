"""Imports every step module so their ``@register`` calls fill the step table."""

from __future__ import annotations

from graph.engine import (  # noqa: F401
    steps_barrier,
    steps_branch,
    steps_call,
    steps_filter,
    steps_graph,
    steps_group,
    steps_has,
    steps_lists,
    steps_map,
    steps_match,
    steps_merge,
    steps_mutate,
    steps_order,
    steps_range,
    steps_reduce,
    steps_values,
    steps_where,
)
