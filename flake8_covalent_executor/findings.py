"""What the detector hands every front end: constructions (``Site``) and rule violations
(``Finding``), with their messages kept as templates until they are shown."""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from .rules import Applicability, Rule

# How a line of the analysed module is named in a message: "line 12" in a file; a notebook
# names the cell too ("line 3 of cell_2").
LineNamer = Callable[[int], str]


def plain_line(line: int) -> str:
    return f"line {line}"


@dataclass(frozen=True)
class LineRef:
    """A line of the analysed module named inside a message or a reason."""

    line: int


@dataclass(frozen=True)
class Text:
    """A message or reason: a template, and fields some of which name lines (``LineRef``).

    Rendered only when shown, so a notebook can name its lines by cell without rewriting
    the text."""

    template: str
    fields: Mapping[str, object] = field(default_factory=dict)

    def render(self, name_line: LineNamer = plain_line) -> str:
        values = {
            key: name_line(value.line) if isinstance(value, LineRef) else value
            for key, value in self.fields.items()
        }
        return self.template.format(**values)

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True, eq=False)
class Site:
    """One executor construction, with what the fixer needs to know about it."""

    node: ast.Call
    executor: str  # class name, for messages
    qualname: str  # the callee as it resolves through the imports: one class object
    class_key: str  # one name per class, whatever the import spelling (for CVX003)
    config_key: str  # the arguments, compared as ASTs
    pure: bool  # no calls or other side effects in the arguments
    entry: str | None  # the entry point it is built inline in, as written
    keyword: str | None
    where: str | None  # None where it runs once per import
    per: str
    in_function: bool
    blocking_names: tuple[str, ...]  # names of enclosing scopes or loops the arguments use
    covalent: bool = True  # surely Covalent's (not only by its name): counts for CVX003
    conditional: bool = False  # built only in one branch of a conditional value
    in_task: bool = False  # in the body of a function Covalent decorates
    loop_in_function: bool = False  # in loops that surely run, directly in a function's body
    whole: ast.IfExp | None = None  # ``A() if c else B()``: it moves with this, as a whole

    @property
    def target(self) -> ast.expr:
        """What a fix replaces with a name and binds: the call, or its whole conditional."""
        return self.whole if self.whole is not None else self.node

    @property
    def line(self) -> int:
        return self.node.lineno

    @property
    def col(self) -> int:
        return self.node.col_offset

    @property
    def end_line(self) -> int:
        """Where the whole constructing call ends (its closing parenthesis)."""
        return self.node.end_lineno or self.node.lineno

    @property
    def end_col(self) -> int:
        """Just past the call's closing parenthesis, 0-based, as ``col``."""
        end = self.node.end_col_offset
        return end if end is not None else self.node.col_offset


@dataclass(frozen=True, eq=False)
class Finding:
    """A rule violation at a construction, and how it may be fixed (with why not, if not)."""

    rule: Rule
    site: Site
    text: Text
    applicability: Applicability
    not_fixable_because: Text | None = None
    line: int = 0  # where it is reported; the site's own line unless relocated
    col: int = 0
    end_line: int = 0  # where the constructing call ends (the site's)
    end_col: int = 0

    @classmethod
    def at(
        cls,
        rule: Rule,
        site: Site,
        applicability: Applicability,
        reason: Text | None = None,
        **fields: object,
    ) -> Finding:
        """The finding of ``rule`` at ``site``, its message filled with ``fields``."""
        text = Text(rule.template, fields)
        return cls(
            rule,
            site,
            text,
            applicability,
            reason,
            site.line,
            site.col,
            site.end_line,
            site.end_col,
        )

    @property
    def code(self) -> str:
        return self.rule.code

    @property
    def message(self) -> str:
        return self.render()

    def render(self, name_line: LineNamer = plain_line) -> str:
        """The message as flake8 prints it: the code, a space, the text."""
        return f"{self.code} {self.text.render(name_line)}"

    @property
    def fix(self) -> str | None:
        """ "safe", "unsafe", or None when not fixable (as JSON output shows it)."""
        return self.applicability.value if self.applicability.fixable else None

    def never(self, reason: Text) -> Finding:
        """The same finding, not fixable for ``reason``."""
        return replace(self, applicability=Applicability.NEVER, not_fixable_because=reason)
