"""Jupyter notebooks: their code cells as one virtual module, and the way back.

The code cells, in order, are joined into one Python module, so names resolve across cells as
they do when the notebook runs top to bottom; each cell starts with a marker line, so a line of
the module maps back to (cell, line in the cell) and a rewritten module splits back into cells.
IPython magics and shell escapes become placeholders that parse. Only the standard library and
the ast side are used here: ``check`` reads notebooks without libcst.
"""

from __future__ import annotations

import ast
import bisect
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from .analysis import Options
from .detector import may_have_findings
from .findings import Finding, Text
from .results import Reported
from .source import SourceError, python_lines

NOTEBOOK_SUFFIX = ".ipynb"
# The first line of the module: cells are JSON text, so the module is UTF-8 whatever a
# coding comment in the first cell says.
_HEADER = "# -*- coding: utf-8 -*-"
_MARKER = "# %% [cvx:cell {}]"
_MARKER_LINE = re.compile(r"# %% \[cvx:cell (\d+)\]\r?\n")
# Cell magics whose body is Python run once in the notebook's namespace: it is checked (the
# cell is never rewritten). Other cell magics (%%bash, %%timeit, %%writefile, ...) are skipped.
PYTHON_CELL_MAGICS = frozenset({"time", "capture"})
# A line IPython treats as a magic, a shell escape or a help request, not as Python.
_ESCAPE = re.compile(r"(?P<indent>[ \t]*)(?:[%!?]|[\w.]+\?{1,2}[ \t]*$)")
_ASSIGNED_ESCAPE = re.compile(
    r"(?P<indent>[ \t]*)(?P<target>[\w.]+(?:[ \t]*,[ \t]*[\w.]+)*)[ \t]*=[ \t]*[%!]"
)
_WORD = re.compile(r"[A-Za-z_]\w*")

Json = dict[str, Any]
Place = tuple[int, int]  # cell number (1-based among all cells), line in the cell


def is_notebook(name: str) -> bool:
    return name.endswith(NOTEBOOK_SUFFIX)


@dataclass(frozen=True)
class Layout:
    """How a notebook's JSON was written, so that it can be written back the same way."""

    indent: int | str | None
    ensure_ascii: bool
    separators: tuple[str, str]
    newline: str
    final_newline: bool

    def dumps(self, content: object) -> bytes:
        text = json.dumps(
            content, indent=self.indent, ensure_ascii=self.ensure_ascii, separators=self.separators
        )
        text = text.replace("\n", self.newline) + (self.newline if self.final_newline else "")
        return text.encode("utf-8")


@dataclass
class Notebook:
    """A notebook file: its bytes and its parsed JSON."""

    data: bytes
    content: Json

    @property
    def cells(self) -> list[Json]:
        return list(self.content.get("cells", []))

    def layout(self) -> Layout | None:
        """The JSON layout that writes this notebook back byte for byte, if there is one."""
        for layout in _candidate_layouts(self.data):
            if layout.dumps(self.content) == self.data:
                return layout
        return None

    def with_sources(self, sources: dict[int, str]) -> Json:
        """A copy with the source of some cells (by 1-based number) replaced; the source
        stays a list of lines or a string, as it was."""
        content = dict(self.content)
        cells = list(self.cells)
        for number, text in sources.items():
            cell = dict(cells[number - 1])
            old = cell["source"]
            cell["source"] = text if isinstance(old, str) else _split_like(text, old)
            cells[number - 1] = cell
        content["cells"] = cells
        return content


def load(data: bytes) -> Notebook:
    """Parse a notebook's bytes. Raises SourceError with a one-line reason."""
    try:
        content = json.loads(data)
    except json.JSONDecodeError as error:
        raise SourceError(
            f"not a notebook: invalid JSON (line {error.lineno}, column {error.colno}): "
            f"{error.msg}"
        ) from None
    except (UnicodeDecodeError, RecursionError, ValueError) as error:
        raise SourceError(
            f"not a notebook: cannot read its JSON ({type(error).__name__})"
        ) from None
    if not isinstance(content, dict):
        raise SourceError("not a notebook: the JSON is not an object")
    version = content.get("nbformat", 4)
    if "worksheets" in content or (isinstance(version, int) and version < 4):
        raise SourceError("nbformat 3 notebooks are not supported; convert it to nbformat 4")
    cells = content.get("cells", [])
    if not isinstance(cells, list):
        raise SourceError("not a notebook: 'cells' is not a list")
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or not _is_source(cell.get("source", "")):
            raise SourceError(f"not a notebook: cell_{number} has no readable source")
    return Notebook(data, content)


