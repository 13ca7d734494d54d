"""GraphSON 3.0 (typed) files in TinkerGraph's ``GraphSONWriter`` layout: one vertex per line.

Each line holds a vertex with its id, label, properties (with meta-properties) and its
incident edges under ``outE`` / ``inE``. This is the format of TinkerPop's sample graphs and
what ``save_graphson`` writes, so a saved embedded graph can be read back by TinkerPop
tools and vice versa. Reading is strict about structure and reports the 1-based line of the
first problem; it never half-loads silently.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import json
import math
import re
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gremlin_python.statics import SingleByte, bigint, long, short
from gremlin_python.structure.io.util import HashableDict

from catalog.fsutil import atomic_write_text
from graph.engine.numbers import Float32
from graph.engine.store import Edge, Graph, Vertex
from graph.errors import GremlinError

__all__ = ["decode_value", "dumps_graphson", "encode_value", "load_graphson", "save_graphson"]


class _LineError(Exception):
    pass


# ------------------------------------------------------------------------------------ decoding
def _decode_float(raw: Any) -> float:
    if isinstance(raw, str):
        table = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
        if raw in table:
            return table[raw]
        raise _LineError(f"not a floating point value: {raw!r}")
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise _LineError(f"not a number: {raw!r}")
    return float(raw)


def _decode_int(raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, (int, str)):
        raise _LineError(f"not an integer: {raw!r}")
    try:
        return int(raw)
    except ValueError:
        raise _LineError(f"not an integer: {raw!r}") from None


_DURATION = re.compile(r"^(-)?P(?:(\d+)D)?(?:T(?:(-?\d+)H)?(?:(-?\d+)M)?(?:(-?\d+(?:\.\d+)?)S)?)?$")


def _decode_duration(raw: str) -> _dt.timedelta:
    m = _DURATION.match(raw)
    if not m:
        raise _LineError(f"not an ISO-8601 duration: {raw!r}")
    sign = -1 if m.group(1) else 1
    days, hours, minutes, seconds = (float(g) if g else 0.0 for g in m.groups()[1:])
    return sign * _dt.timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


def decode_value(node: Any) -> Any:
    """A GraphSON 3.0 typed value as the engine's Python value."""
    if isinstance(node, list):
        return [decode_value(x) for x in node]
    if not isinstance(node, dict):
        return node
    if "@type" not in node:
        return {k: decode_value(v) for k, v in node.items()}
    kind, raw = node["@type"], node.get("@value")
    if kind == "g:Int32":
        return _decode_int(raw)
    if kind == "g:Int64":
        return long(_decode_int(raw))
    if kind == "gx:Int16":
        return short(_decode_int(raw))
    if kind == "gx:Byte":
        return int.__new__(SingleByte, _decode_int(raw))
    if kind == "gx:BigInteger":
        return bigint(_decode_int(raw))
    if kind == "g:Double":
        return _decode_float(raw)
    if kind == "g:Float":
        return Float32(_decode_float(raw))
    if kind == "gx:BigDecimal":
        try:
            return decimal.Decimal(str(raw))
        except decimal.InvalidOperation:
            raise _LineError(f"not a decimal: {raw!r}") from None
    if kind == "g:List":
        return [decode_value(x) for x in _expect_list(raw, kind)]
    if kind == "g:Set":
        return {_hashable(decode_value(x)) for x in _expect_list(raw, kind)}
    if kind == "g:Map":
        items = _expect_list(raw, kind)
        if len(items) % 2:
            raise _LineError("g:Map needs an even number of entries")
        return {
            _hashable(decode_value(items[i])): decode_value(items[i + 1]) for i in range(0, len(items), 2)
        }
    if kind == "g:UUID":
        try:
            return uuid.UUID(str(raw))
        except ValueError:
            raise _LineError(f"not a UUID: {raw!r}") from None
    if kind in ("g:Date", "g:Timestamp"):
        ms = _decode_int(raw)
        return _dt.datetime.fromtimestamp(ms / 1000.0, tz=_dt.UTC)
    if kind == "gx:OffsetDateTime":
        try:
            return _dt.datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
        except ValueError:
            raise _LineError(f"not a datetime: {raw!r}") from None
    if kind == "gx:Duration":
        return _decode_duration(str(raw))
    if kind == "gx:Char":
        return str(raw)
    raise _LineError(f"unsupported GraphSON type {kind!r}")


def _expect_list(raw: Any, kind: str) -> list[Any]:
    if not isinstance(raw, list):
        raise _LineError(f"{kind} value must be a JSON array")
    return raw


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return HashableDict((k, _hashable(v)) for k, v in value.items())
    if isinstance(value, set):
        return frozenset(value)
    return value


