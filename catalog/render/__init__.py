"""Rendering the catalog for people: DATA_CATALOG.md as pure string functions.

``render_catalog`` turns a :class:`catalog.model.Catalog` into the generated block,
``render_document`` puts it into an existing file between the lakemap markers (keeping
the ``Last Updated`` date when nothing changed), and ``unified_diff`` shows what
``lakemap docs --check`` found stale. ``mask_example`` and the escaping helpers are
public because the TUI and other renderers show the same values.
"""

from catalog.render.document import (
    BEGIN_MARKER,
    END_MARKER,
    MarkerError,
    extract_block,
    inject,
    keep_last_updated,
    render_document,
    unified_diff,
)
from catalog.render.escape import code_span, escape_heading, escape_inline, escape_text
from catalog.render.markdown import render_catalog
from catalog.render.masking import mask_example

__all__ = [
    "BEGIN_MARKER",
    "END_MARKER",
    "MarkerError",
    "code_span",
    "escape_heading",
    "escape_inline",
    "escape_text",
    "extract_block",
    "inject",
    "keep_last_updated",
    "mask_example",
    "render_catalog",
    "render_document",
    "unified_diff",
]
