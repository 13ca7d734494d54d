"""DATA_CATALOG.md as a whole: the user's text around lakemap's marked block.

Teams keep their own introduction, contacts and notes in the same file, so lakemap owns
only what sits between ``<!-- lakemap:begin -->`` and ``<!-- lakemap:end -->`` and keeps
everything else byte for byte (newline style included). The ``Last Updated`` date moves
only when the generated content changes, so regenerating an unchanged workspace gives
the same bytes and ``lakemap docs --check`` passes in CI on any day.

All functions here are pure string functions; the CLI reads and writes the file.

Example:
    >>> inject("# Notes\\n<!-- lakemap:begin -->\\nold\\n<!-- lakemap:end -->\\n", "new\\n", force=False)
    '# Notes\\n<!-- lakemap:begin -->\\nnew\\n<!-- lakemap:end -->\\n'
"""

from __future__ import annotations

import difflib
import re

from catalog.model import Catalog
from catalog.render.markdown import LAST_UPDATED_PREFIX, render_catalog

BEGIN_MARKER = "<!-- lakemap:begin -->"
END_MARKER = "<!-- lakemap:end -->"

_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_CANDIDATE_RE = re.compile(r"^(?: {0,3}(?:```|~~~)|[ \t]*<!-- lakemap:)", re.MULTILINE)
_LAST_UPDATED_RE = re.compile(rf"^{re.escape(LAST_UPDATED_PREFIX)}.*$", re.MULTILINE)


class MarkerError(ValueError):
    """The file's lakemap markers are missing or malformed; ``line`` is 1-based when known."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        self.reason = reason
        self.line = line
        super().__init__(f"line {line}: {reason}" if line is not None else reason)


def _marker_lines(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Begin and end markers as ``(line number, offset)``, each alone on its line (spaces
    and tabs around it allowed) and outside fenced code blocks (a README may show the
    markers in an example). Only ``\n`` ends a line, as in Markdown; a ``\r`` before it
    is ignored.

    Only lines that could matter (fences and lakemap comments) are looked at, so a
    several-MB catalog is scanned in milliseconds.
    """
    begins: list[tuple[int, int]] = []
    ends: list[tuple[int, int]] = []
    fence: str | None = None
    line_number, counted_to = 1, 0
    for candidate in _CANDIDATE_RE.finditer(text):
        offset = candidate.start()
        line_number += text.count("\n", counted_to, offset)
        counted_to = offset
        end = text.find("\n", offset)
        line = text[offset:] if end < 0 else text[offset:end]
        line = line.removesuffix("\r")
        match = _FENCE_RE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
                    and not match.group(2).strip():
                fence = None
            continue
        if match and not (match.group(1)[0] == "`" and "`" in match.group(2)):
            fence = match.group(1)
            continue
        stripped = line.strip(" \t")
        if stripped == BEGIN_MARKER:
            begins.append((line_number, offset))
        elif stripped == END_MARKER:
            ends.append((line_number, offset))
    return begins, ends


def _block_span(text: str) -> tuple[int, int] | None:
    """Offsets of the generated block (after the begin line, up to the end line), or
    ``None`` when the file has no markers at all.

    Raises:
        MarkerError: markers that cannot be paired: a begin or end alone, an end before
            the begin, or more than one of either.
    """
    begins, ends = _marker_lines(text)
    if not begins and not ends:
        return None
    if len(begins) > 1:
        raise MarkerError(f"a second {BEGIN_MARKER} marker (the first is on line {begins[0][0]}); "
                          "keep exactly one pair", begins[1][0])
    if len(ends) > 1:
        raise MarkerError(f"a second {END_MARKER} marker (the first is on line {ends[0][0]}); "
                          "keep exactly one pair", ends[1][0])
    if not ends:
        raise MarkerError(f"{BEGIN_MARKER} has no matching {END_MARKER} after it", begins[0][0])
    if not begins:
        raise MarkerError(f"{END_MARKER} has no matching {BEGIN_MARKER} before it", ends[0][0])
    (begin_line, begin_offset), (end_line, end_offset) = begins[0], ends[0]
    if end_line < begin_line:
        raise MarkerError(f"{END_MARKER} comes before {BEGIN_MARKER} (line {begin_line})", end_line)
    return text.index("\n", begin_offset) + 1, end_offset


def _no_markers_error(text: str) -> MarkerError:
    hint = ""
    for marker in (BEGIN_MARKER, END_MARKER):
        position = text.find(marker)
        if position >= 0:
            line = text.count("\n", 0, position) + 1
            hint = (f" ({marker} on line {line} is not alone on its line or sits in a code block; "
                    "a marker must be a line of its own)")
            break
    return MarkerError(
        f"file has no lakemap markers; add a {BEGIN_MARKER} line and a {END_MARKER} line where the "
        f"catalog should go, or use --force to overwrite the file{hint}"
    )


