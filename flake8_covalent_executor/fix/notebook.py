"""``fix`` for a notebook: the same plan, rewrite and checks as for a file, on the virtual module
of its code cells; then the changed cells go back into the notebook's own JSON layout."""

from __future__ import annotations

from typing import Any

from ..analysis import Options
from ..notebook import Notebook, load, virtual_module
from ..results import FixResult, LeftAlone
from ..source import Source, SourceError
from .fixer import fix_module
from .layout import DEFAULT_LINE_LENGTH


def fix_notebook(
    data: bytes,
    filename: str,
    options: Options,
    unsafe: bool,
    line_length: int = DEFAULT_LINE_LENGTH,
) -> FixResult:
    """Compute and verify a notebook's fixed bytes (new bindings laid out to fit in
    ``line_length``). Raises SourceError."""
    notebook = load(data)
    module = virtual_module(notebook, prefilter=options)
    source = Source.from_bytes(module.data)
    fixed = fix_module(
        source, filename, options, unsafe, module.hold, module.reserved, line_length
    )
    located = [(module.locate(finding), reason) for finding, reason in fixed.skipped]
    result = FixResult(
        filename,
        [
            LeftAlone(reported, reason.render(module.name_line))
            for (_, reported), reason in located
        ],
        cells=[cell for (cell, _), _ in located],
        notes=module.notes,
        old=data,
    )
    if fixed.new is None:
        return result
    layout = notebook.layout()
    if layout is None:
        raise SourceError(
            "its JSON layout (indentation, escaping, key order, number format) cannot be "
            "written back byte for byte; not rewritten"
        )
    changed = module.changed_cells(fixed.new)
    new = layout.dumps(notebook.with_sources(changed))
    _verify(notebook, new, changed, fixed.new, options)
    result.new, result.fixed = new, fixed.fixed
    return result


def _verify(
    old: Notebook, new: bytes, changed: dict[int, str], module: bytes, options: Options
) -> None:
    """The new notebook is the old one but for the source of the changed cells, and its code
    cells make exactly the module that was verified."""
    notebook = load(new)
    if _without_sources(notebook.content, changed) != _without_sources(old.content, changed):
        raise SourceError("the fix would change more than the code of its cells; left alone")
    if virtual_module(notebook).data != module:
        raise SourceError("the fixed cells do not read back as the verified code; left alone")


def _without_sources(content: dict[str, Any], cells: dict[int, str]) -> dict[str, Any]:
    return {
        **content,
        "cells": [
            {k: v for k, v in cell.items() if k != "source" or number not in cells}
            for number, cell in enumerate(content.get("cells", []), start=1)
        ],
    }
