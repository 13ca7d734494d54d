"""A small Gherkin reader for TinkerPop's feature files.

Why our own: the suite uses a narrow, stable subset of Gherkin (Feature, Scenario, tags,
Given/When/Then/And/But steps, ``\"\"\"`` doc strings and ``|`` tables) and a pytest runner needs plain data,
not a BDD framework with its own test discovery. Reading is pure (text in, dataclasses out); errors carry the
1-based line so a broken feature file points at itself.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Feature", "GherkinError", "Scenario", "Step", "parse_feature"]

_STEP_KEYWORDS = ("Given", "When", "Then", "And", "But")
_DOCSTRING_FENCE = '"""'


class GherkinError(ValueError):
    """A feature file that does not follow the Gherkin subset; ``line`` is 1-based."""

    def __init__(self, message: str, *, path: str, line: int) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line


@dataclass(frozen=True, slots=True)
class Step:
    """One step. ``keyword`` is the word as written (``And`` stays ``And``); ``text`` follows it."""

    keyword: str
    text: str
    line: int
    docstring: str | None = None
    table: tuple[tuple[str, ...], ...] | None = None


@dataclass(frozen=True, slots=True)
class Scenario:
    """A scenario; ``tags`` holds the feature's tags followed by its own (without ``@``)."""

    name: str
    line: int
    tags: tuple[str, ...]
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Feature:
    """A feature file: its name, own tags, and scenarios in file order."""

    name: str
    path: str
    tags: tuple[str, ...]
    scenarios: tuple[Scenario, ...]


def parse_feature(text: str, path: str = "<feature>") -> Feature:
    """Read one feature file's text.

    >>> f = parse_feature("Feature: F\\n  Scenario: s\\n    Given the modern graph\\n")
    >>> f.scenarios[0].steps[0].text
    'the modern graph'
    """
    return _Reader(text, path).read()


class _Reader:
    """Line-oriented state machine; one instance reads one file."""

    def __init__(self, text: str, path: str) -> None:
        self._lines = text.splitlines()
        self._path = path
        self._pos = 0
        self._pending_tags: list[str] = []

    def _fail(self, message: str, line: int) -> GherkinError:
        return GherkinError(message, path=self._path, line=line)

    def read(self) -> Feature:
        feature_name: str | None = None
        feature_tags: tuple[str, ...] = ()
        scenarios: list[Scenario] = []
        # Scenario under construction: (name, line, tags, steps)
        current: tuple[str, int, tuple[str, ...], list[Step]] | None = None

        def close() -> None:
            if current is not None:
                name, line, tags, steps = current
                scenarios.append(Scenario(name, line, feature_tags + tags, tuple(steps)))

        while self._pos < len(self._lines):
            lineno = self._pos + 1
            stripped = self._lines[self._pos].strip()
            self._pos += 1
            if not stripped or stripped.startswith("#"):
                continue
            if stripped.startswith("@"):
                self._pending_tags.extend(self._tags(stripped, lineno))
                continue
            if stripped.startswith("Feature:"):
                if feature_name is not None:
                    raise self._fail("a file holds one Feature", lineno)
                feature_name = stripped[len("Feature:") :].strip()
                feature_tags = tuple(self._pending_tags)
                self._pending_tags = []
                continue
            if stripped.startswith("Scenario:"):
                if feature_name is None:
                    raise self._fail("Scenario before Feature", lineno)
                close()
                current = (stripped[len("Scenario:") :].strip(), lineno, tuple(self._pending_tags), [])
                self._pending_tags = []
                continue
            keyword = _step_keyword(stripped)
            if keyword is not None:
                if current is None:
                    raise self._fail(f"step {keyword!r} outside a Scenario", lineno)
                current[3].append(self._step(keyword, stripped[len(keyword) :].strip(), lineno))
                continue
            if feature_name is not None and current is None and not self._pending_tags:
                continue  # free description text under the Feature line
            raise self._fail(f"expected a step, Scenario, tag or comment, found {stripped[:40]!r}", lineno)
        close()
        if feature_name is None:
            raise self._fail("no Feature: line", max(len(self._lines), 1))
        if self._pending_tags:
            raise self._fail("tags at the end of the file tag nothing", len(self._lines))
        return Feature(feature_name, self._path, feature_tags, tuple(scenarios))

    def _tags(self, stripped: str, lineno: int) -> list[str]:
        tags = []
        for word in stripped.split():
            if word.startswith("#"):
                break
            if not word.startswith("@") or len(word) == 1:
                raise self._fail(f"expected a tag like @Name, found {word!r}", lineno)
            tags.append(word[1:])
        return tags

    def _step(self, keyword: str, text: str, lineno: int) -> Step:
        docstring: str | None = None
        table: list[tuple[str, ...]] | None = None
        # An argument (doc string or table) follows the step; Gherkin lets comment lines sit anywhere, and the
        # suite has one between a step and its doc string.
        while self._pos < len(self._lines):
            stripped = self._lines[self._pos].strip()
            if stripped.startswith("#"):
                self._pos += 1
                continue
            if stripped.startswith(_DOCSTRING_FENCE) and docstring is None and table is None:
                docstring = self._docstring()
                continue
            if stripped.startswith("|") and docstring is None:
                table = table if table is not None else []
                table.append(self._row(stripped, self._pos + 1))
                self._pos += 1
                continue
            break
        if table is not None:
            widths = {len(row) for row in table}
            if len(widths) > 1:
                raise self._fail("table rows have different numbers of cells", lineno)
        return Step(keyword, text, lineno, docstring, tuple(table) if table is not None else None)

    def _docstring(self) -> str:
        open_line = self._lines[self._pos]
        indent = len(open_line) - len(open_line.lstrip())
        start = self._pos + 1
        self._pos += 1
        body: list[str] = []
        while self._pos < len(self._lines):
            line = self._lines[self._pos]
            self._pos += 1
            if line.strip() == _DOCSTRING_FENCE:
                return "\n".join(body)
            # Gherkin removes the fence's indentation from every line (never more than the line has).
            cut = min(indent, len(line) - len(line.lstrip(" ")))
            body.append(line[cut:].replace('\\"\\"\\"', _DOCSTRING_FENCE))
        raise self._fail('doc string is not closed with """', start)

    def _row(self, stripped: str, lineno: int) -> tuple[str, ...]:
        if not stripped.endswith("|") or len(stripped) < 2:
            raise self._fail("a table row must end with |", lineno)
        cells: list[str] = []
        cell: list[str] = []
        chars = stripped[1:]
        i = 0
        while i < len(chars):
            ch = chars[i]
            if ch == "\\" and i + 1 < len(chars):
                nxt = chars[i + 1]
                cell.append({"|": "|", "\\": "\\", "n": "\n"}.get(nxt, "\\" + nxt))
                i += 2
                continue
            if ch == "|":
                cells.append("".join(cell).strip())
                cell = []
            else:
                cell.append(ch)
            i += 1
        if "".join(cell).strip():
            raise self._fail("a table row must end with |", lineno)
        return tuple(cells)


def _step_keyword(stripped: str) -> str | None:
    for keyword in _STEP_KEYWORDS:
        if stripped.startswith(keyword) and (len(stripped) == len(keyword) or stripped[len(keyword)] == " "):
            return keyword
    return None
