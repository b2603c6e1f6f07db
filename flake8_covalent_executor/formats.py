"""How findings are printed: flake8's default format, JSON, GitHub Actions annotations, SARIF
2.1.0 (GitHub code scanning) and GitLab's Code Quality JSON (Code Climate, as Ruff writes it).

Each format is a ``Writer``: text for each file as it is checked, then text at the end. The
machine formats keep one small row per finding until the end (memory stays flat otherwise).
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field

from . import __version__
from .results import CheckResult, Reported, location
from .rules import REPOSITORY, RULES

FORMATS = ("default", "json", "github", "sarif", "gitlab")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL = "flake8-covalent-executor"

Row = dict[str, object]


@dataclass(frozen=True)
class Style:
    """How the default format looks: ANSI colours (a terminal), the source line and a caret."""

    color: bool = False
    show_source: bool = False


class Writer:
    """One output format: ``file`` gives the text for one file's findings, ``end`` the rest."""

    def file(self, result: CheckResult) -> str:
        return ""

    def end(self) -> str:
        return ""


# -- default (flake8's) ----------------------------------------------------------------------
_BOLD, _RED_BOLD, _CYAN, _RESET = "\x1b[1m", "\x1b[1;31m", "\x1b[36m", "\x1b[0m"


def paint(text: str, color: str, enabled: bool) -> str:
    return f"{color}{text}{_RESET}" if enabled else text


@dataclass
class DefaultWriter(Writer):
    """``path:line:col: CODE message``, as flake8 prints it; coloured as Ruff colours it."""

    style: Style = field(default_factory=Style)

    def file(self, result: CheckResult) -> str:
        sources = result.sources if self.style.show_source else None
        lines = []
        for index, (cell, f) in enumerate(result.located()):
            lines.append(self._line(result.path, cell, f))
            if sources is not None and index < len(sources):
                lines.append(caret(sources[index], f.col))
        return "".join(lines)

    def _line(self, path: str, cell: int | None, f: Reported) -> str:
        if not self.style.color:
            return f"{path}:{location(cell, f.line, f.col)}: {f.message}\n"
        colon = paint(":", _CYAN, True)
        where = colon.join(location(cell, f.line, f.col).split(":"))
        code, _, text = f.message.partition(" ")
        return (
            f"{paint(path, _BOLD, True)}{colon}{where}{colon} {paint(code, _RED_BOLD, True)} "
            f"{text}\n"
        )


def caret(physical_line: str, col: int) -> str:
    """The line and a caret under column ``col`` (a UTF-8 offset, as the AST counts), as
    flake8's --show-source prints them; tabs before the column are kept, so the caret lines
    up however the terminal expands them."""
    before = physical_line.encode("utf-8")[:col].decode("utf-8", "ignore")
    indent = "".join(c if c.isspace() else " " for c in before)
    return f"{physical_line}{indent}^\n"


# -- json --------------------------------------------------------------------------------------
def json_rows(result: CheckResult) -> list[Row]:
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
            "end_line": f.end_line,
            "end_column": f.end_col + 1,
            "url": RULES[f.code].url,
        }
        for cell, f in result.located()
    ]


@dataclass
class RowsWriter(Writer):
    """A format written as one JSON document at the end, from a small row per finding."""

    rows: list[Row] = field(default_factory=list)

    def file(self, result: CheckResult) -> str:
        self.rows.extend(self.rows_of(result))
        return ""

    def rows_of(self, result: CheckResult) -> list[Row]:
        return json_rows(result)

    def end(self) -> str:
        return json.dumps(self.document(), indent=2) + "\n"

    def document(self) -> object:
        return self.rows


# -- github ------------------------------------------------------------------------------------
def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubWriter(Writer):
    """GitHub Actions workflow commands: an ``::error`` annotation per finding."""

    def file(self, result: CheckResult) -> str:
        return "".join(_annotation(result.path, cell, f) for cell, f in result.located())


def _annotation(path: str, cell: int | None, f: Reported) -> str:
    if cell is None:
        where = (
            f"line={f.line},col={f.char_col + 1},"
            f"endLine={f.end_line},endColumn={f.char_end_col + 1},"
        )
        message = f.message
    else:  # a line= would point into the JSON, not the cell: annotate the file, say where
        where, message = "", f"{location(cell, f.line, f.col)}: {f.message}"
    return (
        f"::error file={_escape_property(path)},{where}title={f.code}::{_escape_data(message)}\n"
    )


# -- paths for sarif and gitlab ---------------------------------------------------------------
def relative_path(path: str, base: str) -> str | None:
    """``path`` relative to the directory ``base``, with forward slashes; None when it is
    not under ``base``."""
    full, root = os.path.abspath(path), os.path.abspath(base)
    try:
        relative = os.path.relpath(full, root)
    except ValueError:  # another drive (Windows)
        return None
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return None
    return relative.replace(os.sep, "/")


