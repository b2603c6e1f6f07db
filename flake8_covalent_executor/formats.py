"""How findings are printed: flake8's default format, JSON, or GitHub Actions annotations."""

from __future__ import annotations

import json
from collections.abc import Sequence

from .results import CheckResult, Reported, location

FORMATS = ("default", "json", "github")


def _default(results: Sequence[CheckResult]) -> str:
    return "".join(
        f"{r.path}:{location(cell, f.line, f.col)}: {f.message}\n"
        for r in results
        for cell, f in r.located()
    )


def json_rows(result: CheckResult) -> list[dict[str, object]]:
    """One file's findings as JSON objects (small: safe to keep for a whole run)."""
    return [
        {
            "filename": result.path,
            **({} if cell is None else {"cell": cell}),
            "line": f.line,
            "column": f.col + 1,
            "code": f.code,
            "message": f.message,
            "fix": f.fix,
        }
        for cell, f in result.located()
    ]


def _json(results: Sequence[CheckResult]) -> str:
    return json.dumps([row for r in results for row in json_rows(r)], indent=2) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github(results: Sequence[CheckResult]) -> str:
    return "".join(_annotation(r.path, cell, f) for r in results for cell, f in r.located())


def _annotation(path: str, cell: int | None, f: Reported) -> str:
    if cell is None:
        where, message = f"line={f.line},col={f.col + 1},", f.message
    else:  # a line= would point into the JSON, not the cell: annotate the file, say where
        where, message = "", f"{location(cell, f.line, f.col)}: {f.message}"
    return (
        f"::error file={_escape_property(path)},{where}title={f.code}::{_escape_data(message)}\n"
    )


def render(results: Sequence[CheckResult], fmt: str) -> str:
    """All findings of ``results`` in the format ``fmt`` (one of FORMATS)."""
    return {"default": _default, "json": _json, "github": _github}[fmt](results)
