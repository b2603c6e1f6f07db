"""The rules catalogue: the one place where codes, messages and fixability are written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Rule:
    """One lint rule: its code, its message template and whether `fix` handles it."""

    code: str
    summary: str
    template: str
    fix: str  # "safe", "unsafe" (only with --unsafe-fixes) or "never"

    def message(self, **fields: object) -> str:
        """The message as flake8 prints it: the code, a space, the filled-in template."""
        return f"{self.code} {self.template.format(**fields)}"


CVX001: Final = Rule(
    code="CVX001",
    summary="executor built inline in a Covalent entry point",
    template=(
        "{executor}() is built inline in {entry}(); create it once at module level "
        "and pass that shared instance"
    ),
    fix="safe",
)
CVX002: Final = Rule(
    code="CVX002",
    summary="executor built inline in a Covalent entry point that runs repeatedly",
    template=(
        "{executor}() is built inline in {entry}() inside {where}, a new executor on every "
        "{per}; create it once at module level and pass that shared instance"
    ),
    fix="safe in a module-level loop, unsafe in a function",
)
CVX003: Final = Rule(
    code="CVX003",
    summary="one executor class built with several configurations in a module",
    template=(
        "{executor} is built with {count} different configurations in this module "
        "(first at line {first_line}); use one executor per compute resource"
    ),
    fix="never",
)

RULES: Final = {rule.code: rule for rule in (CVX001, CVX002, CVX003)}

# Codes that run unless selected explicitly (flake8's extend_default_ignore, as bugbear does).
DEFAULT_IGNORED: Final = ("CVX003",)
