"""Generate the README's reference sections from the code, so they cannot drift.

The command reference is the real ``--help`` text of every command and the sources table
comes from the scanner registry. ``tests/cli/test_readme.py`` fails when README.md differs
from what this module produces; ``pytest --update-goldens`` rewrites those sections.
"""

from __future__ import annotations

import re
from typing import Any

import typer

from catalog.scanners import COMMON_KEYS, REGISTRY

_SECTION_RE = "<!-- {name}:begin -->\n(.*?)<!-- {name}:end -->"


def command_reference(app: typer.Typer) -> str:
    """Every command's ``--help`` output, as Markdown, in declaration order (nested groups included)."""
    root = typer.main.get_command(app)
    parts: list[str] = []

    def visit(command: Any, path: list[str]) -> None:
        # Typer may vendor its own click, so the context class comes from the command itself
        with command.context_class(command, info_name=" ".join(path), terminal_width=100,
                                   max_content_width=100) as ctx:
            text = command.get_help(ctx)
        title = "`" + " ".join(path) + "`"
        parts.append(f"### {title}\n\n```text\n{text.rstrip()}\n```\n")
        if hasattr(command, "list_commands"):  # Typer may ship its own click: duck-type the group
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                if sub is not None and not sub.hidden:
                    visit(sub, path + [name])

    visit(root, ["lakemap"])
    return "\n".join(parts)


def sources_table() -> str:
    """The supported source kinds and their keys, from the scanner registry."""
    rows = ["| kind | what it scans | keys |", "| --- | --- | --- |"]
    for kind in sorted(REGISTRY):
        info = REGISTRY[kind]
        keys = "<br>".join(f"`{key}`: {text}" for key, text in info.options.items())
        rows.append(f"| `{kind}` | {info.summary} | {keys} |")
    common = ", ".join(f"`{key}` ({text})" for key, text in COMMON_KEYS.items())
    return "\n".join(rows) + f"\n\nEvery source also takes {common}.\n"


def replace_section(document: str, name: str, body: str) -> str:
    """Put ``body`` between ``<!-- name:begin -->`` and ``<!-- name:end -->`` in ``document``."""
    pattern = re.compile(_SECTION_RE.format(name=re.escape(name)), re.S)
    if not pattern.search(document):
        raise ValueError(f"README has no <!-- {name}:begin --> / <!-- {name}:end --> markers")
    return pattern.sub(lambda _m: f"<!-- {name}:begin -->\n{body}<!-- {name}:end -->", document, count=1)


def render_readme(document: str) -> str:
    """README text with every generated section brought up to date."""
    from cli.main import app

    document = replace_section(document, "cli-reference", command_reference(app))
    return replace_section(document, "sources", sources_table())
