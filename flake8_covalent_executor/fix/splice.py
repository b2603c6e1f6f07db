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
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..source import Source, SourceError
from .layout import DEFAULT_LINE_LENGTH
from .plan import Group, Plan, anchor_statement, previous_statement

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
        codec = codecs.lookup(source.encoding).name
        # Slices never hold the BOM (lines start after it): text is encoded and decoded as
        # plain UTF-8, else every new piece would get a BOM of its own.
        self.encoding = "utf-8" if codec == "utf-8-sig" else source.encoding
        self.utf8 = codec in ("utf-8", "utf-8-sig")
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


@dataclass
class _Slot:
    """Where the new bindings before one anchor go: the offset, the blank lines above the
    first and below the last, and each binding's text."""

    where: int
    above: bytes
    below: bytes
    ending: bytes  # the line end of the anchor's first line: the new lines take it
    texts: list[bytes] = field(default_factory=list)

    def text(self) -> bytes:
        return self.above + b"".join(self.texts) + self.below


def _slot(lines: _Lines, plan: Plan, group: Group) -> tuple[_Slot, bytes]:
    """The slot before the group's anchor, and the indentation of its bindings."""
    chain = plan.chain_of(group)
    anchor, floor = anchor_statement(plan.tree, chain, group.anchor_depth)
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
    previous = previous_statement(plan.tree, chain, group.anchor_depth)
    region = (lines.line(number) for number in range(head, start))
    spaced = any(_BLANK.fullmatch(text) for text in region)
    above, below = _blank_lines(
        blanks, spaced, previous, anchor, group.anchor_depth == 0, head > gap, lines.ending(start)
    )
    return _Slot(lines.starts[head - 1], above, below, lines.ending(start)), indent


_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _blank_lines(
    blanks: bytes,
    spaced: bool,
    previous: ast.stmt | None,
    anchor: ast.stmt,
    top_level: bool,
    cell_start: bool,
    ending: bytes,
) -> tuple[bytes, bytes]:
    """The blank lines above and below new bindings, as isort, pycodestyle, black and Ruff
    want them where the code was laid out so before: the blank lines that stood above the
    anchor (``blanks``) are copied above them, except that after a module's imports one
    blank line (Ruff's I001 and isort: one before code that is not a ``def`` or ``class``)
    stands, and that a ``def``/``class``/decorator with no blank line above it (the first
    statement of a block, or of a notebook cell) gets the blank lines E302 and E306 want
    (two at module level, one in a block) below them. At the start of a cell, the blank
    lines of the cell's top stay as they were; at the start of a block, the binding starts
    it (``ruff format`` removes blank lines there but before a ``def``)."""
    above = b"" if previous is None and not top_level else blanks
    after_imports = top_level and isinstance(previous, (ast.Import, ast.ImportFrom))
    if after_imports and (blanks or not cell_start):
        above = ending
    below = b""
    if isinstance(anchor, _DEFINITIONS) and not spaced:
        below = ending * (2 if top_level else 1)
    return above, below


def _binding_text(
    lines: _Lines, group: Group, indent: bytes, ending: bytes, line_length: int
) -> bytes:
    """``name = <the model site's call>``: as written, or laid out as black and ``ruff
    format`` lay it out when it is over ``line_length`` or over several lines (see
    ``_laid_out``)."""
    node = group.model.site.target
    prefix = indent + group.name.encode("ascii") + b" = "
    laid = None
    if group.commented is None and isinstance(node, ast.Call):
        laid = _laid_out(lines, node, prefix, indent, ending, line_length)
    elif group.commented is None and isinstance(node, ast.IfExp):
        laid = _conditional_laid_out(lines, node, prefix, indent, ending, line_length)
    if laid is not None:
        return laid + ending
    return prefix + _call_text(lines, node, indent) + ending


def _laid_out(
    lines: _Lines, node: ast.Call, prefix: bytes, indent: bytes, ending: bytes, length: int
) -> bytes | None:
    """The binding of a call laid out as black and ``ruff format`` lay it out: on one line
    when it fits in ``length`` and has no magic trailing comma; else its arguments on one
    line of their own when they fit there; else one argument a line, each followed by a
    comma. None (keep the call as written) when it is on one line and fits, when it is not
    indented with spaces, or when its callee or an argument spans lines, holds a comment or
    unpacks (``*a``, ``**k``: black adds no comma after those for every target)."""
    try:
        head = prefix.decode(lines.encoding)
        text = _segment(lines, node).decode(lines.encoding)
        func = _segment(lines, node.func).decode(lines.encoding)
    except UnicodeDecodeError:
        return None
    if "\n" not in text and _display_width(head + text) <= length:
        return None
    plain = text.startswith(func) and "\n" not in func and not indent.strip(b" ")
    split = _arguments(text[len(func) :]) if plain else None
    if split is None:
        return None
    parts, magic = split
    newline, outer = ending.decode("ascii"), indent.decode("ascii")
    inner = outer + "    "
    flat = f"{head}{func}({', '.join(parts)})"
    if not magic and _display_width(flat) <= length:
        return flat.encode(lines.encoding)
    if not parts:
        return None
    body = ", ".join(parts)
    if not magic and _display_width(inner + body) <= length:
        laid = f"{head}{func}({newline}{inner}{body}{newline}{outer})"
    else:
        each = "".join(f"{inner}{part},{newline}" for part in parts)
        laid = f"{head}{func}({newline}{each}{outer})"
    return laid.encode(lines.encoding)


