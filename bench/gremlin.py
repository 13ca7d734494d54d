"""Benchmark lakemap's embedded Gremlin engine on a generated retail graph.

The graph has the shape lakemap's own graph mapping produces: ``Customer``, ``Product`` and
``Brand`` vertices, ``PURCHASED``/``VIEWED`` edges from customers to products (parallel edges
allowed), ``SIMILAR_TO`` between products and ``MANUFACTURED_BY`` from products to brands.
At ``--scale 1`` that is 100,000 customers, 10,000 products, 500 brands and 1,000,000
purchase/view edges. One run prints:

* load: seconds to build the graph and its memory (RSS growth; ``--tracemalloc`` for Python's
  own allocation count instead, which is slower);
* lookup: p50/p95 of ``g.V().hasLabel('Customer').has('customer_id', X)`` through
  gremlinpython and ``EmbeddedConnection`` (the property index), against two same-run
  baselines: a plain ``dict`` lookup (the floor) and a label scan (what an unindexed engine
  does);
* query: p50/p95 of ``...has('customer_id', X).out('PURCHASED').out('SIMILAR_TO').dedup()
  .limit(10)``.

Targets: lookup p95 under 1 ms, query p95 under 20 ms. Timings are wall-clock and move with
whatever else the machine runs; the data is generated from ``--seed`` so runs are comparable.

Usage::

    python bench/gremlin.py [--scale 1.0] [--queries 500] [--seed 7] [--tracemalloc]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gremlin_python.process.anonymous_traversal import traversal

from graph.engine import EmbeddedConnection, Graph

SEGMENTS = ("retail", "wholesale", "vip", "new")
CATEGORIES = ("books", "garden", "toys", "music", "tools", "food", "sports", "home")


def _rss_bytes() -> int:
    """Resident set size of this process (Linux /proc; 0 where unavailable)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def build_graph(scale: float, seed: int) -> tuple[Graph, list[str]]:
    """The retail graph at ``scale``; returns it and the customer ids."""
    rnd = random.Random(seed)
    n_customers = max(10, int(100_000 * scale))
    n_products = max(10, int(10_000 * scale))
    n_brands = max(2, int(500 * scale))
    n_events = max(10, int(1_000_000 * scale))
    g = Graph()
    epoch = dt.date(2020, 1, 1)
    brands = []
    for i in range(n_brands):
        b = g.add_vertex("Brand")
        g.add_vertex_property(b, "brand_id", f"B{i:05d}")
        g.add_vertex_property(b, "name", f"Brand {i}")
        brands.append(b)
    products = []
    for i in range(n_products):
        p = g.add_vertex("Product")
        g.add_vertex_property(p, "product_id", f"P{i:06d}")
        g.add_vertex_property(p, "category", rnd.choice(CATEGORIES))
        g.add_vertex_property(p, "price", round(rnd.uniform(1, 500), 2))
        g.add_edge("MANUFACTURED_BY", p, rnd.choice(brands))
        products.append(p)
    for p in products:
        for other in rnd.sample(products, 5):
            if other is not p:
                e = g.add_edge("SIMILAR_TO", p, other)
                g.set_edge_property(e, "similarity_score", round(rnd.random(), 3))
    customers = []
    ids = []
    for i in range(n_customers):
        c = g.add_vertex("Customer")
        cid = f"C{i:07d}"
        g.add_vertex_property(c, "customer_id", cid)
        g.add_vertex_property(c, "segment", rnd.choice(SEGMENTS))
        g.add_vertex_property(c, "signup_date", (epoch + dt.timedelta(days=rnd.randrange(1500))).isoformat())
        customers.append(c)
        ids.append(cid)
    for _ in range(n_events):
        c = customers[rnd.randrange(n_customers)]
        p = products[rnd.randrange(n_products)]
        day = (epoch + dt.timedelta(days=rnd.randrange(1500))).isoformat()
        if rnd.random() < 0.3:
            e = g.add_edge("PURCHASED", c, p)
            g.set_edge_property(e, "order_date", day)
            g.set_edge_property(e, "amount", round(rnd.uniform(1, 500), 2))
        else:
            e = g.add_edge("VIEWED", c, p)
            g.set_edge_property(e, "view_timestamp", day + "T12:00:00Z")
    return g, ids


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered) * 1000, p95 * 1000