def _is_source(value: object) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(line, str) for line in value)
    )


def _candidate_layouts(data: bytes) -> Iterator[Layout]:
    newline = "\r\n" if b"\r\n" in data else "\n"
    final = data.endswith(b"\n")
    match = re.match(rb"[{\[]\r?\n([ \t]*)", data)
    if match is not None:
        unit = match.group(1).decode()  # Jupyter: one space
        indents: list[int | str | None] = [len(unit) if unit.strip(" ") == "" else unit]
        separators = [(",", ": ")]
    else:
        indents, separators = [None], [(", ", ": "), (",", ":")]
    for indent in indents:
        for pair in separators:
            for ascii_only in (False, True):
                yield Layout(indent, ascii_only, pair, newline, final)


def _split_like(text: str, old: list[str]) -> list[str]:
    """``text`` as a list of lines, split the way ``old`` was (Jupyter: after each "\\n")."""
    joined = "".join(old)
    if old == joined.splitlines(keepends=True):
        return text.splitlines(keepends=True)
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def _language(content: Json) -> str:
    """The notebook's language, as its metadata says ("python" if it does not)."""
    metadata = content.get("metadata")
    if not isinstance(metadata, dict):
        return "python"
    for key, field_name in (("language_info", "name"), ("kernelspec", "language")):
        info = metadata.get(key)
        if isinstance(info, dict) and isinstance(info.get(field_name), str):
            return str(info[field_name]).lower().rstrip("0123456789")  # python3
    return "python"


# -- the virtual module ------------------------------------------------------------------------
@dataclass(frozen=True)
class Part:
    """One code cell as it stands in the virtual module."""

    cell: int  # 1-based among all cells, as in ``path:cell_N:line:col``
    text: str  # its source, magic lines replaced by placeholders
    first_line: int  # the line of the module its first line is on
    magic: str | None  # the magic that keeps fix out of this cell, or None


@dataclass
class VirtualModule:
    """The code cells of a notebook, in order, as one Python module."""

    data: bytes = b""
    newline: str = "\n"  # the cells' own (a new line gets the module's first)
    parts: list[Part] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # cells left out, one line each
    reserved: frozenset[str] = frozenset()  # words of cells left out: new names avoid them

    def part_at(self, line: int) -> Part:
        """The cell a line of the module belongs to."""
        index = bisect.bisect_right([p.first_line for p in self.parts], line) - 1
        return self.parts[max(index, 0)]

    def place(self, line: int) -> Place:
        """The cell and the line in that cell of a line of the module."""
        part = self.part_at(line)
        return part.cell, line - part.first_line + 1

    def name_line(self, line: int) -> str:
        """How a message names a line of the module: ``line 3 of cell_2``."""
        cell, in_cell = self.place(line)
        return f"line {in_cell} of cell_{cell}"

    def locate(self, finding: Finding) -> tuple[int, Reported]:
        """The finding's cell, and the finding as reported: its line (and any line its
        message names) counted in its cell."""
        cell, line = self.place(finding.line)
        return cell, replace(Reported.of(finding, self.name_line), line=line)

    def hold(self, finding: Finding) -> Text | None:
        """Why fix must leave this finding alone (its cell has magics), or None."""
        magic = self.part_at(finding.line).magic
        if magic is None:
            return None
        return Text(
            "its cell has IPython magics ({magic}), and fix never rewrites such a cell",
            {"magic": magic},
        )

    def split(self, data: bytes) -> dict[int, str]:
        """A rewritten module back into the text of each cell, by cell number. Raises
        SourceError when its markers are not those of this module."""
        pieces: dict[int, list[str]] = {}
        current: list[str] = []
        lines = python_lines(data.decode("utf-8"))
        if not lines or lines[0] != _HEADER + self.newline:
            raise SourceError("the rewritten cells lost their first line; left alone")
        for line in lines[1:]:
            match = _MARKER_LINE.fullmatch(line)
            if match is not None:
                current = pieces.setdefault(int(match.group(1)), [])
                continue
            current.append(line)
        if list(pieces) != [p.cell for p in self.parts]:
            raise SourceError("the rewritten cells lost a cell marker; left alone")
        return {
            p.cell: _from_module("".join(pieces[p.cell]), p.text, _newline(p.text, self.newline))
            for p in self.parts
        }

    def changed_cells(self, data: bytes) -> dict[int, str]:
        """The new source of each cell a rewritten module changed. Raises SourceError if it
        changed a cell with magics (their placeholders must never reach the notebook)."""
        changed: dict[int, str] = {}
        new = self.split(data)
        for part in self.parts:
            if new[part.cell] == part.text:
                continue
            if part.magic is not None:
                raise SourceError(f"the fix would change cell_{part.cell}, which has magics")
            changed[part.cell] = new[part.cell]
        return changed


