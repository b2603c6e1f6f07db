"""Applying a plan to a file's bytes: each site's text becomes its name, and each new binding
is inserted just before its anchor statement.

Everything is located by the ``ast`` positions the plan already holds, and edited in the
original bytes, so a file is never re-generated: bytes the fix did not mean to change (encoding,
BOM, line endings, tabs, comments, trailing whitespace) cannot change. ``verify`` then checks
the result on its own terms before anything is written.
"""

from __future__ import annotations

import ast
import codecs
import io
import re
import tokenize
from collections.abc import Sequence

from ..source import Source, SourceError
from .plan import Group, Plan, anchor_statement

_NEWLINE = re.compile(rb"\r\n|\r|\n")  # the only line ends Python knows
_BLANK = re.compile(rb"[ \t\f]*(?:\r\n|\r|\n)?")
_COMMENT = re.compile(rb"[ \t\f]*#")
# Cell markers of percent-format scripts (nbqa, Jupytext, VS Code): a new statement goes
# below the marker of the anchor's cell, never into the cell before it.
_CELL_MARKER = re.compile(rb"[ \t\f]*#\s*(?:%%|In\[)")


class _Lines:
    """A file's bytes with the offset of each line, converting ast positions to offsets."""

    def __init__(self, source: Source) -> None:
        self.data = source.data
        self.encoding = source.encoding
        self.utf8 = codecs.lookup(source.encoding).name in ("utf-8", "utf-8-sig")
        head = len(codecs.BOM_UTF8) if self.data.startswith(codecs.BOM_UTF8) else 0
        self.starts = [head, *(match.end() for match in _NEWLINE.finditer(self.data, head))]
        first = _NEWLINE.search(self.data, head)
        self.newline = first.group() if first else b"\n"

    def line(self, number: int) -> bytes:
        """Line ``number`` (1-based), its end included; b"" past the end."""
        if not 0 < number <= len(self.starts):
            return b""
        end = self.starts[number] if number < len(self.starts) else len(self.data)
        return self.data[self.starts[number - 1] : end]

    def ending(self, number: int) -> bytes:
        """The line end of line ``number``, or the file's first one if it has none."""
        text = self.line(number)
        return text[len(text.rstrip(b"\r\n")) :] or self.newline

    def offset(self, line: int, col: int) -> int:
        """The byte offset of an ast position (columns count UTF-8 bytes of the line)."""
        if not 0 < line <= len(self.starts):
            raise SourceError("a site's position is outside the file; left alone")
        start = self.starts[line - 1]
        if self.utf8:
            return start + col
        text = self.line(line).decode(self.encoding)
        before = text.encode("utf-8")[:col].decode("utf-8")
        return start + len(before.encode(self.encoding))


def _indent_of(lines: _Lines, line: int, col: int | None) -> bytes:
    """The whitespace that starts a statement's first line. With ``col`` (the statement's
    column), raises SourceError unless the statement is the first thing on that line
    (``a = 1; b = f(...)``). A decorated statement has no ``col`` here: ast gives the column
    of its ``def`` line, and its ``@`` line may be indented differently (a form feed)."""
    text = lines.line(line)
    indent = text[: len(text) - len(text.lstrip(b" \t\f"))]
    if col is not None and len(indent) != col:
        raise SourceError("a site's statement shares its line with another; left alone")
    return indent


def _start_line(lines: _Lines, statement: ast.stmt, floor: int) -> int:
    """The first line of a statement: a decorated one starts at its first ``@``, on a line
    below ``floor`` where it is the first thing (a form feed may stand before it)."""
    decorators: Sequence[ast.expr] = getattr(statement, "decorator_list", ())
    if not decorators:
        return statement.lineno
    line = decorators[0].lineno  # a parenthesised decorator may start lines below its ``@``
    while line > floor:
        if lines.line(line).lstrip(b" \t\f").startswith(b"@"):
            return line
        line -= 1
    raise SourceError("cannot find where a decorated statement starts; left alone")


def _gap(lines: _Lines, start: int, floor: int, indent: bytes) -> int:
    """The first of the blank and comment lines just above line ``start``, not above
    ``floor``. A comment indented deeper than the statement ends the block above it, so it
    stays there."""
    line = start
    while line - 1 > floor:
        text = lines.line(line - 1)
        comment = _COMMENT.match(text)
        if comment:
            if _width(text[: len(text) - len(text.lstrip(b" \t\f"))]) > _width(indent):
                break
        elif not _BLANK.fullmatch(text):
            break
        line -= 1
    return line


class _Edits:
    """Replacements of byte ranges, and insertions at offsets, applied in one pass."""

    def __init__(self) -> None:
        self.replace: list[tuple[int, int, bytes]] = []
        self.insert: dict[int, list[bytes]] = {}

    def apply(self, data: bytes) -> bytes:
        spans = sorted(self.replace)
        for (_, end, _), (start, _, _) in zip(spans, spans[1:]):
            if start < end:
                raise SourceError("two sites overlap (one inside the other); left alone")
        pieces: list[bytes] = []
        done = 0
        points = sorted({*self.insert, *(start for start, _, _ in spans)})
        by_start = {start: (end, text) for start, end, text in spans}
        for point in points:
            if point < done:
                raise SourceError("a new binding would go inside a site; left alone")
            pieces.append(data[done:point])
            done = point
            pieces.extend(self.insert.get(point, ()))
            if point in by_start:
                end, text = by_start[point]
                pieces.append(text)
                done = end
        pieces.append(data[done:])
        return b"".join(pieces)