def _conditional_laid_out(
    lines: _Lines, node: ast.IfExp, prefix: bytes, indent: bytes, ending: bytes, length: int
) -> bytes | None:
    """A conditional value as black lays it out: on one line when it fits in ``length``, else
    in parentheses, on one line of its own when it fits there, else split before its ``if``
    and its ``else``. None (as written) when it is on one line and fits, cannot be put on
    one line (see ``_flattened``), or is not indented with spaces."""
    try:
        head = prefix.decode(lines.encoding)
        text = _segment(lines, node).decode(lines.encoding)
    except UnicodeDecodeError:
        return None
    several = "\n" in text
    flat = _flattened(text) if several else text
    if flat is None or indent.strip(b" "):
        return None
    if _display_width(head + flat) <= length:
        return (head + flat).encode(lines.encoding) if several else None
    text, parts = flat, _conditional_parts(flat)
    if parts is None:
        return None
    newline, outer = ending.decode("ascii"), indent.decode("ascii")
    inner = outer + "    "
    if _display_width(inner + text) <= length:
        body = f"{inner}{text}{newline}"
    else:
        value, test, other = parts
        body = f"{inner}{value}{newline}{inner}if {test}{newline}{inner}else {other}{newline}"
    return f"{head}({newline}{body}{outer})".encode(lines.encoding)


def _conditional_parts(text: str) -> tuple[str, str, str] | None:
    """``a if c else b`` as its three parts, as written; None when it does not tokenize, or
    holds a comment."""
    depth = 0
    cuts: list[int] = []  # where its ``if`` and its ``else`` start
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                return None
            if token.type == tokenize.OP:  # not the text of an f-string (3.12+)
                depth += (token.string in _OPENING) - (token.string in _CLOSING_TEXT)
            wanted = "if" if not cuts else "else"
            if depth == 0 and token.type == tokenize.NAME and token.string == wanted:
                cuts.append(token.start[1])
                if len(cuts) == 2:
                    break
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    if len(cuts) != 2:
        return None
    first, second = cuts
    return text[:first].strip(), text[first + 2 : second].strip(), text[second + 4 :].strip()


def _segment(lines: _Lines, node: ast.expr) -> bytes:
    """The bytes of ``node`` as written."""
    start = lines.offset(node.lineno, node.col_offset)
    end = lines.offset(node.end_lineno or node.lineno, node.end_col_offset or 0)
    return lines.data[start:end]


def _arguments(text: str) -> tuple[list[str], bool] | None:
    """The arguments of a call's bracketed part (``(a, b=1)``), each as written, and whether
    a comma ends them (black's magic trailing comma). None when an argument spans lines,
    holds a comment, or unpacks, or the text does not tokenize."""
    rows = text.splitlines(keepends=True)
    spans: list[tuple[tuple[int, int], tuple[int, int]] | None] = [None]
    depth = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                return None
            if token.type in _LAYOUT_TOKENS:
                continue
            if token.start[0] != token.end[0]:
                return None  # a string over several lines
            operator = token.type == tokenize.OP  # not the text of an f-string (3.12+)
            if operator:
                depth += (token.string in _OPENING) - (token.string in _CLOSING_TEXT)
            if depth == 0 or (operator and depth == 1 and token.string in _OPENING):
                continue  # the call's own brackets
            if operator and depth == 1 and token.string == ",":
                spans.append(None)
                continue
            first = spans[-1]
            if first is not None and first[0][0] != token.end[0]:
                return None  # an argument over several lines: left as written
            spans[-1] = (first[0] if first else token.start, token.end)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    magic = len(spans) > 1 and spans[-1] is None
    if spans[-1] is None:
        spans.pop()
    if None in spans:
        return None
    parts = [rows[a[0] - 1][a[1] : b[1]] for a, b in (span for span in spans if span)]
    if any(part.startswith("*") for part in parts):
        return None
    return parts, magic