def _body(f: Reported) -> str:
    """The message without its leading code."""
    return f.message[len(f.code) + 1 :] if f.message.startswith(f.code + " ") else f.message


# -- sarif -------------------------------------------------------------------------------------
def sarif_uri(path: str) -> str:
    """A relative URI for a file under the current directory, else a ``file:`` URI."""
    relative = relative_path(path, os.curdir)
    if relative is None:
        return pathlib.Path(os.path.abspath(path)).as_uri()
    return urllib.parse.quote(relative)


def _sarif_rule(code: str) -> Row:
    from .pages import page  # importlib.resources: only for SARIF

    rule = RULES[code]
    return {
        "id": code,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.summary},
        "help": {"text": f"{rule.summary}. See {rule.url}", "markdown": page(code)},
        "helpUri": rule.url,
        "defaultConfiguration": {"enabled": rule.default},
    }


_RULE_INDEX = {code: index for index, code in enumerate(RULES)}


def _sarif_result(path: str, cell: int | None, f: Reported) -> Row:
    physical: Row = {"artifactLocation": {"uri": sarif_uri(path)}}
    if cell is None:
        physical["region"] = {
            "startLine": f.line,
            "startColumn": f.char_col + 1,
            "endLine": f.end_line,
            "endColumn": f.char_end_col + 1,
        }
        text = f.message
    else:  # a region would count lines of the notebook's JSON: name the cell in the text
        text = f"{location(cell, f.line, f.col)}: {f.message}"
    return {
        "ruleId": f.code,
        "ruleIndex": _RULE_INDEX[f.code],
        "level": "error",
        "message": {"text": text},
        "locations": [{"physicalLocation": physical}],
    }


class SarifWriter(RowsWriter):
    """One SARIF 2.1.0 log with one run; every rule of the catalogue is in its driver."""

    def rows_of(self, result: CheckResult) -> list[Row]:
        return [_sarif_result(result.path, cell, f) for cell, f in result.located()]

    def document(self) -> object:
        driver = {
            "name": TOOL,
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": REPOSITORY,
            "rules": [_sarif_rule(code) for code in RULES],
        }
        return {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {"driver": driver},
                    "columnKind": "unicodeCodePoints",  # columns count characters
                    "results": self.rows,
                }
            ],
        }


# -- gitlab ------------------------------------------------------------------------------------
@dataclass
class GitlabWriter(RowsWriter):
    """GitLab Code Quality: Code Climate issues, paths relative to ``$CI_PROJECT_DIR`` (else
    the current directory), as Ruff writes them."""

    base: str = field(default_factory=lambda: os.environ.get("CI_PROJECT_DIR") or os.curdir)

    def rows_of(self, result: CheckResult) -> list[Row]:
        path = relative_path(result.path, self.base) or os.path.abspath(result.path)
        seen: dict[str, int] = {}
        rows = []
        for cell, f in result.located():
            seen[f.code] = seen.get(f.code, 0) + 1
            rows.append(_climate_issue(path, cell, f, seen[f.code]))
        return rows


def fingerprint(code: str, path: str, occurrence: int) -> str:
    """Stable across runs and machines, and across edits that move lines (as Ruff's: the
    rule, the path, and which occurrence of the rule in the file it is)."""
    return hashlib.sha256(f"{code}\0{path}\0{occurrence}".encode()).hexdigest()


def _climate_issue(path: str, cell: int | None, f: Reported, occurrence: int) -> Row:
    if cell is None:
        begin = {"line": f.line, "column": f.col + 1}
        end = {"line": f.end_line, "column": f.end_col + 1}
        description = f"{f.code}: {_body(f)}"
    else:  # lines of the notebook's JSON would mislead: the first line, the cell in the text
        begin = end = {"line": 1, "column": 1}
        description = f"{f.code}: {location(cell, f.line, f.col)}: {_body(f)}"
    return {
        "check_name": f.code,
        "description": description,
        "severity": "major",
        "fingerprint": fingerprint(f.code, path, occurrence),
        "location": {"path": path, "positions": {"begin": begin, "end": end}},
    }


def writer(fmt: str, style: Style | None = None) -> Writer:
    """A fresh writer for the format ``fmt`` (one of FORMATS)."""
    if fmt == "default":
        return DefaultWriter(style or Style())
    machine: dict[str, type[Writer]] = {
        "json": RowsWriter,
        "github": GithubWriter,
        "sarif": SarifWriter,
        "gitlab": GitlabWriter,
    }
    return machine[fmt]()


def render(results: Sequence[CheckResult], fmt: str, style: Style | None = None) -> str:
    """All findings of ``results`` in the format ``fmt`` (one of FORMATS)."""
    out = writer(fmt, style)
    return "".join(out.file(result) for result in results) + out.end()
