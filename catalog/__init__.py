"""The catalog: one model for every source, the scanners that fill it, and its renderers.

Public surface for the other packages (lineage, graph, cli):
:mod:`catalog.model` (the data), :func:`catalog.config.load_config`,
:func:`catalog.workspace.load_catalog`, :mod:`catalog.render` and :mod:`catalog.snapshot`.
"""
