"""``EmbeddedConnection``: gremlinpython's RemoteConnection, answered in-process.

``traversal().with_(EmbeddedConnection(graph))`` accepts exactly the code that runs against
``DriverRemoteConnection(url, 'g')``: gremlinpython builds Bytecode and calls ``submit``; we
compile it, run it to completion (as a server would before replying), convert the results to
gremlinpython's types and hand back ``Traverser(obj, bulk)`` objects.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from gremlin_python.driver.remote_connection import RemoteConnection, RemoteTraversal
from gremlin_python.process.traversal import Bytecode
from gremlin_python.process.traversal import Traverser as GTraverser

from graph.engine import steps  # noqa: F401  (registers every step)
from graph.engine.compare import GremlinTypeError
from graph.engine.compiler import Compiler
from graph.engine.convert import to_output
from graph.engine.core import Context, Traversal
from graph.engine.store import Graph
from graph.engine.strategies import verify
from graph.errors import GremlinError

__all__ = ["EmbeddedConnection", "execute", "execute_raw"]

_FULL_PATH_STEPS = {"PathStep", "PathFilterStep", "TreeStep", "MatchStep"}


def _path_mode(traversal: Traversal) -> str:
    """How much history equal traversers must share before barriers may merge them.

    ``full`` when some step reads whole paths, ``labels`` when only labelled objects are read
    (select/where/...; TinkerPop keeps just those), ``none`` otherwise.
    """
    mode = "none"
    for step in traversal.walk():
        if type(step).__name__ in _FULL_PATH_STEPS or step.name == "otherV":
            return "full"
        if step.labels:
            mode = "labels"
    return mode


def execute_raw(graph: Graph, bytecode: Bytecode) -> list[tuple[Any, int]]:
    """Run ``bytecode`` on ``graph``; results as (engine value, bulk) pairs."""
    ctx = Context(graph)
    try:
        traversal = Compiler(ctx).compile_root(bytecode)
        verify(ctx, traversal)
        ctx.with_path = _path_mode(traversal)
        return [(t.obj, t.bulk) for t in traversal.run(ctx, iter(()))]
    except GremlinTypeError as exc:  # an ERROR comparison outside any filter
        raise GremlinError(str(exc)) from None
    except RecursionError:
        raise GremlinError("traversal nested too deeply") from None


def execute(graph: Graph, bytecode: Bytecode) -> list[GTraverser]:
    """Run ``bytecode`` and return gremlinpython Traversers holding gremlinpython values."""
    results = execute_raw(graph, bytecode)
    try:
        return [GTraverser(to_output(obj), bulk) for obj, bulk in results]
    except RecursionError:
        raise GremlinError("a result is nested too deeply to return") from None


class EmbeddedConnection(RemoteConnection):
    """A RemoteConnection that evaluates traversals against an in-memory :class:`Graph`."""

    def __init__(self, graph: Graph, traversal_source: str = "g") -> None:
        super().__init__("embedded", traversal_source)
        self.graph = graph
        self._closed = False
        self._lock = threading.RLock()
        self._executor: ThreadPoolExecutor | None = None

    def submit(self, bytecode: Bytecode) -> RemoteTraversal:
        if self._closed:
            raise GremlinError("the embedded connection is closed")
        with self._lock:
            traversers = execute(self.graph, bytecode)
        return RemoteTraversal(iter(traversers))

    def submit_async(self, bytecode: Bytecode) -> Future:
        if self._closed:
            raise GremlinError("the embedded connection is closed")
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lakemap-gremlin")
            return self._executor.submit(self.submit, bytecode)

    def close(self) -> None:
        self._closed = True
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None

    def is_closed(self) -> bool:
        return self._closed

    def __repr__(self) -> str:
        return f"EmbeddedConnection({self.graph!r})"
