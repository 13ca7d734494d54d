"""lakemap's embedded Gremlin engine: an in-process graph that gremlinpython talks to.

``traversal().with_(EmbeddedConnection(graph))`` runs the same gremlinpython code that runs
against a Gremlin Server or Neptune through ``DriverRemoteConnection``; no JVM, no server.
"""

from __future__ import annotations

from graph.engine.connection import EmbeddedConnection, execute
from graph.engine.graphson import load_graphson, save_graphson
from graph.engine.store import Graph

__all__ = ["EmbeddedConnection", "Graph", "execute", "load_graphson", "save_graphson"]