# ------------------------------------------------------------------------------------ loading
def load_graphson(source: str | Path | Iterable[str]) -> Graph:
    """Read a GraphSON 3.0 adjacency-list file (a path) or its lines (any iterable of str).

    Raises GremlinError naming the line of the first malformed vertex or dangling edge.
    """
    if isinstance(source, (str, Path)):
        try:
            with open(source, encoding="utf-8") as handle:
                lines = handle.read().splitlines()
        except OSError as exc:
            raise GremlinError(f"cannot read GraphSON file {source}: {exc.strerror}") from None
        name = str(source)
    else:
        lines = list(source)
        name = "<graphson>"
    g = Graph()
    pending_out: list[tuple[int, Vertex, str, dict[str, Any]]] = []
    pending_in: list[tuple[int, Vertex, str, list[Any]]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            node = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GremlinError(f"{name}:{number}: invalid JSON: {exc.msg} (column {exc.colno})") from None
        try:
            _read_vertex(g, node, number, pending_out, pending_in)
        except _LineError as exc:
            raise GremlinError(f"{name}:{number}: {exc}") from None
        except GremlinError as exc:
            raise GremlinError(f"{name}:{number}: {exc}") from None
    for number, v, label, edge in pending_out:
        try:
            _read_out_edge(g, v, label, edge)
        except (_LineError, GremlinError) as exc:
            raise GremlinError(f"{name}:{number}: {exc}") from None
    # incoming adjacency in the order the file lists it (labels, then edges)
    listed: dict[int, list[tuple[int, str, list[Any]]]] = {}
    for number, v, label, ids in pending_in:
        listed.setdefault(id(v), []).append((number, label, ids))
    for v in g.vertices.values():
        entries = listed.get(id(v))
        if not entries:
            continue
        rebuilt: dict[str, list[Edge]] = {}
        for number, label, ids in entries:
            bucket = rebuilt.setdefault(label, [])
            for eid in ids:
                e = g.edge(eid)
                if e is None or e.in_v is not v or e.label != label:
                    raise GremlinError(
                        f"{name}:{number}: inE edge {eid!r} of vertex {v.id!r} has no matching outE"
                    )
                bucket.append(e)
        placed = {id(e) for bucket in rebuilt.values() for e in bucket}
        for label, bucket in v.in_e.items():
            extra = [e for e in bucket if id(e) not in placed]
            if extra:
                rebuilt.setdefault(label, []).extend(extra)
        v.in_e = {label: bucket for label, bucket in rebuilt.items() if bucket}
    return g


def _read_vertex(
    g: Graph,
    node: Any,
    number: int,
    pending_out: list[tuple[int, Vertex, str, dict[str, Any]]],
    pending_in: list[tuple[int, Vertex, str, list[Any]]],
) -> None:
    if not isinstance(node, dict) or "id" not in node:
        raise _LineError("expected a vertex object with an 'id'")
    vid = decode_value(node["id"])
    label = node.get("label", "vertex")
    if not isinstance(label, str):
        raise _LineError("vertex label must be a string")
    v = g.add_vertex(label, vid)
    props = node.get("properties", {})
    if not isinstance(props, dict):
        raise _LineError("'properties' must be an object")
    for key, entries in props.items():
        if not isinstance(entries, list):
            raise _LineError(f"property {key!r} must be a list of vertex properties")
        for entry in entries:
            if not isinstance(entry, dict) or "value" not in entry:
                raise _LineError(f"vertex property {key!r} needs a 'value'")
            vp_id = decode_value(entry["id"]) if "id" in entry else None
            vp = g.add_vertex_property(v, key, decode_value(entry["value"]), "list", vp_id)
            meta = entry.get("properties", {})
            if not isinstance(meta, dict):
                raise _LineError(f"meta-properties of {key!r} must be an object")
            for mk, mv in meta.items():
                g.set_meta_property(vp, mk, decode_value(mv))  # type: ignore[arg-type]
    for direction in ("outE", "inE"):
        table = node.get(direction, {})
        if not isinstance(table, dict):
            raise _LineError(f"'{direction}' must be an object")
        for elabel, edges in table.items():
            if not isinstance(edges, list):
                raise _LineError(f"'{direction}.{elabel}' must be a list")
            if direction == "outE":
                for edge in edges:
                    if not isinstance(edge, dict) or "inV" not in edge:
                        raise _LineError(f"outE edge of label {elabel!r} needs 'inV'")
                    pending_out.append((number, v, elabel, edge))  # type: ignore[arg-type]
            else:
                ids = []
                for edge in edges:
                    if not isinstance(edge, dict) or "id" not in edge:
                        raise _LineError(f"inE edge of label {elabel!r} needs an 'id'")
                    ids.append(decode_value(edge["id"]))
                pending_in.append((number, v, elabel, ids))  # type: ignore[arg-type]


def _read_out_edge(g: Graph, v: Vertex, label: str, edge: dict[str, Any]) -> None:
    in_id = decode_value(edge["inV"])
    in_v = g.vertex(in_id)
    if in_v is None:
        raise _LineError(f"edge {label!r} from vertex {v.id!r} points to missing vertex {in_id!r}")
    eid = decode_value(edge["id"]) if "id" in edge else None
    e = g.add_edge(label, v, in_v, eid)
    props = edge.get("properties", {})
    if not isinstance(props, dict):
        raise _LineError("edge 'properties' must be an object")
    for k, raw in props.items():
        g.set_edge_property(e, k, decode_value(raw))


# ------------------------------------------------------------------------------------ saving
def _typed(kind: str, value: Any) -> dict[str, Any]:
    return {"@type": kind, "@value": value}


def _float_raw(value: float) -> Any:
    if value != value:
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def _duration_text(value: _dt.timedelta) -> str:
    total = value.total_seconds()
    sign = "-" if total < 0 else ""
    total = abs(total)
    seconds = total % 60
    minutes = int(total // 60) % 60
    hours = int(total // 3600)
    sec_text = (f"{seconds:.9f}".rstrip("0").rstrip(".")) if seconds else "0"
    return f"{sign}PT{hours}H{minutes}M{sec_text}S"


def encode_value(value: Any) -> Any:
    """The engine's Python value as a GraphSON 3.0 typed value."""
    t = type(value)
    if value is None or t is str or t is bool:
        return value
    if t is SingleByte:
        return _typed("gx:Byte", int(value))
    if t is short:
        return _typed("gx:Int16", int(value))
    if t is long:
        return _typed("g:Int64", int(value))
    if t is bigint:
        return _typed("gx:BigInteger", str(int(value)))
    if t is int:
        if -(2**31) <= value < 2**31:
            return _typed("g:Int32", value)
        if -(2**63) <= value < 2**63:
            return _typed("g:Int64", value)
        return _typed("gx:BigInteger", str(value))
    if t is Float32:
        return _typed("g:Float", _float_raw(value))
    if isinstance(value, float):
        return _typed("g:Double", _float_raw(value))
    if isinstance(value, decimal.Decimal):
        return _typed("gx:BigDecimal", str(value))
    if isinstance(value, (list, tuple)):
        return _typed("g:List", [encode_value(v) for v in value])
    if isinstance(value, (set, frozenset)):
        return _typed("g:Set", [encode_value(v) for v in value])
    if isinstance(value, dict):
        flat: list[Any] = []
        for k, v in value.items():
            flat.append(encode_value(k))
            flat.append(encode_value(v))
        return _typed("g:Map", flat)
    if isinstance(value, uuid.UUID):
        return _typed("g:UUID", str(value))
    if isinstance(value, _dt.datetime):
        return _typed("gx:OffsetDateTime", value.isoformat())
    if isinstance(value, _dt.timedelta):
        return _typed("gx:Duration", _duration_text(value))
    if isinstance(value, str):
        return str(value)
    raise GremlinError(f"cannot write a value of type {type(value).__name__} to GraphSON")


def _edge_props(e: Edge) -> dict[str, Any]:
    return {k: encode_value(p.value) for k, p in e.props.items()}


def _vertex_line(v: Vertex) -> str:
    node: dict[str, Any] = {"id": encode_value(v.id), "label": v.label}
    if v.in_e:
        node["inE"] = {
            label: [
                {
                    "id": encode_value(e.id),
                    "outV": encode_value(e.out_v.id),
                    **({"properties": _edge_props(e)} if e.props else {}),
                }
                for e in bucket
            ]
            for label, bucket in v.in_e.items()
        }
    if v.out_e:
        node["outE"] = {
            label: [
                {
                    "id": encode_value(e.id),
                    "inV": encode_value(e.in_v.id),
                    **({"properties": _edge_props(e)} if e.props else {}),
                }
                for e in bucket
            ]
            for label, bucket in v.out_e.items()
        }
    if v.props:
        props: dict[str, Any] = {}
        for key, vps in v.props.items():
            entries = []
            for vp in vps:
                entry: dict[str, Any] = {"id": encode_value(vp.id), "value": encode_value(vp.value)}
                if vp.props:
                    entry["properties"] = {k: encode_value(p.value) for k, p in vp.props.items()}
                entries.append(entry)
            props[key] = entries
        node["properties"] = props
    return json.dumps(node, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def dumps_graphson(graph: Graph) -> str:
    """The whole graph as GraphSON 3.0 lines (deterministic: vertex and edge insertion order)."""
    return "".join(_vertex_line(v) + "\n" for v in graph.vertices.values())


def save_graphson(graph: Graph, path: str | Path) -> None:
    """Write ``graph`` to ``path`` atomically (old file or new file, never half of one)."""
    atomic_write_text(path, dumps_graphson(graph))