_LAYOUT_TOKENS = frozenset(
    {tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
)
_OPENING = frozenset({"(", "[", "{"})
_CLOSING_TEXT = frozenset({")", "]", "}"})


def _display_width(text: str) -> int:
    """The columns a line takes as black and Ruff count them: wide characters count two."""
    if text.isascii():
        return len(text)
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


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


def apply_plan(source: Source, plan: Plan, line_length: int = DEFAULT_LINE_LENGTH) -> bytes:
    """The file's new bytes with every group of the plan hoisted: each new binding is laid out
    to fit in ``line_length``, and a line the formatter split only because a site made it long
    is joined again (see ``_laid_out`` and ``_joined``). Raises SourceError."""
    lines = _Lines(source)
    edits = _Edits()
    slots: dict[ast.stmt, _Slot] = {}
    by_line: dict[ast.AST, list[tuple[int, int, bytes]]] = {}
    for group in plan.groups:
        name = group.name.encode("ascii")
        for finding in {f.site.target: f for f in group.findings}.values():
            node = finding.site.target
            start = lines.offset(node.lineno, node.col_offset)
            end = lines.offset(node.end_lineno or node.lineno, node.end_col_offset or 0)
            logical = _logical_line(plan, finding.site.node, node)
            by_line.setdefault(logical or node, []).append((start, end, name))
        if not group.reused:
            slot, indent = _slot(lines, plan, group)
            slot = slots.setdefault(plan.anchor_of(group), slot)
            slot.texts.append(_binding_text(lines, group, indent, slot.ending, line_length))
    for logical, spans in by_line.items():
        joined = _joined(lines, logical, spans, line_length)
        edits.replace.extend([joined] if joined else spans)
    for slot in slots.values():
        edits.insert.setdefault(slot.where, []).append(slot.text())
    return edits.apply(lines.data)


def _logical_line(plan: Plan, call: ast.Call, target: ast.expr) -> ast.AST | None:
    """What black formats as one line around a site: the decorator it is in, or its simple
    statement (None in the header of a compound statement)."""
    statement = plan.chains[call].statements[-1]
    decorators: list[ast.expr] = getattr(statement, "decorator_list", [])
    for decorator in decorators:
        if _inside(target, decorator):
            return decorator
    if any(hasattr(statement, name) for name in ("body", "cases")):
        return None
    return statement


def _inside(node: ast.AST, outer: ast.AST) -> bool:
    def position(n: ast.AST, end: bool) -> tuple[int, int]:
        if end:
            return (getattr(n, "end_lineno", 0) or 0, getattr(n, "end_col_offset", 0) or 0)
        return (getattr(n, "lineno", 0), getattr(n, "col_offset", 0))

    return (
        position(outer, False)
        <= position(node, False)
        <= position(node, True)
        <= position(outer, True)
    )


def _joined(
    lines: _Lines, logical: ast.AST, spans: list[tuple[int, int, bytes]], length: int
) -> tuple[int, int, bytes] | None:
    """The whole of a line over several lines, its sites replaced, on one line, when it fits
    in ``length``: black and ``ruff format`` join it so (the site made it long). None when it
    is on one line, or holds a comment, a string over lines, a backslash continuation or a
    magic trailing comma (the formatter keeps those split), or does not fit."""
    first, last = getattr(logical, "lineno", 0), getattr(logical, "end_lineno", 0) or 0
    if not first or first == last:
        return None
    start = lines.offset(first, getattr(logical, "col_offset", 0))
    end = lines.offset(last, getattr(logical, "end_col_offset", 0) or 0)
    pieces, done = [], start
    for span_start, span_end, name in sorted(spans):
        if span_start < done or span_end > end:
            return None
        pieces += [lines.data[done:span_start], name]
        done = span_end
    pieces.append(lines.data[done:end])
    try:
        text = b"".join(pieces).decode(lines.encoding)
        before = lines.data[lines.starts[first - 1] : start].decode(lines.encoding)
        after = lines.line(last)[end - lines.starts[last - 1] :].decode(lines.encoding)
    except UnicodeDecodeError:
        return None
    flat = _flattened(text)
    if flat is None or _display_width(before + flat + after.rstrip("\r\n")) > length:
        return None
    return start, end, flat.encode(lines.encoding)


_BREAK = re.compile(r"[ \t\f]*(?:\r\n|\r|\n)[ \t\f\r\n]*")


def _flattened(text: str) -> str | None:
    """``text`` (code whose line breaks all stand inside brackets) on one line, spaced as
    black spaces it; None when that would change it or the formatter would keep it split."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    if "\\\n" in text or "\\\r" in text:
        return None  # a backslash continuation
    significant = [t for t in tokens if t.type not in _LAYOUT_TOKENS]
    for token, following in zip(significant, [*significant[1:], None]):
        if token.type == tokenize.COMMENT or token.start[0] != token.end[0]:
            return None
        if token.string == "," and following is not None and following.string in _CLOSING_TEXT:
            return None  # a magic trailing comma

    def joint(match: re.Match[str]) -> str:
        previous = text[match.start() - 1] if match.start() else ""
        following = text[match.end()] if match.end() < len(text) else ""
        return "" if previous in "([{" or following in ")]}" else " "

    return _BREAK.sub(joint, text)
