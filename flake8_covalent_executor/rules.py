"""The rules catalogue: the one place where codes, messages and fix safety are written."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final


class Applicability(enum.Enum):
    """How a finding may be fixed, as Ruff grades fixes."""

    SAFE = "safe"  # applied by ``fix``
    UNSAFE = "unsafe"  # applied only with ``--unsafe-fixes``
    NEVER = "never"  # left alone, with the reason

    @property
    def fixable(self) -> bool:
        return self is not Applicability.NEVER


# The project's home; pyproject.toml's Project-URLs name the same place.
REPOSITORY: Final = "https://github.com/flake8-covalent-executor/flake8-covalent-executor"


@dataclass(frozen=True)
class Rule:
    """One lint rule: its code, its message template and how its findings are fixed."""

    code: str
    title: str  # its page's heading
    summary: str  # its row in the rule tables
    template: str
    applicabilities: tuple[Applicability, ...]  # what its findings can get, best first
    fix_note: str  # the catalogue's one sentence on fixing it (README table, docs)
    default: bool = True  # on unless selected explicitly

    def message(self, **fields: object) -> str:
        """The message as flake8 prints it: the code, a space, the filled-in template."""
        return f"{self.code} {self.template.format(**fields)}"

    @property
    def url(self) -> str:
        """The rule's page on the project's repository (JSON and SARIF output link to it)."""
        return f"{REPOSITORY}/blob/main/{self.doc}"

    @property
    def doc(self) -> str:
        """The rule's page, relative to the repository's root (it ships inside the package,
        for ``flake8-covalent-executor rule``)."""
        return f"flake8_covalent_executor/rule_docs/{self.code}.md"


_SAFE, _UNSAFE, _NEVER = Applicability.SAFE, Applicability.UNSAFE, Applicability.NEVER

CVX001: Final = Rule(
    code="CVX001",
    title="executor built inline in a Covalent entry point",
    summary="executor built inline in an entry point, where the code runs once per import",
    template=(
        "{executor}() is built inline in {entry}(); create it once at module level "
        "and pass that shared instance"
    ),
    applicabilities=(_SAFE, _NEVER),
    fix_note="safe fix",
)
CVX002: Final = Rule(
    code="CVX002",
    title="executor built inline where the code runs repeatedly",
    summary=(
        "the same inside a function, loop or comprehension: a new executor every call or iteration"
    ),
    template=(
        "{executor}() is built inline in {entry}() inside {where}, a new executor on every "
        "{per}; create it once at module level and pass that shared instance"
    ),
    applicabilities=(_SAFE, _UNSAFE, _NEVER),
    fix_note=(
        "safe in a loop that surely runs (also inside a function); `--unsafe-fixes` "
        "out of a function"
    ),
)
CVX003: Final = Rule(
    code="CVX003",
    title="one executor class built with several configurations in a module",
    summary="one executor class built with several configurations in a module",
    template=(
        "{executor} is built with {count} different configurations in this module "
        "(first at {first_line}); use one executor per compute resource"
    ),
    applicabilities=(_NEVER,),
    fix_note="never",
    default=False,
)

RULES: Final = {rule.code: rule for rule in (CVX001, CVX002, CVX003)}

# Codes that run unless selected explicitly (flake8's extend_default_ignore, as bugbear does).
DEFAULT_IGNORED: Final = tuple(code for code, rule in RULES.items() if not rule.default)
# Rules whose findings ``fix`` may change; the others it never touches.
FIXABLE: Final = frozenset(
    code for code, rule in RULES.items() if any(a.fixable for a in rule.applicabilities)
)
# Rules that need every construction of the module, not only those in keyword lines.
WHOLE_MODULE: Final = frozenset({CVX003.code})


def rules_table(root: str = "") -> str:
    """The table of rules in README.md and docs/index.md, written from the catalogue (a test
    keeps them equal); ``root`` is the path from the page to the repository's root."""
    rows = ["| code | what | on by default | fixed by `fix` |", "|---|---|---|---|"]
    for rule in RULES.values():
        default = "yes" if rule.default else f"no (`--extend-select {rule.code}`)"
        link = f"[{rule.code}]({root}{rule.doc})"
        rows.append(f"| {link} | {rule.summary} | {default} | {rule.fix_note} |")
    return "\n".join(rows) + "\n"