def _binding(lines: _Lines, plan: Plan, group: Group, edits: _Edits, first: bool) -> None:
    """Insert ``name = <the first site's call, as written>`` before the group's anchor."""
    anchor, floor = anchor_statement(plan.tree, plan.chain_of(group), group.anchor_depth)
    start = _start_line(lines, anchor, floor)
    decorated = bool(getattr(anchor, "decorator_list", None))
    indent = _indent_of(lines, start, None if decorated else anchor.col_offset)
    indent = indent[indent.rfind(b"\f") + 1 :]  # a page break stays where it was
    gap = _gap(lines, start, floor, indent)
    # Above a module's first statement stand its shebang and encoding line: leave them first.
    head = start if anchor is plan.tree.body[0] else _after_marker(lines, gap, start)
    blanks = b""
    line = head
    while line < start and _BLANK.fullmatch(lines.line(line)):
        blanks += lines.line(line)
        line += 1
    call = _call_text(lines, group.model.site.target, indent)
    text = indent + group.name.encode("ascii") + b" = " + call + lines.ending(start)
    where = lines.starts[head - 1]
    placed = edits.insert.setdefault(where, [])
    placed.append((blanks if first else b"") + text)


_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_CLOSING = (b")", b"]", b"}")


def _call_text(lines: _Lines, node: ast.expr, indent: bytes) -> bytes:
    """The call as written, for its binding. Over several lines, it moves left with its
    binding (see ``_moved_left``), and it is put in parentheses if it would not parse on
    its own (``executor\\n.SSHExecutor(...)`` breaks a line outside its brackets)."""
    start = lines.offset(node.lineno, node.col_offset)
    end = lines.offset(node.end_lineno or node.lineno, node.end_col_offset or 0)
    call = lines.data[start:end]
    if (node.end_lineno or node.lineno) == node.lineno:
        return call
    text = _moved_left(call, indent, lines.encoding) or call
    try:
        ast.parse("_ = " + text.decode(lines.encoding))
    except (SyntaxError, ValueError, UnicodeDecodeError):
        text = b"(" + text + b")"
    return text


def _moved_left(call: bytes, indent: bytes, encoding: str) -> bytes | None:
    """A call in hanging style (its last line starts with its closing bracket), with every
    line indented like that last line re-indented like its binding. None when it is not in
    that style, or a line of code in it is indented less, or a string in it spans lines
    (its text must not change)."""
    parts = _LINE.findall(call)
    last = parts[-1]
    body = last.lstrip(b" \t")
    base = last[: len(last) - len(body)]
    if not body.startswith(_CLOSING) or base == indent or not base.startswith(indent):
        return None
    if _string_spans_lines(call, encoding):
        return None
    moved = [parts[0]]
    for part in parts[1:]:
        if part.startswith(base):
            moved.append(indent + part[len(base) :])
        elif part.strip(b" \t\f\r\n") and not part.lstrip(b" \t\f").startswith(b"#"):
            return None
        else:
            moved.append(part)  # a blank line, or a comment wherever it stands
    return b"".join(moved)


def _string_spans_lines(call: bytes, encoding: str) -> bool:
    """True when a string token of the call (an f-string: from its start to its end) spans
    lines; also when the call cannot be tokenized on its own."""
    fstring_rows: list[int] = []
    try:
        text = call.decode(encoding)
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.STRING and token.start[0] != token.end[0]:
                return True
            if token.type == _FSTRING_START:
                fstring_rows.append(token.start[0])
            elif token.type == _FSTRING_END and fstring_rows.pop() != token.end[0]:
                return True
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError, IndexError):
        return True
    return False


# Python 3.12 splits f-strings into tokens; before, an f-string is one STRING token.
_FSTRING_START = getattr(tokenize, "FSTRING_START", -1)
_FSTRING_END = getattr(tokenize, "FSTRING_END", -1)


def _width(indent: bytes) -> int:
    """The column an indentation reaches, as Python counts it (a form feed restarts it,
    a tab goes to the next multiple of 8)."""
    return len(indent[indent.rfind(b"\f") + 1 :].expandtabs(8))


def _after_marker(lines: _Lines, gap: int, start: int) -> int:
    """The first line of the gap below its last cell marker (the gap itself if none)."""
    head = gap
    for line in range(gap, start):
        if _CELL_MARKER.match(lines.line(line)):
            head = line + 1
    return head


def apply_plan(source: Source, plan: Plan) -> bytes:
    """The file's new bytes with every group of the plan hoisted. Raises SourceError."""
    lines = _Lines(source)
    edits = _Edits()
    anchors_seen: set[ast.stmt] = set()
    for group in plan.groups:
        name = group.name.encode("ascii")
        for node in dict.fromkeys(finding.site.target for finding in group.findings):
            start = lines.offset(node.lineno, node.col_offset)
            end = lines.offset(node.end_lineno or node.lineno, node.end_col_offset or 0)
            edits.replace.append((start, end, name))
        if not group.reused:
            anchor = plan.anchor_of(group)
            _binding(lines, plan, group, edits, first=anchor not in anchors_seen)
            anchors_seen.add(anchor)
    return edits.apply(lines.data)