def timed(fn: Callable[[str], object], keys: list[str]) -> list[float]:
    out = []
    for key in keys:
        start = time.perf_counter()
        fn(key)
        out.append(time.perf_counter() - start)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", type=float, default=1.0, help="graph size relative to 100k customers / 1M edges"
    )
    parser.add_argument("--queries", type=int, default=500, help="timed queries per measurement")
    parser.add_argument("--seed", type=int, default=7, help="random seed for the generated data")
    parser.add_argument(
        "--tracemalloc", action="store_true", help="count Python allocations instead of RSS growth"
    )
    args = parser.parse_args(argv)

    if args.tracemalloc:
        tracemalloc.start()
    rss_before = _rss_bytes()
    start = time.perf_counter()
    graph, ids = build_graph(args.scale, args.seed)
    load_s = time.perf_counter() - start
    if args.tracemalloc:
        memory, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        memory_label = "python allocations"
    else:
        memory = _rss_bytes() - rss_before
        memory_label = "RSS growth"
    gc.collect()
    gc.freeze()  # a loaded graph is long-lived: keep the collector from rescanning it on every query
    counts = {label: len(graph.vertices_with_label(label)) for label in ("Customer", "Product", "Brand")}
    edges = {
        label: len(graph.edges_with_label(label))
        for label in ("PURCHASED", "VIEWED", "SIMILAR_TO", "MANUFACTURED_BY")
    }
    print(
        f"graph: {counts['Customer']:,} customers, {counts['Product']:,} products, "
        f"{counts['Brand']:,} brands; "
        f"{edges['PURCHASED'] + edges['VIEWED']:,} PURCHASED/VIEWED, {edges['SIMILAR_TO']:,} SIMILAR_TO, "
        f"{edges['MANUFACTURED_BY']:,} MANUFACTURED_BY edges"
    )
    print(f"load: {load_s:.1f} s, {memory / 2**20:,.0f} MiB ({memory_label})")

    g = traversal().with_(EmbeddedConnection(graph))
    rnd = random.Random(args.seed + 1)
    keys = [rnd.choice(ids) for _ in range(args.queries)]

    start = time.perf_counter()
    g.V().has_label("Customer").has("customer_id", keys[0]).to_list()  # builds the (label, key) index
    print(f"index build (first lookup): {(time.perf_counter() - start) * 1000:.0f} ms")

    customers = graph.vertices_with_label("Customer")
    by_id = {v.first_value("customer_id"): v for v in customers}
    dict_samples = timed(lambda k: by_id[k], keys)
    scan_keys = keys[: max(5, min(20, len(keys)))]
    scan_samples = timed(lambda k: [v for v in customers if v.first_value("customer_id") == k], scan_keys)
    lookup_samples = timed(lambda k: g.V().has_label("Customer").has("customer_id", k).to_list(), keys)
    query_samples = timed(
        lambda k: (
            g.V()
            .has_label("Customer")
            .has("customer_id", k)
            .out("PURCHASED")
            .out("SIMILAR_TO")
            .dedup()
            .limit(10)
            .to_list()
        ),
        keys,
    )

    d50, d95 = percentiles(dict_samples)
    s50, s95 = percentiles(scan_samples)
    l50, l95 = percentiles(lookup_samples)
    q50, q95 = percentiles(query_samples)
    print(f"baseline dict lookup:      p50 {d50:8.4f} ms  p95 {d95:8.4f} ms")
    print(f"baseline label scan:       p50 {s50:8.2f} ms  p95 {s95:8.2f} ms  ({len(scan_keys)} runs)")
    print(
        f"index lookup (gremlin):    p50 {l50:8.3f} ms  p95 {l95:8.3f} ms  "
        f"= {l50 / d50:,.0f}x dict, 1/{s50 / l50:,.0f} of a scan"
    )
    print(f"2-hop query (gremlin):     p50 {q50:8.3f} ms  p95 {q95:8.3f} ms  = {q50 / l50:.1f}x a lookup")
    ok_lookup = l95 < 1.0
    ok_query = q95 < 20.0
    print(
        f"targets: lookup p95 < 1 ms: {'met' if ok_lookup else 'MISSED'}; "
        f"query p95 < 20 ms: {'met' if ok_query else 'MISSED'}"
    )
    gc.unfreeze()
    return 0 if ok_lookup and ok_query else 1


if __name__ == "__main__":
    raise SystemExit(main())
