"""What ``check`` and ``fix`` give for one file, and the guard that turns any failure into a
one-line reason for that file instead of stopping the run."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

from .findings import Finding, LineNamer, plain_line
from .source import SourceError

Item = TypeVar("Item")
Result = TypeVar("Result", bound="FileResult[Any]")


@dataclass(frozen=True)
class Reported:
    """A finding as a report shows it, without the AST site the fixer needs: a worker process
    sends this back in a tenth of the bytes and the time."""

    code: str
    line: int
    col: int
    message: str
    fix: str | None
    # The end of the whole constructing call: ``span`` lines below ``line`` (kept relative,
    # so that a notebook moving ``line`` into its cell moves the end with it), at ``end_col``.
    span: int = 0
    end_col: int = 0
    # ``col`` and ``end_col`` count UTF-8 bytes, as flake8 and the AST count them; where the
    # line has other characters before them, the same two counted in characters (for SARIF
    # and GitHub, whose columns are characters).
    chars: tuple[int, int] | None = None

    @classmethod
    def of(cls, finding: Finding, name_line: LineNamer = plain_line) -> Reported:
        span = max(finding.end_line - finding.line, 0)
        end_col = finding.end_col if span or finding.end_col > finding.col else finding.col
        message = finding.render(name_line)
        return cls(finding.code, finding.line, finding.col, message, finding.fix, span, end_col)

    @property
    def end_line(self) -> int:
        return self.line + self.span

    @property
    def char_col(self) -> int:
        return self.col if self.chars is None else self.chars[0]

    @property
    def char_end_col(self) -> int:
        return self.end_col if self.chars is None else self.chars[1]

    def counted_in(self, lines: Sequence[str]) -> Reported:
        """This finding with its columns also counted in characters of ``lines`` (the
        module's lines, 1-based by index + 1)."""

        def chars(line: int, col: int) -> int:
            text = lines[line - 1] if 0 < line <= len(lines) else ""
            return len(text.encode("utf-8", "surrogatepass")[:col].decode("utf-8", "ignore"))

        counted = (chars(self.line, self.col), chars(self.end_line, self.end_col))
        return self if counted == (self.col, self.end_col) else replace(self, chars=counted)


@dataclass(frozen=True)
class LeftAlone:
    """A finding ``fix`` left alone, and why (its lines named as the report names them)."""

    finding: Reported
    reason: str


@dataclass
class FileResult(Generic[Item]):
    """One file's items (findings, or sites left alone), or the reason it was not read."""

    path: str
    items: list[Item] = field(default_factory=list)
    error: str | None = None
    cells: list[int] | None = None  # a notebook's: the cell of each item, lines in the cell
    notes: list[str] = field(default_factory=list)  # notebook cells skipped, one line each

    def located(self) -> list[tuple[int | None, Item]]:
        """Each item with its notebook cell (None in a Python file)."""
        cells: Sequence[int | None] = self.cells if self.cells else [None] * len(self.items)
        return list(zip(cells, self.items))


@dataclass
class CheckResult(FileResult[Reported]):
    """What ``check`` found in one file."""

    # With ``--show-source``: the physical line of each finding, as flake8 shows it.
    sources: list[str] | None = None

    @property
    def findings(self) -> list[Reported]:
        return self.items


@dataclass
class FixResult(FileResult[LeftAlone]):
    """What fixing one file gave: its new bytes (None if unchanged) and what was left."""

    old: bytes = b""
    new: bytes | None = None
    fixed: int = 0

    @property
    def skipped(self) -> list[LeftAlone]:
        return self.items


def location(cell: int | None, line: int, col: int) -> str:
    """``line:col`` (col 1-based) as flake8 prints it, ``cell_N:line:col`` in a notebook."""
    return f"{'' if cell is None else f'cell_{cell}:'}{line}:{col + 1}"


def guarded(
    make: Callable[[str, str], Result], display: str, work: Callable[[], Result]
) -> Result:
    """``work()``, or ``make(display, reason)`` when it fails: a file that cannot be read or
    analysed, or a bug of ours, must not stop the other files."""
    try:
        return work()
    except SourceError as error:
        return make(display, str(error))
    except RecursionError:  # nesting that ast accepts but our walks cannot follow
        return make(display, "cannot analyse: too deeply nested")
    except Exception as error:
        return make(display, f"internal error ({type(error).__name__}: {error}); please report it")