def _newline(text: str, default: str) -> str:
    """The first line ending in ``text``, else ``default``."""
    found = re.search(r"\r\n|\r|\n", text)
    return found[0] if found else default


def _to_module(text: str, newline: str) -> str:
    """The cell's text in the module: it ends with a newline."""
    return text if text == "" or text.endswith(("\n", "\r")) else text + newline


def _from_module(text: str, before: str, newline: str) -> str:
    """A cell's text taken back out of the module: the newline _to_module added goes."""
    if _to_module(before, newline) != before and text.endswith(newline):
        return text[: -len(newline)]
    return text


def virtual_module(notebook: Notebook, prefilter: Options | None = None) -> VirtualModule:
    """The notebook's code cells as one module; with ``prefilter``, empty when no cell can hold
    a finding for those options (the text filter every file goes through)."""
    if _language(notebook.content) != "python":
        return VirtualModule()
    code = [
        (number, _text(cell))
        for number, cell in enumerate(notebook.cells, start=1)
        if cell.get("cell_type") == "code"
    ]
    joined = "\n".join(text for _, text in code).encode("utf-8")
    if prefilter and not may_have_findings(joined, prefilter.settings, prefilter.all_rules):
        return VirtualModule()
    first_end = re.search(r"\r\n|\r|\n", "".join(text for _, text in code))
    module = VirtualModule(newline="\r\n" if first_end and first_end[0] == "\r\n" else "\n")
    chunks = [_HEADER + module.newline]
    line = 2  # the line the next cell's marker goes on
    reserved: set[str] = set()
    for number, text in code:
        try:
            python, magic = _python_text(text)
        except _LeftOut as reason:
            reserved.update(_WORD.findall(text))
            if str(reason):
                module.notes.append(f"cell_{number}: skipped: {reason}")
            continue
        ending = _newline(python, module.newline)  # the cell's own: a new line in it takes it
        chunks += [_MARKER.format(number) + module.newline, _to_module(python, ending)]
        module.parts.append(Part(number, python, line + 1, magic))
        line += 1 + len(python_lines(python))
    module.data = "".join(chunks).encode("utf-8")
    module.reserved = frozenset(reserved)
    return module


def _text(cell: Json) -> str:
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


class _LeftOut(Exception):
    """A code cell that is not in the virtual module; the message says why ("" for a cell
    magic that is not Python, left out without a message)."""


def _python_text(text: str) -> tuple[str, str | None]:
    """The cell as Python, magic lines replaced, and the first magic found (None if none).
    Raises _LeftOut."""
    if _parse_problem(text) is None:
        return text, None
    lines = python_lines(text)
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    magic = None
    head = lines[first].strip() if lines else ""
    if head.startswith("%%"):
        name = head[2:].split(maxsplit=1)[0] if head[2:].strip() else ""
        if name not in PYTHON_CELL_MAGICS:
            raise _LeftOut("")
        magic, lines[first] = f"%%{name}", _newline_of(lines[first])
    python, line_magic = _replace_line_magics(lines)
    problem = _parse_problem(python)
    if problem is not None:
        raise _LeftOut(problem)
    return python, magic or line_magic


def _parse_problem(text: str) -> str | None:
    try:
        ast.parse(text)
    except SyntaxError as error:
        where = f" (line {error.lineno})" if error.lineno else ""
        return f"syntax error{where}: {error.msg}"
    except (ValueError, RecursionError, MemoryError) as error:
        return f"cannot parse: {type(error).__name__}"
    return None


def _newline_of(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :]


def _replace_line_magics(lines: list[str]) -> tuple[str, str | None]:
    """Each line magic, shell escape or help request becomes ``pass`` (``target = ...`` for
    ``target = !cmd``) at its indentation; its backslash continuation lines become blank."""
    out: list[str] = []
    found: str | None = None
    continued = False
    for line in lines:
        end = _newline_of(line)
        body = line[: len(line) - len(end)]
        if continued:
            out.append(end)
        elif (assigned := _ASSIGNED_ESCAPE.match(body)) is not None:
            out.append(f"{assigned['indent']}{assigned['target']} = ...{end}")
            found = found or body[assigned.end() - 1 :].split()[0]
        elif (escape := _ESCAPE.match(body)) is not None:
            out.append(f"{escape['indent']}pass{end}")
            found = found or body.split()[0]
        else:
            out.append(line)
            continue
        continued = body.endswith("\\")
    return "".join(out), found
