"""What Covalent's API looks like to the detector: entry points, their keywords, executors."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Final

# Keywords of electron/lattice that take an executor (``backend`` is the deprecated spelling).
WORKFLOW_KEYWORDS: Final = ("executor", "workflow_executor", "backend")
EXECUTOR_KEYWORD: Final = ("executor",)

ENTRY_POINTS: Final[dict[str, tuple[str, ...]]] = {
    "covalent.electron": WORKFLOW_KEYWORDS,
    "covalent.lattice": WORKFLOW_KEYWORDS,
    "covalent._workflow.electron.electron": WORKFLOW_KEYWORDS,
    "covalent._workflow.lattice.lattice": WORKFLOW_KEYWORDS,
    "covalent.Lepton": EXECUTOR_KEYWORD,
    "covalent._workflow.lepton.Lepton": EXECUTOR_KEYWORD,
    "covalent_cloud.service": EXECUTOR_KEYWORD,
}
_LEPTON_HELPERS: Final = ("covalent.leptons.", "covalent._workflow.lepton.")

_EXECUTOR_CLASS_NAME: Final = re.compile(r"[A-Z][A-Za-z0-9_]*Executor")
_PLUGIN_PACKAGE: Final = re.compile(r"covalent_\w+_plugins?$")


def entry_keywords(qualname: str, extra_entry_points: Collection[str]) -> tuple[str, ...]:
    """The executor keywords of the entry point ``qualname`` names, or () if it is none."""
    keywords = ENTRY_POINTS.get(qualname)
    if keywords is not None:
        return keywords
    if qualname in extra_entry_points:
        return WORKFLOW_KEYWORDS
    if qualname.startswith(_LEPTON_HELPERS) and qualname.rpartition(".")[2][:1].islower():
        return EXECUTOR_KEYWORD
    return ()


def is_covalent_origin(qualname: str) -> bool:
    """True for a CapWords name under ``covalent.executor``, a plugin package or Covalent Cloud."""
    package, _, last = qualname.rpartition(".")
    if not last[:1].isupper():
        return False
    top = qualname.partition(".")[0]
    return (
        package.startswith("covalent.executor")
        or _PLUGIN_PACKAGE.match(top) is not None
        or qualname == "covalent_cloud.CloudExecutor"
    )


def looks_like_executor(qualname: str) -> bool:
    """True for a CapWords class name ending in ``Executor``, wherever it comes from."""
    return _EXECUTOR_CLASS_NAME.fullmatch(qualname.rpartition(".")[2]) is not None


def canonical_class(qualname: str) -> str:
    """One name per class: ``covalent.executor.executor_plugins.local.LocalExecutor`` and
    ``covalent.executor.LocalExecutor`` are the same class."""
    if qualname.startswith("covalent.executor."):
        return "covalent.executor." + qualname.rpartition(".")[2]
    return qualname