def _newline_of(text: str) -> str:
    """The file's newline style: CRLF when most of its line breaks are CRLF."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


def _blank(text: str | None) -> bool:
    """No text, or only whitespace (checked without copying a multi-MB string)."""
    return not text or text.isspace()


def _normalize_block(block: str) -> str:
    """``\n`` newlines and exactly one at the end ("" for a blank block)."""
    if "\r" in block:
        block = block.replace("\r\n", "\n")
    if _blank(block):
        return ""
    if block.endswith("\n") and not block.endswith("\n\n"):
        return block
    return block.rstrip("\n") + "\n"


def extract_block(existing: str) -> str | None:
    """The generated block of an existing file with ``\\n`` newlines, or ``None`` when the
    file has no markers. Raises :class:`MarkerError` for malformed markers."""
    span = _block_span(existing)
    if span is None:
        return None
    return existing[span[0]:span[1]].replace("\r\n", "\n")


def inject(existing: str | None, block: str, *, force: bool) -> str:
    """Put ``block`` between the markers of ``existing`` and return the whole file.

    * no file (``None``, or only whitespace): the block between markers;
    * markers found: the text outside them is kept byte for byte, and the block is
      written with the file's newline style (CRLF files stay CRLF);
    * no markers, or markers that cannot be paired: :class:`MarkerError`, unless
      ``force``, which makes the file just the marked block.
    """
    body = _normalize_block(block)
    if existing is None or _blank(existing):
        newline = _newline_of(existing or "")
        return f"{BEGIN_MARKER}\n{body}{END_MARKER}\n".replace("\n", newline)
    newline = _newline_of(existing)
    try:
        span = _block_span(existing)
    except MarkerError:
        if not force:
            raise
        span = None
    if span is None:
        if not force:
            raise _no_markers_error(existing)
        return f"{BEGIN_MARKER}\n{body}{END_MARKER}\n".replace("\n", newline)
    start, end = span
    return existing[:start] + body.replace("\n", newline) + existing[end:]


def _date_line(block: str) -> re.Match[str] | None:
    return _LAST_UPDATED_RE.search(block)


def keep_last_updated(old_block: str | None, new_block: str) -> str:
    """``new_block`` with the old block's ``Last Updated`` line when nothing else differs.

    Both blocks use ``\\n`` newlines. If the old block is missing, has no date line, or
    differs anywhere but on that line, ``new_block`` is returned unchanged (today's date).
    """
    if old_block is None:
        return new_block
    old_block = _normalize_block(old_block)
    old_match, new_match = _date_line(old_block), _date_line(new_block)
    if old_match is None or new_match is None:
        return new_block
    start = new_match.start()
    if old_match.start() != start or old_block[:start] != new_block[:start]:
        return new_block
    if len(old_block) - old_match.end() != len(new_block) - new_match.end() \
            or not old_block.endswith(new_block[new_match.end():]):
        return new_block
    return new_block[:new_match.start()] + old_match.group(0) + new_block[new_match.end():]


def render_document(catalog: Catalog, *, today: str, existing: str | None, force: bool = False) -> str:
    """The whole DATA_CATALOG.md: ``existing`` with its block regenerated.

    ``today`` (``YYYY-MM-DD``, from the CLI's clock) is used only when the content
    changed; otherwise the existing date is kept, so an unchanged workspace renders to
    the very same bytes. Raises :class:`MarkerError` as :func:`inject` does.
    """
    block = render_catalog(catalog, last_updated=today)
    if existing is not None and not _blank(existing):
        try:
            old_block = extract_block(existing)
        except MarkerError:
            if not force:
                raise
            old_block = None
        block = keep_last_updated(old_block, block)
    return inject(existing, block, force=force)


def unified_diff(old: str | None, new: str, path: str) -> str:
    """A ``diff -u`` style patch from ``old`` to ``new`` for ``docs --check``.

    Headers are ``a/PATH`` and ``b/PATH`` (``/dev/null`` when there is no old file), with no
    timestamps; a last line without a newline gets ``\\ No newline at end of file``.
    Returns ``""`` when the texts are equal.
    """
    if old == new:
        return ""
    diff = difflib.unified_diff(
        _split_keep(old or ""), _split_keep(new),
        fromfile=f"a/{path}" if old is not None else "/dev/null", tofile=f"b/{path}",
    )
    out: list[str] = []
    for line in diff:
        if line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _split_keep(text: str) -> list[str]:
    """Lines with their ``\\n`` kept; unlike ``str.splitlines`` only ``\\n`` ends a line."""
    if not text:
        return []
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines
